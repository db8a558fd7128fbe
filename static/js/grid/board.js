// The board: phases over stages as columns, lanes as rows, items in cells.
// DOM nodes are keyed by id and kept between frames: a change re-renders only
// the items it names; structure changes re-place headers and cells, not cards.
// This class holds the board's state and its entry points; each concern is a
// module of functions over it: layout.js (headers, cells), sizing.js (grid sizes,
// the whole map), summaries.js, items.js (which item where), item-nodes.js (one
// item's node), emotion-lanes.js, highlights.js (locks, flashes, team filter).

import { attachmentSettings } from "../ui/panel-attachments.js";
import { cellKey } from "./model.js";
import { el } from "./dom.js";
import { activeCurve, boardPersonas, drawEmotions } from "./emotion-lanes.js";
import { markTouchpointMoments } from "./item-nodes.js";
import { orderCell, renderAllItems, renderItem, updateCellState } from "./items.js";
import { flash, setLocks, setTeamFilter } from "./highlights.js";
import { layout, markMoments } from "./layout.js";
import { COL_WIDTH, EMOTION_HEIGHT, setOverview } from "./sizing.js";
import { flushSummaries } from "./summaries.js";

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
    this.measuring = new Set(); // cells shown in full until their size is known (see measure() in layout.js)
    this.measureFrame = null;
    // Semantic zoom: while the whole map is shown, the scroller's size in px and every
    // cell as a summary. A summary is rebuilt only when its cell changed, and only
    // while it is seen (changes in normal zoom just mark the cell).
    this.overview = null;
    this.colWidth = COL_WIDTH;
    this.emotionHeight = EMOTION_HEIGHT;
    this.summaries = new Map(); // cellKey -> summary element
    this.summaryDirty = new Set(); // cellKeys whose summary is out of date
    this.summaryLater = new Set(); // out of date, summarised while idle (entering a big whole map)
    this.summaryIdle = false; // an idle callback for summaryLater is pending
    this.corner = el("div", "corner", { role: "presentation" });
    this.addStageButton = null;
    this.addLaneButton = null;
    root.append(this.corner);
  }

  get canWrite() {
    return this.config.canWrite;
  }

  // ---- entry point: draw the document, or only what `changed` names ----------
  render(doc, changed = { full: true, items: [] }) {
    this.doc = doc;
    this.cellIndex = null; // built at most once per frame, when a cell needs reordering
    const structural = changed.full || changed.items.some((c) => ["stage", "lane", "phase", "map"].includes(c.entity));
    if (structural) {
      layout(this);
      this.fullRender = true;
      try {
        renderAllItems(this);
      } finally {
        this.fullRender = false;
        this.addressedIndex = null;
      }
      drawEmotions(this);
      markMoments(this);
      markTouchpointMoments(this);
      flushSummaries(this);
      return;
    }
    const dirty = new Set();
    let emotions = false;
    for (const { entity, id } of changed.items) {
      if (entity === "emotion" || entity === "persona_link") emotions = true;
      else if (["card", "touchpoint", "moment"].includes(entity)) renderItem(this, entity, id, dirty);
    }
    for (const key of dirty) orderCell(this, key);
    if (emotions) drawEmotions(this);
    if (changed.items.some((c) => c.entity === "moment")) {
      markMoments(this);
      markTouchpointMoments(this);
    }
    flushSummaries(this);
  }

  // Show the whole map as summaries in a scroller of this size ({width, height}
  // in px), or go back to cards (null).
  setOverview(size) {
    setOverview(this, size);
  }

  drawEmotions() {
    drawEmotions(this);
  }

  // Personas on the map, in link order.
  personas() {
    return boardPersonas(this);
  }

  // Whose curve is in front: a persona's id, or "" for the shared curve.
  get curve() {
    return activeCurve(this);
  }

  setLocks(locks) {
    setLocks(this, locks);
  }

  flash(ids) {
    flash(this, ids);
  }

  setTeamFilter(team, mode) {
    setTeamFilter(this, team, mode);
  }

  updateCellState(cell) {
    updateCellState(cell);
  }

  cellAt(row, col) {
    const lane = this.lanes[row];
    const stage = this.stages[col];
    if (!lane || !stage) return null;
    return this.cells.get(cellKey(stage.id, lane.id));
  }
}
