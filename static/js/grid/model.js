// Read helpers over the document (the shape of maps.selectors.map_document).

export const COLLECTIONS = {
  phase: "phases", stage: "stages", lane: "lanes", card: "cards", touchpoint: "touchpoints",
  moment: "moments", emotion: "emotions", persona_link: "persona_links",
};

export function byPosition(a, b) {
  const pa = a.position ?? "", pb = b.position ?? "";
  if (pa < pb) return -1;
  if (pa > pb) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sorted(doc, collection) {
  return [...(doc[collection] || [])].sort(byPosition);
}

export function find(doc, entity, id) {
  const items = entity === "map" ? null : doc[COLLECTIONS[entity]];
  return items ? items.find((item) => item.id === id) : null;
}

export const cellKey = (stage, lane) => `${stage}|${lane}`;

// The service blueprint's lines (interaction, visibility, internal interaction):
// lanes that hold nothing and draw a rule across the map.
export const LINE_KINDS = new Set(["line_of_interaction", "line_of_visibility", "line_of_internal_interaction"]);
export const isLine = (lane) => LINE_KINDS.has(lane.kind);

// Which entity a lane holds: touchpoint lanes hold touchpoints, moment lanes
// moments, the emotion lane emotion points; every other lane holds cards.
export function laneEntity(lane) {
  switch (lane.kind) {
    case "touchpoints": return "touchpoint";
    case "moments_of_truth": return "moment";
    case "emotion": return "emotion";
    default: return isLine(lane) ? null : "card";
  }
}

export function itemsInCell(doc, entity, stage, lane) {
  const collection = COLLECTIONS[entity];
  return sorted(doc, collection).filter((item) => item.stage === stage && item.lane === lane);
}

export function itemText(entity, item) {
  return entity === "card" ? item.text ?? "" : item.title ?? "";
}

export function textField(entity) {
  return entity === "card" ? "text" : "title";
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

// Stages are ordered within their phase (the server places a stage among the
// stages of the same phase), so show them phase by phase; phase-less stages last.
export function orderedStages(doc) {
  const phaseRank = new Map(sorted(doc, "phases").map((p, i) => [p.id, i]));
  const rank = (s) => (s.phase && phaseRank.has(s.phase) ? phaseRank.get(s.phase) : phaseRank.size);
  return sorted(doc, "stages").sort((a, b) => rank(a) - rank(b) || byPosition(a, b));
}

// Where an item sits: its container fields and its live neighbours, so a later
// move can put it back (used by undo).
export const CONTAINERS = {
  card: ["stage", "lane"], touchpoint: ["stage", "lane"], moment: ["stage", "lane"],
  stage: ["phase"], lane: [], phase: [],
};

export function siblingsOf(doc, entity, fields) {
  const keys = CONTAINERS[entity] || [];
  return sorted(doc, COLLECTIONS[entity]).filter((item) => keys.every((k) => (item[k] ?? null) === (fields[k] ?? null)));
}

export function placeOf(doc, entity, id) {
  const item = find(doc, entity, id);
  if (!item) return null;
  const fields = {};
  for (const k of CONTAINERS[entity] || []) fields[k] = item[k] ?? null;
  const siblings = siblingsOf(doc, entity, fields);
  const i = siblings.findIndex((s) => s.id === id);
  return { fields, after: siblings[i - 1]?.id ?? null, before: siblings[i + 1]?.id ?? null };
}

// A channel's name in the map's language (the built-in channels have French names).
export function channelName(channel, lang) {
  if (!channel) return "";
  return lang === "fr" && channel.name_fr ? channel.name_fr : channel.name;
}
