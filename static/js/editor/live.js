// The live connection: loads the sync module, follows the map's changes, presence and
// workspace frames onto the page, and ends a share page whose link stopped working.

import { format, sorted } from "../grid/model.js";
import { locksFrom, renderPresence } from "../ui/presence.js";

// Connects once; the context's sync is set as soon as the sync module is built.
export function connectLive(ctx, { exportDialog, drawStrip, drawPicker, flashOps, onSync }) {
  const { config, s, board, toasts, panel } = ctx;
  const currentDoc = () => ctx.currentDoc();

  // ---- connection badge --------------------------------------------------------------------------
  const badge = document.getElementById("conn-badge");
  function showStatus(status, pending) {
    badge.dataset.status = status;
    const label = { online: s.online, connecting: s.connecting, reconnecting: s.reconnecting, offline: s.offline }[status] || status;
    const unsent = pending ? ` · ${format(s.unsent, { n: pending })}` : "";
    badge.querySelector(".conn-text").textContent = `${label}${unsent}`;
    badge.dataset.pending = String(pending || 0);
  }

  // ---- the share link ends ---------------------------------------------------------------------------
  // Revoked, expired or archived while the page is open: the map leaves the page (not
  // an "Offline" map left on screen) and the notice the server rendered takes its place.
  function endShare() {
    if (document.body.classList.contains("share-ended-page")) return;
    ctx.sync?.close();
    for (const node of document.querySelectorAll(
      ".map-heading, .toolbar, #persona-strip, #board-scroller, #side-panel, #popover, #share-pdf-form, #presence, #conn-badge")) {
      node.remove();
    }
    for (const data of document.querySelectorAll("script[type='application/json']")) data.remove();
    const notice = document.getElementById("share-ended");
    notice.hidden = false;
    document.body.classList.add("share-ended-page");
    document.title = `${notice.querySelector("h1").textContent} · Journeymap`;
  }

  // ---- live -------------------------------------------------------------------------------------------
  async function fetchShareTicket() {
    const response = await fetch(config.ticketUrl, { method: "POST", credentials: "omit" });
    if (response.status === 404) {
      // Ended while we were away (or between two connections): it will not come back.
      endShare();
      throw new Error("share link ended");
    }
    if (!response.ok) throw new Error(`ticket ${response.status}`);
    return (await response.json()).ticket;
  }

  async function connect() {
    let MapSync;
    try {
      ({ MapSync } = await import("../sync/index.js"));
    } catch (error) {
      console.error(error);
      config.canWrite = false;
      document.body.classList.add("read-only");
      showStatus("offline", 0);
      toasts.show(s.syncMissing, { kind: "error", timeout: 10000 });
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const sync = new MapSync({
      url: `${scheme}://${location.host}${config.wsPath}`,
      snapshot: ctx.initialDoc,
      // The share page has no session: a fresh one-use ticket per (re)connect.
      getTicket: config.ticketUrl ? fetchShareTicket : null,
      checkSession: config.ticketUrl ? null : async () => {
        const response = await fetch(location.href, { method: "HEAD", credentials: "same-origin", redirect: "manual" });
        return response.ok;
      },
    });
    ctx.sync = sync;
    window.journeymapSync = sync; // handy for debugging and browser tests
    window.journeymapBoard = board;
    exportDialog?.connect(sync);
    sync.on("change", ({ doc, changed }) => {
      ctx.localDoc = doc;
      // A version open read-only stays on the board until the person goes back.
      if (!ctx.viewing) board.render(doc, changed);
      panel.refresh(doc, changed);
      if (changed.full || changed.items.some((c) => c.entity === "persona_link")) drawStrip();
      document.getElementById("map-title").textContent = doc.map?.title || "";
    });
    sync.on("status", ({ status, pending }) => showStatus(status, pending));
    sync.on("rejected", ({ error }) => {
      const message = s[`error_${error?.code}`] || error?.message || "?";
      toasts.show(format(s.rejected, { message }), { kind: "error", timeout: 7000 });
    });
    sync.on("remote", (frame) => {
      panel.noteRemote(frame);
      flashOps(frame.ops);
    });
    sync.on("presence", ({ roster }) => {
      const teams = currentDoc().teams || [];
      const host = document.getElementById("presence"); // none on a share page that shows nobody
      if (host) renderPresence(host, roster, { selfClientId: sync.clientId, teams, strings: s });
      board.setLocks(locksFrom(roster, { selfClientId: sync.clientId, teams }));
      panel.setPresence(roster, { selfClientId: sync.clientId, teams });
    });
    sync.on("workspace", (frame) => {
      if (frame.entity === "channel" && frame.item) {
        // A channel renamed or added in the catalogue: touchpoints on it show the change.
        // (into the confirmed document too: the visible one is rebuilt from it; a new
        // array, as the two documents may share the old one)
        const channels = [...(sync.confirmed.channels || [])];
        const i = channels.findIndex((c) => c.id === frame.item.id);
        if (i >= 0) channels[i] = { ...channels[i], ...frame.item };
        else if (!frame.item.archived) channels.push({ ...frame.item });
        for (const doc of new Set([sync.confirmed, currentDoc()])) doc.channels = channels;
        board.render(currentDoc(), { full: false, items: (currentDoc().touchpoints || [])
          .filter((tp) => tp.channel === frame.item.id).map((tp) => ({ entity: "touchpoint", id: tp.id })) });
        return;
      }
      if (frame.entity !== "persona" || !frame.item) return;
      const list = config.personas || (config.personas = []);
      const i = list.findIndex((p) => p.id === frame.item.id);
      if (frame.item.archived) {
        if (i >= 0 && !sorted(currentDoc(), "persona_links").some((l) => l.persona === frame.item.id)) list.splice(i, 1);
        else if (i >= 0) list[i] = frame.item;
      } else if (i >= 0) list[i] = frame.item;
      else list.push(frame.item);
      for (const p of currentDoc().personas || []) if (p.id === frame.item.id) Object.assign(p, frame.item);
      drawStrip();
      drawPicker();
      board.drawEmotions();
    });
    sync.on("session", () => location.reload());
    // The server closes a share socket with 4404 when its link stops working.
    if (config.share) sync.on("error", ({ code }) => { if (code === "not_found") endShare(); });
    // After the page's own listeners: others draw over the board as just rendered.
    onSync?.(sync);
    sync.start();
    showStatus(sync.status, sync.pendingCount);
  }

  return connect();
}
