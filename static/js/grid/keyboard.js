// Keyboard: the grid is one Tab stop (roving tabindex); arrow keys move between
// cells and the cards in them; Enter adds (on a cell) or edits (on a card);
// Delete removes a card; Alt+arrows move the focused card to a neighbour cell.
// In the whole-map overview the arrows go from cell to cell and Enter zooms in.

function position(cell) {
  return { row: Number(cell.dataset.row), col: Number(cell.dataset.col) };
}

export function focusNode(board, node) {
  if (!node) return;
  for (const other of board.root.querySelectorAll('[tabindex="0"].cell, [tabindex="0"].item')) {
    if (other !== node) other.tabIndex = -1;
  }
  node.tabIndex = 0;
  node.focus({ preventScroll: false });
  node.scrollIntoView({ block: "nearest", inline: "nearest" });
}

// The next cell in a direction, skipping the line of visibility (it holds nothing).
function neighbourCell(board, cell, dRow, dCol) {
  let { row, col } = position(cell);
  for (;;) {
    row += dRow;
    col += dCol;
    const next = board.cellAt(row, col);
    if (!next) return null;
    if (!next.classList.contains("lane-line")) return next;
  }
}

export function installKeyboard(board, { onAdd, onEdit, onDelete, onMoveBy, onEmotion, onZoomTo, onFocusCell = null }) {
  board.root.addEventListener("keydown", (event) => {
    if (event.target.closest(".inline-editor, input, select, textarea")) return;
    // A focused button inside a card (its menu, a link to another card) acts as a button.
    if (event.target.closest("button") && ["Enter", " ", "Delete", "Backspace", "F2"].includes(event.key)) return;
    const item = event.target.closest(".item");
    const cell = event.target.closest(".cell");
    if (!cell) return;
    const key = event.key;
    if (board.overview) {
      const d = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[key];
      if (d) {
        event.preventDefault();
        focusNode(board, neighbourCell(board, cell, d[0], d[1]));
        return;
      }
      if (key === "Enter" || key === " ") {
        event.preventDefault();
        onZoomTo(cell);
        return;
      }
      if (key !== "Home" && key !== "End") return; // the cards are not shown: nothing to edit or delete
    }
    const items = [...cell.querySelectorAll(".item")];
    if (item && event.altKey && key.startsWith("Arrow")) {
      event.preventDefault();
      const d = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[key];
      onMoveBy(item, d[0], d[1]);
      return;
    }
    switch (key) {
      case "ArrowLeft":
      case "ArrowRight": {
        event.preventDefault();
        focusNode(board, neighbourCell(board, cell, 0, key === "ArrowLeft" ? -1 : 1));
        return;
      }
      case "ArrowDown": {
        event.preventDefault();
        if (!item && items.length) focusNode(board, items[0]);
        else if (item && items.indexOf(item) < items.length - 1) focusNode(board, items[items.indexOf(item) + 1]);
        else focusNode(board, neighbourCell(board, cell, 1, 0));
        return;
      }
      case "ArrowUp": {
        event.preventDefault();
        if (item && items.indexOf(item) > 0) focusNode(board, items[items.indexOf(item) - 1]);
        else if (item) focusNode(board, cell);
        else focusNode(board, neighbourCell(board, cell, -1, 0));
        return;
      }
      case "Enter":
      case "F2": {
        event.preventDefault();
        if (item) onEdit(item);
        else if (cell.dataset.entity === "emotion") onEmotion(cell);
        else if (key === "Enter") onAdd(cell);
        return;
      }
      case "Delete":
      case "Backspace": {
        if (item) {
          event.preventDefault();
          onDelete(item);
        }
        return;
      }
      case "Escape": {
        if (item) {
          event.preventDefault();
          focusNode(board, cell);
        }
        return;
      }
      case "Home":
      case "End": {
        event.preventDefault();
        const { row } = position(cell);
        focusNode(board, board.cellAt(row, key === "Home" ? 0 : board.stages.length - 1));
        return;
      }
      default:
    }
  });
  // A click or focus inside the grid makes that cell (or card) the Tab stop.
  board.root.addEventListener("focusin", (event) => {
    const node = event.target.closest(".item, .cell");
    if (!node) return;
    for (const other of board.root.querySelectorAll('[tabindex="0"].cell, [tabindex="0"].item')) {
      if (other !== node) other.tabIndex = -1;
    }
    node.tabIndex = 0;
    const cell = node.closest(".cell");
    if (cell) onFocusCell?.(cell);
  });
}
