// One stage as a slide for present mode: the phase and stage names, its moments of
// truth, how the customer feels there (each curve's point), then each lane's cards
// and touchpoints in large type. Built from the document alone, so a share page
// shows exactly what its link lets it see (hidden lanes are not in its document).
// Every user text goes in through textContent.

import { channelName, isLine, itemsInCell, laneEntity, orderedStages, sorted } from "../grid/model.js";
import { el } from "../grid/dom.js";
import { scoreColor, scoreLabel } from "../lanes/emotion.js";
import { SHARED_CURVE_COLOR, curveColors, evaluationFace, volumeText } from "../lanes/marks.js";

const PHASE_PALETTE = ["#4338ca", "#0f766e", "#b45309", "#be185d", "#0369a1", "#6d28d9"];

const text = (tag, className, value, attrs = {}) => {
  const node = el(tag, className, attrs);
  node.textContent = value;
  return node;
};

// The phase a stage sits in, with the colour its band has on the board.
export function stagePhase(doc, stage) {
  if (!stage?.phase) return null;
  const phases = sorted(doc, "phases");
  const i = phases.findIndex((p) => p.id === stage.phase);
  if (i < 0) return null;
  return { title: phases[i].title, color: phases[i].color || PHASE_PALETTE[i % PHASE_PALETTE.length] };
}

// The slide of stage number `index` (0-based, in the board's order).
export function buildSlide(doc, index, { s, personas = [], staticUrl = "/static/" }) {
  const stages = orderedStages(doc);
  const stage = stages[index];
  const lang = doc.map?.language || "en";
  const slide = el("article", "present-slide", { lang, "data-stage": stage.id });
  slide.append(slideHead(doc, stage, index, s));
  const moments = (doc.moments || []).filter((m) => m.stage === stage.id);
  if (moments.length) slide.append(momentBand(moments, s));
  const feelings = feelingBand(doc, stage, personas, s);
  if (feelings) slide.append(feelings);
  const lanes = laneBlocks(doc, stage, s, staticUrl, lang);
  if (lanes.childElementCount) slide.append(lanes);
  else slide.append(text("p", "ps-empty", s.presentEmptyStage));
  return slide;
}

function slideHead(doc, stage, index, s) {
  const head = el("header", "ps-head");
  const phase = stagePhase(doc, stage);
  if (phase) {
    const tag = text("p", "ps-phase", phase.title);
    tag.style.setProperty("--phase", phase.color);
    head.append(tag);
  }
  const title = el("h2", "ps-stage");
  title.append(text("span", "ps-num", String(index + 1).padStart(2, "0"), { "aria-hidden": "true" }),
    text("span", "ps-stage-name", stage.name));
  head.append(title);
  if (stage.description) head.append(text("p", "ps-desc", stage.description));
  return head;
}

function momentBand(moments, s) {
  const band = el("section", "ps-moments", { "aria-label": s.momentOfTruth });
  for (const moment of moments) {
    const row = el("div", "ps-moment", { "data-valence": moment.valence || "" });
    row.append(text("span", "ps-moment-star", "★", { "aria-hidden": "true" }),
      text("span", "ps-moment-kind", s.momentOfTruth), text("span", "ps-moment-title", moment.title));
    band.append(row);
  }
  return band;
}

// How the customer feels at this stage: the shared curve's point and each persona's.
function feelingBand(doc, stage, personas, s) {
  const points = (doc.emotions || []).filter((e) => e.stage === stage.id);
  if (!points.length) return null;
  const colors = curveColors(personas);
  const curves = [{ id: null, name: s.allCustomers, color: SHARED_CURVE_COLOR },
    ...personas.map((p) => ({ id: p.id, name: p.name, color: colors.get(p.id) }))];
  const lane = sorted(doc, "lanes").find((l) => l.kind === "emotion");
  const band = el("section", "ps-feelings");
  band.append(text("h3", "ps-lane-title", lane?.title || s.presentFeeling));
  const list = el("ul", "ps-feeling-list");
  for (const curve of curves) {
    const point = points.find((p) => (p.persona || null) === curve.id);
    if (!point) continue;
    const item = el("li", "ps-feeling");
    item.style.setProperty("--curve", curve.color);
    const score = text("span", "ps-score", scoreLabel(point.score), { role: "img",
      "aria-label": `${curve.name}: ${scoreLabel(point.score)}` });
    score.style.setProperty("--score", scoreColor(point.score));
    const words = el("span", "ps-feeling-words");
    words.append(text("span", "ps-feeling-who", curve.name));
    if (point.note) words.append(text("span", "ps-feeling-note", point.note));
    item.append(score, words);
    list.append(item);
  }
  if (!list.childElementCount) return null;
  band.append(list);
  return band;
}

