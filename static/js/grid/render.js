// The board: phases over stages as columns, lanes as rows, items in cells.
// DOM nodes are keyed by id and kept between frames: a change re-renders only
// the items it names; structure changes re-place headers and cells, not cards.

import { drawEmotionCurve } from "../lanes/emotion.js";
import { EVALUATIONS, SHARED_CURVE_COLOR, curveColors, evaluationFace, volumeText } from "../lanes/marks.js";
import { attachmentSettings, channelName } from "../ui/panel.js";
import { linkedPersonas } from "../ui/personas.js";
import { byPosition, cellKey, find, format, isLine, itemText, laneEntity, orderedStages, sorted } from "./model.js";

export const COL_WIDTH = 248;
export const EMOTION_HEIGHT = 168;
// The whole map as summaries (semantic zoom): sizes in px of its headers and the
// smallest cells that still hold a readable summary.
export const OVERVIEW = { laneWidth: 180, phaseHeight: 30, stageHeight: 62, minCol: 96, minRow: 64, minEmotion: 84,
  ruleHeight: 14, lineHeight: 15 };
const FLASH_MS = 1400;
const FLASH_TICK_MS = 350; // flashes start at once; their steps are batched
// A paperclip, drawn in the text colour (static markup, no user text).
const PAPERCLIP = '<svg class="tp-files-icon" viewBox="0 0 24 24" width="12" height="12" aria-hidden="true" focusable="false"><path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

function el(tag, className, attrs = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  return node;
}

// "Addressed by: <text>" for one change, "Addressed by 3 changes" for several.
function s_addressed(s, n) {
  return n === 1 ? s.addressedByOne : s.addressedByMany;
}

export class Board {
  constructor({ root, strings, config }) {
    this.root = root;
    this.s = strings;
    this.config = config;
    // Words for the attachment count on touchpoints (null on the share page, which shows no files).
    this.fileStrings = attachmentSettings()?.strings || null;
    this.doc = null;
    this.stages = [];
    this.lanes = [];
    this.headers = new Map(); // stage/lane id -> header element
    this.cells = new Map(); // cellKey -> cell element
    this.items = new Map(); // item id -> element (cards, touchpoints, moments)
    this.emotionHosts = new Map(); // lane id -> svg host
    this.phaseBands = [];
    this.locks = new Map(); // item id -> name of who edits it
    this.editing = null; // id of the item being edited here (its text is not overwritten)
    this.teamFilter = { team: "", mode: "highlight" };
    this.activePersona = null; // whose emotion curve is in front; null: the first linked persona
    this.emotionDrag = null; // id of the emotion point being dragged here (no redraw meanwhile)
    this.fullRender = false; // rendering every item: index all cells at once
    this.flashing = new Map(); // node -> when its flash started
    this.flashTimer = null;
    this.measuring = new Set(); // cells shown in full until their size is known (see measure())
    this.measureFrame = null;
    // Semantic zoom: while the whole map is shown, the scroller's size in px and every
    // cell as a summary. A summary is rebuilt only when its cell changed, and only
    // while it is seen (changes in normal zoom just mark the cell).
    this.overview = null;
    this.colWidth = COL_WIDTH;
    this.emotionHeight = EMOTION_HEIGHT;
    this.summaries = new Map(); // cellKey -> summary element
    this.summaryDirty = new Set(); // cellKeys whose summary is out of date
    this.corner = el("div", "corner", { role: "presentation" });
    this.addStageButton = null;
    this.addLaneButton = null;
    root.append(this.corner);
  }

  get canWrite() {
    return this.config.canWrite;
  }

  // ---- entry point ---------------------------------------------------------
  render(doc, changed = { full: true, items: [] }) {
    this.doc = doc;
    this.cellIndex = null; // built at most once per frame, when a cell needs reordering
    const structural = changed.full || changed.items.some((c) => ["stage", "lane", "phase", "map"].includes(c.entity));
    if (structural) {
      this.layout();
      this.fullRender = true;
      try {
        this.renderAllItems();
      } finally {
        this.fullRender = false;
      }
      this.drawEmotions();
      this.markMoments();
      this.markTouchpointMoments();
      this.flushSummaries();
      return;
    }
    const dirty = new Set();
    let emotions = false;
    for (const { entity, id } of changed.items) {
      if (entity === "emotion" || entity === "persona_link") emotions = true;
      else if (["card", "touchpoint", "moment"].includes(entity)) this.renderItem(entity, id, dirty);
    }
    for (const key of dirty) this.orderCell(key);
    if (emotions) this.drawEmotions();
    if (changed.items.some((c) => c.entity === "moment")) {
      this.markMoments();
      this.markTouchpointMoments();
    }
    this.flushSummaries();
  }

