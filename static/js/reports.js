// The reports page: daily mean stress and the daily share of each dominant emotion.
import { emotionSharesChart, stressLineChart } from "./charts.js";

const data = JSON.parse(document.getElementById("report-data").textContent);
stressLineChart(document.getElementById("stress-chart"), data.days, data.stress);
emotionSharesChart(document.getElementById("shares-chart"), data.days, data.shares);
