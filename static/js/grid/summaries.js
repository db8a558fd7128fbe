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
  }
  board.summaryDirty.clear();
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
  const top = el("div", "sum-top");
  const count = el("span", "sum-count");
  count.textContent = String(items.length);
  top.append(count);
  const teamById = new Map((board.doc.teams || []).map((t) => [t.id, t]));
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