  // A star on touchpoints that are moments of truth (only a class per node changes).
  markTouchpointMoments() {
    const marked = new Set((this.doc.moments || []).map((m) => m.touchpoint).filter(Boolean));
    for (const [id, node] of this.items) {
      if (node.dataset.entity !== "touchpoint") continue;
      const on = marked.has(id);
      if (node.classList.contains("is-moment") !== on) this.summaryDirty.add(node.closest(".cell")?.dataset.key);
      node.classList.toggle("is-moment", on);
      const star = node.querySelector(".tp-star");
      star.hidden = !on;
    }
  }

  // A star on the stage header for each stage with a moment of truth, so they
  // show even on maps without a moments-of-truth lane.
  markMoments() {
    const byStage = new Map();
    for (const moment of this.doc.moments || []) {
      if (!byStage.has(moment.stage)) byStage.set(moment.stage, []);
      byStage.get(moment.stage).push(moment.title);
    }
    for (const stage of this.stages) {
      const header = this.headers.get(stage.id);
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
      const label = `${this.s.momentOfTruth}: ${titles.join(" · ")}`;
      star.title = label;
      star.setAttribute("aria-label", label);
      star.textContent = titles.length > 1 ? String(titles.length) : "";
    }
  }

  // ---- structure -------------------------------------------------------------
  layout() {
    const doc = this.doc;
    this.stages = orderedStages(doc);
    this.lanes = sorted(doc, "lanes");
    // Blueprints made before the line of interaction was a lane of its own get it
    // drawn above their frontstage lane instead (CSS).
    this.root.classList.toggle("has-line-of-interaction", this.lanes.some((l) => l.kind === "line_of_interaction"));
    const n = this.stages.length;
    this.root.style.setProperty("--stages", n);
    this.sizeGrid();
    this.corner.style.gridArea = "1 / 1 / 3 / 2";
    this.layoutPhases();
    this.root.classList.toggle("no-phases", !this.stages.some((stage) => stage.phase));
    const liveHeaders = new Set();
    this.stages.forEach((stage, i) => {
      const header = this.stageHeader(stage);
      header.style.gridArea = `2 / ${i + 2}`;
      liveHeaders.add(stage.id);
    });
    this.lanes.forEach((lane, j) => {
      const header = this.laneHeader(lane);
      header.style.gridArea = `${j + 3} / 1`;
      liveHeaders.add(lane.id);
    });
    for (const [id, header] of this.headers) {
      if (!liveHeaders.has(id)) {
        header.remove();
        this.headers.delete(id);
      }
    }
    // Cells: one per stage x lane, kept by key.
    const liveCells = new Set();
    this.lanes.forEach((lane, j) => {
      this.stages.forEach((stage, i) => {
        const key = cellKey(stage.id, lane.id);
        let cell = this.cells.get(key);
        if (!cell) {
          cell = this.makeCell(stage, lane);
          this.cells.set(key, cell);
          this.root.append(cell);
        }
        cell.style.gridArea = `${j + 3} / ${i + 2}`;
        cell.dataset.row = j;
        cell.dataset.col = i;
        cell.setAttribute("aria-label", format(this.s.cellLabel, { stage: stage.name, lane: lane.title }));
        liveCells.add(key);
      });
    });
    for (const [key, cell] of this.cells) {
      if (!liveCells.has(key)) {
        for (const child of cell.querySelectorAll("[data-id]")) this.items.delete(child.dataset.id);
        cell.remove();
        this.cells.delete(key);
      }
    }
    // Emotion overlays span the stage columns of their lane.
    const liveEmotion = new Set();
    this.lanes.forEach((lane, j) => {
      if (lane.kind !== "emotion" || n === 0) return;
      let host = this.emotionHosts.get(lane.id);
      if (!host) {
        host = el("div", "emotion-overlay", { "data-lane": lane.id });
        this.emotionHosts.set(lane.id, host);
        this.root.append(host);
      }
      host.style.gridArea = `${j + 3} / 2 / ${j + 4} / ${n + 2}`;
      liveEmotion.add(lane.id);
    });
    for (const [id, host] of this.emotionHosts) {
      if (!liveEmotion.has(id)) {
        host.remove();
        this.emotionHosts.delete(id);
      }
    }
    this.layoutAddButtons(n);
    this.ensureActiveCell();
  }

