// The side panel: every field of one touchpoint (or moment of truth), edited in
// place. Each change becomes an ordinary "update" op through the editor's
// commit path; remote changes refresh the fields nobody is typing in.
// User text only ever goes through textContent / value, never innerHTML.
// This class opens, closes and refreshes the panel; the form is built by
// panel-forms.js from the live fields of panel-fields.js, with the files of
// panel-attachments.js; panel-peers.js shows who else has the item open.

import { find } from "../grid/model.js";
import { el } from "./dom.js";
import { buildItemForm } from "./panel-forms.js";
import { drawPeers } from "./panel-peers.js";
import { attachmentSettings } from "./panel-attachments.js";

export class SidePanel {
  /**
   * host: the <aside>; update(entity, id, fields), remove(entity, id): the editor's
   * write functions; getDoc(): the document as shown.
   */
  constructor({ host, strings, config, getDoc, update, remove, extras = {} }) {
    this.host = host;
    this.s = strings;
    this.config = config;
    this.getDoc = getDoc;
    this.update = update;
    this.remove = remove;
    this.extras = extras; // entity -> (panel, item, body) => void: more sections
    this.files = attachmentSettings(); // null: no attachments here (share page)
    this.entity = null;
    this.id = null;
    this.fields = new Map(); // field name -> {read(item)}
    this.onClose = null;
    // Told which field of the item has the focus (or "panel"), for the others' presence.
    this.onFocusField = null;
    // Who changed which field of the open item since the last refresh (remote batches).
    this.remoteBy = new Map();
    this.roster = new Map();
    this.selfClientId = null;
    host.addEventListener("focusin", (event) => {
      if (!this.entity) return;
      this.onFocusField?.(event.target.closest("[data-field]")?.dataset.field || "panel");
    });
    host.addEventListener("focusout", (event) => {
      if (!this.entity || host.contains(event.relatedTarget)) return;
      this.onFocusField?.("panel");
    });
    host.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !event.target.closest("select")) {
        event.preventDefault();
        this.close(true);
      }
    });
  }

  get isOpen() {
    return !this.host.hidden;
  }

  // A view that is not one item (the priorities): view = {kicker, build(body), refresh(doc, changed)}.
  openView(key, view, { returnTo = null } = {}) {
    this.entity = null;
    this.id = key;
    this.view = view;
    this.returnTo = returnTo;
    this.fields.clear();
    this.host.replaceChildren();
    this.host.dataset.entity = "";
    this.host.dataset.id = key;
    this.host.dataset.view = key;
    this.mark(null);
    this.host.append(this.head(view.kicker));
    const body = el("div", "panel-body");
    this.host.append(body);
    view.build(body);
    this.show();
    this.host.querySelector(".panel-body button, .panel-body input")?.focus();
  }

  show() {
    const top = document.getElementById("board-scroller")?.getBoundingClientRect().top ?? 0;
    this.host.style.setProperty("--panel-top", `${Math.max(0, top)}px`);
    this.host.hidden = false;
    document.body.classList.add("panel-open");
  }

  // The item the panel edits is outlined on the board, so it is clear which one it is.
  mark(node) {
    for (const old of document.querySelectorAll(".item.is-in-panel")) old.classList.remove("is-in-panel");
    if (node?.classList?.contains("item")) node.classList.add("is-in-panel");
  }

  // Scroll the board so the item being edited sits in view beside the panel: not
  // under it, nor under the sticky lane titles or stage headers.
  reveal(node) {
    const scroller = document.getElementById("board-scroller");
    if (!node?.isConnected || !scroller?.contains(node)) return;
    const margin = 16;
    const box = scroller.getBoundingClientRect();
    const panel = this.host.getBoundingClientRect();
    const laneTitles = scroller.querySelector(".lane-header")?.getBoundingClientRect();
    const stageHeads = scroller.querySelector(".stage-header")?.getBoundingClientRect();
    const area = {
      left: Math.max(box.left, laneTitles ? laneTitles.right : box.left),
      right: Math.min(box.left + scroller.clientWidth, panel.width ? panel.left : Infinity),
      top: Math.max(box.top, stageHeads ? stageHeads.bottom : box.top),
      bottom: box.top + scroller.clientHeight,
    };
    const rect = node.getBoundingClientRect();
    const shift = (start, end, lo, hi) => {
      if (end - start > hi - lo - 2 * margin) return start - (lo + margin); // too big: show its start
      if (end > hi - margin) return end - (hi - margin);
      if (start < lo + margin) return start - (lo + margin);
      return 0;
    };
    const dx = shift(rect.left, rect.right, area.left, area.right);
    const dy = shift(rect.top, rect.bottom, area.top, area.bottom);
    if (dx || dy) scroller.scrollBy({ left: dx, top: dy, behavior: "instant" });
  }

  head(kickerText) {
    const head = el("header", "panel-head");
    const kicker = el("p", "panel-kicker", kickerText);
    const close = el("button", "icon-btn panel-close");
    close.type = "button";
    close.setAttribute("aria-label", this.s.closePanel);
    close.title = this.s.closePanel;
    close.innerHTML = '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true"><path d="M5 5l10 10M15 5L5 15" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
    close.addEventListener("click", () => this.close(true));
    head.append(kicker, close);
    return head;
  }

  open(entity, id, { focus = true, returnTo = null } = {}) {
    const item = find(this.getDoc(), entity, id);
    if (!item) return;
    this.view = null;
    delete this.host.dataset.view;
    this.entity = entity;
    this.id = id;
    this.returnTo = returnTo;
    this.fields.clear();
    this.host.replaceChildren();
    this.host.dataset.entity = entity;
    this.host.dataset.id = id;
    this.remoteBy.clear();
    this.build(item);
    this.show();
    this.mark(returnTo);
    this.reveal(returnTo);
    drawPeers(this);
    if (focus) this.host.querySelector("input, textarea, select")?.focus();
  }

  close(refocus = false) {
    if (this.host.hidden) return;
    this.host.hidden = true;
    document.body.classList.remove("panel-open");
    this.mark(null);
    this.entity = null;
    this.id = null;
    this.view = null;
    delete this.host.dataset.view;
    this.fields.clear();
    this.onClose?.();
    if (refocus && this.returnTo?.isConnected) this.returnTo.focus();
  }

  // After a frame: close if the item is gone, refresh fields not being typed in.
  refresh(doc, changed) {
    if (!this.isOpen) return;
    if (this.view) {
      this.view.refresh?.(doc, changed);
      return;
    }
    if (!changed.full && !changed.items.some((c) => c.id === this.id || c.entity === "moment")) return;
    const item = find(doc, this.entity, this.id);
    if (!item) {
      this.close();
      return;
    }
    for (const [, field] of this.fields) field.read(item);
    this.remoteBy.clear();
    // A redraw of the board may have replaced the item's node.
    const node = document.querySelector(`#board .item[data-id="${CSS.escape(this.id)}"]`);
    if (node && !node.classList.contains("is-in-panel")) this.mark(node);
    this.host.querySelector(".panel-extra")?.replaceChildren();
    const extra = this.host.querySelector(".panel-extra");
    if (extra && this.extras[this.entity]) this.extras[this.entity](this, item, extra);
  }

  // A batch from someone else: remember who changed which field of the open item,
  // so the refresh that follows can say so where it matters.
  noteRemote({ actor, ops }) {
    if (!this.entity) return;
    for (const op of ops || []) {
      if (op.entity !== this.entity || op.id !== this.id || op.op !== "update") continue;
      for (const key of Object.keys(op.fields || {})) if (key !== "version") this.remoteBy.set(key, actor || {});
    }
  }

  // The roster changed: who else has this item open, and in which field.
  setPresence(roster, { selfClientId, teams = [] } = {}) {
    this.roster = roster;
    this.selfClientId = selfClientId;
    this.teams = teams;
    drawPeers(this);
  }

  commit(fields) {
    this.update(this.entity, this.id, fields);
  }

  // The item's form (ReadPanel draws it to be read instead).
  build(item) {
    buildItemForm(this, item);
  }
}
