// Per-user undo/redo. An entry records what one user action changed; the inverse
// ops are computed at undo time from the current document and sent as ordinary
// ops (undo of a delete = restore of the same id, of a create = delete, of an
// update = update back, of a move = move back next to its old neighbours).

import { find, placeOf, siblingsOf } from "../grid/model.js";

const LIMIT = 200;

function moveOp(doc, entity, id, place) {
  const fields = { ...place.fields };
  const siblings = siblingsOf(doc, entity, place.fields).filter((s) => s.id !== id);
  const alive = new Set(siblings.map((s) => s.id));
  if (place.after && alive.has(place.after)) fields.after = place.after;
  else if (place.before && alive.has(place.before)) fields.before = place.before;
  return { op: "move", entity, id, fields };
}

// Turn one change into [ops that revert it, the change that would revert those].
function invert(doc, change) {
  const { kind, entity, id } = change;
  const item = find(doc, entity, id);
  switch (kind) {
    case "create":
      if (!item) return null;
      return [{ op: "delete", entity, id }, { kind: "delete", entity, id }];
    case "delete":
      if (item) return null;
      return [{ op: "restore", entity, id }, { kind: "create", entity, id }];
    case "update": {
      if (!item) return null;
      const now = {};
      for (const key of Object.keys(change.before)) now[key] = item[key] ?? null;
      return [{ op: "update", entity, id, fields: { ...change.before } }, { kind: "update", entity, id, before: now }];
    }
    case "move": {
      if (!item) return null;
      const here = placeOf(doc, entity, id);
      return [moveOp(doc, entity, id, change.from), { kind: "move", entity, id, from: here }];
    }
    default:
      return null;
  }
}

export class UndoStack {
  constructor() {
    this.undoStack = [];
    this.redoStack = [];
    this.listeners = new Set();
  }

  record(changes) {
    if (!changes.length) return;
    this.undoStack.push(changes);
    if (this.undoStack.length > LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.notify();
  }

  // Returns the ops to send, or null when there is nothing (left) to undo.
  undo(doc) {
    return this.step(doc, this.undoStack, this.redoStack);
  }

  redo(doc) {
    return this.step(doc, this.redoStack, this.undoStack);
  }

  step(doc, from, to) {
    while (from.length) {
      const changes = from.pop();
      const ops = [];
      const reverse = [];
      // Revert in reverse order: the last change of the action first.
      for (const change of [...changes].reverse()) {
        const result = invert(doc, change);
        if (!result) continue;
        ops.push(result[0]);
        reverse.unshift(result[1]);
      }
      if (ops.length) {
        to.push(reverse);
        this.notify();
        return ops;
      }
      // Everything this entry touched is gone or already reverted by someone else: skip it.
    }
    this.notify();
    return null;
  }

  get canUndo() { return this.undoStack.length > 0; }
  get canRedo() { return this.redoStack.length > 0; }

  onChange(handler) {
    this.listeners.add(handler);
  }

  notify() {
    for (const handler of this.listeners) handler(this);
  }
}
