// Cell summaries for the whole map: how many items, the teams' colours, the
// touchpoints' evaluations and the first words, rebuilt only for cells marked dirty.

import { EVALUATIONS, evaluationFace } from "../lanes/marks.js";
import { format } from "./model.js";
import { el } from "./dom.js";

export function flushSummaries(board) {
  if (!board.overview) return;
  for (const key of board.summaryDirty) {
    const cell = board.cells.get(key);
    if (cell) summarise(board, cell, key);
    board.summaryLater.delete(key);
  }
  board.summaryDirty.clear();
}

// Entering the whole map of a big board built every summary at once: 720 of them
// took 0.4 s on two cores before the first frame. Past SUMMARISE_AT_ONCE, only the
// first `columnsShown` columns (the overview opens scrolled to its start) are
// summarised now, and the others, nearest first, a slice at a time while the page
// is idle; a change to one of those cells meanwhile summarises it at once, as usual.
const SUMMARISE_AT_ONCE = 160;
const IDLE_SLICE_MS = 8;

export function enterSummaries(board, columnsShown) {
  if (!board.overview) return;
  if (board.summaryDirty.size <= SUMMARISE_AT_ONCE) {
    flushSummaries(board);
    return;
  }
  const column = (key) => Number(board.cells.get(key)?.dataset.col ?? Infinity);
  const later = [...board.summaryDirty].filter((key) => column(key) >= columnsShown);
  later.sort((a, b) => column(a) - column(b));
  for (const key of later) {
    board.summaryDirty.delete(key);
    board.summaryLater.add(key);
  }
  flushSummaries(board);
  summariseWhenIdle(board);
}

// Back to the cards: what was not summarised yet waits, as any cell changed
// meanwhile does, for the next visit.
export function leaveSummaries(board) {
  for (const key of board.summaryLater) board.summaryDirty.add(key);
  board.summaryLater.clear();
}

function summariseWhenIdle(board) {
  if (board.summaryIdle) return;
  const idle = globalThis.requestIdleCallback || ((fn) => setTimeout(() => fn(null), 16));
  const next = (deadline) => {
    board.summaryIdle = false;
    if (!board.overview) return; // left: leaveSummaries gave the keys back
    const until = performance.now() + Math.min(IDLE_SLICE_MS, deadline ? deadline.timeRemaining() : IDLE_SLICE_MS);
    for (const key of board.summaryLater) {
      if (performance.now() > until) break;
      board.summaryLater.delete(key);
      const cell = board.cells.get(key);
      if (cell) summarise(board, cell, key);
    }
    if (board.summaryLater.size) {
      board.summaryIdle = true;
      idle(next, { timeout: 100 });
    }
  };
  board.summaryIdle = true;
  idle(next, { timeout: 100 });
}

// One cell's summary, from its item nodes (already in order): how many, the teams'
// colours, the touchpoints' evaluations, and the first words of the first item.
function summarise(board, cell, key) {
  const list = cell.querySelector(".cell-items");
  if (!list || cell.dataset.entity === "emotion") return;
  const items = [...list.children].filter((node) => node.dataset.id);
  let summary = board.summaries.get(key);
  if (!items.length) {
    summary?.remove();
    board.summaries.delete(key);
    cell.removeAttribute("aria-description");
    return;
  }
  if (!summary) {
    summary = el("div", "cell-summary", { "aria-hidden": "true" });
    board.summaries.set(key, summary);
    list.after(summary);
  }
  const s = board.s;
  const teams = new Map();
  const evaluations = new Map();
  for (const node of items) {
    if (node.dataset.team) teams.set(node.dataset.team, (teams.get(node.dataset.team) || 0) + 1);
    const evaluation = node.dataset.evaluation;
    if (evaluation) evaluations.set(evaluation, (evaluations.get(evaluation) || 0) + 1);
  }
  const teamById = new Map((board.doc.teams || []).map((t) => [t.id, t]));
  const byCount = [...teams].sort((a, b) => b[1] - a[1]);
  const shownTeams = byCount.slice(0, 4).map(([id]) => teamById.get(id)).filter(Boolean);
  const star = cell.dataset.entity === "touchpoint" && items.some((node) => node.classList.contains("is-moment"));
  const first = (items[0].querySelector(".item-text")?.textContent || "").replace(/\s+/g, " ").trim().slice(0, 160);
  const bar = items[0].style.getPropertyValue("--bar") || "#cbd5e1";
  // Most edits change nothing a summary shows (a card that is not the first, its
  // text): the summary is left as it is then, so the frame repaints nothing.
  const state = JSON.stringify([items.length, shownTeams.map((t) => [t.id, t.name, t.color]), byCount.length,
    EVALUATIONS.map((evaluation) => evaluations.get(evaluation) || 0), star, first, bar]);
  if (shown.get(summary) === state) return;
  shown.set(summary, state);
  const top = el("div", "sum-top");
  const count = el("span", "sum-count");
  count.textContent = String(items.length);
  top.append(count);
  if (byCount.length) {
    const chips = el("span", "sum-teams");
    for (const team of shownTeams) {
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
  if (star) top.append(el("span", "sum-star", { title: s.momentOfTruth }));
  const text = el("p", "sum-text");
  text.textContent = first;
  summary.replaceChildren(...[top, faces, text].filter(Boolean));
  summary.classList.toggle("has-faces", Boolean(faces));
  summary.style.setProperty("--bar", bar);
  // What a screen reader hears on the cell (the summary itself is drawn for the eye).
  const many = format(items.length === 1 ? s.summaryOne : s.summaryMany, { n: items.length });
  cell.setAttribute("aria-description", [many, ...told, text.textContent].filter(Boolean).join(" · "));
}

const shown = new WeakMap(); // summary element -> what it shows (see summarise)