  // Column and row sizes: fixed columns and rows that grow with their cards; in the
  // overview, columns and rows that share the scroller's width and height.
  sizeGrid() {
    const n = this.stages.length;
    const style = this.root.style;
    if (!this.overview) {
      this.colWidth = COL_WIDTH;
      this.emotionHeight = EMOTION_HEIGHT;
      style.gridTemplateColumns = `var(--lane-width) repeat(${n}, ${COL_WIDTH}px) var(--add-width)`;
      style.gridTemplateRows = `auto auto ${this.lanes.map((l) => this.rowSize(l)).join(" ")} auto`;
      return;
    }
    const { width, height } = this.overview;
    const phases = this.stages.some((stage) => stage.phase);
    this.colWidth = Math.max(OVERVIEW.minCol, Math.floor((width - OVERVIEW.laneWidth) / Math.max(n, 1)));
    const rules = this.lanes.filter(isLine).length;
    const emotions = this.lanes.filter((l) => l.kind === "emotion").length;
    const others = this.lanes.length - rules - emotions;
    let free = height - (phases ? OVERVIEW.phaseHeight : 0) - OVERVIEW.stageHeight - rules * OVERVIEW.ruleHeight;
    let row = Math.floor(free / Math.max(others + emotions, 1));
    this.emotionHeight = Math.max(OVERVIEW.minEmotion, row);
    if (emotions && others) {
      free -= emotions * this.emotionHeight;
      row = Math.floor(free / others);
    }
    row = Math.max(OVERVIEW.minRow, row);
    const rows = this.lanes.map((l) => (isLine(l) ? OVERVIEW.ruleHeight
      : l.kind === "emotion" ? this.emotionHeight : row));
    style.gridTemplateColumns = `${OVERVIEW.laneWidth}px repeat(${n}, ${this.colWidth}px) 0px`;
    style.gridTemplateRows = `${phases ? `${OVERVIEW.phaseHeight}px` : "0px"} ${OVERVIEW.stageHeight}px ${rows.map((h) => `${h}px`).join(" ")} 0px`;
    // As many lines of first words as the row holds under the count and chips.
    const lines = Math.floor((row - 42) / OVERVIEW.lineHeight);
    style.setProperty("--summary-lines", String(Math.max(1, lines)));
    // Touchpoint summaries give a line to their evaluation faces.
    style.setProperty("--summary-lines-faces", String(Math.max(1, lines - 1)));
  }

  // Show the whole map as summaries in a scroller of this size ({width, height} in
  // px), or go back to cards (null). Called again when the scroller is resized.
  setOverview(size) {
    const entering = size && !this.overview;
    const leaving = !size && this.overview;
    // Cells off screen are not laid out and keep the size they last had on screen
    // (content-visibility: auto), which in the overview is a summary's. Their full
    // sizes are read on the way in (cheap: off-screen cells are not laid out) and
    // given back on the way out, until each is on screen again (see makeCell).
    if (entering) this.fullSizes = new Map([...this.cells.values()].map((cell) => [cell, cell.offsetHeight]));
    if (leaving) {
      for (const [cell, height] of this.fullSizes || []) cell.style.containIntrinsicSize = `${COL_WIDTH}px ${height}px`;
      this.fullSizes = null;
      // Cells that stay on screen get no state change event: free them once laid out.
      requestAnimationFrame(() => requestAnimationFrame(() => this.releaseSizes()));
    }
    this.overview = size;
    this.root.classList.toggle("is-overview", Boolean(size));
    // Cards are hidden there: the Tab stop (and the focus) on a card go to its cell.
    const stop = size ? this.root.querySelector('.item[tabindex="0"]') : null;
    if (stop) {
      const cell = stop.closest(".cell");
      const focused = stop.contains(document.activeElement);
      stop.tabIndex = -1;
      cell.tabIndex = 0;
      if (focused) cell.focus({ preventScroll: true });
    }
    if (!this.doc) return;
    this.sizeGrid();
    this.flushSummaries();
    this.drawEmotions();
  }

  // Cells on screen are sized by their cards: drop the size kept for them.
  releaseSizes() {
    const view = this.root.parentElement.getBoundingClientRect();
    for (const cell of this.cells.values()) {
      if (!cell.style.containIntrinsicSize) continue;
      const box = cell.getBoundingClientRect();
      if (box.bottom > view.top && box.top < view.bottom && box.right > view.left && box.left < view.right) {
        cell.style.containIntrinsicSize = "";
      }
    }
  }

  flushSummaries() {
    if (!this.overview) return;
    for (const key of this.summaryDirty) {
      const cell = this.cells.get(key);
      if (cell) this.summarise(cell, key);
    }
    this.summaryDirty.clear();
  }

