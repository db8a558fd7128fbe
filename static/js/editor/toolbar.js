// The toolbar's team filter and zoom: zooming out past readable card text shows the
// whole map as cell summaries (semantic zoom), and a click there zooms back to a cell.

// Installs the team filter and the zoom controls; returns zoomToCell for the keyboard,
// and the zoom itself for follow me (editor/follow.js): read it, set it, be told.
export function installToolbar(ctx) {
  const { config, s, board } = ctx;

  const teamFilter = document.getElementById("team-filter");
  const applyTeamFilter = () => {
    const mode = document.querySelector("input[name=team-mode]:checked")?.value || "highlight";
    board.setTeamFilter(teamFilter.value, mode);
  };
  teamFilter.addEventListener("change", applyTeamFilter);
  for (const radio of document.querySelectorAll("input[name=team-mode]")) radio.addEventListener("change", applyTeamFilter);
  if (config.highlightTeam) {
    teamFilter.value = config.highlightTeam;
    applyTeamFilter();
  }

  const scroller = document.getElementById("board-scroller");
  const zoomLevel = document.getElementById("zoom-level");
  const zoomFit = document.getElementById("zoom-fit");
  // Below this zoom card text is under about 10 px: the whole map is shown as cell
  // summaries instead (semantic zoom), at sizes people can read.
  const READABLE_ZOOM = 0.7;
  let zoom = 1;
  let zoomBeforeOverview = 1;
  let wholeMap = false; // "Whole map" shown, as summaries or shrunk to fit
  const keyHint = document.querySelector(".kbd-hint");
  const cardsHint = keyHint?.textContent;

  const zoomListeners = new Set();

  function showZoom() {
    for (const listener of zoomListeners) listener();
    zoomLevel.textContent = board.overview ? s.overview : `${Math.round(zoom * 100)}%`;
    zoomFit.setAttribute("aria-pressed", String(Boolean(board.overview)));
    if (keyHint) keyHint.textContent = board.overview ? s.overviewHint : cardsHint;
  }

  function setZoom(value) {
    const next = Math.round(value * 100) / 100;
    if (next < READABLE_ZOOM - 0.001) return showWholeMap();
    if (board.overview) board.setOverview(null);
    wholeMap = false;
    zoom = Math.min(1.5, next);
    board.root.style.zoom = String(zoom);
    showZoom();
  }

  const scrollerSize = () => ({ width: scroller.clientWidth, height: scroller.clientHeight });

  // The whole map: shrunk to fit while its cards stay readable, else as summaries
  // that fill the screen.
  function showWholeMap() {
    if (board.overview) return;
    board.root.style.zoom = "1";
    const fit = Math.min((scroller.clientWidth - 8) / board.root.scrollWidth,
      (scroller.clientHeight - 8) / board.root.scrollHeight, 1);
    zoomBeforeOverview = zoom;
    wholeMap = true;
    if (fit >= READABLE_ZOOM) {
      zoom = Math.floor(fit * 100) / 100;
      board.root.style.zoom = String(zoom);
    } else {
      board.setOverview(scrollerSize());
    }
    scroller.scrollTo({ left: 0, top: 0 });
    showZoom();
  }

  // Back to cards at full size, the chosen cell in view just under the sticky
  // headers, focused and lit for a moment.
  function zoomToCell(cell) {
    board.setOverview(null);
    wholeMap = false;
    zoom = 1;
    board.root.style.zoom = "1";
    showZoom();
    const place = () => {
      // Where the sticky stage headers end (their offsetTop moves with the scroll).
      const header = board.headers.get(cell.dataset.stage);
      const top = header ? parseFloat(getComputedStyle(header).top) + header.offsetHeight : 0;
      scroller.scrollTo({ left: Math.max(0, cell.offsetLeft - board.corner.offsetWidth - 24),
        top: Math.max(0, cell.offsetTop - top - 16) });
    };
    place();
    // Cells off screen keep the size they last had (content-visibility); once the
    // cells now in view are laid out at full size, place the cell again.
    requestAnimationFrame(() => requestAnimationFrame(place));
    for (const other of board.root.querySelectorAll('[tabindex="0"].cell, [tabindex="0"].item')) other.tabIndex = -1;
    cell.tabIndex = 0;
    cell.focus({ preventScroll: true });
    cell.classList.add("is-zoom-target");
    setTimeout(() => cell.classList.remove("is-zoom-target"), 1600);
  }

  // In the overview a click on a cell zooms to it; on a stage or lane header, to its
  // first cell.
  board.root.addEventListener("click", (event) => {
    if (!board.overview || event.target.closest(".legend-chip")) return;
    let cell = event.target.closest(".cell");
    const stage = event.target.closest(".stage-header")?.dataset.stage;
    const lane = event.target.closest(".lane-header")?.dataset.lane;
    if (!cell && stage) cell = board.root.querySelector(`.cell[data-stage="${stage}"]:not(.lane-line)`);
    if (!cell && lane) cell = board.root.querySelector(`.cell[data-lane="${lane}"]`);
    if (!cell || cell.classList.contains("lane-line")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    zoomToCell(cell);
  }, { capture: true });

  document.getElementById("zoom-in").addEventListener("click", () => setZoom(board.overview ? READABLE_ZOOM : zoom + 0.1));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom - 0.1));
  zoomFit.addEventListener("click", () => {
    if (board.overview) setZoom(Math.max(READABLE_ZOOM, zoomBeforeOverview));
    else showWholeMap();
  });
  // The summaries follow the scroller's size (window resized, side panel opened).
  new ResizeObserver(() => {
    if (board.overview) board.setOverview(scrollerSize());
  }).observe(scroller);
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.target.closest?.("textarea, input")) return;
    if (event.key === "=" || event.key === "+") { event.preventDefault(); setZoom(board.overview ? READABLE_ZOOM : zoom + 0.1); }
    if (event.key === "-") { event.preventDefault(); setZoom(zoom - 0.1); }
  });

  return {
    zoomToCell,
    setZoom,
    showWholeMap,
    // "fit" while the whole map is shown, else the zoom factor (1 is full size).
    get zoom() {
      return board.overview || wholeMap ? "fit" : zoom;
    },
    onZoom(listener) {
      zoomListeners.add(listener);
    },
  };
}
