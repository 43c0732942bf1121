// A stored live session's timeline: per second, the share of analysed frames each emotion led,
// and the mean stress. Data from the page's "live-session-data" script.
import { timelineChart } from "./charts.js";
import { EMOTIONS } from "./emotions.js";

const canvas = document.getElementById("live-session-chart");
if (canvas) {
  const { timeline } = JSON.parse(document.getElementById("live-session-data").textContent);
  const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  timelineChart(canvas, {
    labels: timeline.map((point) => clock(point.t)),
    series: Object.fromEntries(EMOTIONS.map((emotion) => [emotion, timeline.map((point) => point.shares[emotion] ?? null)])),
    stress: timeline.map((point) => point.stress),
    xTitle: "minutes:seconds into the session",
  });
}
