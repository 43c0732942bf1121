// Chart.js helpers shared by the pages. Chart.js itself is the vendored UMD build, loaded by
// the page as a classic script before this module (window.Chart).
import { EMOTIONS, emotionColour, emotionLabel } from "./emotions.js";

const percent = (value) => `${Math.round(value * 100)}%`;

// A horizontal bar per emotion: one face's seven probabilities.
export function probabilityBarChart(canvas, probabilities) {
  return new window.Chart(canvas, {
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
      scales: { x: { min: 0, max: 1, ticks: { callback: percent } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => percent(item.parsed.x) } },
      },
    },
  });
}

// Daily mean stress (0..1) as a line over every day in `days` (gaps where there was no data).
export function stressLineChart(canvas, days, points) {
  const byDate = new Map(points.map((point) => [point.date, point.mean_stress]));
  return new window.Chart(canvas, {
    type: "line",
    data: {
      labels: days,
      datasets: [{
        label: "Mean stress",
        data: days.map((day) => byDate.get(day) ?? null),
        spanGaps: true,
        borderColor: emotionColour("angry"),
        backgroundColor: emotionColour("angry", 0.15),
        fill: true,
        tension: 0.25,
      }],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 1 } },
      plugins: { legend: { display: false } },
    },
  });
}

// Per day, the share of analyses each emotion dominated, as stacked bars.
export function emotionSharesChart(canvas, days, shares) {
  const byDate = new Map(shares.map((day) => [day.date, day.shares]));
  return new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: days,
      datasets: EMOTIONS.map((emotion) => ({
        label: emotionLabel(emotion),
        data: days.map((day) => byDate.get(day)?.[emotion] ?? 0),
        backgroundColor: emotionColour(emotion, 0.85),
      })),
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, min: 0, max: 1, ticks: { callback: percent } },
      },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${percent(item.parsed.y)}` } } },
    },
  });
}
