// A stored live session's timeline: stress and the share of each emotion, one point per
// second (or coarser for long sessions). Data from the page's "live-session-data" script.
(() => {
  "use strict";

  const canvas = document.getElementById("live-session-chart");
  if (!canvas) return;
  const { emotions, timeline } = JSON.parse(document.getElementById("live-session-data").textContent);
  const COLORS = {
    angry: "#dc3545", disgust: "#6f42c1", fear: "#fd7e14", happy: "#198754",
    neutral: "#6c757d", sad: "#0d6efd", surprise: "#d63384",
  };
  const percent = (value) => `${Math.round(value * 100)}%`;
  const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

  new Chart(canvas, {
    type: "line",
    data: {
      labels: timeline.map((point) => clock(point.t)),
      datasets: [
        ...emotions.map((label) => ({
          label, data: timeline.map((point) => point.shares[label]),
          borderColor: COLORS[label], backgroundColor: COLORS[label], borderWidth: 1.5, pointRadius: 0, tension: 0.3,
        })),
        {
          label: "stress", data: timeline.map((point) => point.stress),
          borderColor: "#212529", backgroundColor: "#212529", borderWidth: 3, borderDash: [6, 4], pointRadius: 0, tension: 0.3,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { title: { display: true, text: "minutes:seconds" }, ticks: { maxTicksLimit: 10 } },
        y: { min: 0, max: 1, ticks: { callback: (value) => percent(value) } },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${percent(item.raw)}` } },
      },
    },
  });
})();
