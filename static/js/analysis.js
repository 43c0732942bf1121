// The result page: draw each face's probability chart and its cut-out, switch between the
// marked and the original image, and while the analysis is pending, poll its status and reload
// the page once it is finished.
import { probabilityBarChart } from "./charts.js";

const POLL_START_MS = 1000;
const POLL_MAX_MS = 5000;

function drawFaceCharts() {
  const data = document.getElementById("faces-data");
  if (!data || !window.Chart) return;
  for (const face of JSON.parse(data.textContent)) {
    const canvas = document.querySelector(`canvas[data-face-chart="${face.number}"]`);
    if (canvas) probabilityBarChart(canvas, face.probabilities);
  }
}

// Each face card shows its face cut out of the image: a scaled background (set here, not in
// the markup, which carries no inline styles).
function drawFaceCrops() {
  for (const crop of document.querySelectorAll(".face-crop[data-src]")) {
    const { src, width, height, x, y } = crop.dataset;
    crop.style.backgroundImage = `url("${src}")`;
    crop.style.backgroundSize = `${width}px ${height}px`;
    crop.style.backgroundPosition = `-${x}px -${y}px`;
  }
}

function wireImageSwitch() {
  const image = document.getElementById("analysis-image");
  const fullSize = document.getElementById("open-full-size");
  const buttons = document.querySelectorAll("[data-show-image]");
  for (const button of buttons) {
    button.addEventListener("click", () => {
      const kind = button.dataset.showImage;
      image.src = image.dataset[`${kind}Src`];
      fullSize.href = image.src;
      for (const other of buttons) {
        const active = other === button;
        other.classList.toggle("active", active);
        other.setAttribute("aria-pressed", String(active));
      }
    });
  }
  if (fullSize && image) fullSize.href = image.src;
}

function showStatus(progress, status) {
  const label = document.getElementById("analysis-progress-label");
  const bar = document.getElementById("analysis-progress-bar");
  if (status === "processing") {
    label.textContent = "Analysing the faces…";
    bar.classList.replace("w-25", "w-75");
  } else if (status === "pending") {
    label.textContent = "Waiting for a worker…";
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
drawFaceCrops();
wireImageSwitch();
pollUntilFinished();
