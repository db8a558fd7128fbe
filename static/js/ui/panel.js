// The side panel: every field of one touchpoint (or moment of truth), edited in
// place. Each change becomes an ordinary "update" op through the editor's
// commit path; remote changes refresh the fields nobody is typing in.
// User text only ever goes through textContent / value, never innerHTML.

import { find, format } from "../grid/model.js";
import { initials, userColor } from "./presence.js";

export const EVALUATIONS = ["delight", "neutral", "irritant"];
// A symbol per evaluation, so it reads without colour too.
export const EVALUATION_SYMBOL = { delight: "▲", neutral: "●", irritant: "▼" };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// "80 %" for a share; "12k/month" for a count per period.
export function volumeBadge(item, s) {
  if (item.volume_share !== null && item.volume_share !== undefined) {
    const share = Math.round(item.volume_share * 10) / 10;
    return `${share} %`;
  }
  if (item.volume_count !== null && item.volume_count !== undefined) {
    const n = item.volume_count;
    const short = n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n);
    const period = item.volume_period ? s[`per_${item.volume_period}`] || "" : "";
    return `${short}${period}`;
  }
  return "";
}

export function channelName(channel, lang) {
  if (!channel) return "";
  return lang === "fr" && channel.name_fr ? channel.name_fr : channel.name;
}

