// The map editor page: wires the board (rendering, editing, drag and drop,
// keyboard) to the sync module, and turns user actions into op batches.

import { installDnd } from "./grid/dnd.js";
import { editText } from "./grid/editing.js";
import { focusNode, installKeyboard } from "./grid/keyboard.js";
import { find, format, itemText, orderedStages, placeOf, sorted, textField, uuid } from "./grid/model.js";
import { Board, EMOTION_HEIGHT } from "./grid/render.js";
import { placeMarker, scoreAt, scoreLabel } from "./lanes/emotion.js";
import { evaluationFace, volumeText } from "./lanes/marks.js";
import { confirmDelete, contentOf, deletedView } from "./ui/deleted.js";
import { initExportDialog } from "./ui/export-dialog.js";
import { Popover, menuButton, section } from "./ui/menu.js";
import { SidePanel, csrfToken } from "./ui/panel.js";
import { buildPicker, linkedPersonas, renderStrip } from "./ui/personas.js";
import { ReadPanel } from "./ui/read-panel.js";
import { locksFrom, renderPresence } from "./ui/presence.js";
import { Toasts } from "./ui/toasts.js";
import { UndoStack } from "./ui/undo.js";

const json = (id) => JSON.parse(document.getElementById(id).textContent);
const config = json("editor-config");
const s = json("editor-strings");
const initialDoc = json("initial-doc");
config.canWrite = config.role === "owner" || config.role === "editor";

const board = new Board({ root: document.getElementById("board"), strings: s, config });
const toasts = new Toasts(document.getElementById("toasts"));
const popover = new Popover(document.getElementById("popover"));
const undo = new UndoStack();
// People who may only look get the item to read, not a form they cannot use.
const panel = new (config.canWrite ? SidePanel : ReadPanel)({
  host: document.getElementById("side-panel"),
  strings: s,
  config,
  getDoc: () => currentDoc(),
  update: (entity, id, fields) => updateItem(entity, id, fields),
  remove: (entity, id) => deleteItem(entity, id, s.deleted),
});
panel.onClose = () => sync?.setPresence(null, null);
// Which field of the open item I am in: the others' panels show it.
panel.onFocusField = (field) => {
  if (config.canWrite && panel.entity) sync?.setPresence({ entity: panel.entity, id: panel.id, field }, null);
};
let sync = null;
let localDoc = initialDoc;

const currentDoc = () => (sync ? sync.doc : localDoc);
const exportDialog = initExportDialog({ mapId: config.mapId, getDoc: () => currentDoc() });
board.render(initialDoc, { full: true, items: [] });

// ---- sending -------------------------------------------------------------------
function commit(ops, changes = []) {
  if (!sync || !ops.length) return;
  sync.push(ops);
  undo.record(changes);
}

const COLORS = ["", "#fef3c7", "#dcfce7", "#dbeafe", "#fce7f3", "#ede9fe", "#fee2e2", "#e0f2fe"];

// ---- items (cards, touchpoints, moments) ---------------------------------------------
function createItem(cell, text, { after = null } = {}) {
  const entity = cell.dataset.entity;
  const field = textField(entity);
  const value = entity === "card" ? text : text.trim().slice(0, 200);
  if (!value.trim()) return null;
  const id = uuid();
  const fields = { stage: cell.dataset.stage, lane: cell.dataset.lane, [field]: value };
  if (entity === "card" && config.user.team) fields.team = config.user.team;
  if (entity === "touchpoint" && config.user.team) fields.owner_team = config.user.team;
  if (after) fields.after = after;
  commit([{ op: "create", entity, id, fields }], [{ kind: "create", entity, id }]);
  return id;
}

function updateItem(entity, id, fields) {
  const item = find(currentDoc(), entity, id);
  if (!item) return;
  const before = {};
  const changed = {};
  for (const [key, value] of Object.entries(fields)) {
    if ((item[key] ?? null) === (value ?? null)) continue;
    before[key] = item[key] ?? null;
    changed[key] = value;
  }
  if (!Object.keys(changed).length) return;
  commit([{ op: "update", entity, id, fields: changed }], [{ kind: "update", entity, id, before }]);
}

function deleteItem(entity, id, message = s.cardDeleted) {
  const cell = board.items.get(id)?.closest(".cell");
  commit([{ op: "delete", entity, id }], [{ kind: "delete", entity, id }]);
  toasts.show(message, { action: { label: s.undo, run: runUndo } });
  if (cell) focusNode(board, cell);
}

function moveItem(entity, id, stage, lane, { after = null, before = null } = {}) {
  const doc = currentDoc();
  const from = placeOf(doc, entity, id);
  if (!from) return;
  if (after === id || before === id) return;
  const same = from.fields.stage === stage && from.fields.lane === lane;
  if (same && ((after && from.after === after) || (!after && before && from.before === before))) return;
  const fields = { stage, lane };
  if (after) fields.after = after;
  else if (before) fields.before = before;
  commit([{ op: "move", entity, id, fields }], [{ kind: "move", entity, id, from }]);
}

function openPanel(node) {
  const { entity, id } = node.dataset;
  panel.open(entity, id, { returnTo: node, focus: config.canWrite });
  if (config.canWrite) sync?.setPresence({ entity, id, field: "panel" }, null);
}

function startEdit(node) {
  if (node.dataset.entity === "touchpoint" || node.dataset.entity === "moment") return openPanel(node);
  if (!config.canWrite) return;
  const { entity, id } = node.dataset;
  const item = find(currentDoc(), entity, id);
  if (!item || node.querySelector(".inline-editor")) return;
  const lock = board.locks.get(id);
  if (lock) {
    toasts.show(format(s.lockedBy, { name: lock.name }), { kind: "warn", key: `locked:${id}` });
    return;
  }
  board.editing = id;
  node.classList.add("is-editing");
  node.draggable = false;
  const cell = node.closest(".cell");
  sync?.setPresence({ entity, id, field: textField(entity) }, { stage: item.stage, lane: item.lane });
  editText(node.querySelector(".item-text"), {
    value: itemText(entity, item),
    placeholder: s.newCardPlaceholder,
    multiline: entity === "card",
    maxLength: entity === "card" ? 10000 : 200,
    label: s.editHint,
    onSave: (text) => {
      endEdit(node);
      if (!text.trim()) {
        if (find(currentDoc(), entity, id)) deleteItem(entity, id);
        return;
      }
      updateItem(entity, id, { [textField(entity)]: entity === "card" ? text : text.trim() });
      if (document.activeElement === document.body) focusNode(board, node);
    },
    onCancel: () => {
      endEdit(node);
      focusNode(board, node.isConnected ? node : cell);
    },
  });
}

