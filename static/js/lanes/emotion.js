// The emotion lane: one smooth curve across the stages, with a zero line and
// score markers. Drawn as SVG in pixel units of the grid (columns have a fixed width).

const NS = "http://www.w3.org/2000/svg";
const FACES = { "-3": "😣", "-2": "🙁", "-1": "😕", "0": "😐", "1": "🙂", "2": "😊", "3": "😄" };

function svg(tag, attrs = {}) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

// Catmull-Rom through the points, as cubic Béziers: smooth, and passes every point.
export function smoothPath(points) {
  if (points.length === 0) return "";
  if (points.length === 1) return `M${points[0][0]},${points[0][1]}`;
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[i - 1] || points[i];
    const p1 = points[i];
    const p2 = points[i + 1];
    const p3 = points[i + 2] || p2;
    const t = 0.18;
    const c1 = [p1[0] + (p2[0] - p0[0]) * t, p1[1] + (p2[1] - p0[1]) * t];
    const c2 = [p2[0] - (p3[0] - p1[0]) * t, p2[1] - (p3[1] - p1[1]) * t];
    d += ` C${c1[0].toFixed(1)},${c1[1].toFixed(1)} ${c2[0].toFixed(1)},${c2[1].toFixed(1)} ${p2[0]},${p2[1]}`;
  }
  return d;
}

export function scoreColor(score) {
  if (score >= 2) return "#059669";
  if (score === 1) return "#65a30d";
  if (score === 0) return "#64748b";
  if (score === -1) return "#d97706";
  return "#dc2626";
}

/**
 * Draw the curves of one emotion lane.
 * stages: sorted stages; emotions: all emotion points; personas: linked personas;
 * colWidth, height in px.
 */
export function drawEmotionCurve(host, { stages, emotions, personas, colWidth, height }) {
  const width = stages.length * colWidth;
  const pad = 26;
  const y = (score) => pad + ((3 - score) / 6) * (height - 2 * pad);
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "emotion-svg", "aria-hidden": "true" });
  const defs = svg("defs");
  const grad = svg("linearGradient", { id: "emotion-fill", x1: "0", x2: "0", y1: "0", y2: "1" });
  grad.append(svg("stop", { offset: "0%", "stop-color": "#10b981", "stop-opacity": "0.16" }));
  grad.append(svg("stop", { offset: "50%", "stop-color": "#10b981", "stop-opacity": "0" }));
  grad.append(svg("stop", { offset: "50%", "stop-color": "#ef4444", "stop-opacity": "0" }));
  grad.append(svg("stop", { offset: "100%", "stop-color": "#ef4444", "stop-opacity": "0.16" }));
  defs.append(grad);
  root.append(defs);
  // Guides: +3 / -3 faint, the zero line stronger.
  for (const s of [3, -3]) {
    root.append(svg("line", { x1: 0, x2: width, y1: y(s), y2: y(s), class: "emotion-guide" }));
  }
  root.append(svg("line", { x1: 0, x2: width, y1: y(0), y2: y(0), class: "emotion-zero" }));
  const stageIndex = new Map(stages.map((s, i) => [s.id, i]));
  const series = new Map();
  for (const point of emotions) {
    if (!stageIndex.has(point.stage)) continue;
    const key = point.persona || "";
    if (!series.has(key)) series.set(key, []);
    series.get(key).push(point);
  }
  const personaColor = new Map((personas || []).map((p) => [p.id, p.color]));
  for (const [persona, points] of series) {
    points.sort((a, b) => stageIndex.get(a.stage) - stageIndex.get(b.stage));
    const xy = points.map((p) => [stageIndex.get(p.stage) * colWidth + colWidth / 2, y(p.score)]);
    const color = persona ? personaColor.get(persona) || "#4338ca" : "#4338ca";
    if (xy.length > 1) {
      const area = `${smoothPath(xy)} L${xy[xy.length - 1][0]},${y(0)} L${xy[0][0]},${y(0)} Z`;
      if (!persona) root.append(svg("path", { d: area, fill: "url(#emotion-fill)", class: "emotion-area" }));
      root.append(svg("path", { d: smoothPath(xy), class: "emotion-line", stroke: color }));
    }
    points.forEach((p, i) => {
      const g = svg("g", { class: "emotion-point", transform: `translate(${xy[i][0]},${xy[i][1]})` });
      g.append(svg("circle", { r: 13, fill: "#fff", stroke: scoreColor(p.score), "stroke-width": 2.5 }));
      const label = svg("text", { "text-anchor": "middle", "dominant-baseline": "central", class: "emotion-score", fill: scoreColor(p.score) });
      label.textContent = p.score > 0 ? `+${p.score}` : String(p.score);
      g.append(label);
      root.append(g);
    });
  }
  host.replaceChildren(root);
}

export { FACES };
