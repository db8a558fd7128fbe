// Deleting what holds content, and bringing it back: the confirmation that says
// what goes with a stage, lane or phase, and the "Recently deleted" list from which
// any editor restores anything (a restore op: one batch, live for everyone).
// User text only ever goes through textContent.

import { find, format } from "../grid/model.js";
import { el } from "./dom.js";

// What deleting this stage, lane or phase takes with it (live items only).
export function contentOf(doc, entity, id) {
  const counts = { stages: 0, cards: 0, touchpoints: 0, moments: 0 };
  let stages = new Set();
  if (entity === "stage") stages = new Set([id]);
  if (entity === "phase") {
    stages = new Set((doc.stages || []).filter((st) => st.phase === id).map((st) => st.id));
    counts.stages = stages.size;
  }
  const inside = (item) => (entity === "lane" ? item.lane === id : stages.has(item.stage));
  counts.cards = (doc.cards || []).filter(inside).length;
  counts.touchpoints = (doc.touchpoints || []).filter(inside).length;
  counts.moments = (doc.moments || []).filter(inside).length;
  return counts;
}

// "3 cards and 2 touchpoints" in the page's language; "" for nothing.
export function describeContent(counts, s) {
  const parts = [];
  for (const kind of ["stages", "cards", "touchpoints", "moments"]) {
    const n = counts[kind] || 0;
    if (n) parts.push(n === 1 ? s[`one_${kind}`] : format(s[`many_${kind}`], { n }));
  }
  if (parts.length <= 1) return parts.join("");
  return format(s.listAnd, { first: parts.slice(0, -1).join(", "), last: parts[parts.length - 1] });
}

/**
 * Ask before deleting a stage, lane or phase that holds something: a modal dialog
 * (focus inside, Escape cancels) naming what goes with it. Resolves true to delete.
 */
export function confirmDelete({ entity, name, counts, s }) {
  return new Promise((resolve) => {
    const dialog = el("dialog", "dialog confirm-dialog");
    const titleId = `confirm-title-${Math.random().toString(36).slice(2, 8)}`;
    const textId = `${titleId}-text`;
    dialog.setAttribute("aria-labelledby", titleId);
    dialog.setAttribute("aria-describedby", textId);
    const head = el("header", "dialog-head");
    const title = el("h2", "", format(s[`confirmDelete_${entity}`], { name }));
    title.id = titleId;
    head.append(title);
    const body = el("div", "confirm-body");
    body.id = textId;
    body.append(el("p", "confirm-what", format(s.deleteAlso, { content: describeContent(counts, s) })));
    body.append(el("p", "confirm-hint small muted", s.deleteRestoreHint));
    const foot = el("footer", "dialog-foot");
    const cancel = el("button", "btn confirm-cancel", s.cancel);
    cancel.type = "button";
    const ok = el("button", "btn btn-danger confirm-delete", s[`deleteThe_${entity}`]);
    ok.type = "button";
    foot.append(cancel, ok);
    dialog.append(head, body, foot);
    document.body.append(dialog);
    let answer = false;
    const done = (value) => {
      answer = value;
      dialog.close();
    };
    cancel.addEventListener("click", () => done(false));
    ok.addEventListener("click", () => done(true));
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    cancel.focus(); // the safe choice has the focus
  });
}

const KIND_ICON = { stage: "▥", lane: "▤", phase: "▭", card: "▢", touchpoint: "◎" };

function timeAgo(iso, lang) {
  if (!iso) return "";
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const steps = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7], ["week", 5], ["month", 12], ["year", Infinity]];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return unit === "second" && Math.abs(value) < 45 ? rtf.format(0, "second") : rtf.format(Math.round(value), unit);
    value /= size;
  }
  return "";
}

/**
 * The "Recently deleted" view of the side panel. load(): the entries (REST);
 * restore(entry): send the restore op. Reloads when the map changes.
 */
export function deletedView({ s, lang, load, restore }) {
  let list = null;
  let status = null;
  let timer = null;
  let listed = new Set();
  const fill = (entries) => {
    listed = new Set(entries.map((e) => e.id));
    list.replaceChildren();
    if (!entries.length) {
      list.append(el("li", "deleted-empty small muted", s.deletedEmpty));
      return;
    }
    for (const entry of entries) {
      const li = el("li", `deleted-item kind-${entry.entity}`);
      li.dataset.entity = entry.entity;
      li.dataset.id = entry.id;
      const icon = el("span", "deleted-icon", KIND_ICON[entry.entity] || "•");
      icon.setAttribute("aria-hidden", "true");
      const main = el("div", "deleted-main");
      const kind = el("span", "deleted-kind", s[`kind_${entry.entity}`] || entry.entity);
      const label = el("span", "deleted-label", entry.label || "—");
      main.append(kind, label);
      const content = describeContent(entry.holds || {}, s);
      if (content) main.append(el("span", "deleted-holds", format(s.withContent, { content })));
      if (entry.stage || entry.lane) main.append(el("span", "deleted-where small muted", format(s.cellLabel, { stage: entry.stage || "", lane: entry.lane || "" })));
      const who = entry.deleted_by?.name;
      const when = timeAgo(entry.deleted_at, lang);
      if (who || when) main.append(el("span", "deleted-by small muted", who ? format(s.deletedBy, { name: who, when }) : when));
      const button = el("button", "btn btn-small deleted-restore", s.restore);
      button.type = "button";
      button.setAttribute("aria-label", `${s.restore}: ${s[`kind_${entry.entity}`] || ""} ${entry.label || ""}`.trim());
      if (!entry.restorable) {
        button.disabled = true;
        const first = entry.blocked_by ? format(s.restoreFirst, { name: entry.blocked_by.label }) : "";
        if (first) main.append(el("span", "deleted-blocked small", first));
      }
      button.addEventListener("click", () => {
        button.disabled = true;
        restore(entry);
      });
      li.append(icon, main, button);
      list.append(li);
    }
  };
  const reload = async () => {
    try {
      const entries = await load();
      if (list?.isConnected) fill(entries);
      if (status) status.textContent = "";
    } catch {
      if (status) status.textContent = s.deletedFailed;
    }
  };
  return {
    kicker: s.recentlyDeleted,
    build(body) {
      body.append(el("p", "small muted deleted-intro", s.deletedIntro));
      status = el("p", "small deleted-status");
      status.setAttribute("role", "status");
      list = el("ul", "deleted-list");
      list.setAttribute("aria-label", s.recentlyDeleted);
      body.append(status, list);
      reload();
    },
    refresh(doc, changed) {
      // Only deletes (an item gone from the map) and restores (a listed one back)
      // change the list; ordinary edits do not reload it.
      const kinds = ["phase", "stage", "lane", "card", "touchpoint"];
      const relevant = (c) => kinds.includes(c.entity) && (listed.has(c.id) || !find(doc, c.entity, c.id));
      if (!changed.full && !changed.items.some(relevant)) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 250);
    },
  };
}
