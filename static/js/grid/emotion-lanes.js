// Emotion lanes: each persona's curve over the stages, the one in front, and the
// legend chips in the lane's header that pick it.

import { drawEmotionCurve } from "../lanes/emotion.js";
import { SHARED_CURVE_COLOR, curveColors } from "../lanes/marks.js";
import { linkedPersonas } from "../ui/personas.js";
import { el } from "./dom.js";

// Personas on the map, in link order (live: follows persona_link ops).
export function boardPersonas(board) {
  return board.doc ? linkedPersonas(board.doc, board.config.personas || []) : [];
}

// The persona whose curve is in front (and that new scores go to): "" is the
// shared curve, used only when no persona is on the map.
export function activeCurve(board) {
  const personas = boardPersonas(board);
  if (board.activePersona !== null && (board.activePersona === "" || personas.some((p) => p.id === board.activePersona))) {
    return board.activePersona;
  }
  return personas[0]?.id || "";
}

export function drawEmotions(board) {
  if (board.emotionDrag) return; // redrawn when the drag ends
  const active = activeCurve(board);
  const personas = boardPersonas(board);
  const colors = curveColors(personas);
  for (const [, host] of board.emotionHosts) {
    drawEmotionCurve(host, {
      stages: board.stages,
      emotions: board.doc.emotions || [],
      personas,
      colors,
      colWidth: board.colWidth,
      height: board.emotionHeight,
      active,
      // In the overview a click on the lane zooms in; scores are set at full size.
      editable: board.canWrite && !board.overview,
      s: board.s,
    });
  }
  drawLegends(board, active);
}

// Legend chips in the emotion lane's header: one per persona in its colour, the
// shared curve when it has points or no persona is linked; a chip picks the curve.
function drawLegends(board, active) {
  const personas = boardPersonas(board);
  const colors = curveColors(personas);
  const shared = (board.doc.emotions || []).some((e) => !e.persona);
  const entries = personas.map((p) => ({ id: p.id, name: p.name, color: colors.get(p.id) }));
  if (shared || !personas.length) entries.unshift({ id: "", name: board.s.allCustomers, color: SHARED_CURVE_COLOR, shared: true });
  for (const lane of board.lanes) {
    if (lane.kind !== "emotion") continue;
    const legend = board.headers.get(lane.id)?.querySelector(".emotion-legend");
    if (!legend) continue;
    legend.replaceChildren();
    for (const entry of entries) {
      const chip = el("button", `legend-chip${entry.shared ? " is-shared" : ""}`, { type: "button", "data-persona": entry.id,
        "aria-pressed": String(entry.id === active), title: board.s.showCurve });
      chip.style.setProperty("--persona", entry.color);
      const dot = el("span", "legend-dot", { "aria-hidden": "true" });
      const name = el("span", "legend-name");
      name.textContent = entry.name;
      chip.append(dot, name);
      legend.append(chip);
    }
    if (board.canWrite) {
      const derive = el("button", "derive-btn btn btn-small btn-quiet", { type: "button" });
      derive.textContent = board.s.deriveFromTouchpoints;
      legend.append(derive);
    }
  }
}

