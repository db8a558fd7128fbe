// How comments read: a body with its mentions set apart, the name of what a thread
// is about, a date. Text only ever goes through textContent.

import { find, format } from "../grid/model.js";

// As the server reads them (discussion/mentions.py): Unicode letters and digits, _ . @ + -.
const MENTION = /(?<![\p{L}\p{N}_@])@([\p{L}\p{N}_.@+-]{1,150})/gu;
const TRAILING = /[.,;:!?+@-]+$/u;

// The body as nodes: "@name" of a mentioned member becomes a highlighted span; any
// other "@word" stays plain text (that is what the server decided too).
export function bodyNodes(comment) {
  const names = new Map((comment.mentioned || []).map((p) => [p.username.toLowerCase(), p]));
  const nodes = [];
  const text = comment.body || "";
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    let name = match[1];
    let person = names.get(name.toLowerCase());
    if (!person) {
      name = name.replace(TRAILING, "");
      person = names.get(name.toLowerCase());
    }
    if (!person) continue;
    const at = match.index;
    if (at > last) nodes.push(document.createTextNode(text.slice(last, at)));
    const span = document.createElement("span");
    span.className = "mention";
    span.textContent = `@${name}`;
    span.title = person.name;
    nodes.push(span);
    last = at + 1 + name.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function short(text, s) {
  const clean = (text || "").replace(/\s+/g, " ").trim();
  if (!clean) return s.untitled;
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}

export function anchorLabel(doc, anchor, s) {
  if (!anchor || anchor.type === "map") return s.aboutMap;
  if (anchor.type === "cell") {
    return format(s.aboutCell, { stage: short(find(doc, "stage", anchor.stage)?.name, s),
      lane: short(find(doc, "lane", anchor.lane)?.title, s) });
  }
  const item = find(doc, anchor.type, anchor.id);
  const name = anchor.type === "card" ? item?.text : anchor.type === "stage" ? item?.name : item?.title;
  const key = { stage: "aboutStage", lane: "aboutLane", card: "aboutCard", touchpoint: "aboutTouchpoint",
    moment: "aboutMoment" }[anchor.type];
  return format(s[key], { name: short(name, s) });
}

export function when(iso, lang) {
  try {
    return new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
  } catch {
    return iso;
  }
}