function endEdit(node) {
  board.editing = null;
  node.classList.remove("is-editing");
  node.draggable = config.canWrite;
  sync?.setPresence(null, null);
  const item = find(currentDoc(), node.dataset.entity, node.dataset.id);
  if (item) node.querySelector(".item-text").textContent = itemText(node.dataset.entity, item);
}

// A draft card: a textarea at the end of the cell; it becomes a card on save.
function startDraft(cell) {
  if (!config.canWrite || !cell || cell.querySelector(".item.draft")) return;
  const entity = cell.dataset.entity;
  if (!entity || entity === "emotion") return;
  const draft = document.createElement("article");
  draft.className = `item item-${entity} draft`;
  draft.style.setProperty("--bar", teamColor(config.user.team));
  draft.innerHTML = '<div class="item-main"><span class="item-icon" aria-hidden="true"></span><p class="item-text"></p></div>';
  cell.querySelector(".cell-items").append(draft);
  cell.classList.remove("is-empty");
  sync?.setPresence(null, { stage: cell.dataset.stage, lane: cell.dataset.lane });
  editText(draft.querySelector(".item-text"), {
    value: "",
    placeholder: s.newCardPlaceholder,
    multiline: entity === "card",
    maxLength: entity === "card" ? 10000 : 200,
    label: s.addCard,
    onSave: (text) => {
      draft.remove();
      const id = createItem(cell, text);
      board.updateCellState(cell);
      const node = id && board.items.get(id);
      if (node && document.activeElement === document.body) focusNode(board, node);
    },
    onCancel: () => {
      draft.remove();
      board.updateCellState(cell);
      focusNode(board, cell);
    },
  });
}

function teamColor(teamId) {
  return (currentDoc().teams || []).find((t) => t.id === teamId)?.color || "transparent";
}

// Alt+arrows: move the focused card to the neighbouring cell (end of it) or
// up/down within its cell.
function moveBy(node, dRow, dCol) {
  if (!config.canWrite) return;
  const { entity, id } = node.dataset;
  const cell = node.closest(".cell");
  const siblings = [...cell.querySelectorAll(".item")];
  const index = siblings.indexOf(node);
  if (dCol === 0 && dRow !== 0) {
    const target = siblings[index + dRow];
    if (target) {
      moveItem(entity, id, cell.dataset.stage, cell.dataset.lane,
        dRow < 0 ? { before: target.dataset.id } : { after: target.dataset.id });
      requestAnimationFrame(() => focusNode(board, board.items.get(id)));
      return;
    }
  }
  let row = Number(cell.dataset.row) + dRow;
  let col = Number(cell.dataset.col) + dCol;
  let target = board.cellAt(row, col);
  while (target && target.dataset.entity !== entity) {
    row += dRow;
    col += dCol;
    target = board.cellAt(row, col);
  }
  if (!target) return;
  moveItem(entity, id, target.dataset.stage, target.dataset.lane);
  requestAnimationFrame(() => focusNode(board, board.items.get(id)));
}

// ---- emotion ------------------------------------------------------------------------
// Scores go to the curve in front (board.curve): a persona's, or the shared one
// when no persona is on the map.
const emotionAt = (stage, persona) =>
  (currentDoc().emotions || []).find((e) => e.stage === stage && (e.persona || "") === (persona || ""));

function openEmotionPicker(cell, { persona = board.curve } = {}) {
  if (!config.canWrite) return;
  const stage = cell.dataset.stage;
  const personas = board.personas();
  const existing = emotionAt(stage, persona);
  popover.open(cell, (host, close) => {
    if (personas.length) {
      const who = section(s.curve);
      const select = document.createElement("select");
      select.setAttribute("aria-label", s.curve);
      for (const p of personas) select.append(new Option(p.name, p.id, false, p.id === persona));
      if (!persona || (currentDoc().emotions || []).some((e) => !e.persona)) {
        select.prepend(new Option(s.allCustomers, "", false, !persona));
      }
      select.addEventListener("change", () => {
        board.activePersona = select.value;
        board.drawEmotions();
        openEmotionPicker(cell, { persona: select.value });
      });
      who.append(select);
      host.append(who);
    }
    const wrap = section(s.emotionScore);
    const row = document.createElement("div");
    row.className = "score-row";
    for (let score = -3; score <= 3; score++) {
      const button = menuButton(score > 0 ? `+${score}` : String(score), () => {
        setEmotion(stage, score, persona);
        close();
      });
      button.className = `score-btn score-${score < 0 ? "neg" : score > 0 ? "pos" : "zero"}`;
      button.setAttribute("aria-pressed", String(existing?.score === score));
      row.append(button);
    }
    wrap.append(row);
    const scale = document.createElement("p");
    scale.className = "score-scale small";
    scale.innerHTML = `<span></span><span></span>`;
    scale.children[0].textContent = s.veryNegative;
    scale.children[1].textContent = s.veryPositive;
    wrap.append(scale);
    host.append(wrap);
    if (existing) {
      const noteWrap = section(s.emotionNote);
      const note = document.createElement("textarea");
      note.className = "panel-input emotion-note";
      note.rows = 2;
      note.maxLength = 1000;
      note.value = existing.note || "";
      note.setAttribute("aria-label", s.emotionNote);
      const save = menuButton(s.saveNote, () => { updateItem("emotion", existing.id, { note: note.value.trim() }); close(); });
      save.classList.add("save-note");
      noteWrap.append(note, save);
      host.append(noteWrap);
      host.append(menuButton(s.clearScore, () => { deleteItem("emotion", existing.id, s.deleted); close(); }));
    }
  }, { label: s.emotionScore });
}

function setEmotion(stage, score, persona = board.curve) {
  const existing = emotionAt(stage, persona);
  if (existing) {
    updateItem("emotion", existing.id, { score });
  } else {
    const id = uuid();
    const fields = { stage, score };
    if (persona) fields.persona = persona;
    commit([{ op: "create", entity: "emotion", id, fields }], [{ kind: "create", entity: "emotion", id }]);
  }
}

