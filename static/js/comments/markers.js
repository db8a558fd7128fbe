// Comment markers on the board: a small button with the number of open threads on
// every card, touchpoint, moment, stage, lane and cell that has some; it opens
// those threads. Drawn again after every redraw of the board (which may replace
// the nodes they sit in).

import { format } from "../grid/model.js";

export function anchorNode(board, anchor) {
  if (!anchor || anchor.type === "map") return null;
  if (anchor.type === "stage" || anchor.type === "lane") return board.headers.get(anchor.id) || null;
  if (anchor.type === "cell") {
    return board.root.querySelector(`.cell[data-stage="${CSS.escape(anchor.stage)}"][data-lane="${CSS.escape(anchor.lane)}"]`);
  }
  return board.items.get(anchor.id) || null;
}

// The anchor a board node stands for (the thing last focused: new threads go there).
export function anchorOf(node) {
  const item = node?.closest?.(".item[data-id]");
  if (item && ["card", "touchpoint", "moment"].includes(item.dataset.entity)) {
    return { type: item.dataset.entity, id: item.dataset.id };
  }
  const stage = node?.closest?.(".stage-header[data-stage]");
  if (stage) return { type: "stage", id: stage.dataset.stage };
  const lane = node?.closest?.(".lane-header[data-lane]");
  if (lane) return { type: "lane", id: lane.dataset.lane };
  const cell = node?.closest?.(".cell[data-stage][data-lane]");
  if (cell) return { type: "cell", stage: cell.dataset.stage, lane: cell.dataset.lane };
  return null;
}

export function drawMarkers(board, counts, s, open) {
  // A marker that is still right is left alone, so one with the keyboard focus keeps it.
  const keep = new Set();
  for (const { open: n, unread, anchor } of counts.values()) {
    const node = anchorNode(board, anchor);
    if (!node) continue;
    const label = n === 1 ? s.oneComment : format(s.manyComments, { n });
    const state = `${n}|${unread}`;
    let marker = [...node.children].find((child) => child.classList.contains("comment-marker"));
    if (!marker || marker.dataset.state !== state) {
      marker?.remove();
      marker = newMarker(anchor, open);
      marker.dataset.state = state;
      marker.dataset.count = String(n);
      marker.classList.toggle("is-unread", unread);
      marker.setAttribute("aria-label", unread ? `${label} · ${s.unread}` : label);
      marker.title = label;
      marker.append(document.createTextNode(String(n)));
      node.append(marker);
    }
    keep.add(marker);
  }
  // The markers drawn last time, not a search of the board: a big map has tens of
  // thousands of nodes, and this runs on every change.
  for (const old of drawn.get(board) || []) if (!keep.has(old)) old.remove();
  drawn.set(board, keep);
}

const drawn = new WeakMap(); // board -> the markers on it

function newMarker(anchor, open) {
  const marker = document.createElement("button");
  marker.type = "button";
  marker.className = `comment-marker comment-marker-${anchor.type}`;
  marker.innerHTML = '<svg viewBox="0 0 20 20" width="12" height="12" aria-hidden="true"><path d="M4 4.5h12a1 1 0 011 1v7a1 1 0 01-1 1H9l-3.5 3v-3H4a1 1 0 01-1-1v-7a1 1 0 011-1z" fill="currentColor"/></svg>';
  // The board opens an editor or a menu on clicks and drags: the marker's own click
  // stops here.
  for (const type of ["pointerdown", "mousedown", "dblclick", "keydown"]) {
    marker.addEventListener(type, (event) => event.stopPropagation());
  }
  marker.addEventListener("click", (event) => {
    event.stopPropagation();
    event.preventDefault();
    open(anchor, marker);
  });
  return marker;
}
