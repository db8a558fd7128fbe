// The emotion lane: one smooth curve per persona across the stages (the shared
// curve when no persona is chosen), a zero line, and score markers that editors
// drag up and down. Drawn as SVG in pixel units of the grid (columns have a fixed width).

import { SHARED_CURVE_COLOR, curveColors } from "./marks.js";

const NS = "http://www.w3.org/2000/svg";
export const PAD = 26;

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

export const scoreY = (score, height) => PAD + ((3 - score) / 6) * (height - 2 * PAD);

// The score nearest to a y position in the lane (for dragging), clamped to -3..+3.
export function scoreAt(y, height) {
  const score = Math.round(3 - ((y - PAD) / (height - 2 * PAD)) * 6);
  return Math.max(-3, Math.min(3, score));
}

export const scoreLabel = (score) => (score > 0 ? `+${score}` : String(score));

/**
 * Draw the curves of one emotion lane.
 * stages: sorted stages; emotions: all emotion points; personas: linked personas;
 * colWidth, height in px; active: the persona id (or "") whose curve is in front;
 * colors: persona id -> curve colour (lanes/marks.js curveColors, as on paper);
 * editable: markers take the pointer (dragging is wired by the caller).
 */
export function drawEmotionCurve(host, { stages, emotions, personas, colors = curveColors(personas), colWidth, height,
  active = "", editable = false, s = {} }) {
  // A redraw replaces the markers: the one that had the keyboard focus gets it back.
  const focused = host.contains(document.activeElement) ? document.activeElement.closest?.(".emotion-point") : null;
  const refocus = focused ? { id: focused.dataset.id, stage: focused.dataset.stage, persona: focused.dataset.persona } : null;
  const width = stages.length * colWidth;
  const y = (score) => scoreY(score, height);
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "emotion-svg" });
  const defs = svg("defs");
  const grad = svg("linearGradient", { id: "emotion-fill", x1: "0", x2: "0", y1: "0", y2: "1" });
  grad.append(svg("stop", { offset: "0%", "stop-color": "#10b981", "stop-opacity": "0.16" }));
  grad.append(svg("stop", { offset: "50%", "stop-color": "#10b981", "stop-opacity": "0" }));
  grad.append(svg("stop", { offset: "50%", "stop-color": "#ef4444", "stop-opacity": "0" }));
  grad.append(svg("stop", { offset: "100%", "stop-color": "#ef4444", "stop-opacity": "0.16" }));
  defs.append(grad);
  root.append(defs);
  // Guides: +3 / -3 faint, the zero line stronger.
  for (const score of [3, -3]) {
    root.append(svg("line", { x1: 0, x2: width, y1: y(score), y2: y(score), class: "emotion-guide" }));
  }
  root.append(svg("line", { x1: 0, x2: width, y1: y(0), y2: y(0), class: "emotion-zero" }));
  const stageIndex = new Map(stages.map((stage, i) => [stage.id, i]));
  const linked = new Map((personas || []).map((p) => [p.id, p]));
  const series = new Map();
  for (const point of emotions) {
    if (!stageIndex.has(point.stage)) continue;
    const key = point.persona || "";
    if (key && !linked.has(key)) continue; // a persona no longer on the map
    if (!series.has(key)) series.set(key, []);
    series.get(key).push(point);
  }
  // The active curve last, so it is drawn on top and takes the pointer.
  const order = [...series.keys()].sort((a, b) => (a === active) - (b === active));
  const several = series.size > 1;
  for (const persona of order) {
    const points = series.get(persona);
    points.sort((a, b) => stageIndex.get(a.stage) - stageIndex.get(b.stage));
    const xy = points.map((p) => [stageIndex.get(p.stage) * colWidth + colWidth / 2, y(p.score)]);
    const color = persona ? colors.get(persona) || SHARED_CURVE_COLOR : SHARED_CURVE_COLOR;
    const front = persona === active;
    const group = svg("g", { class: `emotion-series${front ? " is-active" : ""}${persona ? "" : " is-shared"}`,
      "data-persona": persona, "data-color": color });
    if (xy.length > 1) {
      if (!several || front) {
        const area = `${smoothPath(xy)} L${xy[xy.length - 1][0]},${y(0)} L${xy[0][0]},${y(0)} Z`;
        group.append(svg("path", { d: area, fill: "url(#emotion-fill)", class: "emotion-area" }));
      }
      group.append(svg("path", { d: smoothPath(xy), class: "emotion-line", stroke: color }));
    }
    points.forEach((p, i) => {
      const name = persona ? linked.get(persona)?.name || "" : s.allCustomers || "";
      const g = svg("g", {
        class: `emotion-point${editable ? " is-editable" : ""}${p.note ? " has-note" : ""}`,
        transform: `translate(${xy[i][0]},${xy[i][1]})`,
        "data-id": p.id, "data-stage": p.stage, "data-persona": persona, "data-score": p.score,
      });
      if (editable) {
        g.dataset.note = p.note || "";
        // A slider for the keyboard: Up/Down change the score (PageUp/PageDown: +3/-3),
        // Left/Right go to the neighbour stage's point, Enter opens its picker. The
        // front curve's points are in the Tab order.
        const stageName = stages[stageIndex.get(p.stage)]?.name || "";
        setSliderAttributes(g, p.score, p.note);
        g.setAttribute("role", "slider");
        g.setAttribute("aria-label", `${name}, ${stageName}`);
        g.setAttribute("aria-valuemin", "-3");
        g.setAttribute("aria-valuemax", "3");
        g.setAttribute("aria-orientation", "vertical");
        g.setAttribute("tabindex", front ? "0" : "-1");
        g.addEventListener("keydown", (event) => pointKey(event, g, height));
      } else {
        g.setAttribute("role", "img");
        g.setAttribute("aria-label", `${name} ${scoreLabel(p.score)}${p.note ? ` · ${p.note}` : ""}`);
      }
      const title = svg("title");
      title.textContent = `${name}: ${scoreLabel(p.score)}${p.note ? `\n${p.note}` : ""}`;
      g.append(title);
      g.append(svg("circle", { r: front || !several ? 13 : 10, fill: "#fff", stroke: several ? color : scoreColor(p.score),
        "stroke-width": 2.5, class: "emotion-dot" }));
      const label = svg("text", { "text-anchor": "middle", "dominant-baseline": "central", class: "emotion-score",
        fill: scoreColor(p.score) });
      label.textContent = scoreLabel(p.score);
      g.append(label);
      if (p.note) g.append(svg("circle", { cx: 10, cy: -10, r: 4, class: "emotion-note-dot", fill: color }));
      group.append(g);
    });
    root.append(group);
  }
  host.replaceChildren(root);
  if (refocus) {
    const points = [...root.querySelectorAll(".emotion-point")];
    const again = points.find((g) => g.dataset.id === refocus.id)
      || points.find((g) => g.dataset.stage === refocus.stage && g.dataset.persona === refocus.persona);
    again?.focus({ preventScroll: true });
  }
}

