// The grid's column and row sizes, and the whole map (semantic zoom): columns and
// rows that share the scroller's size, each cell shown as a summary.

import { isLine } from "./model.js";
import { drawEmotions } from "./emotion-lanes.js";
import { enterSummaries, flushSummaries, leaveSummaries } from "./summaries.js";

export const COL_WIDTH = 248;
export const EMOTION_HEIGHT = 168;
// The whole map as summaries (semantic zoom): sizes in px of its headers and the
// smallest cells that still hold a readable summary.
export const OVERVIEW = { laneWidth: 180, phaseHeight: 30, stageHeight: 62, minCol: 96, minRow: 64, minEmotion: 84,
  ruleHeight: 14, lineHeight: 15 };

// Column and row sizes: fixed columns and rows that grow with their cards; in the
// overview, columns and rows that share the scroller's width and height.
export function sizeGrid(board) {
  const n = board.stages.length;
  const style = board.root.style;
  if (!board.overview) {
    board.colWidth = COL_WIDTH;
    board.emotionHeight = EMOTION_HEIGHT;
    style.gridTemplateColumns = `var(--lane-width) repeat(${n}, ${COL_WIDTH}px) var(--add-width)`;
    style.gridTemplateRows = `auto auto ${board.lanes.map((l) => rowSize(l)).join(" ")} auto`;
    return;
  }
  const { width, height } = board.overview;
  const phases = board.stages.some((stage) => stage.phase);
  board.colWidth = Math.max(OVERVIEW.minCol, Math.floor((width - OVERVIEW.laneWidth) / Math.max(n, 1)));
  const rules = board.lanes.filter(isLine).length;
  const emotions = board.lanes.filter((l) => l.kind === "emotion").length;
  const others = board.lanes.length - rules - emotions;
  let free = height - (phases ? OVERVIEW.phaseHeight : 0) - OVERVIEW.stageHeight - rules * OVERVIEW.ruleHeight;
  let row = Math.floor(free / Math.max(others + emotions, 1));
  board.emotionHeight = Math.max(OVERVIEW.minEmotion, row);
  if (emotions && others) {
    free -= emotions * board.emotionHeight;
    row = Math.floor(free / others);
  }
  row = Math.max(OVERVIEW.minRow, row);
  const rows = board.lanes.map((l) => (isLine(l) ? OVERVIEW.ruleHeight
    : l.kind === "emotion" ? board.emotionHeight : row));
  style.gridTemplateColumns = `${OVERVIEW.laneWidth}px repeat(${n}, ${board.colWidth}px) 0px`;
  style.gridTemplateRows = `${phases ? `${OVERVIEW.phaseHeight}px` : "0px"} ${OVERVIEW.stageHeight}px ${rows.map((h) => `${h}px`).join(" ")} 0px`;
  // As many lines of first words as the row holds under the count and chips.
  const lines = Math.floor((row - 42) / OVERVIEW.lineHeight);
  style.setProperty("--summary-lines", String(Math.max(1, lines)));
  // Touchpoint summaries give a line to their evaluation faces.
  style.setProperty("--summary-lines-faces", String(Math.max(1, lines - 1)));
}

function rowSize(lane) {
  if (lane.kind === "emotion") return `${EMOTION_HEIGHT}px`;
  if (isLine(lane)) return "34px";
  return "minmax(96px, auto)";
}

// Show the whole map as summaries in a scroller of this size ({width, height} in
// px), or go back to cards (null). Called again when the scroller is resized.
export function setOverview(board, size) {
  const entering = size && !board.overview;
  const leaving = !size && board.overview;
  // Cells off screen are not laid out and keep the size they last had on screen
  // (content-visibility: auto), which in the overview is a summary's. Their full
  // sizes are read on the way in (cheap: off-screen cells are not laid out) and
  // given back on the way out, until each is on screen again (see makeCell in layout.js).
  if (entering) board.fullSizes = new Map([...board.cells.values()].map((cell) => [cell, cell.offsetHeight]));
  if (leaving) {
    leaveSummaries(board);
    for (const [cell, height] of board.fullSizes || []) cell.style.containIntrinsicSize = `${COL_WIDTH}px ${height}px`;
    board.fullSizes = null;
    // Cells that stay on screen get no state change event: free them once laid out.
    requestAnimationFrame(() => requestAnimationFrame(() => releaseSizes(board)));
  }
  board.overview = size;
  board.root.classList.toggle("is-overview", Boolean(size));
  // Cards are hidden there: the Tab stop (and the focus) on a card go to its cell.
  const stop = size ? board.root.querySelector('.item[tabindex="0"]') : null;
  if (stop) {
    const cell = stop.closest(".cell");
    const focused = stop.contains(document.activeElement);
    stop.tabIndex = -1;
    cell.tabIndex = 0;
    if (focused) cell.focus({ preventScroll: true });
  }
  if (!board.doc) return;
  sizeGrid(board);
  if (entering) enterSummaries(board, Math.ceil((size.width - OVERVIEW.laneWidth) / board.colWidth));
  else flushSummaries(board);
  drawEmotions(board);
}

// Cells on screen are sized by their cards: drop the size kept for them.
function releaseSizes(board) {
  const view = board.root.parentElement.getBoundingClientRect();
  for (const cell of board.cells.values()) {
    if (!cell.style.containIntrinsicSize) continue;
    const box = cell.getBoundingClientRect();
    if (box.bottom > view.top && box.top < view.bottom && box.right > view.left && box.left < view.right) {
      cell.style.containIntrinsicSize = "";
    }
  }
}

