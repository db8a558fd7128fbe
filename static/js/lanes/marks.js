// The marks the editor shares with the printed map (exports/services/marks.py), so
// screen and paper speak one vocabulary: the evaluation faces (one SVG file per
// evaluation, drawn by both), the emotion curves' colours, the volume of a touchpoint.

export const EVALUATIONS = ["delight", "neutral", "irritant"];

// The shared curve is a dark neutral, drawn thicker; personas get hues far from it
// and from each other. Keep in step with exports/services/marks.py.
export const SHARED_CURVE_COLOR = "#1e293b";
export const PERSONA_PALETTE = ["#7c3aed", "#ea580c", "#0891b2", "#db2777", "#65a30d", "#2563eb", "#854d0e"];
const MIN_DISTANCE = 140;

function rgb(hex) {
  let h = String(hex || "").replace("#", "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  if (!/^[0-9a-fA-F]{6}$/.test(h)) return null;
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

// "Redmean" distance: a cheap approximation of how different two colours look.
export function colorDistance(a, b) {
  const [r1, g1, b1] = rgb(a);
  const [r2, g2, b2] = rgb(b);
  const rm = (r1 + r2) / 2;
  const dr = r1 - r2, dg = g1 - g2, db = b1 - b2;
  return Math.sqrt((2 + rm / 256) * dr * dr + 4 * dg * dg + (2 + (255 - rm) / 256) * db * db);
}

// Each linked persona's curve colour, in link order: its own colour when it stands
// apart from the shared curve and the personas before it, else the first palette hue
// that does. Returns a Map persona id -> colour.
export function curveColors(personas) {
  const taken = [SHARED_CURVE_COLOR];
  const out = new Map();
  const distinct = (color) => rgb(color) && taken.every((other) => colorDistance(color, other) >= MIN_DISTANCE);
  for (const persona of personas || []) {
    const own = String(persona.color || "").toLowerCase();
    const color = distinct(own) ? own
      : PERSONA_PALETTE.find(distinct) || PERSONA_PALETTE[out.size % PERSONA_PALETTE.length];
    taken.push(color);
    out.set(persona.id, color);
  }
  return out;
}

// A face for an evaluation: colour and mouth shape (the cue without colour), with
// its name for assistive technology when `label` is given.
export function evaluationFace(evaluation, label = "") {
  const face = document.createElement("span");
  face.className = "eval-face";
  face.dataset.evaluation = evaluation;
  if (label) {
    face.setAttribute("role", "img");
    face.setAttribute("aria-label", label);
    face.title = label;
  } else {
    face.setAttribute("aria-hidden", "true");
  }
  return face;
}

const shortNumber = (n) => (n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n));

// The volume as the print shows it: the share of customers and the count per period
// (either or both), e.g. "80 % · 12k/month".
export function volumeText(item, s) {
  const bits = [];
  if (item.volume_share !== null && item.volume_share !== undefined) bits.push(`${Math.round(item.volume_share * 10) / 10} %`);
  if (item.volume_count !== null && item.volume_count !== undefined) {
    const period = item.volume_period ? s[`per_${item.volume_period}`] || "" : "";
    bits.push(`${shortNumber(item.volume_count)}${period}`);
  }
  return bits.join(" · ");
}
