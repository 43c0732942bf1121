// The one way the scripts write stress, probabilities, times and days (the templates use
// detection/templatetags/presentation.py and the same formats).

// Stress and probabilities as whole percentages: "61%".
export const percent = (value) => (value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`);

// Times are 24-hour everywhere ("14:03:07"), as on the server-rendered pages.
const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
export const formatTime = (date) => timeFormat.format(date);

// Days on chart axes: "Mon 3 Mar" (an ISO date in, read as a calendar day, not UTC midnight).
const dayFormat = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" });
export function formatDay(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return dayFormat.format(new Date(year, month - 1, day));
}

// A chart bucket's label from its first day: "Mon 3 Mar", "Week of 3 Mar", "Mar 2026".
const monthFormat = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric" });
const weekFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" });
export function formatBucket(isoDate, bucket) {
  if (bucket === "day") return formatDay(isoDate);
  const [year, month, day] = isoDate.split("-").map(Number);
  const date = new Date(year, month - 1, day);
  return bucket === "month" ? monthFormat.format(date) : `Week of ${weekFormat.format(date)}`;
}
