// One item's node (card, touchpoint, moment): its markup, and filling it from the
// document: text, team, tint, a card's priority and links, a touchpoint's channel,
// evaluation, volumes, scores and files.

import { volumeText } from "../lanes/marks.js";
import { channelName, find, format, itemText } from "./model.js";
import { el, menuButton } from "./dom.js";
import { applyLock, applyTeamFilter } from "./highlights.js";

// A paperclip, drawn in the text colour (static markup, no user text).
const PAPERCLIP = '<svg class="tp-files-icon" viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" focusable="false"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

// "Addressed by: <text>" for one change, "Addressed by 3 changes" for several.
function s_addressed(s, n) {
  return n === 1 ? s.addressedByOne : s.addressedByMany;
}

export function makeItem(board, entity, item) {
  // Cloned from one blank node per kind: thousands of items on a big map, and a
  // clone costs a fraction of parsing the same markup again.
  const templates = board.itemTemplates || (board.itemTemplates = new Map());
  if (!templates.has(entity)) templates.set(entity, blankItem(board, entity));
  const node = templates.get(entity).cloneNode(true);
  node.dataset.id = item.id;
  if (board.canWrite) node.lastElementChild.dataset.menuId = item.id;
  return node;
}

function blankItem(board, entity) {
  const node = el("article", `item item-${entity}`, { tabindex: "-1", "data-id": "", "data-entity": entity,
    draggable: board.canWrite ? "true" : null });
  node.innerHTML = `<div class="item-main"><span class="item-icon" aria-hidden="true"></span><p class="item-text"></p></div><footer class="item-foot"><span class="team-tag"></span><span class="editing-badge" hidden></span></footer>`;
  if (entity === "touchpoint") {
    // Channel, evaluation, volume and survey scores under the title.
    const meta = el("div", "tp-meta");
    meta.innerHTML = '<span class="tp-channel"></span><span class="tp-star" hidden></span><span class="tp-eval"><span class="eval-face" aria-hidden="true"></span><span class="eval-text"></span></span><span class="tp-badge tp-volume"></span><span class="tp-badge tp-csat"></span><span class="tp-badge tp-nps"></span><span class="tp-badge tp-files" role="img" hidden>' + PAPERCLIP + '<span class="tp-files-n"></span></span>';
    node.querySelector(".item-main").after(meta);
  }
  if (entity === "card") {
    // Priority, and the link between a change and the pain point it addresses.
    const links = el("div", "card-links");
    links.innerHTML = '<span class="prio-chip" hidden></span><button type="button" class="addr-link addresses" hidden></button><button type="button" class="addr-link addressed-by" hidden></button>';
    node.querySelector(".item-main").after(links);
  }
  if (entity === "card" || entity === "touchpoint") {
    // The dots of the last revealed workshop vote (a field of the item, kept with the map).
    node.querySelector(".item-foot").prepend(el("span", "vote-badge", { hidden: "" }));
  }
  if (board.canWrite) node.append(menuButton(entity, "", board.s.cardActions));
  return node;
}

export function fillItem(board, node, entity, item) {
  const text = itemText(entity, item);
  const textEl = node.querySelector(".item-text");
  if (board.editing !== item.id && textEl.textContent !== text) textEl.textContent = text;
  node.setAttribute("aria-label", text.slice(0, 120) || board.s.card);
  const team = (board.doc.teams || []).find((t) => t.id === (entity === "touchpoint" ? item.owner_team : item.team));
  node.style.setProperty("--bar", team ? team.color : "transparent");
  node.classList.toggle("has-team", Boolean(team));
  node.dataset.team = team ? team.id : "";
  const tag = node.querySelector(".team-tag");
  tag.textContent = team ? team.name : "";
  tag.hidden = !team;
  if (team) tag.style.setProperty("--team", team.color);
  if (item.color) node.style.setProperty("--tint", item.color);
  else node.style.removeProperty("--tint");
  node.classList.toggle("tinted", Boolean(item.color));
  if (entity === "card") fillCardLinks(board, node, item);
  const icon = node.querySelector(".item-icon");
  if (entity === "touchpoint") {
    const channel = (board.doc.channels || []).find((c) => c.id === item.channel);
    const iconName = channel?.icon || "generic";
    const src = `${board.config.staticUrl}img/channels/${iconName}.svg`;
    if (icon.dataset.src !== src) {
      icon.dataset.src = src;
      icon.style.setProperty("--icon", `url("${src}")`);
    }
    const lang = board.doc.map?.language || "en";
    const kind = channel?.kind || "";
    icon.title = channel ? `${channelName(channel, lang)} · ${board.s[kind] || ""}` : "";
    node.dataset.channelKind = kind;
    node.classList.toggle("tp-unowned", channel ? !channel.brand_controlled : false);
    fillTouchpointMeta(board, node, item, channel, lang);
  } else if (entity === "moment") {
    icon.title = board.s.momentOfTruth;
    node.dataset.valence = item.valence || "";
  }
  fillVotes(board, node, item);
  applyLock(board, node, item.id);
  applyTeamFilter(board, node);
}

