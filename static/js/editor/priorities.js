// Moments of truth (on a stage or a touchpoint) and the priorities view that ranks
// them with the irritants, each entry a way back to its place on the grid.

import { focusNode } from "../grid/keyboard.js";
import { find, format, uuid } from "../grid/model.js";
import { evaluationFace, volumeText } from "../lanes/marks.js";
import { defaultLowestFirst, metricKeys, metricLabel, rankByMetric } from "./metric-ranking.js";

// Adds the moment section to the touchpoint panel and the Priorities button; returns
// markMoment for the menus.
export function installPriorities(ctx, { commit, deleteItem }) {
  const { config, s, board, panel } = ctx;
  const currentDoc = () => ctx.currentDoc();

  // Mark a stage (touchpoint null) or a touchpoint as a moment of truth, or open the
  // one it already has; its importance, impact, valence and rationale are in the panel.
  function markMoment(stage, touchpoint) {
    const doc = currentDoc();
    const existing = (doc.moments || []).find((m) => m.stage === stage && (m.touchpoint || null) === (touchpoint || null));
    if (existing) {
      panel.open("moment", existing.id, { returnTo: board.items.get(touchpoint) || board.headers.get(stage) });
      return;
    }
    if (!config.canWrite) return;
    const id = uuid();
    const title = touchpoint ? find(doc, "touchpoint", touchpoint)?.title : find(doc, "stage", stage)?.name;
    const fields = { stage, title: (title || s.momentOfTruth).slice(0, 200), valence: "mixed", importance: 3, impact: 3 };
    if (touchpoint) fields.touchpoint = touchpoint;
    commit([{ op: "create", entity: "moment", id, fields }], [{ kind: "create", entity: "moment", id }]);
    requestAnimationFrame(() => panel.open("moment", id, { returnTo: board.items.get(touchpoint) || board.headers.get(stage) }));
  }

  // In the touchpoint panel: whether it is a moment of truth, and a way to change that.
  panel.extras.touchpoint = (p, item, host) => {
    const moment = (currentDoc().moments || []).find((m) => m.touchpoint === item.id);
    const box = document.createElement("div");
    box.className = `panel-moment${moment ? " is-moment" : ""}`;
    const text = document.createElement("p");
    text.className = "panel-moment-text";
    text.textContent = moment
      ? format(s.momentSummary, { importance: moment.importance, impact: moment.impact, weight: moment.importance * moment.impact })
      : s.notMoment;
    box.append(text);
    if (config.canWrite || moment) {
      const open = document.createElement("button");
      open.type = "button";
      open.className = "btn btn-small mark-moment";
      open.textContent = moment ? s.editMoment : s.markMoment;
      open.addEventListener("click", () => markMoment(item.stage, item.id));
      box.append(open);
    }
    if (moment && config.canWrite) {
      const unmark = document.createElement("button");
      unmark.type = "button";
      unmark.className = "btn btn-small btn-quiet unmark-moment";
      unmark.textContent = s.unmarkMoment;
      unmark.addEventListener("click", () => deleteItem("moment", moment.id, s.deleted));
      box.append(unmark);
    }
    host.append(box);
  };

  let prioritiesBy = "weight";
  let prioritiesTimer = null;
  // "By metric": which metric, and in which direction (null: the metric's usual one).
  let rankMetric = null;
  let rankLowestFirst = null;

  function openPriorities(button) {
    let list = null;
    let status = null;
    let metricBox = null;
    let intro = null;
    const load = async () => {
      if (metricBox) metricBox.hidden = prioritiesBy !== "metric";
      // "By votes" lists voted cards and touchpoints, not only moments and irritants.
      if (intro) intro.textContent = prioritiesBy === "votes" ? s.wsVotesIntro : s.prioritiesIntro;
      if (prioritiesBy === "votes" || prioritiesBy === "metric") {
        if (list?.isConnected) (prioritiesBy === "votes" ? fillVotes : fillByMetric)(list);
        if (status) status.textContent = "";
        return;
      }
      const by = prioritiesBy;
      try {
        const response = await fetch(`/api/v1/maps/${config.mapId}/priorities/?by=${by}`,
          { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        // Only if that order is still the one chosen (an answer can come after a switch).
        if (list?.isConnected && prioritiesBy === by) fillPriorities(list, data.entries);
        if (status) status.textContent = "";
      } catch {
        if (status) status.textContent = s.prioritiesFailed;
      }
    };
    panel.openView("priorities", {
      kicker: s.priorities,
      build(body) {
        intro = document.createElement("p");
        intro.className = "small muted priorities-intro";
        intro.textContent = s.prioritiesIntro;
        const order = document.createElement("div");
        order.className = "segmented priorities-order";
        order.setAttribute("role", "radiogroup");
        order.setAttribute("aria-label", s.prioritiesOrder);
        for (const [value, label] of [["weight", s.byImpact], ["volume", s.byVolume], ["votes", s.wsByVotes],
          ["metric", s.byMetric]]) {
          const wrap = document.createElement("label");
          const radio = document.createElement("input");
          radio.type = "radio";
          radio.name = "priorities-by";
          radio.value = value;
          radio.checked = value === prioritiesBy;
          radio.addEventListener("change", () => { prioritiesBy = value; load(); });
          wrap.append(radio, ` ${label}`);
          order.append(wrap);
        }
        status = document.createElement("p");
        status.className = "small priorities-status";
        status.setAttribute("role", "status");
        list = document.createElement("ol");
        list.className = "priorities-list";
        metricBox = metricControls(load);
        body.append(intro, order, metricBox, status, list);
        load();
      },
      refresh(doc, changed) {
        if (!changed.full && !changed.items.some((c) => ["moment", "touchpoint", "stage", "card"].includes(c.entity))) return;
        clearTimeout(prioritiesTimer);
        prioritiesTimer = setTimeout(load, 250);
      },
    }, { returnTo: button });
  }

  function fillPriorities(list, entries) {
    const doc = currentDoc();
    list.replaceChildren();
    if (!entries.length) {
      list.append(emptyRow(s.prioritiesEmpty));
      return;
    }
    for (const entry of entries) {
      const tags = [entry.stage_name];
      if (entry.kind === "moment") tags.push(`★ ${s.momentOfTruth}`);
      const { li, link, meta } = priorityRow({
        className: `prio-${entry.kind}${entry.irritant ? " is-irritant" : ""}`,
        id: entry.id, rank: entry.rank, title: entry.title, meta: tags.join(" · "),
        onClick: () => showOnGrid(entry),
      });
      if (entry.irritant) meta.append(" · ", evaluationFace("irritant"), ` ${s.eval_irritant}`);
      const score = document.createElement("span");
      score.className = "prio-score";
      const tp = entry.touchpoint ? find(doc, "touchpoint", entry.touchpoint) : null;
      const volume = tp ? volumeText(tp, s) : "";
      score.textContent = entry.kind === "moment" ? `${entry.importance} × ${entry.impact} = ${entry.weight}` : "";
      if (volume) {
        const badge = document.createElement("span");
        badge.className = "tp-badge tp-volume";
        badge.textContent = volume;
        score.append(badge);
      }
      link.append(score, votesCell(tp?.votes || 0));
      list.append(li);
    }
  }

  // The metric and direction chosen for "By metric" (the choices follow the document).
  function metricControls(reload) {
    const box = document.createElement("div");
    box.className = "priorities-metric";
    box.hidden = true;
    const select = document.createElement("select");
    select.className = "panel-input priorities-metric-key";
    select.setAttribute("aria-label", s.rankMetric);
    const direction = document.createElement("select");
    direction.className = "panel-input priorities-metric-direction";
    direction.setAttribute("aria-label", s.prioritiesOrder);
    for (const [value, label] of [["low", s.rankLowestFirst], ["high", s.rankHighestFirst]]) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      direction.append(option);
    }
    select.addEventListener("change", () => { rankMetric = select.value; rankLowestFirst = null; reload(); });
    direction.addEventListener("change", () => { rankLowestFirst = direction.value === "low"; reload(); });
    box.append(select, direction);
    box.sync = () => {
      const keys = metricKeys(currentDoc());
      if (!keys.includes(rankMetric)) rankMetric = keys[0] || null;
      select.replaceChildren(...keys.map((key) => {
        const option = document.createElement("option");
        option.value = key;
        option.textContent = metricLabel(key, s);
        return option;
      }));
      select.value = rankMetric || "";
      select.disabled = !keys.length;
      direction.value = (rankLowestFirst ?? defaultLowestFirst(rankMetric)) ? "low" : "high";
    };
    return box;
  }

  function fillByMetric(list) {
    const box = list.parentElement?.querySelector(".priorities-metric");
    box?.sync();
    const doc = currentDoc();
    const stages = new Map((doc.stages || []).map((st) => [st.id, st]));
    const rows = rankMetric ? rankByMetric(doc, rankMetric, rankLowestFirst ?? defaultLowestFirst(rankMetric)) : [];
    list.replaceChildren();
    if (!rows.length) {
      list.append(emptyRow(s.rankNoValues));
      return;
    }
    const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
    for (const row of rows) {
      const tp = row.touchpoint;
      const { li, link } = priorityRow({
        className: "prio-touchpoint prio-by-metric", id: tp.id, rank: row.rank, title: tp.title,
        meta: [stages.get(tp.stage)?.name, row.period].filter(Boolean).join(" · "),
        onClick: () => showOnGrid({ id: tp.id, stage: tp.stage }),
      });
      const score = document.createElement("span");
      score.className = "prio-score prio-metric-value";
      score.textContent = numbers.format(row.value);
      link.append(score);
      list.append(li);
    }
  }

  // One row of every Priorities order: rank, title and a line of context, a button
  // that shows the item on the grid; the caller appends its own score cells to `link`.
  function priorityRow({ className, id, rank, title, meta, onClick }) {
    const li = document.createElement("li");
    li.className = `prio-item ${className}`;
    li.dataset.id = id;
    const link = document.createElement("button");
    link.type = "button";
    link.className = "prio-link";
    const rankEl = document.createElement("span");
    rankEl.className = "prio-rank";
    rankEl.textContent = String(rank);
    const main = document.createElement("span");
    main.className = "prio-main";
    const titleEl = document.createElement("span");
    titleEl.className = "prio-title";
    titleEl.textContent = title;
    const metaEl = document.createElement("span");
    metaEl.className = "prio-meta";
    metaEl.textContent = meta;
    main.append(titleEl, metaEl);
    link.append(rankEl, main);
    link.addEventListener("click", onClick);
    li.append(link);
    return { li, link, meta: metaEl };
  }

  function emptyRow(text) {
    const empty = document.createElement("li");
    empty.className = "priorities-empty small muted";
    empty.textContent = text;
    return empty;
  }

  // The votes column: the dots of the last revealed workshop vote.
  function votesCell(n) {
    const cell = document.createElement("span");
    cell.className = `prio-votes${n ? "" : " is-zero"}`;
    cell.textContent = String(n);
    cell.title = n === 1 ? s.wsVoteBadgeOne : format(s.wsVotesBadge, { n });
    cell.setAttribute("aria-label", cell.title);
    return cell;
  }

  // "By votes": every card and touchpoint a revealed vote gave dots, most first,
  // read from the document (the votes are fields of the items).
  function fillVotes(list) {
    const doc = currentDoc();
    const lanes = new Map((doc.lanes || []).map((l) => [l.id, l]));
    const stages = new Map((doc.stages || []).map((st) => [st.id, st]));
    const voted = [
      ...(doc.cards || []).map((c) => ({ entity: "card", item: c, title: c.text })),
      ...(doc.touchpoints || []).map((t) => ({ entity: "touchpoint", item: t, title: t.title })),
    ].filter((e) => e.item.votes > 0).sort((a, b) => b.item.votes - a.item.votes);
    list.replaceChildren();
    if (!voted.length) {
      list.append(emptyRow(s.wsNoVotes));
      return;
    }
    let rank = 0;
    let previous = null;
    voted.forEach((entry, index) => {
      if (entry.item.votes !== previous) rank = index + 1; // ties share a rank
      previous = entry.item.votes;
      const { li, link } = priorityRow({
        className: `prio-${entry.entity} prio-voted`, id: entry.item.id, rank,
        title: (entry.title || "").slice(0, 140) || s.card,
        meta: [stages.get(entry.item.stage)?.name, lanes.get(entry.item.lane)?.title].filter(Boolean).join(" · "),
        onClick: () => showOnGrid({ id: entry.item.id, stage: entry.item.stage }),
      });
      link.append(votesCell(entry.item.votes));
      list.append(li);
    });
  }

  // Back to the grid: scroll the touchpoint (or the stage) into view and flash it.
  function showOnGrid(entry) {
    const node = (entry.touchpoint && board.items.get(entry.touchpoint)) || board.items.get(entry.id)
      || board.headers.get(entry.stage);
    if (!node) return;
    node.scrollIntoView({ block: "center", inline: "center" });
    if (node.classList.contains("item")) focusNode(board, node);
    board.flash([node.dataset.id || entry.stage]);
  }

  document.getElementById("priorities-button")?.addEventListener("click", (event) => openPriorities(event.currentTarget));

  return { markMoment };
}