  // One cell's summary, from its item nodes (already in order): how many, the teams'
  // colours, the touchpoints' evaluations, and the first words of the first item.
  summarise(cell, key) {
    const list = cell.querySelector(".cell-items");
    if (!list || cell.dataset.entity === "emotion") return;
    const items = [...list.children].filter((node) => node.dataset.id);
    let summary = this.summaries.get(key);
    if (!items.length) {
      summary?.remove();
      this.summaries.delete(key);
      cell.removeAttribute("aria-description");
      return;
    }
    if (!summary) {
      summary = el("div", "cell-summary", { "aria-hidden": "true" });
      this.summaries.set(key, summary);
      list.after(summary);
    }
    const s = this.s;
    const teams = new Map();
    const evaluations = new Map();
    for (const node of items) {
      if (node.dataset.team) teams.set(node.dataset.team, (teams.get(node.dataset.team) || 0) + 1);
      const evaluation = node.dataset.evaluation;
      if (evaluation) evaluations.set(evaluation, (evaluations.get(evaluation) || 0) + 1);
    }
    const top = el("div", "sum-top");
    const count = el("span", "sum-count");
    count.textContent = String(items.length);
    top.append(count);
    const teamById = new Map((this.doc.teams || []).map((t) => [t.id, t]));
    const byCount = [...teams].sort((a, b) => b[1] - a[1]);
    if (byCount.length) {
      const chips = el("span", "sum-teams");
      for (const [id] of byCount.slice(0, 4)) {
        const team = teamById.get(id);
        if (!team) continue;
        const chip = el("span", "sum-team", { title: team.name });
        chip.style.setProperty("--team", team.color);
        chips.append(chip);
      }
      if (byCount.length > 4) chips.append(document.createTextNode(`+${byCount.length - 4}`));
      top.append(chips);
    }
    const told = [];
    const faces = evaluations.size ? el("div", "sum-evals") : null;
    if (faces) {
      for (const evaluation of EVALUATIONS) {
        const n = evaluations.get(evaluation);
        if (!n) continue;
        const label = `${s[`eval_${evaluation}`]}: ${n}`;
        const part = el("span", "sum-eval");
        part.append(evaluationFace(evaluation), document.createTextNode(String(n)));
        part.title = label;
        faces.append(part);
        told.push(label);
      }
    }
    if (cell.dataset.entity === "touchpoint" && items.some((node) => node.classList.contains("is-moment"))) {
      top.append(el("span", "sum-star", { title: s.momentOfTruth }));
    }
    const first = items[0].querySelector(".item-text")?.textContent || "";
    const text = el("p", "sum-text");
    text.textContent = first.replace(/\s+/g, " ").trim().slice(0, 160);
    summary.replaceChildren(...[top, faces, text].filter(Boolean));
    summary.classList.toggle("has-faces", Boolean(faces));
    summary.style.setProperty("--bar", items[0].style.getPropertyValue("--bar") || "#cbd5e1");
    // What a screen reader hears on the cell (the summary itself is drawn for the eye).
    const many = format(items.length === 1 ? s.summaryOne : s.summaryMany, { n: items.length });
    cell.setAttribute("aria-description", [many, ...told, text.textContent].filter(Boolean).join(" · "));
  }

  rowSize(lane) {
    if (lane.kind === "emotion") return `${EMOTION_HEIGHT}px`;
    if (isLine(lane)) return "34px";
    return "minmax(96px, auto)";
  }

  layoutPhases() {
    for (const band of this.phaseBands) band.remove();
    this.phaseBands = [];
    const phases = new Map((this.doc.phases || []).map((p) => [p.id, p]));
    let start = 0;
    const palette = ["#4338ca", "#0f766e", "#b45309", "#be185d", "#0369a1", "#6d28d9"];
    const phaseOrder = sorted(this.doc, "phases").map((p) => p.id);
    while (start < this.stages.length) {
      const phaseId = this.stages[start].phase || null;
      let end = start;
      while (end + 1 < this.stages.length && (this.stages[end + 1].phase || null) === phaseId) end++;
      const phase = phaseId ? phases.get(phaseId) : null;
      const band = el("div", `phase-band${phase ? "" : " phase-none"}`);
      band.style.gridArea = `1 / ${start + 2} / 2 / ${end + 3}`;
      if (phase) {
        const color = phase.color || palette[phaseOrder.indexOf(phase.id) % palette.length];
        band.style.setProperty("--phase", color);
        band.textContent = phase.title;
        band.dataset.phase = phase.id;
        if (this.canWrite) band.append(this.menuButton("phase", phase.id, this.s.phaseActions));
      }
      this.root.append(band);
      this.phaseBands.push(band);
      start = end + 1;
    }
  }

  layoutAddButtons(n) {
    if (!this.canWrite) return;
    if (!this.addStageButton) {
      this.addStageButton = el("button", "add-stage", { type: "button", "aria-label": this.s.addStage, title: this.s.addStage });
      this.addStageButton.innerHTML = '<span aria-hidden="true">+</span>';
      this.root.append(this.addStageButton);
      this.addLaneButton = el("button", "add-lane", { type: "button" });
      this.addLaneButton.innerHTML = `<span aria-hidden="true">+</span> ${this.s.addLane}`;
      this.root.append(this.addLaneButton);
    }
    this.addStageButton.style.gridArea = `2 / ${n + 2}`;
    this.addLaneButton.style.gridArea = `${this.lanes.length + 3} / 1`;
  }

  stageHeader(stage) {
    let header = this.headers.get(stage.id);
    if (!header) {
      header = el("div", "stage-header", { "data-stage": stage.id, draggable: this.canWrite ? "true" : null });
      header.innerHTML = '<span class="stage-num"></span><h2 class="stage-name"></h2>';
      if (this.canWrite) header.append(this.menuButton("stage", stage.id, this.s.stageActions));
      this.headers.set(stage.id, header);
      this.root.append(header);
    }
    const index = this.stages.indexOf(stage);
    header.querySelector(".stage-num").textContent = String(index + 1).padStart(2, "0");
    const name = header.querySelector(".stage-name");
    if (name.textContent !== stage.name && !name.isContentEditable) name.textContent = stage.name;
    header.title = stage.description || "";
    return header;
  }

