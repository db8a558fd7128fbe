// Cards, touchpoints and moments on the board: inline editing, drafts of new cards,
// the side panel, and moving with the keyboard.

import { editText } from "../grid/editing.js";
import { focusNode } from "../grid/keyboard.js";
import { find, format, itemText, textField } from "../grid/model.js";

// Returns what the board events and the menus call: open, edit, draft and move by keys.
export function createItemEditing(ctx, { createItem, updateItem, deleteItem, moveItem }) {
  const { config, s, board, toasts, panel } = ctx;
  const currentDoc = () => ctx.currentDoc();

  function openPanel(node) {
    const { entity, id } = node.dataset;
    panel.open(entity, id, { returnTo: node, focus: config.canWrite });
    if (config.canWrite) ctx.sync?.setPresence({ entity, id, field: "panel" }, null);
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
    ctx.sync?.setPresence({ entity, id, field: textField(entity) }, { stage: item.stage, lane: item.lane });
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
    ctx.sync?.setPresence(null, null);
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
    ctx.sync?.setPresence(null, { stage: cell.dataset.stage, lane: cell.dataset.lane });
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

  return { openPanel, startEdit, startDraft, moveBy };
}
