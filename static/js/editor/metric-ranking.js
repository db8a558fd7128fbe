// The Priorities view's "By metric" order: the touchpoints that have a value for
// the chosen metric, ranked by their latest value (read from the document: each
// touchpoint's latest readings are its `metrics` field, written with the series).

import { metricLabel } from "../ui/panel-metrics.js";

export { metricLabel };

const BUILTIN_ORDER = ["csat", "nps", "ces", "volume_share", "volume_count"];
// Satisfaction and effort: the worst first is what to fix first; volumes: the largest.
const LOWEST_FIRST = new Set(["csat", "nps", "ces"]);

// The metric keys some live touchpoint has a reading for: built-ins first, then the rest by name.
export function metricKeys(doc) {
  const keys = new Set();
  for (const tp of doc.touchpoints || []) for (const key of Object.keys(tp.metrics || {})) keys.add(key);
  const rank = (k) => (BUILTIN_ORDER.includes(k) ? BUILTIN_ORDER.indexOf(k) : BUILTIN_ORDER.length);
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function defaultLowestFirst(key) {
  return LOWEST_FIRST.has(key);
}

// [{rank, touchpoint, value, period}]: ties share a rank; stage order breaks them.
export function rankByMetric(doc, key, lowestFirst) {
  const stageOrder = new Map((doc.stages || []).map((st, i) => [st.id, i]));
  const rows = (doc.touchpoints || [])
    .filter((tp) => stageOrder.has(tp.stage) && tp.metrics && tp.metrics[key])
    .map((tp) => ({ touchpoint: tp, value: tp.metrics[key].value, period: tp.metrics[key].period }));
  rows.sort((a, b) => (lowestFirst ? a.value - b.value : b.value - a.value)
    || stageOrder.get(a.touchpoint.stage) - stageOrder.get(b.touchpoint.stage));
  let rank = 0;
  let previous = null;
  rows.forEach((row, index) => {
    if (row.value !== previous) rank = index + 1;
    previous = row.value;
    row.rank = rank;
  });
  return rows;
}
