// The board's structure: phase bands, stage and lane headers, one cell per stage x
// lane and the emotion overlays, each kept by id between frames and re-placed when
// stages or lanes change.

import { cellKey, format, isLine, laneEntity, orderedStages, sorted } from "./model.js";
import { el, menuButton } from "./dom.js";
import { COL_WIDTH, sizeGrid } from "./sizing.js";

export function layout(board) {
  const doc = board.doc;
  board.stages = orderedStages(doc);
  board.lanes = sorted(doc, "lanes");
  // Blueprints made before the line of interaction was a lane of its own get it
  // drawn above their frontstage lane instead (CSS).
  board.root.classList.toggle("has-line-of-interaction", board.lanes.some((l) => l.kind === "line_of_interaction"));
  const n = board.stages.length;
  board.root.style.setProperty("--stages", n);
  sizeGrid(board);
  board.corner.style.gridArea = "1 / 1 / 3 / 2";
  layoutPhases(board);
  board.root.classList.toggle("no-phases", !board.stages.some((stage) => stage.phase));
  const liveHeaders = new Set();
  board.stages.forEach((stage, i) => {
    const header = stageHeader(board, stage);
    header.style.gridArea = `2 / ${i + 2}`;
    liveHeaders.add(stage.id);
  });
  board.lanes.forEach((lane, j) => {
    const header = laneHeader(board, lane);
    header.style.gridArea = `${j + 3} / 1`;
    liveHeaders.add(lane.id);
  });
  for (const [id, header] of board.headers) {
    if (!liveHeaders.has(id)) {
      header.remove();
      board.headers.delete(id);
    }
  }
  // Cells: one per stage x lane, kept by key.
  const liveCells = new Set();
  board.lanes.forEach((lane, j) => {
    board.stages.forEach((stage, i) => {
      const key = cellKey(stage.id, lane.id);
      let cell = board.cells.get(key);
      if (!cell) {
        cell = makeCell(board, stage, lane);
        board.cells.set(key, cell);
        board.root.append(cell);
      }
      cell.style.gridArea = `${j + 3} / ${i + 2}`;
      cell.dataset.row = j;
      cell.dataset.col = i;
      cell.setAttribute("aria-label", format(board.s.cellLabel, { stage: stage.name, lane: lane.title }));
      liveCells.add(key);
    });
  });
  for (const [key, cell] of board.cells) {
    if (!liveCells.has(key)) {
      for (const child of cell.querySelectorAll("[data-id]")) board.items.delete(child.dataset.id);
      cell.remove();
      board.cells.delete(key);
    }
  }
  // Emotion overlays span the stage columns of their lane.
  const liveEmotion = new Set();
  board.lanes.forEach((lane, j) => {
    if (lane.kind !== "emotion" || n === 0) return;
    let host = board.emotionHosts.get(lane.id);
    if (!host) {
      host = el("div", "emotion-overlay", { "data-lane": lane.id });
      board.emotionHosts.set(lane.id, host);
      board.root.append(host);
    }
    host.style.gridArea = `${j + 3} / 2 / ${j + 4} / ${n + 2}`;
    liveEmotion.add(lane.id);
  });
  for (const [id, host] of board.emotionHosts) {
    if (!liveEmotion.has(id)) {
      host.remove();
      board.emotionHosts.delete(id);
    }
  }
  layoutAddButtons(board, n);
  ensureActiveCell(board);
}

function layoutPhases(board) {
  for (const band of board.phaseBands) band.remove();
  board.phaseBands = [];
  const phases = new Map((board.doc.phases || []).map((p) => [p.id, p]));
  let start = 0;
  const palette = ["#4338ca", "#0f766e", "#b45309", "#be185d", "#0369a1", "#6d28d9"];
  const phaseOrder = sorted(board.doc, "phases").map((p) => p.id);
  while (start < board.stages.length) {
    const phaseId = board.stages[start].phase || null;
    let end = start;
    while (end + 1 < board.stages.length && (board.stages[end + 1].phase || null) === phaseId) end++;
    const phase = phaseId ? phases.get(phaseId) : null;
    const band = el("div", `phase-band${phase ? "" : " phase-none"}`);
    band.style.gridArea = `1 / ${start + 2} / 2 / ${end + 3}`;
    if (phase) {
      const color = phase.color || palette[phaseOrder.indexOf(phase.id) % palette.length];
      band.style.setProperty("--phase", color);
      band.textContent = phase.title;
      band.dataset.phase = phase.id;
      if (board.canWrite) band.append(menuButton("phase", phase.id, board.s.phaseActions));
    }
    board.root.append(band);
    board.phaseBands.push(band);
    start = end + 1;
  }
}