  laneHeader(lane) {
    let header = this.headers.get(lane.id);
    if (!header) {
      header = el("div", "lane-header", { "data-lane": lane.id, draggable: this.canWrite ? "true" : null });
      header.innerHTML = '<span class="lane-icon" aria-hidden="true"></span><div class="lane-text"><h3 class="lane-title"></h3><p class="lane-prompt"></p></div>';
      if (this.canWrite) header.append(this.menuButton("lane", lane.id, this.s.laneActions));
      this.headers.set(lane.id, header);
      this.root.append(header);
    }
    header.dataset.kind = lane.kind;
    header.className = `lane-header lane-kind-${lane.kind}${isLine(lane) ? " lane-line" : ""}`;
    // Map content speaks the map's language, whatever the interface's.
    if (lane.kind === "frontstage") header.dataset.lineLabel = this.s.mapLineOfInteraction || this.s.lineOfInteraction;
    const title = header.querySelector(".lane-title");
    if (title.textContent !== lane.title && !title.isContentEditable) title.textContent = lane.title;
    const prompt = header.querySelector(".lane-prompt");
    if (prompt.textContent !== lane.prompt && !prompt.isContentEditable) prompt.textContent = lane.prompt || "";
    let legend = header.querySelector(".emotion-legend");
    if (lane.kind === "emotion" && !legend) {
      legend = el("div", "emotion-legend", { role: "group", "aria-label": this.s.curves });
      header.querySelector(".lane-text").append(legend);
    } else if (lane.kind !== "emotion" && legend) {
      legend.remove();
    }
    return header;
  }

  menuButton(entity, id, label) {
    const button = el("button", "icon-btn header-menu", { type: "button", "aria-label": label, title: label,
      "data-menu": entity, "data-menu-id": id, "aria-haspopup": "menu" });
    return button; // the three dots are drawn by CSS: one box per button, not an SVG tree
  }

  makeCell(stage, lane) {
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
    this.measure(cell);
    // Back on screen after the overview: its size comes from its cards again.
    cell.addEventListener("contentvisibilityautostatechange", (event) => {
      if (!event.skipped && cell.style.containIntrinsicSize) cell.style.containIntrinsicSize = "";
    });
    if (this.canWrite && kind !== "emotion") {
      const add = el("button", "cell-add", { type: "button", tabindex: "-1", "aria-label": this.s.addCard, title: this.s.addCard });
      add.innerHTML = '<span aria-hidden="true">+</span>';
      cell.append(add);
    }
    return cell;
  }

  ensureActiveCell() {
    const active = this.root.querySelector('.cell[tabindex="0"]');
    if (active && active.isConnected) return;
    const first = this.root.querySelector(".cell:not(.lane-line)");
    if (first) first.tabIndex = 0;
  }

  // ---- items -------------------------------------------------------------------
  renderAllItems() {
    const live = new Set();
    const dirty = new Set(this.cells.keys());
    for (const entity of ["card", "touchpoint", "moment"]) {
      const collection = { card: "cards", touchpoint: "touchpoints", moment: "moments" }[entity];
      for (const item of this.doc[collection] || []) {
        live.add(item.id);
        this.renderItem(entity, item.id, dirty, item);
      }
    }
    for (const [id, node] of this.items) {
      if (!live.has(id)) {
        node.remove();
        this.items.delete(id);
      }
    }
    for (const key of dirty) this.orderCell(key);
  }

  // Moments with no lane go to the first moments-of-truth lane.
  laneFor(entity, item) {
    if (entity === "moment" && !item.lane) {
      return this.lanes.find((l) => l.kind === "moments_of_truth")?.id;
    }
    return item.lane;
  }

  renderItem(entity, id, dirty, item = find(this.doc, entity, id)) {
    let node = this.items.get(id);
    if (node && node.parentElement) dirty.add(node.closest(".cell")?.dataset.key || "");
    if (!item) {
      if (node) {
        const cell = node.closest(".cell");
        const addressed = node.dataset.addresses;
        node.remove();
        this.items.delete(id);
        if (addressed) this.fillAddressedBy(addressed);
        if (cell) this.updateCellState(cell);
      }
      return;
    }
    const key = cellKey(item.stage, this.laneFor(entity, item));
    const cell = this.cells.get(key);
    if (!node) {
      node = this.makeItem(entity, item);
      this.items.set(id, node);
    }
    this.fillItem(node, entity, item);
    if (!cell) {
      node.remove();
      return;
    }
    if (node.parentElement !== cell.firstElementChild) cell.firstElementChild.append(node);
    dirty.add(key);
  }

