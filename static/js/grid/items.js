// Which items go in which cell, in document order: item nodes are kept by id, a
// change re-renders only the items it names and reorders only the cells they touch.

import { byPosition, cellKey, find, laneEntity, sorted } from "./model.js";
import { fillAddressedBy, fillItem, makeItem } from "./item-nodes.js";

export function renderAllItems(board) {
  const live = new Set();
  const dirty = new Set(board.cells.keys());
  for (const entity of ["card", "touchpoint", "moment"]) {
    const collection = { card: "cards", touchpoint: "touchpoints", moment: "moments" }[entity];
    for (const item of board.doc[collection] || []) {
      live.add(item.id);
      renderItem(board, entity, item.id, dirty, item);
    }
  }
  for (const [id, node] of board.items) {
    if (!live.has(id)) {
      node.remove();
      board.items.delete(id);
    }
  }
  for (const key of dirty) orderCell(board, key);
}

export function renderItem(board, entity, id, dirty, item = find(board.doc, entity, id)) {
  let node = board.items.get(id);
  if (node && node.parentElement) dirty.add(node.closest(".cell")?.dataset.key || "");
  if (!item) {
    if (node) {
      const cell = node.closest(".cell");
      const addressed = node.dataset.addresses;
      node.remove();
      board.items.delete(id);
      if (addressed) fillAddressedBy(board, addressed);
      if (cell) updateCellState(cell);
    }
    return;
  }
  const key = cellKey(item.stage, laneFor(board, entity, item));
  const cell = board.cells.get(key);
  if (!node) {
    node = makeItem(board, entity, item);
    board.items.set(id, node);
  }
  fillItem(board, node, entity, item);
  if (!cell) {
    node.remove();
    return;
  }
  if (node.parentElement !== cell.firstElementChild) cell.firstElementChild.append(node);
  dirty.add(key);
}

// Moments with no lane go to the first moments-of-truth lane.
function laneFor(board, entity, item) {
  if (entity === "moment" && !item.lane) {
    return board.lanes.find((l) => l.kind === "moments_of_truth")?.id;
  }
  return item.lane;
}

// Reorder one cell's children to the document order, moving only what is out of place.
export function orderCell(board, key) {
  board.summaryDirty.add(key);
  const cell = board.cells.get(key);
  if (!cell || !cell.firstElementChild) return;
  const [stage, lane] = key.split("|");
  const laneObj = board.lanes.find((l) => l.id === lane);
  if (!laneObj) return;
  const entity = laneEntity(laneObj);
  if (!entity || entity === "emotion") return;
  const want = itemsIn(board, key, entity, stage, lane).map((item) => board.items.get(item.id)).filter(Boolean);
  const list = cell.firstElementChild;
  want.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
  });
  updateCellState(cell);
}

// One cell's items in document order. A frame touches a cell or two: filter
// that cell's items (the collection is kept in order by the sync module) instead
// of sorting the whole map; a full render indexes every cell in one pass.
function itemsIn(board, key, entity, stage, lane) {
  if (board.cellIndex || board.fullRender) return byCell(board).get(key) || [];
  const collection = { card: "cards", touchpoint: "touchpoints", moment: "moments" }[entity];
  const inCell = (board.doc[collection] || []).filter((item) => item.stage === stage && laneFor(board, entity, item) === lane);
  return inCell.sort(byPosition);
}

// Items per cell in document order, for the whole map in one pass.
function byCell(board) {
  if (board.cellIndex) return board.cellIndex;
  const index = new Map();
  for (const [entity, collection] of [["card", "cards"], ["touchpoint", "touchpoints"], ["moment", "moments"]]) {
    for (const item of sorted(board.doc, collection)) {
      const key = cellKey(item.stage, laneFor(board, entity, item));
      if (!index.has(key)) index.set(key, []);
      index.get(key).push(item);
    }
  }
  board.cellIndex = index;
  return index;
}

export function updateCellState(cell) {
  const count = cell.querySelectorAll(".item").length;
  cell.classList.toggle("is-empty", count === 0);
}

