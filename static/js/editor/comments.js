// Comments in the editor: markers on what has open threads, the toolbar's Comments
// button with its count, the side panel, and `comment` frames from the socket.
// Members only: the share page has no comments settings, so nothing is installed.

import { format } from "../grid/model.js";
import { anchorNode, anchorOf, drawMarkers } from "../comments/markers.js";
import { commentsView } from "../comments/panel-view.js";
import { CommentStore } from "../comments/store.js";

export function installComments(ctx) {
  const data = document.getElementById("comments-settings");
  const toolbarButton = document.getElementById("comments-button");
  if (!data || !toolbarButton) return { attach() {} };
  const settings = JSON.parse(data.textContent);
  const s = settings.strings;
  const { config, board, panel, toasts } = ctx;
  const store = new CommentStore({ mapId: config.mapId, userId: settings.userId });
  const count = document.getElementById("comments-count");
  const summary = document.getElementById("comments-summary");
  let suggested = null; // the thing last focused on the board

  board.root.addEventListener("focusin", (event) => {
    if (event.target.closest(".comment-marker")) return;
    const anchor = anchorOf(event.target);
    if (anchor) suggested = anchor;
  });

  // Opened from a notification (/maps/<id>/?comment=<thread>): once the thread and
  // the map are there, the panel shows that thread's anchor and the board the thing.
  let wanted = new URLSearchParams(location.search).get("comment");

  function openWanted(doc) {
    const thread = store.threads(doc).find((t) => t.root.id === wanted);
    if (!thread) return;
    wanted = null;
    setTimeout(() => {
      open(thread.root.anchor);
      jump(thread.root.anchor);
      document.querySelector(`.comment-thread[data-thread="${CSS.escape(thread.root.id)}"]`)
        ?.scrollIntoView({ block: "nearest" });
    });
  }

  function refresh() {
    const doc = ctx.currentDoc();
    if (wanted && store.loaded) openWanted(doc);
    const counts = store.counts(doc);
    drawMarkers(board, counts, s, (anchor, marker) => open(anchor, marker));
    let opened = 0;
    let unread = 0;
    for (const { root } of store.threads(doc)) {
      if (root.status === "open") opened += 1;
      if (root.unread) unread += 1;
    }
    count.hidden = opened === 0 && unread === 0;
    count.textContent = String(opened);
    count.classList.toggle("is-unread", unread > 0);
    const parts = [format(s.openThreads, { n: opened })];
    if (unread) parts.push(format(s.unreadThreads, { n: unread }));
    // Said after the visible name (which stays the start of the accessible name).
    summary.textContent = `, ${parts.join(", ")}`;
  }

  function jump(anchor) {
    const node = anchorNode(board, anchor);
    if (!node) return;
    node.scrollIntoView({ block: "center", inline: "center" });
    const id = anchor.type === "cell" ? null : anchor.id;
    if (id) board.flash([id]);
    else {
      node.classList.add("comment-flash");
      setTimeout(() => node.classList.remove("comment-flash"), 1200);
    }
  }

  function open(scope, returnTo = toolbarButton) {
    panel.openView("comments", commentsView({
      settings, store, role: config.role, lang: config.uiLanguage || "en", scope,
      suggested: scope ? null : suggested,
      getDoc: () => ctx.currentDoc(),
      jump,
      rescope: (next) => open(next, returnTo),
      toast: (message) => toasts.show(message, { kind: "error", timeout: 7000 }),
    }), { returnTo });
  }

  toolbarButton.addEventListener("click", () => open(null, toolbarButton));
  store.on(refresh);

  let reloadTimer = null;
  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => store.load().catch(() => {}), 200);
  }

  store.load().catch(() => {});
  return {
    // Once the socket is up: frames, redraws, and listing again when it may have
    // missed something (a reconnect) or when a restore brings threads back.
    attach(sync) {
      sync.on("comment", (frame) => { if (frame.comment) store.apply(frame.event, frame.comment); });
      sync.on("change", () => refresh());
      sync.on("committed", ({ ops }) => { if (ops.some((op) => op.op === "restore")) reloadSoon(); });
      let wasOnline = false;
      sync.on("status", ({ status }) => {
        if (status === "online" && !wasOnline && store.loaded) reloadSoon();
        wasOnline = status === "online";
      });
    },
  };
}