// Drag a marker up or down: each whole score reached is sent at once (the others
// see the point move), and the whole drag is one step for undo.
board.root.addEventListener("pointerdown", (event) => {
  const g = event.target.closest?.(".emotion-point.is-editable");
  if (!g || !config.canWrite || event.button !== 0) return;
  event.preventDefault();
  event.stopPropagation();
  const svgEl = g.ownerSVGElement;
  const id = g.dataset.id;
  const start = Number(g.dataset.score);
  const startY = event.clientY;
  const cell = board.cells.get(`${g.dataset.stage}|${svgEl.closest(".emotion-overlay")?.dataset.lane}`);
  let last = start;
  let moved = false;
  board.emotionDrag = id;
  board.activePersona = g.dataset.persona || "";
  g.classList.add("is-dragging");
  g.setPointerCapture(event.pointerId);
  const onMove = (e) => {
    if (Math.abs(e.clientY - startY) > 3) moved = true;
    if (!moved) return;
    const rect = svgEl.getBoundingClientRect();
    const score = scoreAt((e.clientY - rect.top) * (EMOTION_HEIGHT / rect.height), EMOTION_HEIGHT);
    if (score === last) return;
    last = score;
    placeMarker(g, score, EMOTION_HEIGHT);
    if (find(currentDoc(), "emotion", id)) sync?.push([{ op: "update", entity: "emotion", id, fields: { score } }]);
  };
  const onEnd = () => {
    g.removeEventListener("pointermove", onMove);
    g.removeEventListener("pointerup", onEnd);
    g.removeEventListener("pointercancel", onEnd);
    board.emotionDrag = null;
    if (moved && last !== start) undo.record([{ kind: "update", entity: "emotion", id, before: { score: start } }]);
    board.drawEmotions();
    if (!moved && cell) openEmotionPicker(cell, { persona: g.dataset.persona || "" });
  };
  g.addEventListener("pointermove", onMove);
  g.addEventListener("pointerup", onEnd);
  g.addEventListener("pointercancel", onEnd);
});

// The keyboard on a focused emotion point (lanes/emotion.js): each step is one
// update, and one undo step; Enter opens the point's picker.
board.root.addEventListener("emotion-score", (event) => {
  const { id, score } = event.detail;
  if (config.canWrite && find(currentDoc(), "emotion", id)) updateItem("emotion", id, { score });
});
board.root.addEventListener("emotion-open", (event) => {
  const cell = board.cells.get(`${event.detail.stage}|${event.detail.lane}`);
  if (cell) openEmotionPicker(cell, { persona: event.detail.persona });
});

// The legend picks the curve in front; "derive from touchpoints" proposes scores.
board.root.addEventListener("click", (event) => {
  const chip = event.target.closest(".legend-chip");
  if (chip) {
    event.stopPropagation();
    board.activePersona = chip.dataset.persona;
    board.drawEmotions();
    return;
  }
  const derive = event.target.closest(".derive-btn");
  if (derive) {
    event.stopPropagation();
    proposeDerived(derive);
  }
}, { capture: true });

