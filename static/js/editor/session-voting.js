// Dot voting on the board, while a round is open and not yet revealed: the cards and
// touchpoints of the lanes open to the vote are highlighted; a click gives one a dot,
// a click on one of my dots takes it back. Only my own dots are drawn: the server
// tells nobody else's until the facilitator reveals (then the items' `votes` field
// shows as a badge, drawn with the item itself: grid/item-nodes.js).

import { el } from "../grid/dom.js";
import { find } from "../grid/model.js";

const VOTABLE = new Set(["card", "touchpoint"]);

export function installVoting(ctx, { send }) {
  const { board, s, config } = ctx;
  let round = null; // the open, unrevealed round as I see it, or null

  // Members vote (viewers too); a share visitor only watches.
  const active = () => Boolean(round && !round.revealed && !config.share && round.my_votes);

  function votableNode(target) {
    const node = target.closest?.(".item");
    if (!node || !VOTABLE.has(node.dataset.entity) || !node.classList.contains("is-votable")) return null;
    return node;
  }

  // In the capture phase, before the board's own handlers (open, edit, drag).
  board.root.addEventListener("click", (event) => {
    if (!active()) return;
    const node = votableNode(event.target);
    if (!node) return;
    event.preventDefault();
    event.stopPropagation();
    const dot = event.target.closest(".vote-dot.is-mine");
    const item = { entity: node.dataset.entity, id: node.dataset.id };
    if (dot) send("vote", { item, place: false });
    else if (round.my_remaining > 0) send("vote", { item, place: true });
    else ctx.toasts.show(s.ws_error_no_votes_left, { kind: "error" });
  }, { capture: true });
  board.root.addEventListener("dblclick", (event) => {
    if (active() && votableNode(event.target)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, { capture: true });
  board.root.addEventListener("keydown", (event) => {
    if (!active() || (event.key !== "Enter" && event.key !== " ")) return;
    const node = votableNode(event.target);
    if (!node || event.target !== node) return;
    event.preventDefault();
    event.stopPropagation();
    if (round.my_remaining > 0) send("vote", { item: { entity: node.dataset.entity, id: node.dataset.id }, place: true });
  }, { capture: true });

  // Which items are drawn open to the vote: what redraw() has to undo when the
  // round closes. Outside a round nothing is drawn, so a change costs nothing; in a
  // round, a change redraws only the items it names (a whole map of thousands of
  // items would otherwise be walked on every keystroke and remote edit).
  let drawn = false;

  function redraw(changed = { full: true, items: [] }) {
    const on = active();
    board.root.classList.toggle("is-voting", on);
    if (!on && !drawn) return;
    const doc = ctx.currentDoc();
    const lanes = new Set(on ? round.lanes : []);
    const mine = new Map((on ? round.my_votes : []).map((v) => [v.id, v.dots]));
    if (changed.full || !on || !drawn) {
      const laneOf = new Map();
      for (const collection of ["cards", "touchpoints"]) for (const item of doc[collection] || []) laneOf.set(item.id, item.lane);
      for (const [id, node] of board.items) drawItem(node, id, laneOf.get(id), lanes, mine);
    } else {
      for (const { entity, id } of changed.items) {
        const node = VOTABLE.has(entity) ? board.items.get(id) : null;
        if (node) drawItem(node, id, find(doc, entity, id)?.lane, lanes, mine);
      }
    }
    drawn = on;
  }

  function drawItem(node, id, lane, lanes, mine) {
    const votable = VOTABLE.has(node.dataset.entity) && lanes.has(lane);
    node.classList.toggle("is-votable", votable);
    let strip = node.querySelector(".vote-dots");
    const dots = votable ? mine.get(id) || 0 : 0;
    if (!votable) {
      strip?.remove();
      return;
    }
    if (!strip) {
      strip = el("div", "vote-dots");
      node.append(strip);
    }
    if (strip.childElementCount === dots + 1) return;
    strip.replaceChildren();
    for (let i = 0; i < dots; i += 1) {
      const dot = el("button", "vote-dot is-mine", { type: "button", title: s.wsRemoveDot, "aria-label": s.wsRemoveDot });
      strip.append(dot);
    }
    const add = el("span", "vote-add", { "aria-hidden": "true", title: s.wsPlaceDot });
    add.textContent = "+";
    strip.append(add);
  }

  return {
    update(session) {
      round = session?.voting || null;
      redraw();
    },
    redraw,
  };
}