  makeItem(entity, item) {
    const node = el("article", `item item-${entity}`, { tabindex: "-1", "data-id": item.id, "data-entity": entity,
      draggable: this.canWrite ? "true" : null });
    node.innerHTML = `<div class="item-main"><span class="item-icon" aria-hidden="true"></span><p class="item-text"></p></div><footer class="item-foot"><span class="team-tag"></span><span class="editing-badge" hidden></span></footer>`;
    if (entity === "touchpoint") {
      // Channel, evaluation, volume and survey scores under the title.
      const meta = el("div", "tp-meta");
      meta.innerHTML = '<span class="tp-channel"></span><span class="tp-star" hidden></span><span class="tp-eval"><span class="eval-face" aria-hidden="true"></span><span class="eval-text"></span></span><span class="tp-badge tp-volume"></span><span class="tp-badge tp-csat"></span><span class="tp-badge tp-nps"></span><span class="tp-badge tp-files" role="img" hidden>' + PAPERCLIP + '<span class="tp-files-n"></span></span>';
      node.querySelector(".item-main").after(meta);
    }
    if (entity === "card") {
      // Priority, and the link between a change and the pain point it addresses.
      const links = el("div", "card-links");
      links.innerHTML = '<span class="prio-chip" hidden></span><button type="button" class="addr-link addresses" hidden></button><button type="button" class="addr-link addressed-by" hidden></button>';
      node.querySelector(".item-main").after(links);
    }
    if (this.canWrite) node.append(this.menuButton(entity, item.id, this.s.cardActions));
    return node;
  }

  fillItem(node, entity, item) {
    const text = itemText(entity, item);
    const textEl = node.querySelector(".item-text");
    if (this.editing !== item.id && textEl.textContent !== text) textEl.textContent = text;
    node.setAttribute("aria-label", text.slice(0, 120) || this.s.card);
    const team = (this.doc.teams || []).find((t) => t.id === (entity === "touchpoint" ? item.owner_team : item.team));
    node.style.setProperty("--bar", team ? team.color : "transparent");
    node.classList.toggle("has-team", Boolean(team));
    node.dataset.team = team ? team.id : "";
    const tag = node.querySelector(".team-tag");
    tag.textContent = team ? team.name : "";
    tag.hidden = !team;
    if (team) tag.style.setProperty("--team", team.color);
    if (item.color) node.style.setProperty("--tint", item.color);
    else node.style.removeProperty("--tint");
    node.classList.toggle("tinted", Boolean(item.color));
    if (entity === "card") this.fillCardLinks(node, item);
    const icon = node.querySelector(".item-icon");
    if (entity === "touchpoint") {
      const channel = (this.doc.channels || []).find((c) => c.id === item.channel);
      const iconName = channel?.icon || "generic";
      const src = `${this.config.staticUrl}img/channels/${iconName}.svg`;
      if (icon.dataset.src !== src) {
        icon.dataset.src = src;
        icon.style.setProperty("--icon", `url("${src}")`);
      }
      const lang = this.doc.map?.language || "en";
      const kind = channel?.kind || "";
      icon.title = channel ? `${channelName(channel, lang)} · ${this.s[kind] || ""}` : "";
      node.dataset.channelKind = kind;
      node.classList.toggle("tp-unowned", channel ? !channel.brand_controlled : false);
      this.fillTouchpointMeta(node, item, channel, lang);
    } else if (entity === "moment") {
      icon.title = this.s.momentOfTruth;
      node.dataset.valence = item.valence || "";
    }
    this.applyLock(node, item.id);
    this.applyTeamFilter(node);
  }

  fillCardLinks(node, item) {
    const s = this.s;
    const chip = node.querySelector(".prio-chip");
    chip.hidden = !item.priority;
    chip.dataset.priority = item.priority || "";
    chip.textContent = item.priority ? s[`priority_${item.priority}`] : "";
    const target = item.addresses ? find(this.doc, "card", item.addresses) : null;
    const addresses = node.querySelector(".addresses");
    addresses.hidden = !target;
    addresses.dataset.target = target ? target.id : "";
    addresses.textContent = target ? `↳ ${format(s.addressesPain, { text: target.text.slice(0, 60) })}` : "";
    // Whoever pointed here before and now: refresh both ends of the link.
    const before = node.dataset.addresses || "";
    const now = item.addresses || "";
    node.dataset.addresses = now;
    if (before !== now) {
      for (const id of [before, now]) if (id) this.fillAddressedBy(id);
    }
    this.fillAddressedBy(item.id);
  }

  fillAddressedBy(id) {
    const node = this.items.get(id);
    if (!node || node.dataset.entity !== "card") return;
    const by = (this.doc.cards || []).filter((c) => c.addresses === id);
    const button = node.querySelector(".addressed-by");
    button.hidden = !by.length;
    button.dataset.target = by[0]?.id || "";
    button.textContent = by.length ? `✓ ${format(s_addressed(this.s, by.length), { n: by.length, text: by[0].text.slice(0, 60) })}` : "";
  }

