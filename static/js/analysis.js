// The result page: draw each face's probability chart, and while the analysis is pending,
// poll its status and reload the page once it is finished.
import { probabilityBarChart } from "./charts.js";

const POLL_START_MS = 1000;
const POLL_MAX_MS = 5000;

function drawFaceCharts() {
  const data = document.getElementById("faces-data");
  if (!data || !window.Chart) return;
  for (const face of JSON.parse(data.textContent)) {
    const canvas = document.querySelector(`canvas[data-face-chart="${face.index}"]`);
    if (canvas) probabilityBarChart(canvas, face.probabilities);
  }
}

function showStatus(progress, status) {
  const label = document.getElementById("analysis-progress-label");
  const bar = document.getElementById("analysis-progress-bar");
  if (status === "processing") {
    label.textContent = "Analysing the faces…";
    bar.style.width = "66%";
  } else if (status === "pending") {
    label.textContent = "Waiting for a worker…";
    bar.style.width = "33%";
  }
  progress.dataset.status = status;
}

function pollUntilFinished() {
  const progress = document.getElementById("analysis-progress");
  if (!progress) return;
  let delay = POLL_START_MS;
  const poll = async () => {
    try {
      const response = await fetch(progress.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        if (status.is_finished) {
          window.location.reload();
          return;
        }
        showStatus(progress, status.status);
      }
    } catch {
      // A network hiccup: try again at the next tick.
    }
    delay = Math.min(delay * 1.5, POLL_MAX_MS);
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
}

drawFaceCharts();
pollUntilFinished();
