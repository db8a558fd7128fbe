// What the editor sends: each user action becomes one op batch pushed to the sync
// module and recorded for undo as one step; undo and redo push the inverse batch.

import { focusNode } from "../grid/keyboard.js";
import { find, placeOf, textField, uuid } from "../grid/model.js";

// The write functions the other modules are handed; all go through commit().
export function createCommands(ctx) {
  const { config, s, board, toasts, undo } = ctx;
  const currentDoc = () => ctx.currentDoc();

  function commit(ops, changes = []) {
    if (!ctx.sync || !ops.length) return;
    ctx.sync.push(ops);
    undo.record(changes);
  }

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

  // ---- undo / redo -----------------------------------------------------------------------------
  function runUndo() {
    const ops = undo.undo(currentDoc());
    if (!ops) return toasts.show(s.nothingToUndo, { timeout: 1800 });
    ctx.sync?.push(ops);
    flashOps(ops);
  }

  function runRedo() {
    const ops = undo.redo(currentDoc());
    if (!ops) return toasts.show(s.nothingToRedo, { timeout: 1800 });
    ctx.sync?.push(ops);
    flashOps(ops);
  }

  function flashOps(ops) {
    requestAnimationFrame(() => board.flash(ops.map((op) => op.id)));
  }

  return { commit, createItem, updateItem, deleteItem, moveItem, runUndo, runRedo, flashOps };
}

// The toolbar's undo and redo buttons and their keys (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl/Cmd+Y).
export function installUndoControls(ctx, { runUndo, runRedo }) {
  const { config, undo } = ctx;

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
}