function setSliderAttributes(g, score, note) {
  g.setAttribute("aria-valuenow", String(score));
  g.setAttribute("aria-valuetext", `${scoreLabel(score)}${note ? ` · ${note}` : ""}`);
}

// Keys on a focused point. The point moves at once; the editor (listening for
// "emotion-score" on the board) sends the update, as a drag does.
function pointKey(event, g, height) {
  const score = Number(g.dataset.score);
  let next = null;
  if (event.key === "ArrowUp") next = Math.min(3, score + 1);
  else if (event.key === "ArrowDown") next = Math.max(-3, score - 1);
  else if (event.key === "PageUp") next = 3;
  else if (event.key === "PageDown") next = -3;
  if (next !== null) {
    event.preventDefault();
    event.stopPropagation();
    if (next === score) return;
    placeMarker(g, next, height);
    g.dispatchEvent(new CustomEvent("emotion-score", { bubbles: true, detail: {
      id: g.dataset.id, stage: g.dataset.stage, persona: g.dataset.persona || "", score: next, from: score } }));
    return;
  }
  if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
    event.preventDefault();
    event.stopPropagation();
    const siblings = [...g.parentNode.querySelectorAll(".emotion-point")];
    const i = siblings.indexOf(g) + (event.key === "ArrowLeft" ? -1 : 1);
    siblings[i]?.focus();
    return;
  }
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    event.stopPropagation();
    g.dispatchEvent(new CustomEvent("emotion-open", { bubbles: true, detail: {
      stage: g.dataset.stage, persona: g.dataset.persona || "", lane: g.closest(".emotion-overlay")?.dataset.lane } }));
  }
}

// Move one marker while it is dragged (no full redraw until the drag ends).
export function placeMarker(g, score, height) {
  const [x] = g.getAttribute("transform").match(/-?[\d.]+/g);
  g.setAttribute("transform", `translate(${x},${scoreY(score, height)})`);
  g.dataset.score = score;
  if (g.getAttribute("role") === "slider") setSliderAttributes(g, score, g.dataset.note);
  const label = g.querySelector(".emotion-score");
  label.textContent = scoreLabel(score);
  label.setAttribute("fill", scoreColor(score));
}
