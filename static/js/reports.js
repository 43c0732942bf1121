// The reports page: mean stress (images, live sessions and videos) and the share of each dominant
// emotion per day, week or month, and the print button (print.css lays the page out for paper or PDF).
import { emotionSharesChart, stressLineChart } from "./charts.js";

document.getElementById("print-report")?.addEventListener("click", () => window.print());

const source = document.getElementById("report-data");
if (source) {
  const data = JSON.parse(source.textContent);
  stressLineChart(document.getElementById("stress-chart"), data.days, data.stress, data.bucket);
  emotionSharesChart(document.getElementById("shares-chart"), data.days, data.shares, data.bucket);
}
