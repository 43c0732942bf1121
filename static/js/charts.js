// Chart.js helpers shared by the pages. Chart.js itself is the vendored UMD build, loaded by
// the page as a classic script before this module (window.Chart). Colours come from
// emotions.js (the one palette), numbers and days from format.js.
import { EMOTIONS, STRESS_COLOUR, emotionColour, emotionLabel, personColour } from "./emotions.js";
import { formatBucket, formatTime, percent } from "./format.js";

// Legends draw each series as a short line in its colour (a dashed or thick line drawn as a
// box would be a blob).
export const LINE_LEGEND = { position: "bottom", labels: { usePointStyle: true, pointStyle: "line", boxWidth: 24 } };
const DAY_TICKS = { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 };
const PERCENT_AXIS = { min: 0, max: 1, ticks: { callback: percent } };

// Printing resizes the page: let the charts follow (Chart.js listens to resizes, not print).
const charts = [];
window.addEventListener("beforeprint", () => charts.forEach((chart) => chart.resize()));
function track(chart) {
  charts.push(chart);
  return chart;
}

// A horizontal bar per emotion: one face's seven probabilities.
export function probabilityBarChart(canvas, probabilities) {
  return track(new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: EMOTIONS.map(emotionLabel),
      datasets: [{
        label: "Probability",
        data: EMOTIONS.map((emotion) => probabilities[emotion] ?? 0),
        backgroundColor: EMOTIONS.map((emotion) => emotionColour(emotion, 0.85)),
      }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      scales: { x: PERCENT_AXIS },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => percent(item.parsed.x) } },
      },
    },
  }));
}

// Mean stress (0..1) of images, and of live sessions and videos where there are any, over every bucket
// in `days` (each bucket's first day, ISO; `bucket` is "day", "week" or "month"): a bucket
// without data is a gap in the line, not a straight segment across it.
export function stressLineChart(canvas, days, points, bucket = "day") {
  const byDate = new Map(points.map((point) => [point.date, point]));
  const line = (label, key, dash) => ({
    label,
    data: days.map((day) => byDate.get(day)?.[key] ?? null),
    spanGaps: false,
    borderColor: STRESS_COLOUR,
    backgroundColor: "rgba(33, 37, 41, 0.08)",
    borderDash: dash,
    borderWidth: 2.5,
    pointRadius: 3,
    fill: false,
    tension: 0.25,
  });
  const datasets = [line("Images", "mean_stress", [])];
  const has = (key) => points.some((point) => point[key] !== null && point[key] !== undefined);
  if (has("live_mean_stress")) datasets.push(line("Live sessions", "live_mean_stress", [6, 4]));
  if (has("video_mean_stress")) datasets.push(line("Videos", "video_mean_stress", [2, 3]));
  return track(new window.Chart(canvas, {
    type: "line",
    data: { labels: days.map((day) => formatBucket(day, bucket)), datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { ticks: DAY_TICKS }, y: PERCENT_AXIS },
      plugins: {
        legend: datasets.length > 1 ? LINE_LEGEND : { display: false },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: mean stress ${percent(item.parsed.y)}` } },
      },
    },
  }));
}

// Per day (or week, or month), the share of analyses each emotion dominated, as stacked bars.
export function emotionSharesChart(canvas, days, shares, bucket = "day") {
  const byDate = new Map(shares.map((day) => [day.date, day.shares]));
  return track(new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: days.map((day) => formatBucket(day, bucket)),
      datasets: EMOTIONS.map((emotion) => ({
        label: emotionLabel(emotion),
        data: days.map((day) => byDate.get(day)?.[emotion] ?? 0),
        backgroundColor: emotionColour(emotion, 0.85),
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, ticks: DAY_TICKS },
        y: { ...PERCENT_AXIS, stacked: true },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${percent(item.parsed.y)}` } },
      },
    },
  }));
}

// Emotion lines and a stress line over time (the live page and a stored live session).
export function timelineChart(canvas, { labels, series, stress, xTitle }) {
  return track(new window.Chart(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [
        ...EMOTIONS.map((emotion) => ({
          label: emotionLabel(emotion), data: series[emotion], pointStyle: "line",
          borderColor: emotionColour(emotion), backgroundColor: emotionColour(emotion),
          borderWidth: 1.5, pointRadius: 0, tension: 0.3, spanGaps: false,
        })),
        {
          label: "Stress", data: stress, pointStyle: "line",
          borderColor: STRESS_COLOUR, backgroundColor: STRESS_COLOUR,
          borderWidth: 3.5, pointRadius: 0, tension: 0.3, spanGaps: false,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { title: { display: Boolean(xTitle), text: xTitle }, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
        y: PERCENT_AXIS,
      },
      plugins: {
        legend: LINE_LEGEND,
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${percent(item.raw)}` } },
      },
    },
  }));
}

// One stress line per person over a moving window of real time: points are {x: epoch ms, y};
// the caller moves the window (setPeopleWindow) and adds people (personDataset).
// formatX writes an x value (default: epoch ms as a clock time).
export function peopleStressChart(canvas, { formatX = (value) => formatTime(new Date(value)), xTitle = "" } = {}) {
  return track(new window.Chart(canvas, {
    type: "line",
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: { type: "linear", title: { display: Boolean(xTitle), text: xTitle }, ticks: { maxTicksLimit: 7, maxRotation: 0, callback: formatX } },
        y: PERCENT_AXIS,
      },
      plugins: {
        legend: LINE_LEGEND,
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? formatX(items[0].parsed.x) : ""),
            label: (item) => `${item.dataset.label}: ${percent(item.parsed.y)}`,
          },
        },
      },
    },
  }));
}

export function personDataset(person, points = []) {
  return {
    label: `Person ${person}`, person, data: points, pointStyle: "line",
    borderColor: personColour(person), backgroundColor: personColour(person),
    borderWidth: 2.5, pointRadius: 0, tension: 0.3, spanGaps: false,
  };
}

export function setPeopleWindow(chart, startMs, endMs) {
  chart.options.scales.x.min = startMs;
  chart.options.scales.x.max = endMs;
}