  fillTouchpointMeta(node, item, channel, lang) {
    const s = this.s;
    const set = (selector, text, title = "") => {
      const part = node.querySelector(selector);
      part.hidden = !text;
      if (part.textContent !== text && !part.children.length) part.textContent = text;
      if (title) part.title = title;
      return part;
    };
    set(".tp-channel", channel ? channelName(channel, lang) : "");
    const star = node.querySelector(".tp-star");
    if (!star.textContent) star.textContent = `★ ${s.momentOfTruth}`;
    const isMoment = (this.doc.moments || []).some((m) => m.touchpoint === item.id);
    star.hidden = !isMoment;
    node.classList.toggle("is-moment", isMoment);
    const evaluation = item.evaluation || "";
    node.dataset.evaluation = evaluation;
    const chip = node.querySelector(".tp-eval");
    chip.hidden = !evaluation;
    chip.dataset.evaluation = evaluation;
    chip.querySelector(".eval-face").dataset.evaluation = evaluation;
    chip.querySelector(".eval-text").textContent = evaluation ? s[`eval_${evaluation}`] : "";
    set(".tp-volume", volumeText(item, s), s.volume);
    set(".tp-csat", item.csat !== null && item.csat !== undefined ? `CSAT ${Math.round(item.csat * 10) / 10} %` : "");
    const nps = item.nps;
    set(".tp-nps", nps !== null && nps !== undefined ? `NPS ${nps > 0 ? "+" : ""}${nps}` : "");
    this.fillAttachmentCount(node, item);
  }

  // A paperclip and how many files the touchpoint shows (the list is a field of the
  // touchpoint, so any upload or removal re-renders this card with the rest).
  fillAttachmentCount(node, item) {
    const badge = node.querySelector(".tp-files");
    const n = this.fileStrings ? (item.attachments || []).length : 0;
    badge.hidden = !n;
    const count = n ? String(n) : "";
    const number = badge.querySelector(".tp-files-n");
    if (number.textContent !== count) number.textContent = count;
    const label = n ? format(n === 1 ? this.fileStrings.attachmentCountOne : this.fileStrings.attachmentCountMany, { n }) : "";
    if (n) {
      badge.setAttribute("aria-label", label);
      badge.title = label;
    } else {
      badge.removeAttribute("aria-label");
      badge.removeAttribute("title");
    }
  }

  // Reorder one cell's children to the document order, moving only what is out of place.
  orderCell(key) {
    this.summaryDirty.add(key);
    const cell = this.cells.get(key);
    if (!cell || !cell.firstElementChild) return;
    const [stage, lane] = key.split("|");
    const laneObj = this.lanes.find((l) => l.id === lane);
    if (!laneObj) return;
    const entity = laneEntity(laneObj);
    if (!entity || entity === "emotion") return;
    const want = this.itemsIn(key, entity, stage, lane).map((item) => this.items.get(item.id)).filter(Boolean);
    const list = cell.firstElementChild;
    want.forEach((node, i) => {
      if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
    });
    this.updateCellState(cell);
  }

  // Cells off screen are neither laid out nor painted (content-visibility: auto
  // in editor.css); each keeps the size it last had when rendered. A new cell is
  // rendered in full for one frame so that it has one, and rows do not jump when
  // it first scrolls into view. (A cell changed by someone else while off screen
  // takes its new size when it comes back into view: measuring it at once would
  // cost a frame per remote edit.)
  measure(cell) {
    cell.classList.add("is-measuring");
    this.measuring.add(cell);
    if (this.measureFrame !== null) return;
    // Two frames: the sizes are recorded after the next frame's layout.
    this.measureFrame = requestAnimationFrame(() => {
      this.measureFrame = requestAnimationFrame(() => {
        this.measureFrame = null;
        for (const measured of this.measuring) measured.classList.remove("is-measuring");
        this.measuring.clear();
      });
    });
  }

  // One cell's items in document order. A frame touches a cell or two: filter
  // that cell's items (the collection is kept in order by the sync module) instead
  // of sorting the whole map; a full render indexes every cell in one pass.
  itemsIn(key, entity, stage, lane) {
    if (this.cellIndex || this.fullRender) return this.byCell().get(key) || [];
    const collection = { card: "cards", touchpoint: "touchpoints", moment: "moments" }[entity];
    const inCell = (this.doc[collection] || []).filter((item) => item.stage === stage && this.laneFor(entity, item) === lane);
    return inCell.sort(byPosition);
  }

  // Items per cell in document order, for the whole map in one pass.
  byCell() {
    if (this.cellIndex) return this.cellIndex;
    const index = new Map();
    for (const [entity, collection] of [["card", "cards"], ["touchpoint", "touchpoints"], ["moment", "moments"]]) {
      for (const item of sorted(this.doc, collection)) {
        const key = cellKey(item.stage, this.laneFor(entity, item));
        if (!index.has(key)) index.set(key, []);
        index.get(key).push(item);
      }
    }
    this.cellIndex = index;
    return index;
  }

  updateCellState(cell) {
    const count = cell.querySelectorAll(".item").length;
    cell.classList.toggle("is-empty", count === 0);
  }

  // The persona whose curve is in front (and that new scores go to): "" is the
  // shared curve, used only when no persona is on the map.
  // Personas on the map, in link order (live: follows persona_link ops).
  personas() {
    return this.doc ? linkedPersonas(this.doc, this.config.personas || []) : [];
  }