function layoutAddButtons(board, n) {
  if (!board.canWrite) return;
  if (!board.addStageButton) {
    board.addStageButton = el("button", "add-stage", { type: "button", "aria-label": board.s.addStage, title: board.s.addStage });
    board.addStageButton.innerHTML = '<span aria-hidden="true">+</span>';
    board.root.append(board.addStageButton);
    board.addLaneButton = el("button", "add-lane", { type: "button" });
    board.addLaneButton.innerHTML = `<span aria-hidden="true">+</span> ${board.s.addLane}`;
    board.root.append(board.addLaneButton);
  }
  board.addStageButton.style.gridArea = `2 / ${n + 2}`;
  board.addLaneButton.style.gridArea = `${board.lanes.length + 3} / 1`;
}

// A stage's or lane's header, made once and kept by id between frames.
function keptHeader(board, entity, id, markup, menuLabel) {
  let header = board.headers.get(id);
  if (header) return header;
  header = el("div", `${entity}-header`, { [`data-${entity}`]: id, draggable: board.canWrite ? "true" : null });
  header.innerHTML = markup;
  if (board.canWrite) header.append(menuButton(entity, id, menuLabel));
  board.headers.set(id, header);
  board.root.append(header);
  return header;
}

function stageHeader(board, stage) {
  const header = keptHeader(board, "stage", stage.id, '<span class="stage-num"></span><h2 class="stage-name"></h2>',
    board.s.stageActions);
  const index = board.stages.indexOf(stage);
  header.querySelector(".stage-num").textContent = String(index + 1).padStart(2, "0");
  const name = header.querySelector(".stage-name");
  if (name.textContent !== stage.name && !name.isContentEditable) name.textContent = stage.name;
  header.title = stage.description || "";
  return header;
}

function laneHeader(board, lane) {
  const header = keptHeader(board, "lane", lane.id,
    '<span class="lane-icon" aria-hidden="true"></span><div class="lane-text"><h3 class="lane-title"></h3><p class="lane-prompt"></p></div>',
    board.s.laneActions);
  header.dataset.kind = lane.kind;
  header.className = `lane-header lane-kind-${lane.kind}${isLine(lane) ? " lane-line" : ""}`;
  // Map content speaks the map's language, whatever the interface's.
  if (lane.kind === "frontstage") header.dataset.lineLabel = board.s.mapLineOfInteraction || board.s.lineOfInteraction;
  const title = header.querySelector(".lane-title");
  if (title.textContent !== lane.title && !title.isContentEditable) title.textContent = lane.title;
  const prompt = header.querySelector(".lane-prompt");
  if (prompt.textContent !== lane.prompt && !prompt.isContentEditable) prompt.textContent = lane.prompt || "";
  let legend = header.querySelector(".emotion-legend");
  if (lane.kind === "emotion" && !legend) {
    legend = el("div", "emotion-legend", { role: "group", "aria-label": board.s.curves });
    header.querySelector(".lane-text").append(legend);
  } else if (lane.kind !== "emotion" && legend) {
    legend.remove();
  }
  return header;
}

function makeCell(board, stage, lane) {
  const kind = lane.kind;
  // A labelled group, not an ARIA gridcell: the CSS grid has no row elements.
  const cell = el("div", `cell lane-kind-${kind}${isLine(lane) ? " lane-line" : ""}`, { role: "group", tabindex: "-1",
    "data-stage": stage.id, "data-lane": lane.id, "data-entity": laneEntity(lane) || "",
    "data-key": cellKey(stage.id, lane.id) });
  if (isLine(lane)) {
    const rule = kind === "line_of_visibility" ? "line-rule visibility-rule" : "line-rule";
    cell.innerHTML = `<span class="${rule}" aria-hidden="true"></span>`;
    return cell;
  }
  const list = el("div", "cell-items");
  cell.append(list);
  measure(board, cell);
  // Back on screen after the overview: its size comes from its cards again.
  cell.addEventListener("contentvisibilityautostatechange", (event) => {
    if (!event.skipped && cell.style.containIntrinsicSize) cell.style.containIntrinsicSize = "";
  });
  if (board.canWrite && kind !== "emotion") {
    const add = el("button", "cell-add", { type: "button", tabindex: "-1", "aria-label": board.s.addCard, title: board.s.addCard });
    add.innerHTML = '<span aria-hidden="true">+</span>';
    cell.append(add);
  }
  return cell;
}