// What the page says about attachments (members only; the share page has none).
export function attachmentSettings() {
  const node = document.getElementById("attachment-panel");
  return node ? JSON.parse(node.textContent) : null;
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// What the upload picker offers; the server checks the content whatever is chosen.
const ATTACHMENT_ACCEPT = [
  "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", ".doc", ".docx", ".xls", ".xlsx",
  ".ppt", ".pptx", ".odt", ".ods", ".odp", ".mp3", ".m4a", ".wav", ".ogg", ".opus", ".mp4", ".m4v", ".mov",
  ".webm", ".ogv",
].join(",");
const KIND_BADGE = { pdf: "PDF", document: "DOC", spreadsheet: "XLS", presentation: "PPT", audio: "♪", video: "▶" };

export function attachmentKind(contentType) {
  if (contentType.startsWith("image/")) return "image";
  if (contentType === "application/pdf") return "pdf";
  if (contentType.startsWith("audio/")) return "audio";
  if (contentType.startsWith("video/")) return "video";
  if (/spreadsheet|excel/.test(contentType)) return "spreadsheet";
  if (/presentation|powerpoint/.test(contentType)) return "presentation";
  if (/word|opendocument\.text|msword/.test(contentType)) return "document";
  return "file";
}

export function fileSize(bytes, t, lang) {
  const number = (n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n);
  if (bytes >= 1024 * 1024) return format(t.megabytes, { n: number(bytes / (1024 * 1024)) });
  if (bytes >= 1024) return format(t.kilobytes, { n: number(bytes / 1024) });
  return format(t.bytes, { n: String(bytes) });
}

function parseNumber(raw, { integer = false } = {}) {
  const text = String(raw).trim().replace(",", ".");
  if (text === "") return null;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return integer ? Math.round(value) : value;
}

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
    this.drawPeers();
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
    this.drawPeers();
  }

  peers() {
    const people = new Map();
    if (!this.entity) return people;
    for (const [clientId, entry] of this.roster) {
      if (clientId === this.selfClientId) continue;
      const focus = entry.focus;
      if (!focus || focus.entity !== this.entity || focus.id !== this.id) continue;
      const key = entry.user?.id ?? clientId;
      const seen = people.get(key);
      // One person in two tabs: the tab in a field says more than the one merely open.
      if (!seen || (seen.field === "panel" && focus.field !== "panel")) {
        people.set(key, { user: entry.user || {}, field: focus.field || "panel" });
      }
    }
    return people;
  }

  drawPeers() {
    const box = this.host.querySelector(".panel-peers");
    if (!box) return;
    const people = [...this.peers().values()];
    box.hidden = !people.length;
    const names = people.map((p) => p.user.name || "?");
    const list = box.querySelector(".panel-peers-list");
    list.replaceChildren();
    for (const person of people) {
      const chip = el("span", "panel-peer");
      const dot = el("span", "avatar panel-peer-avatar", initials(person.user.name));
      dot.setAttribute("aria-hidden", "true");
      dot.style.setProperty("--avatar", userColor(person.user, this.teams));
      chip.append(dot, el("span", "panel-peer-name", person.user.name || "?"));
      list.append(chip);
    }
    box.querySelector(".panel-peers-text").textContent = people.length ? format(this.s.alsoOpenBy, { names: names.join(", ") }) : "";
    // Per field: who is typing in it right now.
    for (const badge of this.host.querySelectorAll(".panel-peer-badge")) badge.remove();
    for (const row of this.host.querySelectorAll(".panel-row.is-peer-editing")) row.classList.remove("is-peer-editing");
    for (const person of people) {
      const row = this.host.querySelector(`.panel-row[data-field="${CSS.escape(person.field)}"]`);
      if (!row) continue;
      row.classList.add("is-peer-editing");
      row.style.setProperty("--peer", userColor(person.user, this.teams));
      const badge = el("span", "panel-peer-badge", format(this.s.isEditing, { name: person.user.name || "?" }));
      (row.querySelector(":scope > .panel-label, :scope > legend") || row).append(badge);
    }
  }

  // ---- building blocks -----------------------------------------------------------
  commit(fields) {
    this.update(this.entity, this.id, fields);
  }

  row(label, control, { hint = "" } = {}) {
    const wrap = el("div", "panel-row");
    const field = control.dataset?.fieldName || control.name;
    if (field) wrap.dataset.field = field;
    const id = `panel-${this.entity}-${label.replace(/\W+/g, "-").toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`;
    const lab = el("label", "panel-label", label);
    lab.htmlFor = id;
    control.id = id;
    wrap.append(lab, control);
    if (hint) wrap.append(el("p", "panel-hint small muted", hint));
    return wrap;
  }

  textInput(name, { multiline = false, maxLength = 200, required = false } = {}) {
    const input = multiline ? el("textarea", "panel-input") : el("input", "panel-input");
    if (!multiline) input.type = "text";
    else input.rows = 3;
    input.maxLength = maxLength;
    input.name = name;
    const field = this.bind(name, input, {
      get: () => input.value,
      set: (text) => { input.value = text; },
      toText: (value) => value ?? "",
      fromText: (text) => {
        const value = multiline ? text : text.trim();
        return required && !value ? undefined : value;
      },
      show: (value) => (value ? `“${String(value).length > 60 ? `${String(value).slice(0, 60)}…` : value}”` : this.s.emptyValue),
    });
    input.addEventListener("change", () => field.changed());
    if (!multiline) input.addEventListener("keydown", (e) => { if (e.key === "Enter") field.enter(); });
    return input;
  }

  numberInput(name, { min, max, step = "any", integer = false, suffix = "" } = {}) {
    const input = el("input", "panel-input panel-number");
    input.type = "number";
    input.name = name;
    input.min = String(min);
    input.max = String(max);
    input.step = String(step);
    input.inputMode = integer ? "numeric" : "decimal";
    const field = this.bind(name, input, {
      get: () => input.value,
      set: (text) => { input.value = text; },
      toText: (value) => (value === null || value === undefined ? "" : String(value)),
      fromText: (text) => parseNumber(text, { integer }),
      show: (value) => (value === null || value === undefined ? this.s.emptyValue : `${value}${suffix ? ` ${suffix}` : ""}`),
    });
    input.addEventListener("change", () => field.changed());
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") field.enter(); });
    if (!suffix) return input;
    const wrap = el("span", "panel-suffixed");
    wrap.dataset.fieldName = name;
    wrap.append(input, el("span", "panel-suffix", suffix));
    wrap.focus = () => input.focus();
    Object.defineProperty(wrap, "id", { set: (v) => { input.id = v; }, get: () => input.id });
    return wrap;
  }

  select(name, options, { empty = null, parse = (v) => v || null } = {}) {
    const select = el("select", "panel-input");
    select.name = name;
    if (empty !== null) select.append(new Option(empty, ""));
    for (const option of options) {
      if (option.group) {
        const group = el("optgroup");
        group.label = option.group;
        for (const o of option.options) group.append(new Option(o.label, o.value));
        select.append(group);
      } else {
        select.append(new Option(option.label, option.value));
      }
    }
    const field = this.bind(name, select, {
      get: () => select.value,
      set: (text) => { select.value = text; },
      toText: (value) => String(value ?? ""),
      fromText: (text) => parse(text),
      show: (value) => {
        const option = [...select.options].find((o) => o.value === String(value ?? ""));
        return option && option.value ? option.textContent : this.s.emptyValue;
      },
    });
    select.addEventListener("change", () => field.changed());
    return select;
  }

  /**
   * One field of the item, kept live: a remote change shows at once where the
   * field is not being typed in. Where it would undo what this person is typing,
   * or just wrote, the panel says who changed it to what, and lets them keep
   * theirs or put their own value back (nothing is lost without being told).
   * control: the element holding the focus; get/set: its text; toText/fromText:
   * item value <-> text (fromText answers undefined for a value that cannot be
   * sent); show: a value as the notice names it.
   */
  bind(name, control, { get, set, toText, fromText, show }) {
    const state = { base: null, mine: undefined, conflict: null };
    const hasFocus = () => control.contains(document.activeElement);
    const row = () => control.closest(".panel-row") || control.parentElement;
    const clear = () => {
      state.conflict = null;
      row()?.querySelector(":scope > .panel-conflict")?.remove();
      row()?.classList.remove("has-conflict");
    };
    const send = (value) => {
      clear();
      state.mine = value;
      state.base = toText(value);
      this.commit({ [name]: value });
    };
    const notice = () => {
      const host = row();
      if (!host) return;
      const { theirs, actor, mine } = state.conflict;
      let box = host.querySelector(":scope > .panel-conflict");
      if (!box) {
        box = el("div", "panel-conflict");
        box.setAttribute("role", "alert");
        const text = el("p", "panel-conflict-text");
        const actions = el("div", "panel-conflict-actions");
        const keepTheirs = el("button", "btn btn-small keep-theirs", this.s.keepTheirs);
        keepTheirs.type = "button";
        keepTheirs.addEventListener("click", () => {
          const value = find(this.getDoc(), this.entity, this.id)?.[name] ?? null;
          clear();
          state.mine = undefined;
          set(toText(value));
          state.base = toText(value);
          control.querySelector?.("input:checked")?.focus() || control.focus?.();
        });
        const keepMine = el("button", "btn btn-small btn-quiet keep-mine");
        keepMine.type = "button";
        keepMine.addEventListener("click", () => {
          // While typing: what is in the field now; otherwise the value they had set.
          const value = state.conflict?.typing ? fromText(get()) : state.conflict?.mine;
          if (value === undefined) return;
          set(toText(value));
          send(value);
        });
        actions.append(keepTheirs, keepMine);
        box.append(text, actions);
        host.append(box);
        host.classList.add("has-conflict");
      }
      box.querySelector(".panel-conflict-text").textContent = format(this.s.changedTo, { name: actor?.name || "?", value: show(theirs) });
      box.querySelector(".keep-mine").textContent = format(this.s.keepMine, { value: show(mine) });
      box.scrollIntoView({ block: "nearest" });
    };
    const field = {
      read: (item) => {
        const value = item[name] ?? null;
        const text = toText(value);
        const by = this.remoteBy.get(name);
        if (state.conflict) {
          // Still waiting for a choice: the notice follows the latest remote value.
          if (by) Object.assign(state.conflict, { theirs: value, actor: by });
          if (state.conflict.typing) {
            if (text === toText(state.conflict.mine)) clear(); // they came round to the same value
            else notice();
            return;
          }
          set(text);
          state.base = text;
          if (text === toText(state.conflict.mine)) clear();
          else notice();
          return;
        }
        if (hasFocus() && state.base !== null && get() !== state.base) {
          // Being typed in: keep what is typed; say so if someone else changed it meanwhile.
          if (by && text !== state.base && text !== get()) {
            const mine = fromText(get());
            if (mine !== undefined) {
              state.conflict = { typing: true, theirs: value, actor: by, mine };
              notice();
            }
          }
          return;
        }
        set(text);
        state.base = text;
        if (by && state.mine !== undefined && text !== toText(state.mine)) {
          // Someone else wrote over what this person just set.
          state.conflict = { typing: false, theirs: value, actor: by, mine: state.mine };
          state.mine = undefined;
          notice();
        }
      },
      // The control's own change (blur, pick, Enter).
      changed: () => {
        if (state.conflict?.typing) return; // the notice asks which value to keep
        const value = fromText(get());
        if (value === undefined) {
          const current = find(this.getDoc(), this.entity, this.id)?.[name] ?? null;
          set(toText(current));
          state.base = toText(current);
          return;
        }
        if (get() === state.base && !state.conflict) return;
        send(value);
      },
      // Enter in a one-line field: save, or, during a conflict, keep what was typed.
      enter: () => {
        if (state.conflict?.typing) {
          const value = fromText(get());
          if (value !== undefined) send(value);
          return;
        }
        control.blur();
      },
    };
    this.fields.set(name, field);
    return field;
  }

  // ---- the panels ----------------------------------------------------------------------
  build(item) {
    const s = this.s;
    this.host.append(this.head(this.entity === "touchpoint" ? s.touchpoint : s.momentOfTruth));
    const peers = el("div", "panel-peers");
    peers.hidden = true;
    peers.setAttribute("role", "status");
    peers.append(el("div", "panel-peers-list"), el("p", "panel-peers-text"));
    this.host.append(peers);
    const body = el("div", "panel-body");
    this.host.append(body);
    const readOnly = !this.config.canWrite;
    if (this.entity === "touchpoint") this.buildTouchpoint(body, item);
    else if (this.entity === "moment") this.buildMoment(body, item);
    const extra = el("div", "panel-extra");
    body.append(extra);
    if (this.extras[this.entity]) this.extras[this.entity](this, item, extra);
    if (!readOnly) {
      const foot = el("footer", "panel-foot");
      const del = el("button", "btn btn-small btn-danger-quiet", s.delete);
      del.type = "button";
      del.addEventListener("click", () => { const id = this.id; const entity = this.entity; this.close(); this.remove(entity, id); });
      foot.append(del);
      this.host.append(foot);
    }
    for (const [, field] of this.fields) field.read(item);
    if (readOnly) for (const control of this.host.querySelectorAll("input, textarea, select, .panel-body button")) control.disabled = true;
  }

  buildTouchpoint(body, item) {
    const s = this.s;
    const doc = this.getDoc();
    const lang = doc.map?.language || "en";
    body.append(this.row(s.title, this.textInput("title", { required: true })));
    const kinds = [["digital", s.digital], ["physical", s.physical], ["personal", s.personal]];
    const channels = doc.channels || [];
    const groups = kinds.map(([kind, label]) => ({
      group: label,
      options: channels.filter((c) => c.kind === kind).map((c) => ({ value: c.id, label: channelName(c, lang) })),
    })).filter((g) => g.options.length);
    body.append(this.row(s.channel, this.select("channel", groups, { empty: s.noChannel })));
    body.append(this.row(s.description, this.textInput("description", { multiline: true, maxLength: 10000 })));
    const teams = (doc.teams || []).map((t) => ({ value: t.id, label: t.name }));
    body.append(this.row(s.ownerTeam, this.select("owner_team", teams, { empty: s.noTeam })));

    // Evaluation: three radio chips, colour and symbol.
    const evalWrap = el("fieldset", "panel-row panel-evaluation");
    evalWrap.dataset.field = "evaluation";
    evalWrap.append(el("legend", "panel-label", s.evaluation));
    const chips = el("div", "eval-choices");
    const name = `evaluation-${Math.random().toString(36).slice(2, 7)}`;
    const radios = [];
    for (const value of ["", ...EVALUATIONS]) {
      const label = el("label", `eval-choice eval-${value || "none"}`);
      const radio = el("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = value;
      radio.addEventListener("change", () => { if (radio.checked) evaluation.changed(); });
      radios.push(radio);
      const symbol = el("span", "eval-symbol", value ? EVALUATION_SYMBOL[value] : "–");
      symbol.setAttribute("aria-hidden", "true");
      label.append(radio, symbol, el("span", "", value ? s[`eval_${value}`] : s.notEvaluated));
      chips.append(label);
    }
    evalWrap.append(chips);
    const evaluation = this.bind("evaluation", chips, {
      get: () => radios.find((r) => r.checked)?.value ?? "",
      set: (text) => { for (const r of radios) r.checked = r.value === text; },
      toText: (value) => value || "",
      fromText: (text) => text,
      show: (value) => (value ? `${EVALUATION_SYMBOL[value]} ${s[`eval_${value}`]}` : s.notEvaluated),
    });
    body.append(evalWrap);

    // Volume: a share of customers and/or a count per period.
    const volume = el("fieldset", "panel-row panel-grid");
    volume.append(el("legend", "panel-label", s.volume));
    volume.append(this.row(s.volumeShare, this.numberInput("volume_share", { min: 0, max: 100, suffix: "%" })));
    volume.append(this.row(s.volumeCount, this.numberInput("volume_count", { min: 0, max: 2000000000, step: 1, integer: true })));
    const periods = ["day", "week", "month", "year"].map((p) => ({ value: p, label: s[`period_${p}`] }));
    volume.append(this.row(s.volumePeriod, this.select("volume_period", periods, { empty: "—" })));
    body.append(volume);
    const scores = el("fieldset", "panel-row panel-grid");
    scores.append(el("legend", "panel-label", s.surveyScores));
    scores.append(this.row("CSAT", this.numberInput("csat", { min: 0, max: 100, suffix: "%" })));
    scores.append(this.row("NPS", this.numberInput("nps", { min: -100, max: 100, step: 1, integer: true })));
    body.append(scores);
    body.append(this.evidenceSection());
    if (this.files) body.append(this.attachmentSection());
  }

  // Files: listed from the touchpoint's "attachments" (so an upload by anyone shows
  // up here live, as an ordinary op); uploaded and removed over REST, where the
  // server checks the content and stores the bytes.
  attachmentSection() {
    const t = this.files.strings;
    const lang = document.documentElement.lang || "en"; // the page's language, as the words around it
    const wrap = el("fieldset", "panel-row panel-attachments");
    wrap.append(el("legend", "panel-label", t.attachments));
    const list = el("ul", "attachment-list");
    const status = el("p", "attachment-status small");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.append(list, status);
    const base = () => `/api/v1/maps/${this.config.mapId}/touchpoints/${this.id}/attachments/`;
    const say = (text, kind = "") => {
      status.textContent = text;
      status.dataset.kind = kind;
    };

    const row = (entry) => {
      const kind = attachmentKind(entry.content_type);
      const url = `${base()}${entry.id}/download/`;
      const li = el("li", `attachment-item kind-${kind}`);
      li.dataset.id = entry.id;
      const preview = el("a", "attachment-preview");
      preview.href = url;
      preview.target = "_blank";
      preview.rel = "noopener";
      preview.setAttribute("aria-label", format(t.openFile, { name: entry.name }));
      if (kind === "image") {
        const img = el("img", "attachment-thumb");
        img.src = `${url}?thumbnail=1`;
        img.alt = "";
        img.loading = "lazy";
        img.decoding = "async";
        preview.append(img);
      } else {
        preview.append(el("span", "attachment-badge", KIND_BADGE[kind] || "…"));
      }
      const main = el("div", "attachment-main");
      const name = el("a", "attachment-name", entry.name);
      name.href = url;
      name.target = "_blank";
      name.rel = "noopener";
      name.title = entry.name;
      main.append(name, el("span", "attachment-meta small muted",
        `${t[`kind_${kind}`] || t.kind_file} · ${fileSize(entry.size, t, lang)}`));
      if (kind === "audio") {
        const audio = el("audio", "attachment-player");
        audio.controls = true;
        audio.preload = "none";
        audio.src = url;
        main.append(audio);
      }
      li.append(preview, main);
      if (this.config.canWrite) {
        const rm = el("button", "icon-btn attachment-remove", "×");
        rm.type = "button";
        rm.setAttribute("aria-label", format(t.removeAttachment, { name: entry.name }));
        rm.addEventListener("click", () => confirmRemove(li, entry, rm));
        li.append(rm);
      }
      return li;
    };

    const confirmRemove = (li, entry, rm) => {
      if (li.querySelector(".attachment-confirm")) return;
      const box = el("div", "attachment-confirm");
      box.append(el("span", "small", t.confirmRemove));
      const yes = el("button", "btn btn-small btn-danger-quiet attachment-confirm-remove", t.remove);
      yes.type = "button";
      const no = el("button", "btn btn-small btn-quiet", t.keep);
      no.type = "button";
      no.addEventListener("click", () => { box.remove(); rm.focus(); });
      yes.addEventListener("click", async () => {
        yes.disabled = true;
        try {
          const response = await fetch(`${base()}${entry.id}/`, {
            method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          });
          if (!response.ok && response.status !== 404) throw new Error(String(response.status));
          say(format(t.removed, { name: entry.name }));
          list.querySelector(`[data-id="${CSS.escape(entry.id)}"]`)?.remove();
        } catch {
          say(t.removeFailed, "error");
          yes.disabled = false;
        }
      });
      box.append(yes, no);
      li.append(box);
      yes.focus();
    };

    const read = (item) => {
      const entries = item.attachments || [];
      // Rebuilt only when the files change: an edit of another field must not
      // reload previews or stop a recording being played.
      const key = entries.map((e) => e.id).join(",");
      if (list.dataset.key === key && list.childElementCount) return;
      list.dataset.key = key;
      list.replaceChildren();
      if (!entries.length) list.append(el("li", "attachment-empty small muted", t.noAttachments));
      for (const entry of entries) list.append(row(entry));
    };
    this.fields.set("attachments", { read });

    if (this.config.canWrite) {
      const add = el("div", "attachment-add");
      const input = el("input", "attachment-input");
      input.type = "file";
      input.multiple = true;
      input.accept = ATTACHMENT_ACCEPT;
      input.hidden = true;
      const pick = el("button", "btn btn-small attachment-pick", t.attachFile);
      pick.type = "button";
      pick.addEventListener("click", () => input.click());
      input.addEventListener("change", async () => {
        const files = [...input.files];
        const url = base(); // this touchpoint's, even if the panel moves on meanwhile
        input.value = "";
        for (const file of files) await this.uploadAttachment(file, url, say);
      });
      add.append(pick, input, el("p", "panel-hint small muted", format(t.attachHint, { size: fileSize(this.files.maxBytes, t, lang) })));
      wrap.append(add);
    }
    return wrap;
  }

  async uploadAttachment(file, url, say) {
    const t = this.files.strings;
    const name = file.name;
    const lang = document.documentElement.lang || "en"; // the page's language, as the words around it
    const limit = fileSize(this.files.maxBytes, t, lang);
    if (file.size > this.files.maxBytes) {
      say(format(t.tooLarge, { name, limit }), "error");
      return;
    }
    say(format(t.uploading, { name }), "busy");
    const form = new FormData();
    form.append("file", file, name);
    try {
      const response = await fetch(url, {
        method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if (response.ok) {
        say(format(t.uploaded, { name }));
        return;
      }
      let error = {};
      try { error = await response.json(); } catch { /* not JSON */ }
      if (response.status === 413) say(format(t.tooLarge, { name, limit }), "error");
      else if (response.status === 400 && error.fields?.file) say(format(t.wrongType, { name }), "error");
      else say(format(t.uploadFailed, { name }), "error");
    } catch {
      say(format(t.uploadFailed, { name }), "error");
    }
  }

  evidenceSection() {
    const s = this.s;
    const wrap = el("fieldset", "panel-row panel-evidence");
    wrap.append(el("legend", "panel-label", s.evidence));
    const list = el("ul", "evidence-list");
    wrap.append(list);
    const current = () => find(this.getDoc(), this.entity, this.id)?.evidence || [];
    const read = (item) => {
      list.replaceChildren();
      const links = item.evidence || [];
      if (!links.length) list.append(el("li", "evidence-empty small muted", s.noEvidence));
      links.forEach((link, index) => {
        const li = el("li", "evidence-item");
        const a = el("a", "", link.label || link.url);
        a.href = link.url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.title = link.url;
        li.append(a);
        if (this.config.canWrite) {
          const rm = el("button", "icon-btn evidence-remove");
          rm.type = "button";
          rm.setAttribute("aria-label", format(s.removeLink, { label: link.label || link.url }));
          rm.textContent = "×";
          rm.addEventListener("click", () => this.commit({ evidence: current().filter((_, i) => i !== index) }));
          li.append(rm);
        }
        list.append(li);
      });
    };
    this.fields.set("evidence", { read });
    if (this.config.canWrite) {
      const form = el("form", "evidence-add");
      const url = el("input", "panel-input");
      url.type = "url";
      url.placeholder = "https://…";
      url.required = true;
      url.setAttribute("aria-label", s.linkUrl);
      const label = el("input", "panel-input");
      label.type = "text";
      label.maxLength = 200;
      label.placeholder = s.linkLabel;
      label.setAttribute("aria-label", s.linkLabel);
      const add = el("button", "btn btn-small", s.addLink);
      add.type = "submit";
      form.append(url, label, add);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const value = url.value.trim();
        if (!/^https?:\/\//i.test(value)) {
          url.setCustomValidity(s.linkMustBeHttp);
          url.reportValidity();
          return;
        }
        url.setCustomValidity("");
        this.commit({ evidence: [...current(), { url: value, label: label.value.trim() }] });
        url.value = "";
        label.value = "";
      });
      url.addEventListener("input", () => url.setCustomValidity(""));
      wrap.append(form);
    }
    return wrap;
  }

  buildMoment(body, item) {
    const s = this.s;
    const doc = this.getDoc();
    const where = el("p", "panel-where small muted");
    const stage = find(doc, "stage", item.stage);
    const tp = item.touchpoint ? find(doc, "touchpoint", item.touchpoint) : null;
    where.textContent = tp ? format(s.momentOnTouchpoint, { title: tp.title, stage: stage?.name || "" })
      : format(s.momentOnStage, { stage: stage?.name || "" });
    body.append(where);
    body.append(this.row(s.title, this.textInput("title", { required: true })));
    const grid = el("div", "panel-grid");
    const scale = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }));
    const importance = this.select("importance", scale, { parse: Number });
    const impact = this.select("impact", scale, { parse: Number });
    grid.append(this.row(s.importance, importance, { hint: s.importanceHint }));
    grid.append(this.row(s.impact, impact, { hint: s.impactHint }));
    body.append(grid);
    const valences = ["positive", "negative", "mixed"].map((v) => ({ value: v, label: s[`valence_${v}`] }));
    body.append(this.row(s.valence, this.select("valence", valences, { parse: (v) => v })));
    body.append(this.row(s.rationale, this.textInput("rationale", { multiline: true, maxLength: 5000 })));
  }
}