  get curve() {
    const personas = this.personas();
    if (this.activePersona !== null && (this.activePersona === "" || personas.some((p) => p.id === this.activePersona))) {
      return this.activePersona;
    }
    return personas[0]?.id || "";
  }

  drawEmotions() {
    if (this.emotionDrag) return; // redrawn when the drag ends
    const active = this.curve;
    const personas = this.personas();
    const colors = curveColors(personas);
    for (const [, host] of this.emotionHosts) {
      drawEmotionCurve(host, {
        stages: this.stages,
        emotions: this.doc.emotions || [],
        personas,
        colors,
        colWidth: this.colWidth,
        height: this.emotionHeight,
        active,
        // In the overview a click on the lane zooms in; scores are set at full size.
        editable: this.canWrite && !this.overview,
        s: this.s,
      });
    }
    this.drawLegends(active);
  }

  // Legend chips in the emotion lane's header: one per persona in its colour, the
  // shared curve when it has points or no persona is linked; a chip picks the curve.
  drawLegends(active) {
    const personas = this.personas();
    const colors = curveColors(personas);
    const shared = (this.doc.emotions || []).some((e) => !e.persona);
    const entries = personas.map((p) => ({ id: p.id, name: p.name, color: colors.get(p.id) }));
    if (shared || !personas.length) entries.unshift({ id: "", name: this.s.allCustomers, color: SHARED_CURVE_COLOR, shared: true });
    for (const lane of this.lanes) {
      if (lane.kind !== "emotion") continue;
      const legend = this.headers.get(lane.id)?.querySelector(".emotion-legend");
      if (!legend) continue;
      legend.replaceChildren();
      for (const entry of entries) {
        const chip = el("button", `legend-chip${entry.shared ? " is-shared" : ""}`, { type: "button", "data-persona": entry.id,
          "aria-pressed": String(entry.id === active), title: this.s.showCurve });
        chip.style.setProperty("--persona", entry.color);
        const dot = el("span", "legend-dot", { "aria-hidden": "true" });
        const name = el("span", "legend-name");
        name.textContent = entry.name;
        chip.append(dot, name);
        legend.append(chip);
      }
      if (this.canWrite) {
        const derive = el("button", "derive-btn btn btn-small btn-quiet", { type: "button" });
        derive.textContent = this.s.deriveFromTouchpoints;
        legend.append(derive);
      }
    }
  }

  // ---- presence, flashes, filters ----------------------------------------------------
  setLocks(locks) {
    const previous = this.locks;
    this.locks = locks;
    for (const id of new Set([...previous.keys(), ...locks.keys()])) {
      const node = this.items.get(id);
      if (node) this.applyLock(node, id);
    }
  }

  applyLock(node, id) {
    const who = this.locks.get(id);
    node.classList.toggle("is-locked", Boolean(who));
    const badge = node.querySelector(".editing-badge");
    if (who) {
      badge.textContent = format(this.s.isEditing, { name: who.name });
      badge.style.setProperty("--who", who.color || "#475569");
      badge.hidden = false;
      node.style.setProperty("--who", who.color || "#475569");
    } else {
      badge.hidden = true;
    }
  }

  // A remote change lights its nodes up, then fades in one step and goes out.
  // Class changes on one shared timer, not a CSS animation: an animated shadow
  // repaints the board every frame for as long as it runs, and with several
  // people typing something is always flashing.
  flash(ids) {
    const now = performance.now();
    for (const id of ids) {
      const node = this.items.get(id) || this.headers.get(id);
      if (!node) continue;
      node.classList.remove("is-flash-fading");
      node.classList.add("is-flashing");
      this.flashing.set(node, now);
    }
    this.scheduleFlashes();
  }

  scheduleFlashes() {
    if (this.flashTimer !== null || !this.flashing.size) return;
    this.flashTimer = setTimeout(() => {
      this.flashTimer = null;
      const now = performance.now();
      for (const [node, since] of this.flashing) {
        const age = now - since;
        if (age >= FLASH_MS) {
          node.classList.remove("is-flashing", "is-flash-fading");
          this.flashing.delete(node);
        } else if (age >= FLASH_MS / 2) {
          node.classList.add("is-flash-fading");
        }
      }
      this.scheduleFlashes();
    }, FLASH_TICK_MS);
  }

  setTeamFilter(team, mode) {
    this.teamFilter = { team, mode };
    this.root.classList.toggle("team-filtering", Boolean(team));
    this.root.dataset.teamMode = mode;
    for (const node of this.items.values()) this.applyTeamFilter(node);
  }

  applyTeamFilter(node) {
    const { team } = this.teamFilter;
    node.classList.toggle("team-match", Boolean(team) && node.dataset.team === team);
  }

  cellAt(row, col) {
    const lane = this.lanes[row];
    const stage = this.stages[col];
    if (!lane || !stage) return null;
    return this.cells.get(cellKey(stage.id, lane.id));
  }
}