// Cells off screen are neither laid out nor painted (content-visibility: auto
// in editor.css); each keeps the size it last had when rendered. A new cell is
// rendered in full for one frame so that it has one, and rows do not jump when
// it first scrolls into view. (A cell changed by someone else while off screen
// takes its new size when it comes back into view: measuring it at once would
// cost a frame per remote edit.)
//
// A whole board of new cells (opening a big map) is not rendered in full at once:
// that would lay out every card of the map before the first paint. A few cells
// with items are measured then, every cell starts at a height guessed from its
// item count, and the others are rendered in full a few at a time while the page
// is idle, until every cell has its own size.
const MEASURE_AT_ONCE = 48;
const MEASURE_SAMPLE = 4;
const MEASURE_SLICE = 12;
const CELL_PADDING = 38; // .cell: 8px above, 30px under the items (the add button)
const ITEM_GAP = 7; // .cell-items

function measure(board, cell) {
  board.measuring.add(cell);
  if (board.measureFrame !== null) return;
  board.measureFrame = requestAnimationFrame(() => {
    board.measureFrame = null;
    const cells = [...board.measuring].filter((c) => c.isConnected);
    board.measuring.clear();
    if (cells.length <= MEASURE_AT_ONCE || board.overview) {
      renderInFull(cells, true);
      return;
    }
    guessSizes(cells);
    measureWhenIdle(board, cells);
  });
}

// Rendered in full for one frame (this one when called in a frame callback, else
// the next one); its size is recorded after that frame's layout.
function renderInFull(cells, inFrame, then = null) {
  for (const cell of cells) cell.classList.add("is-measuring");
  const done = () => {
    for (const cell of cells) cell.classList.remove("is-measuring");
    then?.();
  };
  requestAnimationFrame(inFrame ? done : () => requestAnimationFrame(done));
}

const itemCount = (cell) => cell.firstElementChild?.childElementCount || 0;

// Every cell's height from its item count and the height of an item in a few
// cells measured now (a forced layout of those cells only: the others are skipped).
function guessSizes(cells) {
  const sample = cells.filter((cell) => itemCount(cell) > 0).slice(0, MEASURE_SAMPLE);
  for (const cell of sample) cell.classList.add("is-measuring");
  let height = 0;
  let items = 0;
  for (const cell of sample) {
    height += cell.offsetHeight - CELL_PADDING + ITEM_GAP;
    items += itemCount(cell);
  }
  for (const cell of sample) cell.classList.remove("is-measuring");
  const perItem = items ? height / items : 0;
  for (const cell of cells) {
    const n = itemCount(cell);
    if (!n || !perItem) continue;
    const guess = Math.round(CELL_PADDING + n * perItem - ITEM_GAP);
    cell.style.containIntrinsicSize = `auto ${COL_WIDTH}px auto ${guess}px`;
  }
}

function measureWhenIdle(board, cells) {
  const idle = globalThis.requestIdleCallback || ((fn) => setTimeout(fn, 50));
  const next = () => {
    // The whole map shows summaries, not items: their sizes are not the cells' own.
    if (board.overview) {
      idle(next, { timeout: 1000 });
      return;
    }
    const slice = [];
    while (cells.length && slice.length < MEASURE_SLICE) {
      const cell = cells.shift();
      if (cell.isConnected) slice.push(cell);
    }
    if (!slice.length) return;
    // Once rendered, a cell keeps its own size (the "auto" in contain-intrinsic-size).
    renderInFull(slice, false, () => {
      for (const cell of slice) cell.style.containIntrinsicSize = "";
      idle(next, { timeout: 500 });
    });
  };
  idle(next, { timeout: 500 });
}

function ensureActiveCell(board) {
  const active = board.root.querySelector('.cell[tabindex="0"]');
  if (active && active.isConnected) return;
  const first = board.root.querySelector(".cell:not(.lane-line)");
  if (first) first.tabIndex = 0;
}

// A star on the stage header for each stage with a moment of truth, so they
// show even on maps without a moments-of-truth lane.
export function markMoments(board) {
  const byStage = new Map();
  for (const moment of board.doc.moments || []) {
    if (!byStage.has(moment.stage)) byStage.set(moment.stage, []);
    byStage.get(moment.stage).push(moment.title);
  }
  for (const stage of board.stages) {
    const header = board.headers.get(stage.id);
    if (!header) continue;
    let star = header.querySelector(".moment-star");
    const titles = byStage.get(stage.id);
    if (!titles) {
      star?.remove();
      continue;
    }
    if (!star) {
      star = el("span", "moment-star", { role: "img" });
      header.querySelector(".stage-num").after(star);
    }
    const label = `${board.s.momentOfTruth}: ${titles.join(" · ")}`;
    star.title = label;
    star.setAttribute("aria-label", label);
    star.textContent = titles.length > 1 ? String(titles.length) : "";
  }
}

