// Drag and drop (HTML5): cards within and across cells, stages and lanes by
// their headers. The drop names the neighbours (after / before), never a
// position: the server chooses the key.

const TYPE = "application/x-journeymap";

export function installDnd(board, { onMoveItem, onMoveStage, onMoveLane }) {
  const root = board.root;
  let dragging = null; // {kind: "item"|"stage"|"lane", entity, id, node}
  const marker = document.createElement("div");
  marker.className = "drop-marker";

  function clearMarker() {
    marker.remove();
    root.querySelectorAll(".drop-target, .drop-before, .drop-after").forEach((n) =>
      n.classList.remove("drop-target", "drop-before", "drop-after"));
  }

  root.addEventListener("dragstart", (event) => {
    if (!board.canWrite) return;
    const item = event.target.closest?.(".item");
    const stage = event.target.closest?.(".stage-header");
    const lane = event.target.closest?.(".lane-header");
    if (item && !item.querySelector(".inline-editor")) {
      dragging = { kind: "item", entity: item.dataset.entity, id: item.dataset.id, node: item };
    } else if (stage) {
      dragging = { kind: "stage", id: stage.dataset.stage, node: stage };
    } else if (lane) {
      dragging = { kind: "lane", id: lane.dataset.lane, node: lane };
    } else {
      return;
    }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData(TYPE, JSON.stringify({ kind: dragging.kind, id: dragging.id }));
    event.dataTransfer.setData("text/plain", dragging.node.textContent.trim().slice(0, 100));
    requestAnimationFrame(() => dragging?.node.classList.add("dragging"));
  });

  root.addEventListener("dragend", () => {
    dragging?.node.classList.remove("dragging");
    dragging = null;
    clearMarker();
  });

  // Where in a cell the pointer points: the item to drop after / before.
  function cellSlot(cell, y) {
    const items = [...cell.querySelectorAll(".item")].filter((n) => n !== dragging.node);
    let before = null;
    for (const node of items) {
      const rect = node.getBoundingClientRect();
      if (y < rect.top + rect.height / 2) {
        before = node;
        break;
      }
    }
    const index = before ? items.indexOf(before) : items.length;
    const after = index > 0 ? items[index - 1] : null;
    return { after, before };
  }

  function headerSide(header, event, axis) {
    const rect = header.getBoundingClientRect();
    return axis === "x" ? (event.clientX < rect.left + rect.width / 2 ? "before" : "after")
      : (event.clientY < rect.top + rect.height / 2 ? "before" : "after");
  }

  root.addEventListener("dragover", (event) => {
    if (!dragging) return;
    if (dragging.kind === "item") {
      const cell = event.target.closest?.(".cell");
      if (!cell || cell.dataset.entity !== dragging.entity) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      const { before } = cellSlot(cell, event.clientY);
      const list = cell.querySelector(".cell-items");
      if (marker.parentElement !== list || marker.nextSibling !== before) list.insertBefore(marker, before);
      root.querySelectorAll(".drop-target").forEach((n) => n !== cell && n.classList.remove("drop-target"));
      cell.classList.add("drop-target");
      return;
    }
    const selector = dragging.kind === "stage" ? ".stage-header" : ".lane-header";
    const header = event.target.closest?.(selector);
    if (!header || header === dragging.node) return;
    event.preventDefault();
    const side = headerSide(header, event, dragging.kind === "stage" ? "x" : "y");
    root.querySelectorAll(".drop-before, .drop-after").forEach((n) => n.classList.remove("drop-before", "drop-after"));
    header.classList.add(side === "before" ? "drop-before" : "drop-after");
  });

  root.addEventListener("dragleave", (event) => {
    if (!root.contains(event.relatedTarget)) clearMarker();
  });

  root.addEventListener("drop", (event) => {
    if (!dragging) return;
    event.preventDefault();
    const drag = dragging;
    if (drag.kind === "item") {
      const cell = event.target.closest?.(".cell");
      if (cell && cell.dataset.entity === drag.entity) {
        const { after, before } = cellSlot(cell, event.clientY);
        onMoveItem(drag.entity, drag.id, cell.dataset.stage, cell.dataset.lane, {
          after: after?.dataset.id ?? null, before: before?.dataset.id ?? null,
        });
      }
    } else {
      const selector = drag.kind === "stage" ? ".stage-header" : ".lane-header";
      const header = event.target.closest?.(selector);
      if (header && header !== drag.node) {
        const side = headerSide(header, event, drag.kind === "stage" ? "x" : "y");
        if (drag.kind === "stage") onMoveStage(drag.id, header.dataset.stage, side);
        else onMoveLane(drag.id, header.dataset.lane, side);
      }
    }
    clearMarker();
    drag.node.classList.remove("dragging");
    dragging = null;
  });
}