// Each lane that holds something at this stage: its title and its items as tiles.
// Moments of truth are already on top and the emotion points in their band.
function laneBlocks(doc, stage, s, staticUrl, lang) {
  const host = el("div", "ps-lanes");
  const teams = new Map((doc.teams || []).map((t) => [t.id, t]));
  const starred = new Set((doc.moments || []).map((m) => m.touchpoint).filter(Boolean));
  for (const lane of sorted(doc, "lanes")) {
    const entity = laneEntity(lane);
    if (isLine(lane) || !entity || entity === "moment" || entity === "emotion") continue;
    const items = itemsInCell(doc, entity, stage.id, lane.id);
    if (!items.length) continue;
    const block = el("section", `ps-lane lane-kind-${lane.kind}`, { "data-lane": lane.id });
    block.append(text("h3", "ps-lane-title", lane.title));
    const list = el("ul", "ps-items");
    for (const item of items) {
      list.append(entity === "touchpoint"
        ? touchpointTile(doc, item, teams, starred.has(item.id), s, staticUrl, lang)
        : cardTile(item, teams, s));
    }
    block.append(list);
    host.append(block);
  }
  return host;
}

function teamMark(tile, team) {
  if (!team) return;
  tile.style.setProperty("--bar", team.color);
  tile.classList.add("has-team");
  const tag = text("span", "ps-team", team.name);
  tag.style.setProperty("--team", team.color);
  tile.append(tag);
}

function cardTile(card, teams, s) {
  const tile = el("li", "ps-tile ps-card", { "data-id": card.id });
  if (card.color) tile.style.setProperty("--tint", card.color);
  tile.append(text("p", "ps-text", card.text || ""));
  if (card.priority) tile.append(text("span", "ps-prio", s[`priority_${card.priority}`] || "", { "data-priority": card.priority }));
  teamMark(tile, teams.get(card.team));
  return tile;
}

function touchpointTile(doc, tp, teams, isMoment, s, staticUrl, lang) {
  const tile = el("li", "ps-tile ps-touchpoint", { "data-id": tp.id, "data-evaluation": tp.evaluation || "" });
  const channel = (doc.channels || []).find((c) => c.id === tp.channel);
  const main = el("div", "ps-tp-main");
  const icon = el("span", "ps-channel-icon", { "aria-hidden": "true" });
  icon.style.setProperty("--icon", `url("${staticUrl}img/channels/${channel?.icon || "generic"}.svg")`);
  main.append(icon, text("p", "ps-text", tp.title || ""));
  tile.append(main);
  const meta = el("p", "ps-tp-meta");
  if (channel) meta.append(text("span", "ps-channel", channelName(channel, lang)));
  if (tp.evaluation) {
    const evaluation = el("span", "ps-eval");
    evaluation.append(evaluationFace(tp.evaluation), text("span", "", s[`eval_${tp.evaluation}`] || ""));
    meta.append(evaluation);
  }
  const volume = volumeText(tp, s);
  if (volume) meta.append(text("span", "ps-badge", volume));
  if (isMoment) meta.append(text("span", "ps-badge ps-star", `★ ${s.momentOfTruth}`));
  if (meta.childElementCount) tile.append(meta);
  teamMark(tile, teams.get(tp.owner_team));
  return tile;
}