function fillVotes(board, node, item) {
  const badge = node.querySelector(".vote-badge");
  if (!badge) return;
  const n = item.votes || 0;
  badge.hidden = !n;
  const text = n ? String(n) : "";
  if (badge.textContent !== text) badge.textContent = text;
  const label = n === 1 ? board.s.wsVoteBadgeOne : format(board.s.wsVotesBadge || "%(n)s", { n });
  if (n) {
    badge.title = label;
    badge.setAttribute("aria-label", label);
  }
}

function fillCardLinks(board, node, item) {
  const s = board.s;
  const chip = node.querySelector(".prio-chip");
  chip.hidden = !item.priority;
  chip.dataset.priority = item.priority || "";
  chip.textContent = item.priority ? s[`priority_${item.priority}`] : "";
  const target = item.addresses ? find(board.doc, "card", item.addresses) : null;
  const addresses = node.querySelector(".addresses");
  addresses.hidden = !target;
  addresses.dataset.target = target ? target.id : "";
  addresses.textContent = target ? `↳ ${format(s.addressesPain, { text: target.text.slice(0, 60) })}` : "";
  // Whoever pointed here before and now: refresh both ends of the link.
  const before = node.dataset.addresses || "";
  const now = item.addresses || "";
  node.dataset.addresses = now;
  if (before !== now) {
    for (const id of [before, now]) if (id) fillAddressedBy(board, id);
  }
  fillAddressedBy(board, item.id);
}

export function fillAddressedBy(board, id) {
  const node = board.items.get(id);
  if (!node || node.dataset.entity !== "card") return;
  const by = addressedBy(board, id);
  const button = node.querySelector(".addressed-by");
  button.hidden = !by.length;
  button.dataset.target = by[0]?.id || "";
  button.textContent = by.length ? `✓ ${format(s_addressed(board.s, by.length), { n: by.length, text: by[0].text.slice(0, 60) })}` : "";
}

// The cards that address this one, in document order. A full render asks this for
// every card: it indexes the map once (board.addressedIndex, dropped after that
// render) instead of scanning every card for each card.
function addressedBy(board, id) {
  if (!board.fullRender) return (board.doc.cards || []).filter((c) => c.addresses === id);
  if (!board.addressedIndex) {
    board.addressedIndex = new Map();
    for (const card of board.doc.cards || []) {
      if (!card.addresses) continue;
      if (!board.addressedIndex.has(card.addresses)) board.addressedIndex.set(card.addresses, []);
      board.addressedIndex.get(card.addresses).push(card);
    }
  }
  return board.addressedIndex.get(id) || [];
}

function fillTouchpointMeta(board, node, item, channel, lang) {
  const s = board.s;
  const set = (selector, text, title = "") => {
    const part = node.querySelector(selector);
    part.hidden = !text;
    if (part.textContent !== text && !part.children.length) part.textContent = text;
    if (title) part.title = title;
    return part;
  };
  set(".tp-channel", channel ? channelName(channel, lang) : "");
  const star = node.querySelector(".tp-star");
  if (!star.textContent) star.textContent = `★ ${s.momentOfTruth}`;
  const isMoment = (board.doc.moments || []).some((m) => m.touchpoint === item.id);
  star.hidden = !isMoment;
  node.classList.toggle("is-moment", isMoment);
  const evaluation = item.evaluation || "";
  node.dataset.evaluation = evaluation;
  const chip = node.querySelector(".tp-eval");
  chip.hidden = !evaluation;
  chip.dataset.evaluation = evaluation;
  chip.querySelector(".eval-face").dataset.evaluation = evaluation;
  chip.querySelector(".eval-text").textContent = evaluation ? s[`eval_${evaluation}`] : "";
  set(".tp-volume", volumeText(item, s), s.volume);
  set(".tp-csat", item.csat !== null && item.csat !== undefined ? `CSAT ${Math.round(item.csat * 10) / 10} %` : "");
  const nps = item.nps;
  set(".tp-nps", nps !== null && nps !== undefined ? `NPS ${nps > 0 ? "+" : ""}${nps}` : "");
  fillAttachmentCount(board, node, item);
}

// A paperclip and how many files the touchpoint shows (the list is a field of the
// touchpoint, so any upload or removal re-renders this card with the rest).
function fillAttachmentCount(board, node, item) {
  const badge = node.querySelector(".tp-files");
  const n = board.fileStrings ? (item.attachments || []).length : 0;
  badge.hidden = !n;
  const count = n ? String(n) : "";
  const number = badge.querySelector(".tp-files-n");
  if (number.textContent !== count) number.textContent = count;
  const label = n ? format(n === 1 ? board.fileStrings.attachmentCountOne : board.fileStrings.attachmentCountMany, { n }) : "";
  if (n) {
    badge.setAttribute("aria-label", label);
    badge.title = label;
  } else {
    badge.removeAttribute("aria-label");
    badge.removeAttribute("title");
  }
}

// A star on touchpoints that are moments of truth (only a class per node changes).
export function markTouchpointMoments(board) {
  const marked = new Set((board.doc.moments || []).map((m) => m.touchpoint).filter(Boolean));
  for (const [id, node] of board.items) {
    if (node.dataset.entity !== "touchpoint") continue;
    const on = marked.has(id);
    if (node.classList.contains("is-moment") !== on) board.summaryDirty.add(node.closest(".cell")?.dataset.key);
    node.classList.toggle("is-moment", on);
    const star = node.querySelector(".tp-star");
    star.hidden = !on;
  }
}