async function proposeDerived(button) {
  const persona = board.curve;
  let data;
  try {
    const response = await fetch(`/maps/${config.mapId}/emotions/derive/?persona=${encodeURIComponent(persona)}`,
      { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    data = await response.json();
  } catch (error) {
    toasts.show(s.deriveFailed, { kind: "error" });
    return;
  }
  const doc = currentDoc();
  popover.open(button, (host, close) => {
    const wrap = section(s.deriveTitle);
    if (!data.proposals.length) {
      const none = document.createElement("p");
      none.className = "small muted derive-none";
      none.textContent = s.deriveNothing;
      wrap.append(none);
      host.append(wrap);
      return;
    }
    const list = document.createElement("ul");
    list.className = "derive-list";
    for (const proposal of data.proposals) {
      const li = document.createElement("li");
      li.className = `derive-row${proposal.current === proposal.score ? " is-same" : ""}`;
      li.dataset.stage = proposal.stage;
      const name = document.createElement("span");
      name.className = "derive-stage";
      name.textContent = find(doc, "stage", proposal.stage)?.name || "";
      const change = document.createElement("span");
      change.className = "derive-change";
      const from = proposal.current === null ? "—" : scoreLabel(proposal.current);
      change.textContent = `${from} → ${scoreLabel(proposal.score)}`;
      const basis = document.createElement("span");
      basis.className = "derive-basis small muted";
      basis.textContent = format(s.deriveBasis, { n: proposal.touchpoints });
      li.append(name, change, basis);
      list.append(li);
    }
    wrap.append(list);
    host.append(wrap);
    const actions = section("");
    const apply = menuButton(data.ops.length ? format(s.deriveApply, { n: data.ops.length }) : s.deriveUpToDate, () => {
      const ops = data.ops.filter((op) => op.op !== "update" || find(currentDoc(), "emotion", op.id));
      const changes = ops.map((op) => (op.op === "create"
        ? { kind: "create", entity: "emotion", id: op.id }
        : { kind: "update", entity: "emotion", id: op.id, before: { score: find(currentDoc(), "emotion", op.id).score } }));
      commit(ops, changes);
      close();
      toasts.show(s.deriveApplied, { action: { label: s.undo, run: runUndo } });
    });
    apply.classList.add("derive-apply");
    apply.disabled = !data.ops.length;
    actions.append(apply);
    host.append(actions);
  }, { label: s.deriveTitle });
}


// ---- moments of truth and priorities ----------------------------------------------------
// Mark a stage (touchpoint null) or a touchpoint as a moment of truth, or open the
// one it already has; its importance, impact, valence and rationale are in the panel.
function markMoment(stage, touchpoint) {
  const doc = currentDoc();
  const existing = (doc.moments || []).find((m) => m.stage === stage && (m.touchpoint || null) === (touchpoint || null));
  if (existing) {
    panel.open("moment", existing.id, { returnTo: board.items.get(touchpoint) || board.headers.get(stage) });
    return;
  }
  if (!config.canWrite) return;
  const id = uuid();
  const title = touchpoint ? find(doc, "touchpoint", touchpoint)?.title : find(doc, "stage", stage)?.name;
  const fields = { stage, title: (title || s.momentOfTruth).slice(0, 200), valence: "mixed", importance: 3, impact: 3 };
  if (touchpoint) fields.touchpoint = touchpoint;
  commit([{ op: "create", entity: "moment", id, fields }], [{ kind: "create", entity: "moment", id }]);
  requestAnimationFrame(() => panel.open("moment", id, { returnTo: board.items.get(touchpoint) || board.headers.get(stage) }));
}

// In the touchpoint panel: whether it is a moment of truth, and a way to change that.
panel.extras.touchpoint = (p, item, host) => {
  const moment = (currentDoc().moments || []).find((m) => m.touchpoint === item.id);
  const box = document.createElement("div");
  box.className = `panel-moment${moment ? " is-moment" : ""}`;
  const text = document.createElement("p");
  text.className = "panel-moment-text";
  text.textContent = moment
    ? format(s.momentSummary, { importance: moment.importance, impact: moment.impact, weight: moment.importance * moment.impact })
    : s.notMoment;
  box.append(text);
  if (config.canWrite || moment) {
    const open = document.createElement("button");
    open.type = "button";
    open.className = "btn btn-small mark-moment";
    open.textContent = moment ? s.editMoment : s.markMoment;
    open.addEventListener("click", () => markMoment(item.stage, item.id));
    box.append(open);
  }
  if (moment && config.canWrite) {
    const unmark = document.createElement("button");
    unmark.type = "button";
    unmark.className = "btn btn-small btn-quiet unmark-moment";
    unmark.textContent = s.unmarkMoment;
    unmark.addEventListener("click", () => deleteItem("moment", moment.id, s.deleted));
    box.append(unmark);
  }
  host.append(box);
};

let prioritiesBy = "weight";
let prioritiesTimer = null;

function openPriorities(button) {
  let list = null;
  let status = null;
  const load = async () => {
    try {
      const response = await fetch(`/maps/${config.mapId}/priorities/?by=${prioritiesBy}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (list?.isConnected) fillPriorities(list, data.entries);
      if (status) status.textContent = "";
    } catch {
      if (status) status.textContent = s.prioritiesFailed;
    }
  };
  panel.openView("priorities", {
    kicker: s.priorities,
    build(body) {
      const intro = document.createElement("p");
      intro.className = "small muted priorities-intro";
      intro.textContent = s.prioritiesIntro;
      const order = document.createElement("div");
      order.className = "segmented priorities-order";
      order.setAttribute("role", "radiogroup");
      order.setAttribute("aria-label", s.prioritiesOrder);
      for (const [value, label] of [["weight", s.byImpact], ["volume", s.byVolume]]) {
        const wrap = document.createElement("label");
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "priorities-by";
        radio.value = value;
        radio.checked = value === prioritiesBy;
        radio.addEventListener("change", () => { prioritiesBy = value; load(); });
        wrap.append(radio, ` ${label}`);
        order.append(wrap);
      }
      status = document.createElement("p");
      status.className = "small priorities-status";
      status.setAttribute("role", "status");
      list = document.createElement("ol");
      list.className = "priorities-list";
      body.append(intro, order, status, list);
      load();
    },
    refresh(doc, changed) {
      if (!changed.full && !changed.items.some((c) => ["moment", "touchpoint", "stage"].includes(c.entity))) return;
      clearTimeout(prioritiesTimer);
      prioritiesTimer = setTimeout(load, 250);
    },
  }, { returnTo: button });
}

function fillPriorities(list, entries) {
  const doc = currentDoc();
  list.replaceChildren();
  if (!entries.length) {
    const empty = document.createElement("li");
    empty.className = "priorities-empty small muted";
    empty.textContent = s.prioritiesEmpty;
    list.append(empty);
    return;
  }
  for (const entry of entries) {
    const li = document.createElement("li");
    li.className = `prio-item prio-${entry.kind}${entry.irritant ? " is-irritant" : ""}`;
    li.dataset.id = entry.id;
    const link = document.createElement("button");
    link.type = "button";
    link.className = "prio-link";
    const rank = document.createElement("span");
    rank.className = "prio-rank";
    rank.textContent = String(entry.rank);
    const main = document.createElement("span");
    main.className = "prio-main";
    const title = document.createElement("span");
    title.className = "prio-title";
    title.textContent = entry.title;
    const meta = document.createElement("span");
    meta.className = "prio-meta";
    const tags = [entry.stage_name];
    if (entry.kind === "moment") tags.push(`★ ${s.momentOfTruth}`);
    meta.textContent = tags.join(" · ");
    if (entry.irritant) meta.append(" · ", evaluationFace("irritant"), ` ${s.eval_irritant}`);
    main.append(title, meta);
    const score = document.createElement("span");
    score.className = "prio-score";
    const tp = entry.touchpoint ? find(doc, "touchpoint", entry.touchpoint) : null;
    const volume = tp ? volumeText(tp, s) : "";
    score.textContent = entry.kind === "moment" ? `${entry.importance} × ${entry.impact} = ${entry.weight}` : "";
    if (volume) {
      const badge = document.createElement("span");
      badge.className = "tp-badge tp-volume";
      badge.textContent = volume;
      score.append(badge);
    }
    link.append(rank, main, score);
    link.addEventListener("click", () => showOnGrid(entry));
    li.append(link);
    list.append(li);
  }
}

// Back to the grid: scroll the touchpoint (or the stage) into view and flash it.
function showOnGrid(entry) {
  const node = (entry.touchpoint && board.items.get(entry.touchpoint)) || board.items.get(entry.id)
    || board.headers.get(entry.stage);
  if (!node) return;
  node.scrollIntoView({ block: "center", inline: "center" });
  if (node.classList.contains("item")) focusNode(board, node);
  board.flash([node.dataset.id || entry.stage]);
}

document.getElementById("priorities-button")?.addEventListener("click", (event) => openPriorities(event.currentTarget));

// ---- recently deleted ------------------------------------------------------------------
// Any editor brings back anything deleted on the map, with what it held: a restore
// op like undo's, so it is one batch, live for everyone and in the op log; and the
// restorer can undo it.
function openDeleted(button) {
  panel.openView("deleted", deletedView({
    s,
    lang: config.uiLanguage || "en",
    load: async () => {
      const response = await fetch(`/api/v1/maps/${config.mapId}/deleted/`,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    },
    restore: (entry) => {
      commit([{ op: "restore", entity: entry.entity, id: entry.id }], [{ kind: "create", entity: entry.entity, id: entry.id }]);
      toasts.show(format(s.restored, { name: entry.label }), { action: { label: s.undo, run: runUndo } });
      revealWhenBack(entry.id);
    },
  }), { returnTo: button });
}

// Scroll to a restored stage, lane or item once the map shows it, and flash it.
function revealWhenBack(id) {
  const show = () => {
    const node = board.headers.get(id) || board.items.get(id);
    if (!node) return false;
    node.scrollIntoView({ block: "nearest", inline: "nearest" });
    board.flash([id]);
    return true;
  };
  if (show() || !sync) return;
  const off = sync.on("change", () => { if (show()) off(); });
  setTimeout(off, 10000);
}

document.getElementById("deleted-button")?.addEventListener("click", (event) => openDeleted(event.currentTarget));


// ---- personas -----------------------------------------------------------------------------
// The strip shows who the map follows; attaching and detaching are persona_link ops
// (detaching hides that persona's emotion points, restoring the link brings them back).
const stripHost = document.getElementById("persona-strip");

function drawStrip() {
  renderStrip(stripHost, {
    doc: currentDoc(), library: config.personas || [], s, canWrite: config.canWrite,
    avatarUrl: config.avatarUrl, libraryUrl: config.personaLibraryUrl,
    onAdd: (button) => openPersonaPicker(button),
    onRemove: (persona) => {
      commit([{ op: "delete", entity: "persona_link", id: persona.link }], [{ kind: "delete", entity: "persona_link", id: persona.link }]);
      toasts.show(s.personaDetached, { action: { label: s.undo, run: runUndo } });
    },
  });
  drawPicker();
}

// "Add a persona": the library (kept live by workspace frames, and read again from
// REST on every opening in case a frame was missed), and a form to create one here.
let picker = null;

function freePersonas() {
  const onMap = new Set(linkedPersonas(currentDoc(), config.personas || []).map((p) => p.id));
  return (config.personas || []).filter((p) => !p.archived && !onMap.has(p.id));
}

function drawPicker() {
  if (!picker || popover.host.hidden || popover.anchor !== picker.button) return;
  picker.view.update(freePersonas(), (config.personas || []).filter((p) => !p.archived).length);
}

function openPersonaPicker(button) {
  popover.open(button, (host, close) => {
    const view = buildPicker(host, {
      free: freePersonas(), libraryCount: (config.personas || []).filter((p) => !p.archived).length, s,
      onAttach: (persona) => { close(); attachPersona(persona.id); },
      onCreate: async (values) => {
        const problem = await createPersona(values);
        if (!problem) close();
        return problem;
      },
    });
    picker = { button, view };
  }, { label: s.attachPersona });
  picker?.view.focusForm();
  refreshLibrary();
}

async function refreshLibrary() {
  try {
    const response = await fetch(`/api/v1/workspaces/${config.workspaceId}/personas/`,
      { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const known = new Map((config.personas || []).map((p) => [p.id, p]));
    // The API's persona has no picture flag: keep the page's.
    const fresh = (await response.json()).map((p) => ({ avatar: known.get(p.id)?.avatar ?? false, ...p }));
    // Keep library entries of personas still on the map (archived ones too).
    const onMap = new Set(sorted(currentDoc(), "persona_links").map((l) => l.persona));
    config.personas = [...fresh, ...(config.personas || []).filter((p) => onMap.has(p.id) && !fresh.some((f) => f.id === p.id))];
    drawPicker();
  } catch {
    // The list from the page (and the live frames) stays.
  }
}

// Create a persona in the workspace library (REST), then follow it on this map (an op).
async function createPersona({ name, role }) {
  let response;
  try {
    response = await fetch(`/api/v1/workspaces/${config.workspaceId}/personas/`, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ name, role }),
    });
  } catch {
    return s.personaCreateFailedNetwork;
  }
  let body = {};
  try { body = await response.json(); } catch { /* not JSON */ }
  if (!response.ok) {
    const fieldError = body.fields && Object.values(body.fields).flat()[0];
    return format(s.personaCreateFailed, { message: fieldError || body.message || String(response.status) });
  }
  const list = config.personas || (config.personas = []);
  if (!list.some((p) => p.id === body.id)) list.push({ ...body, avatar: false });
  attachPersona(body.id);
  toasts.show(format(s.personaCreated, { name: body.name }), { action: { label: s.undo, run: runUndo } });
  return null;
}

function attachPersona(personaId) {
  const links = sorted(currentDoc(), "persona_links");
  const id = uuid();
  const fields = { persona: personaId };
  if (links.length) fields.after = links[links.length - 1].id;
  commit([{ op: "create", entity: "persona_link", id, fields }], [{ kind: "create", entity: "persona_link", id }]);
}

drawStrip();

// ---- stages and lanes ------------------------------------------------------------------
function addStage() {
  const stages = orderedStages(currentDoc());
  const last = stages[stages.length - 1];
  const id = uuid();
  const fields = { name: s.newStage };
  if (last) {
    fields.phase = last.phase ?? null;
    fields.after = last.id;
  }
  commit([{ op: "create", entity: "stage", id, fields }], [{ kind: "create", entity: "stage", id }]);
  requestAnimationFrame(() => renameHeader("stage", id));
}

function addLane() {
  const lanes = sorted(currentDoc(), "lanes");
  const last = lanes[lanes.length - 1];
  const id = uuid();
  const fields = { title: s.newLane, kind: "text" };
  if (last) fields.after = last.id;
  commit([{ op: "create", entity: "lane", id, fields }], [{ kind: "create", entity: "lane", id }]);
  requestAnimationFrame(() => renameHeader("lane", id));
}

function renameHeader(entity, id, field = entity === "stage" ? "name" : "title") {
  const header = board.headers.get(id);
  const item = find(currentDoc(), entity, id);
  if (!header || !item || !config.canWrite) return;
  const selector = { name: ".stage-name", title: ".lane-title", prompt: ".lane-prompt" }[field];
  const textEl = header.querySelector(selector);
  header.draggable = false;
  editText(textEl, {
    value: item[field] || "",
    multiline: false,
    maxLength: field === "prompt" ? 500 : 200,
    label: field === "prompt" ? s.editQuestion : s.rename,
    onSave: (text) => {
      header.draggable = true;
      const value = text.trim();
      if (field !== "prompt" && !value) return;
      updateItem(entity, id, { [field]: value });
    },
    onCancel: () => { header.draggable = true; },
  });
}

// A stage, lane or phase that holds something is deleted only once confirmed; what
// goes with it can be restored by anyone from "Recently deleted".
async function deleteHeader(entity, id) {
  const item = find(currentDoc(), entity, id);
  if (!item) return;
  const counts = contentOf(currentDoc(), entity, id);
  if (Object.values(counts).some(Boolean)) {
    const name = entity === "stage" ? item.name : item.title;
    if (!(await confirmDelete({ entity, name, counts, s }))) return;
    if (!find(currentDoc(), entity, id)) return; // someone else deleted it meanwhile
  }
  commit([{ op: "delete", entity, id }], [{ kind: "delete", entity, id }]);
  const done = { stage: s.stageDeleted, lane: s.laneDeleted, phase: s.phaseDeleted }[entity];
  toasts.show(done, { action: { label: s.undo, run: runUndo } });
}

function moveStage(id, targetId, side) {
  const doc = currentDoc();
  const target = find(doc, "stage", targetId);
  if (!target || id === targetId) return;
  const from = placeOf(doc, "stage", id);
  const fields = { phase: target.phase ?? null, [side]: targetId };
  commit([{ op: "move", entity: "stage", id, fields }], [{ kind: "move", entity: "stage", id, from }]);
}

function moveLane(id, targetId, side) {
  const doc = currentDoc();
  if (id === targetId) return;
  const from = placeOf(doc, "lane", id);
  commit([{ op: "move", entity: "lane", id, fields: { [side]: targetId } }], [{ kind: "move", entity: "lane", id, from }]);
}

function stepHeader(entity, id, delta) {
  const list = entity === "stage" ? orderedStages(currentDoc()) : sorted(currentDoc(), "lanes");
  const i = list.findIndex((x) => x.id === id);
  const target = list[i + delta];
  if (!target) return;
  if (entity === "stage") moveStage(id, target.id, delta < 0 ? "before" : "after");
  else moveLane(id, target.id, delta < 0 ? "before" : "after");
}

// ---- menus ---------------------------------------------------------------------------------
function openMenu(button) {
  const entity = button.dataset.menu;
  const id = button.dataset.menuId;
  const doc = currentDoc();
  const item = find(doc, entity, id);
  if (!item) return;
  popover.open(button, (host, close) => {
    if (entity === "phase") {
      const wrap = section("");
      wrap.append(menuButton(s.deleteThe_phase, () => { close(); deleteHeader("phase", id); }, { danger: true }));
      host.append(wrap);
      return;
    }
    if (entity === "stage" || entity === "lane") {
      const wrap = section("");
      wrap.append(menuButton(s.rename, () => { close(); renameHeader(entity, id); }));
      if (entity === "stage") {
        const moment = (doc.moments || []).find((m) => m.stage === id && !m.touchpoint);
        wrap.append(menuButton(moment ? s.editMoment : s.markMoment, () => { close(); markMoment(id, null); }));
      }
      if (entity === "lane") wrap.append(menuButton(s.editQuestion, () => { close(); renameHeader("lane", id, "prompt"); }));
      wrap.append(menuButton(entity === "stage" ? s.moveLeft : s.moveUp, () => { close(); stepHeader(entity, id, -1); }));
      wrap.append(menuButton(entity === "stage" ? s.moveRight : s.moveDown, () => { close(); stepHeader(entity, id, 1); }));
      wrap.append(menuButton(s.delete, () => { close(); deleteHeader(entity, id); }, { danger: true }));
      host.append(wrap);
      return;
    }
    // Card, touchpoint, moment.
    if (entity === "card") {
      const colours = section(s.color);
      const row = document.createElement("div");
      row.className = "swatches";
      for (const color of COLORS) {
        const swatch = document.createElement("button");
        swatch.type = "button";
        swatch.className = `swatch${color ? "" : " swatch-none"}`;
        swatch.style.setProperty("--swatch", color || "#fff");
        swatch.setAttribute("aria-label", color ? `${s.color} ${color}` : s.noColor);
        swatch.setAttribute("aria-pressed", String((item.color || "") === color));
        swatch.addEventListener("click", () => { updateItem("card", id, { color }); close(); });
        row.append(swatch);
      }
      colours.append(row);
      host.append(colours);
    }
    if (entity === "card") {
      const prio = section(s.priority);
      const row = document.createElement("div");
      row.className = "prio-choices";
      for (const value of ["high", "medium", "low", ""]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = `prio-choice prio-${value || "none"}`;
        button.dataset.priority = value;
        button.textContent = value ? s[`priority_${value}`] : s.noPriority;
        button.setAttribute("aria-pressed", String((item.priority || "") === value));
        button.addEventListener("click", () => { updateItem("card", id, { priority: value }); close(); });
        row.append(button);
      }
      prio.append(row);
      host.append(prio);
      // A change (any card outside the pain-point lanes) names the pain point it addresses.
      const lane = find(doc, "lane", item.lane);
      if (lane && lane.kind !== "pain_points") {
        const pains = (doc.cards || []).filter((c) => c.id !== id && find(doc, "lane", c.lane)?.kind === "pain_points");
        if (pains.length || item.addresses) {
          const wrap = section(s.addresses);
          const select = document.createElement("select");
          select.className = "addresses-select";
          select.setAttribute("aria-label", s.addresses);
          select.append(new Option(s.noAddress, ""));
          const stageName = (c) => find(doc, "stage", c.stage)?.name || "";
          for (const pain of pains) {
            select.append(new Option(`${stageName(pain)} · ${pain.text.slice(0, 70)}`, pain.id, false, item.addresses === pain.id));
          }
          select.addEventListener("change", () => { updateItem("card", id, { addresses: select.value || null }); close(); });
          wrap.append(select);
          host.append(wrap);
        }
      }
    }
    const teamField = entity === "touchpoint" ? "owner_team" : entity === "card" ? "team" : null;
    if (teamField) {
      const wrap = section(s.team);
      const select = document.createElement("select");
      select.setAttribute("aria-label", s.team);
      select.append(new Option(s.noTeam, ""));
      for (const team of doc.teams || []) select.append(new Option(team.name, team.id, false, item[teamField] === team.id));
      select.addEventListener("change", () => { updateItem(entity, id, { [teamField]: select.value || null }); close(); });
      wrap.append(select);
      host.append(wrap);
    }
    if (entity === "touchpoint") {
      const wrap = section(s.channel);
      const select = document.createElement("select");
      select.setAttribute("aria-label", s.channel);
      select.append(new Option(s.noChannel, ""));
      const lang = doc.map?.language || "en";
      for (const channel of doc.channels || []) {
        const name = lang === "fr" && channel.name_fr ? channel.name_fr : channel.name;
        select.append(new Option(name, channel.id, false, item.channel === channel.id));
      }
      select.addEventListener("change", () => { updateItem(entity, id, { channel: select.value || null }); close(); });
      wrap.append(select);
      host.append(wrap);
    }
    const actions = section("");
    if (entity !== "card") {
      actions.append(menuButton(s.details, () => { close(); const node = board.items.get(id); if (node) openPanel(node); }));
    }
    if (entity === "touchpoint") {
      const moment = (doc.moments || []).find((m) => m.touchpoint === id);
      actions.append(menuButton(moment ? s.editMoment : s.markMoment, () => { close(); markMoment(item.stage, id); }));
    }
    actions.append(menuButton(s.delete, () => { close(); deleteItem(entity, id); }, { danger: true }));
    host.append(actions);
  }, { label: { stage: s.stageActions, lane: s.laneActions, phase: s.phaseActions }[entity] || s.cardActions });
}

// ---- undo / redo -----------------------------------------------------------------------------
function runUndo() {
  const ops = undo.undo(currentDoc());
  if (!ops) return toasts.show(s.nothingToUndo, { timeout: 1800 });
  sync?.push(ops);
  flashOps(ops);
}

function runRedo() {
  const ops = undo.redo(currentDoc());
  if (!ops) return toasts.show(s.nothingToRedo, { timeout: 1800 });
  sync?.push(ops);
  flashOps(ops);
}

const undoButton = document.getElementById("undo-button");
const redoButton = document.getElementById("redo-button");
undo.onChange(() => {
  if (undoButton) undoButton.disabled = !undo.canUndo;
  if (redoButton) redoButton.disabled = !undo.canRedo;
});
undoButton?.addEventListener("click", runUndo);
redoButton?.addEventListener("click", runRedo);

document.addEventListener("keydown", (event) => {
  const mod = event.ctrlKey || event.metaKey;
  if (!mod || event.altKey) return;
  if (event.target.closest?.("textarea, input, select, [contenteditable=true]")) return;
  const key = event.key.toLowerCase();
  if (key === "z" && !event.shiftKey) {
    event.preventDefault();
    if (config.canWrite) runUndo();
  } else if ((key === "z" && event.shiftKey) || key === "y") {
    event.preventDefault();
    if (config.canWrite) runRedo();
  }
});

function flashOps(ops) {
  requestAnimationFrame(() => board.flash(ops.map((op) => op.id)));
}

// ---- board events ----------------------------------------------------------------------------
board.root.addEventListener("click", (event) => {
  const menu = event.target.closest("[data-menu]");
  if (menu) {
    openMenu(menu);
    return;
  }
  if (event.target.closest(".add-stage")) return addStage();
  if (event.target.closest(".add-lane")) return addLane();
  if (event.target.closest(".inline-editor")) return;
  const addr = event.target.closest(".addr-link");
  if (addr) {
    const other = board.items.get(addr.dataset.target);
    if (other) {
      other.scrollIntoView({ block: "center", inline: "center" });
      focusNode(board, other);
      board.flash([addr.dataset.target]);
    }
    return;
  }
  const star = event.target.closest(".moment-star");
  if (star) {
    const moment = (currentDoc().moments || []).find((m) => m.stage === star.closest(".stage-header").dataset.stage);
    if (moment) panel.open("moment", moment.id, { returnTo: star.closest(".stage-header") });
    return;
  }
  const stageName = event.target.closest(".stage-name");
  if (stageName) return renameHeader("stage", stageName.closest(".stage-header").dataset.stage);
  const laneTitle = event.target.closest(".lane-title");
  if (laneTitle) return renameHeader("lane", laneTitle.closest(".lane-header").dataset.lane);
  const lanePrompt = event.target.closest(".lane-prompt");
  if (lanePrompt) return renameHeader("lane", lanePrompt.closest(".lane-header").dataset.lane, "prompt");
  const item = event.target.closest(".item:not(.draft)");
  if (item) {
    focusNode(board, item);
    startEdit(item);
    return;
  }
  const cell = event.target.closest(".cell");
  if (!cell) return;
  focusNode(board, cell);
  if (cell.dataset.entity === "emotion") openEmotionPicker(cell);
  else startDraft(cell);
});

installKeyboard(board, {
  onZoomTo: (cell) => zoomToCell(cell),
  onAdd: startDraft,
  onEdit: startEdit,
  onDelete: (node) => deleteItem(node.dataset.entity, node.dataset.id),
  onMoveBy: moveBy,
  onEmotion: openEmotionPicker,
  // Where I am, for the others' presence (no focus: only editing locks a card).
  onFocusCell: (cell) => {
    if (board.editing) return;
    sync?.setPresence(null, { stage: cell.dataset.stage, lane: cell.dataset.lane });
  },
});
installDnd(board, { onMoveItem: moveItem, onMoveStage: moveStage, onMoveLane: moveLane });

// ---- toolbar: team filter, zoom -------------------------------------------------------------
const teamFilter = document.getElementById("team-filter");
const applyTeamFilter = () => {
  const mode = document.querySelector("input[name=team-mode]:checked")?.value || "highlight";
  board.setTeamFilter(teamFilter.value, mode);
};
teamFilter.addEventListener("change", applyTeamFilter);
for (const radio of document.querySelectorAll("input[name=team-mode]")) radio.addEventListener("change", applyTeamFilter);
if (config.highlightTeam) {
  teamFilter.value = config.highlightTeam;
  applyTeamFilter();
}

const scroller = document.getElementById("board-scroller");
const zoomLevel = document.getElementById("zoom-level");
const zoomFit = document.getElementById("zoom-fit");
// Below this zoom card text is under about 10 px: the whole map is shown as cell
// summaries instead (semantic zoom), at sizes people can read.
const READABLE_ZOOM = 0.7;
let zoom = 1;
let zoomBeforeOverview = 1;
const keyHint = document.querySelector(".kbd-hint");
const cardsHint = keyHint?.textContent;

function showZoom() {
  zoomLevel.textContent = board.overview ? s.overview : `${Math.round(zoom * 100)}%`;
  zoomFit.setAttribute("aria-pressed", String(Boolean(board.overview)));
  if (keyHint) keyHint.textContent = board.overview ? s.overviewHint : cardsHint;
}

function setZoom(value) {
  const next = Math.round(value * 100) / 100;
  if (next < READABLE_ZOOM - 0.001) return showWholeMap();
  if (board.overview) board.setOverview(null);
  zoom = Math.min(1.5, next);
  board.root.style.zoom = String(zoom);
  showZoom();
}

const scrollerSize = () => ({ width: scroller.clientWidth, height: scroller.clientHeight });

// The whole map: shrunk to fit while its cards stay readable, else as summaries
// that fill the screen.
function showWholeMap() {
  if (board.overview) return;
  board.root.style.zoom = "1";
  const fit = Math.min((scroller.clientWidth - 8) / board.root.scrollWidth,
    (scroller.clientHeight - 8) / board.root.scrollHeight, 1);
  zoomBeforeOverview = zoom;
  if (fit >= READABLE_ZOOM) {
    zoom = Math.floor(fit * 100) / 100;
    board.root.style.zoom = String(zoom);
  } else {
    board.setOverview(scrollerSize());
  }
  scroller.scrollTo({ left: 0, top: 0 });
  showZoom();
}

// Back to cards at full size, the chosen cell in view just under the sticky
// headers, focused and lit for a moment.
function zoomToCell(cell) {
  board.setOverview(null);
  zoom = 1;
  board.root.style.zoom = "1";
  showZoom();
  const place = () => {
    // Where the sticky stage headers end (their offsetTop moves with the scroll).
    const header = board.headers.get(cell.dataset.stage);
    const top = header ? parseFloat(getComputedStyle(header).top) + header.offsetHeight : 0;
    scroller.scrollTo({ left: Math.max(0, cell.offsetLeft - board.corner.offsetWidth - 24),
      top: Math.max(0, cell.offsetTop - top - 16) });
  };
  place();
  // Cells off screen keep the size they last had (content-visibility); once the
  // cells now in view are laid out at full size, place the cell again.
  requestAnimationFrame(() => requestAnimationFrame(place));
  for (const other of board.root.querySelectorAll('[tabindex="0"].cell, [tabindex="0"].item')) other.tabIndex = -1;
  cell.tabIndex = 0;
  cell.focus({ preventScroll: true });
  cell.classList.add("is-zoom-target");
  setTimeout(() => cell.classList.remove("is-zoom-target"), 1600);
}

// In the overview a click on a cell zooms to it; on a stage or lane header, to its
// first cell.
board.root.addEventListener("click", (event) => {
  if (!board.overview || event.target.closest(".legend-chip")) return;
  let cell = event.target.closest(".cell");
  const stage = event.target.closest(".stage-header")?.dataset.stage;
  const lane = event.target.closest(".lane-header")?.dataset.lane;
  if (!cell && stage) cell = board.root.querySelector(`.cell[data-stage="${stage}"]:not(.lane-line)`);
  if (!cell && lane) cell = board.root.querySelector(`.cell[data-lane="${lane}"]`);
  if (!cell || cell.classList.contains("lane-line")) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  zoomToCell(cell);
}, { capture: true });

document.getElementById("zoom-in").addEventListener("click", () => setZoom(board.overview ? READABLE_ZOOM : zoom + 0.1));
document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom - 0.1));
zoomFit.addEventListener("click", () => {
  if (board.overview) setZoom(Math.max(READABLE_ZOOM, zoomBeforeOverview));
  else showWholeMap();
});
// The summaries follow the scroller's size (window resized, side panel opened).
new ResizeObserver(() => {
  if (board.overview) board.setOverview(scrollerSize());
}).observe(scroller);
document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.target.closest?.("textarea, input")) return;
  if (event.key === "=" || event.key === "+") { event.preventDefault(); setZoom(board.overview ? READABLE_ZOOM : zoom + 0.1); }
  if (event.key === "-") { event.preventDefault(); setZoom(zoom - 0.1); }
});

// ---- connection badge --------------------------------------------------------------------------
const badge = document.getElementById("conn-badge");
function showStatus(status, pending) {
  badge.dataset.status = status;
  const label = { online: s.online, connecting: s.connecting, reconnecting: s.reconnecting, offline: s.offline }[status] || status;
  const unsent = pending ? ` · ${format(s.unsent, { n: pending })}` : "";
  badge.querySelector(".conn-text").textContent = `${label}${unsent}`;
  badge.dataset.pending = String(pending || 0);
}

// ---- the share link ends ---------------------------------------------------------------------------
// Revoked, expired or archived while the page is open: the map leaves the page (not
// an "Offline" map left on screen) and the notice the server rendered takes its place.
function endShare() {
  if (document.body.classList.contains("share-ended-page")) return;
  sync?.close();
  for (const node of document.querySelectorAll(
    ".map-heading, .toolbar, #persona-strip, #board-scroller, #side-panel, #popover, #share-pdf-form, #presence, #conn-badge")) {
    node.remove();
  }
  for (const data of document.querySelectorAll("script[type='application/json']")) data.remove();
  const notice = document.getElementById("share-ended");
  notice.hidden = false;
  document.body.classList.add("share-ended-page");
  document.title = `${notice.querySelector("h1").textContent} · Journeymap`;
}

// ---- live -------------------------------------------------------------------------------------------
async function fetchShareTicket() {
  const response = await fetch(config.ticketUrl, { method: "POST", credentials: "omit" });
  if (response.status === 404) {
    // Ended while we were away (or between two connections): it will not come back.
    endShare();
    throw new Error("share link ended");
  }
  if (!response.ok) throw new Error(`ticket ${response.status}`);
  return (await response.json()).ticket;
}

async function connect() {
  let MapSync;
  try {
    ({ MapSync } = await import("./sync/index.js"));
  } catch (error) {
    console.error(error);
    config.canWrite = false;
    document.body.classList.add("read-only");
    showStatus("offline", 0);
    toasts.show(s.syncMissing, { kind: "error", timeout: 10000 });
    return;
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  sync = new MapSync({
    url: `${scheme}://${location.host}${config.wsPath}`,
    snapshot: initialDoc,
    // The share page has no session: a fresh one-use ticket per (re)connect.
    getTicket: config.ticketUrl ? fetchShareTicket : null,
    checkSession: config.ticketUrl ? null : async () => {
      const response = await fetch(location.href, { method: "HEAD", credentials: "same-origin", redirect: "manual" });
      return response.ok;
    },
  });
  window.journeymapSync = sync; // handy for debugging and browser tests
  window.journeymapBoard = board;
  exportDialog?.connect(sync);
  sync.on("change", ({ doc, changed }) => {
    localDoc = doc;
    board.render(doc, changed);
    panel.refresh(doc, changed);
    if (changed.full || changed.items.some((c) => c.entity === "persona_link")) drawStrip();
    document.getElementById("map-title").textContent = doc.map?.title || "";
  });
  sync.on("status", ({ status, pending }) => showStatus(status, pending));
  sync.on("rejected", ({ error }) => {
    const message = s[`error_${error?.code}`] || error?.message || "?";
    toasts.show(format(s.rejected, { message }), { kind: "error", timeout: 7000 });
  });
  sync.on("remote", (frame) => {
    panel.noteRemote(frame);
    flashOps(frame.ops);
  });
  sync.on("presence", ({ roster }) => {
    const teams = currentDoc().teams || [];
    const host = document.getElementById("presence"); // none on a share page that shows nobody
    if (host) renderPresence(host, roster, { selfClientId: sync.clientId, teams, strings: s });
    board.setLocks(locksFrom(roster, { selfClientId: sync.clientId, teams }));
    panel.setPresence(roster, { selfClientId: sync.clientId, teams });
  });
  sync.on("workspace", (frame) => {
    if (frame.entity === "channel" && frame.item) {
      // A channel renamed or added in the catalogue: touchpoints on it show the change.
      // (into the confirmed document too: the visible one is rebuilt from it; a new
      // array, as the two documents may share the old one)
      const channels = [...(sync.confirmed.channels || [])];
      const i = channels.findIndex((c) => c.id === frame.item.id);
      if (i >= 0) channels[i] = { ...channels[i], ...frame.item };
      else if (!frame.item.archived) channels.push({ ...frame.item });
      for (const doc of new Set([sync.confirmed, currentDoc()])) doc.channels = channels;
      board.render(currentDoc(), { full: false, items: (currentDoc().touchpoints || [])
        .filter((tp) => tp.channel === frame.item.id).map((tp) => ({ entity: "touchpoint", id: tp.id })) });
      return;
    }
    if (frame.entity !== "persona" || !frame.item) return;
    const list = config.personas || (config.personas = []);
    const i = list.findIndex((p) => p.id === frame.item.id);
    if (frame.item.archived) {
      if (i >= 0 && !sorted(currentDoc(), "persona_links").some((l) => l.persona === frame.item.id)) list.splice(i, 1);
      else if (i >= 0) list[i] = frame.item;
    } else if (i >= 0) list[i] = frame.item;
    else list.push(frame.item);
    for (const p of currentDoc().personas || []) if (p.id === frame.item.id) Object.assign(p, frame.item);
    drawStrip();
    drawPicker();
    board.drawEmotions();
  });
  sync.on("session", () => location.reload());
  // The server closes a share socket with 4404 when its link stops working.
  if (config.share) sync.on("error", ({ code }) => { if (code === "not_found") endShare(); });
  sync.start();
  showStatus(sync.status, sync.pendingCount);
}

if (!config.canWrite) document.body.classList.add("read-only");
// A share link shows who of the team is on the map only when its creator chose so
// (the server then sends no presence at all).
if (config.share && !config.showPresence) document.getElementById("presence")?.remove();
connect();
