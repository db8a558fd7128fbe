// Where someone is on the board, as follow me says it: the stage at the left edge,
// the lane at the top and the zoom as a name ("fit" for the whole map, "normal")
// or a factor. Never pixels: screens, zooms and a share link's hidden lanes differ,
// so each follower places the same stage and lane at their own left and top edges.

const ZOOM_NAMES = { normal: 1, large: 1.25 };
const MIN_ZOOM = 0.7;
const MAX_ZOOM = 1.5;

// The board's visible area, under the sticky stage headers and right of the lane
// headers (both stay on screen while the rest scrolls).
function visibleArea(board, scroller) {
  const box = scroller.getBoundingClientRect();
  const corner = board.corner.getBoundingClientRect();
  const header = board.stages.length ? board.headers.get(board.stages[0].id)?.getBoundingClientRect() : null;
  return { left: box.left + corner.width, top: header ? header.bottom : box.top, right: box.right, bottom: box.bottom };
}

// The stage whose column is the first at least half in view, the lane whose row
// is; null when the board has none.
export function currentView(board, scroller, zoom) {
  const area = visibleArea(board, scroller);
  const stage = board.stages.find((candidate) => {
    const rect = board.headers.get(candidate.id)?.getBoundingClientRect();
    return rect && rect.left + rect.width / 2 >= area.left;
  }) || board.stages[board.stages.length - 1];
  let lane = null;
  if (zoom !== "fit" && stage) {
    lane = board.lanes.find((candidate) => {
      const rect = board.headers.get(candidate.id)?.getBoundingClientRect();
      return rect && rect.height > 0 && rect.top + rect.height / 2 >= area.top;
    }) || null;
  }
  return { stage: stage?.id ?? null, lane: lane?.id ?? null, zoom: zoom === 1 ? "normal" : zoom };
}

export function zoomFactor(zoom) {
  if (zoom === "fit") return "fit";
  const factor = typeof zoom === "number" ? zoom : ZOOM_NAMES[zoom] ?? 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, factor));
}

export const sameView = (a, b) => Boolean(a && b) && a.stage === b.stage && a.lane === b.lane && a.zoom === b.zoom;

// Shows a view: the zoom first, then the stage at the left edge and the lane at the
// top (a stage or lane this page does not have leaves that direction as it is).
export function applyView(board, scroller, toolbar, view) {
  const zoom = zoomFactor(view.zoom);
  if (zoom === "fit") {
    if (toolbar.zoom !== "fit") toolbar.showWholeMap();
    return;
  }
  if (toolbar.zoom !== zoom) toolbar.setZoom(zoom);
  const place = () => {
    const area = visibleArea(board, scroller);
    const stage = view.stage ? board.headers.get(view.stage) : null;
    const lane = view.lane ? board.headers.get(view.lane) : null;
    const left = stage ? scroller.scrollLeft + stage.getBoundingClientRect().left - area.left : scroller.scrollLeft;
    let top = scroller.scrollTop;
    if (lane) top += lane.getBoundingClientRect().top - area.top;
    else if (view.stage) top = 0;
    scroller.scrollTo({ left: Math.max(0, left), top: Math.max(0, top) });
  };
  place();
  // Cells brought into view take their real size a frame later (content-visibility).
  requestAnimationFrame(() => requestAnimationFrame(place));
}
