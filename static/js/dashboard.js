// The dashboard: the last seven days' mean stress.
import { stressLineChart } from "./charts.js";

const data = JSON.parse(document.getElementById("dashboard-data").textContent);
stressLineChart(document.getElementById("dashboard-trend"), data.days, data.stress);
