// The video result page: while the job runs, poll its progress (percent, time left) and offer
// Cancel; once stored results exist, draw each face's box and person number over the player in
// sync with playback (on a canvas, from the stored results), one stress line per person and an
// emotion timeline; a click on either chart seeks the video. A sample that does not count
// (ml.headline: the detector or the classifier is unsure) is drawn dashed and left out of the charts.
import { EMOTIONS, emotionColour, emotionLabel } from "./emotions.js";
import { LINE_LEGEND } from "./charts.js";
import { percent } from "./format.js";

const POLL_MS = 1000;
// People's colours are Bootstrap's (its CSS variables), so no colour is defined here; a box's
// label names the person's dominant emotion in words.
const PERSON_COLOURS = ["blue", "pink", "green", "orange", "purple", "teal", "red", "gray"];
const personColour = (person) => {
  const name = PERSON_COLOURS[(person - 1) % PERSON_COLOURS.length];
  return getComputedStyle(document.documentElement).getPropertyValue(`--bs-${name}`).trim() || "gray";
};

const page = document.getElementById("video-page");
const player = document.getElementById("video-player");
const overlay = document.getElementById("video-overlay");
let timeline = null;

function formatSeconds(seconds) {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;
}

function showProgress(status) {
  const bar = document.getElementById("video-progress-bar");
  const label = document.getElementById("video-progress-label");
  const detail = document.getElementById("video-progress-detail");
  if (!bar) return;
  bar.style.width = `${status.percent}%`;
  bar.dataset.percent = status.percent;
  label.textContent = status.status === "processing" ? "Analysing the video…" : "Waiting for a worker…";
  const left = status.seconds_left === null ? "" : `, about ${formatSeconds(status.seconds_left)} left`;
  detail.textContent = `${status.percent} % done${left}`;
}

async function pollUntilFinished() {
  if (page.dataset.finished === "true") return;
  try {
    const response = await fetch(page.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const status = await response.json();
      if (status.is_finished) {
        window.location.reload();
        return;
      }
      showProgress(status);
    }
  } catch {
    // A network hiccup: try again at the next tick.
  }
  window.setTimeout(pollUntilFinished, POLL_MS);
}

function wireCancel() {
  const form = document.getElementById("video-cancel-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
    window.location.reload();
  });
}

// The stored sample nearest to the player's time (within one sampling interval).
function frameAt(seconds) {
  const frames = timeline.frames;
  let low = 0;
  let high = frames.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (frames[middle].t <= seconds) low = middle;
    else high = middle - 1;
  }
  const frame = frames[low];
  return frame && seconds - frame.t <= timeline.interval * 1.5 && seconds >= frame.t - timeline.interval ? frame : null;
}

function drawOverlay() {
  const width = player.clientWidth;
  const height = player.clientHeight;
  if (overlay.width !== width || overlay.height !== height) {
    overlay.width = width;
    overlay.height = height;
  }
  const context = overlay.getContext("2d");
  context.clearRect(0, 0, width, height);
  const frame = timeline && timeline.width ? frameAt(player.currentTime) : null;
  overlay.dataset.faces = frame ? frame.faces.length : 0;
  if (!frame) return;
  // The picture fills the element's width; the boxes are in the analysed copy's pixels.
  const scale = width / timeline.width;
  const top = (height - timeline.height * scale) / 2;
  for (const [person, x, y, w, h, dominant, stress, counts] of frame.faces) {
    const colour = personColour(person);
    context.strokeStyle = colour;
    context.lineWidth = 3;
    // A face the detector or the classifier is unsure of is shown, dashed, but decides nothing.
    context.setLineDash(counts ? [] : [6, 4]);
    context.strokeRect(x * scale, top + y * scale, w * scale, h * scale);
    context.setLineDash([]);
    const label = counts ? `${person} · ${dominant} · ${percent(stress)}` : `${person} · uncertain (${dominant}?)`;
    context.font = "bold 14px system-ui, sans-serif";
    const labelWidth = context.measureText(label).width + 8;
    context.fillStyle = colour;
    context.fillRect(x * scale, Math.max(0, top + y * scale - 20), labelWidth, 20);
    context.fillStyle = "#fff";
    context.fillText(label, x * scale + 4, Math.max(14, top + y * scale - 5));
  }
}

function drawLoop() {
  drawOverlay();
  if (!player.paused && !player.ended) window.requestAnimationFrame(drawLoop);
}

// Chart.js calls this with the chart as its third argument; event.x is in the canvas' pixels.
function seekOnClick(event, elements, chart) {
  {
    const seconds = chart.scales.x.getValueForPixel(event.x);
    if (Number.isFinite(seconds)) {
      player.currentTime = Math.max(0, Math.min(seconds, timeline.duration || seconds));
      drawOverlay();
    }
  }
}

function persons() {
  return [...new Set(timeline.frames.flatMap((frame) => frame.faces.map((face) => face[0])))].sort((a, b) => a - b);
}

function timeAxis() {
  return { type: "linear", min: 0, max: timeline.duration || undefined, title: { display: true, text: "seconds" } };
}

function drawCharts() {
  if (!window.Chart || !timeline.frames.length) return;
  const people = persons();
  const stressCanvas = document.getElementById("video-stress-chart");
  new window.Chart(stressCanvas, {
    type: "line",
    data: {
      datasets: people.map((person) => ({
        label: `Person ${person}`,
        data: timeline.frames.flatMap((frame) =>
          frame.faces.filter((face) => face[0] === person && face[7]).map((face) => ({ x: frame.t, y: face[6] }))),
        borderColor: personColour(person),
        backgroundColor: personColour(person),
        pointRadius: 0,
        borderWidth: 2,
        spanGaps: timeline.interval * 3,
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      scales: { x: timeAxis(), y: { min: 0, max: 1, ticks: { callback: percent }, title: { display: true, text: "stress" } } },
      plugins: { legend: LINE_LEGEND },
      onClick: seekOnClick,
    },
  });
  stressCanvas.dataset.people = people.length;

  // One row per person, each sample coloured by its dominant emotion.
  const emotionCanvas = document.getElementById("video-emotion-chart");
  new window.Chart(emotionCanvas, {
    type: "scatter",
    data: {
      datasets: EMOTIONS.map((emotion) => ({
        label: emotionLabel(emotion),
        data: timeline.frames.flatMap((frame) =>
          frame.faces.filter((face) => face[5] === emotion && face[7]).map((face) => ({ x: frame.t, y: face[0] }))),
        backgroundColor: emotionColour(emotion, 0.9),
        pointStyle: "rect",
        pointRadius: 5,
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      scales: {
        x: timeAxis(),
        y: {
          reverse: true,
          min: 0,
          max: people.length + 1,
          ticks: { stepSize: 1, callback: (value) => (value >= 1 && value <= people.length ? `Person ${value}` : "") },
        },
      },
      plugins: { legend: { position: "bottom" } },
      onClick: seekOnClick,
    },
  });
}

async function loadTimeline() {
  const response = await fetch(page.dataset.timelineUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  timeline = await response.json();
  page.dataset.timelineFrames = timeline.frames.length;
  drawCharts();
  drawOverlay();
}

player.addEventListener("play", () => window.requestAnimationFrame(drawLoop));
for (const event of ["seeked", "timeupdate", "loadedmetadata", "pause"]) player.addEventListener(event, drawOverlay);
window.addEventListener("resize", drawOverlay);
wireCancel();
pollUntilFinished();
loadTimeline();
