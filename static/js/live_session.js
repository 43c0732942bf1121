// A stored live session's timelines: per second, the share of analysed frames each emotion led
// and the mean stress; and each person's mean stress. Data from the page's "live-session-data" script.
import { peopleStressChart, personDataset, timelineChart } from "./charts.js";
import { EMOTIONS } from "./emotions.js";

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds) % 60).padStart(2, "0")}`;
const data = JSON.parse(document.getElementById("live-session-data").textContent);

const canvas = document.getElementById("live-session-chart");
if (canvas) {
  const { timeline } = data;
  timelineChart(canvas, {
    labels: timeline.map((point) => clock(point.t)),
    series: Object.fromEntries(EMOTIONS.map((emotion) => [emotion, timeline.map((point) => point.shares[emotion] ?? null)])),
    stress: timeline.map((point) => point.stress),
    xTitle: "minutes:seconds into the session",
  });
}

// One stress line per person, against seconds into the session; a missing second is a gap.
const peopleCanvas = document.getElementById("live-session-people-chart");
if (peopleCanvas) {
  const chart = peopleStressChart(peopleCanvas, { formatX: clock, xTitle: "minutes:seconds into the session" });
  // Points are a second apart (longer in long sessions): a larger step is time out of view.
  const steps = data.people.flatMap(({ timeline }) => timeline.slice(1).map((point, index) => point.t - timeline[index].t));
  const step = steps.length ? Math.min(...steps) : 1;
  chart.data.datasets = data.people.map(({ person, timeline }) => {
    const points = [];
    timeline.forEach((point, index) => {
      const previous = timeline[index - 1];
      if (previous && point.t - previous.t > step) points.push({ x: previous.t + step, y: null });
      points.push({ x: point.t, y: point.stress });
    });
    return personDataset(person, points);
  });
  chart.update("none");
}
