// Follow me and present mode in a workshop session (the session itself, timer and
// votes, are editor/session*.js; the frames are in the README's "Workshop
// sessions"). The facilitator's page sends where it is (`view`, at most 5 a
// second) while follow me or present mode is on; everyone else's page, share
// viewers included, goes there until its person moves by themselves ("Following
// Ana" becomes "Follow again"). Present mode works alone too: anyone can present
// the map to the people in their room.

import { format } from "../grid/model.js";
import { el } from "../grid/dom.js";
import { PresentMode } from "../present/present-mode.js";
import { applyView, currentView, sameView } from "./views.js";

const SEND_EVERY_MS = 200;
// Keys that move the board or the focus in it: pressing one is moving by yourself.
const MOVING_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);

export function installFollow(ctx, { toolbar }) {
  const { config, s, board } = ctx;
  const scroller = document.getElementById("board-scroller");
  let sync = null;
  let session = null; // the latest session state, or null
  let lastView = null; // the facilitator's latest view
  let paused = false; // I moved by myself: not following until "Follow again"
  let presentByFollow = false; // present mode opened because the facilitator presents
  let sentView = null;
  let sendTimer = null;
  let lastSentAt = -Infinity;
  let leftPresentAt = -Infinity; // when the facilitator here last left present mode

  const isFacilitator = () => Boolean(session && config.user?.id && session.facilitator?.id === config.user.id);
  const leading = () => Boolean(session && (session.follow?.on || session.present?.on));
  const following = () => leading() && !isFacilitator() && !paused;

  // ---- present mode --------------------------------------------------------------------------
  const present = new PresentMode({
    s,
    getDoc: () => ctx.currentDoc(),
    getPersonas: () => board.personas(),
    staticUrl: config.staticUrl || "/static/",
    onNavigate: (stage) => {
      if (isFacilitator() && session.present?.on) sendView({ stage, lane: null, zoom: viewZoom() });
      else if (following()) pause(); // a follower moving on their own
    },
    onClose: () => {
      if (isFacilitator() && session.present?.on) {
        sync?.sendSession("present", { on: false });
        leftPresentAt = performance.now();
      }
      else if (following() && session.present?.on) pause();
      presentByFollow = false;
      showPill();
    },
  });

  const presentButton = document.getElementById("present-button");
  presentButton?.addEventListener("click", () => {
    const stage = currentView(board, scroller, toolbar.zoom).stage;
    if (!present.open(stage, { fullScreen: true })) return;
    presentByFollow = false;
    if (isFacilitator()) sync?.sendSession("present", { on: true, stage: present.stageId });
    else if (following() && session.present?.on) pause();
  });

  // ---- the facilitator: "Follow me" and sending the view --------------------------------------
  const followToggle = document.getElementById("follow-toggle");
  followToggle?.addEventListener("click", () => {
    const on = !session?.follow?.on;
    if (!sync?.sendSession("follow", { on })) return;
    session = { ...session, follow: { ...session.follow, on } };
    drawControls();
    sentView = null;
    if (on) sendView(currentView(board, scroller, toolbar.zoom));
  });

  const viewZoom = () => {
    const zoom = toolbar.zoom;
    return zoom === 1 ? "normal" : zoom;
  };

  function sendView(view, now = false) {
    if (!isFacilitator() || !leading()) return;
    clearTimeout(sendTimer);
    if (sameView(view, sentView)) return;
    const wait = now ? 0 : lastSentAt + SEND_EVERY_MS - performance.now();
    if (wait > 0) {
      sendTimer = setTimeout(() => sendView(view, true), wait);
      return;
    }
    if (sync?.sendSession("view", { view })) {
      sentView = view;
      lastSentAt = performance.now();
    }
  }

  const myViewChanged = () => {
    if (!isFacilitator() || !leading()) return;
    if (present.isOpen) return; // present mode sends its stage as it moves
    sendView(currentView(board, scroller, toolbar.zoom));
  };
  scroller.addEventListener("scroll", myViewChanged, { passive: true });
  toolbar.onZoom(() => requestAnimationFrame(myViewChanged));

  // ---- followers: moving by yourself stops following -------------------------------------------
  function pause() {
    if (!following()) return;
    paused = true;
    showPill();
  }
  scroller.addEventListener("wheel", pause, { passive: true });
  scroller.addEventListener("touchmove", pause, { passive: true });
  // A press on the scroller itself is on its scroll bars.
  scroller.addEventListener("pointerdown", (event) => { if (event.target === scroller) pause(); });
  scroller.addEventListener("keydown", (event) => {
    if (MOVING_KEYS.has(event.key) && !event.target.closest("input, textarea, [contenteditable=true]")) pause();
  });
  // Writing on the board is working on your own: the board stays put under the text.
  scroller.addEventListener("focusin", (event) => {
    if (event.target.closest("textarea, input, [contenteditable=true]")) pause();
  });
  for (const id of ["zoom-in", "zoom-out", "zoom-fit"]) document.getElementById(id)?.addEventListener("click", pause);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && ["+", "=", "-"].includes(event.key)) pause();
  });
  board.root.addEventListener("click", () => { if (board.overview) pause(); }, { capture: true });

  function followAgain() {
    paused = false;
    showPill();
    follow();
  }

  // Go where the facilitator is: their present mode, or their view of the board.
  function follow() {
    if (!following()) return;
    if (session.present?.on) {
      const stage = lastView?.stage || session.present.stage;
      if (!present.isOpen) presentByFollow = true;
      present.open(stage);
      showPill();
      return;
    }
    if (presentByFollow) {
      present.close({ quiet: true });
      presentByFollow = false;
      showPill();
    }
    const view = lastView || session.follow?.view;
    if (view) applyView(board, scroller, toolbar, view);
  }

  // ---- the pill: "Following Ana" / "Follow again" ----------------------------------------------
  const pill = el("div", "follow-pill", { role: "status", hidden: "" });
  const pillDot = el("span", "follow-dot", { "aria-hidden": "true" });
  const pillText = el("span", "follow-text");
  const pillButton = el("button", "follow-button", { type: "button" });
  pill.append(pillDot, pillText, pillButton);
  const pillHost = el("div", "board-follow");
  pillHost.append(pill);
  document.body.append(pillHost);
  pillButton.addEventListener("click", () => {
    if (paused) followAgain();
    else {
      paused = true;
      showPill();
    }
  });

  function showPill() {
    const name = session?.facilitator?.name || "";
    pill.hidden = !leading() || isFacilitator();
    if (!pill.hidden) {
      pill.classList.toggle("is-paused", paused);
      pill.dataset.state = paused ? "paused" : "following";
      if (paused) {
        pillText.textContent = format(session.present?.on ? s.presentingName : s.leadingName, { name });
        pillButton.textContent = session.present?.on ? s.followPresenter : s.followAgain;
      } else {
        pillText.textContent = format(s.followingName, { name });
        pillButton.textContent = s.followStop;
      }
    }
    // In present mode the pill sits in its top bar, else over the board.
    (present.isOpen ? present.status : pillHost).append(pill);
  }

  function drawControls() {
    if (!followToggle) return;
    followToggle.hidden = !isFacilitator();
    followToggle.setAttribute("aria-pressed", String(Boolean(session?.follow?.on)));
  }

  // ---- session frames ------------------------------------------------------------------------------
  function onState(next) {
    const wasLeading = leading();
    const wasPresenting = Boolean(session?.present?.on);
    session = next || null;
    if (!session) {
      lastView = null;
      paused = false;
    } else {
      if (session.follow?.view) lastView = session.follow.view;
      if (session.present?.on && session.present.stage && !wasPresenting) lastView = { ...(lastView || {}), stage: session.present.stage };
      // A new round of following starts everyone following again.
      if (!wasLeading && leading()) paused = false;
    }
    if (!leading() && presentByFollow) {
      present.close({ quiet: true });
      presentByFollow = false;
    }
    if (wasPresenting && !session?.present?.on && presentByFollow) {
      present.close({ quiet: true });
      presentByFollow = false;
    }
    // The facilitator's page reloaded or reconnected mid-presentation: back on the
    // stage everyone sees (a state sent before their leaving arrived does not count).
    if (isFacilitator() && session.present?.on && !present.isOpen && performance.now() - leftPresentAt > 3000) {
      present.open(session.present.stage);
    }
    drawControls();
    showPill();
    follow();
  }

  function onFrame(frame) {
    if (frame.event === "state") onState(frame.session);
    else if (frame.event === "view" && frame.view && session) {
      lastView = frame.view;
      if (frame.present && session.present && !session.present.on) session = { ...session, present: { on: true, stage: frame.view.stage } };
      follow();
    }
  }

  return {
    attach(liveSync) {
      sync = liveSync;
      sync.on("workshop", onFrame);
      sync.on("change", () => present.refresh());
    },
    present,
  };
}
