// History: the panel of versions and activity, a version open read-only in the
// board with a banner, restore and undo restore (server actions: one batch through
// the write path that every open editor receives like any other).

import { format } from "../grid/model.js";
import { historyView, versionTitle, when } from "../ui/history.js";
import { csrfToken } from "../ui/csrf.js";

async function api(path, { method = "GET", body } = {}) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.message || String(response.status));
  return data;
}

// Installs the toolbar's History button and the banner; returns nothing.
export function installHistory(ctx) {
  const { config, s, board, toasts, panel } = ctx;
  const lang = config.uiLanguage || "en";
  const base = `/api/v1/maps/${config.mapId}`;
  const writer = config.canWrite;
  const banner = document.getElementById("version-banner");
  if (!banner) return;
  const liveDoc = ctx.currentDoc.bind(ctx);
  ctx.viewing = null;
  // While a version is open, what the page shows (and the panel reads) is that version.
  ctx.currentDoc = () => (ctx.viewing ? ctx.viewing.doc : liveDoc());

  // Nodes the board drew for the live map keep their drag handles: switched off
  // while a version is shown, back on when the live map returns.
  let unlocked = [];
  function lockBoard() {
    for (const node of board.root.querySelectorAll("[draggable='true']")) {
      node.draggable = false;
      unlocked.push(node);
    }
  }
  function unlockBoard() {
    for (const node of unlocked) if (node.isConnected) node.draggable = true;
    unlocked = [];
  }

  const compareUrl = (version) => `/maps/${config.mapId}/compare/?from=${version.id}&to=current`;

  function showLive() {
    if (!ctx.viewing) return;
    ctx.viewing = null;
    config.canWrite = writer;
    document.body.classList.remove("viewing-version");
    if (writer) document.body.classList.remove("read-only");
    banner.hidden = true;
    board.render(ctx.currentDoc(), { full: true, items: [] });
    unlockBoard();
  }

  async function open(version) {
    let doc;
    try {
      doc = await api(`${base}/versions/${version.id}/document/`);
    } catch (error) {
      toasts.show(format(s.historyFailed, {}), { kind: "error" });
      return;
    }
    ctx.viewing = { version, doc };
    config.canWrite = false;
    document.body.classList.add("viewing-version", "read-only");
    board.render(doc, { full: true, items: [] });
    lockBoard();
    banner.querySelector(".banner-text").textContent = format(s.viewingVersion,
      { name: versionTitle(version, s), when: when(version.created_at, lang) });
    banner.querySelector(".banner-compare").href = compareUrl(version);
    banner.querySelector(".banner-restore").hidden = !writer;
    banner.dataset.version = version.id;
    banner.hidden = false;
    banner.querySelector(".banner-back").focus();
  }

  async function restore(version) {
    if (!window.confirm(format(s.restoreConfirm, { name: versionTitle(version, s) }))) return;
    try {
      await api(`${base}/versions/${version.id}/restore/`, { method: "POST" });
    } catch (error) {
      toasts.show(format(s.restoreFailed, { message: error.message }), { kind: "error", timeout: 7000 });
      return;
    }
    showLive();
    toasts.show(format(s.restoreDone, { name: versionTitle(version, s) }),
      { action: { label: s.undoRestore, run: undoRestore }, timeout: 12000 });
    view?.reload();
  }

  async function undoRestore() {
    try {
      const answer = await api(`${base}/versions/undo-restore/`, { method: "POST" });
      toasts.show(answer.changed_since ? s.undoRestoreChanged : s.undoRestoreDone, { timeout: 8000 });
      view?.reload();
    } catch (error) {
      toasts.show(format(s.restoreFailed, { message: error.message }), { kind: "error", timeout: 7000 });
    }
  }

  let view = null;
  function openHistory(button) {
    view = historyView({
      s, lang, canWrite: writer, compareUrl,
      load: async (who = "") => {
        const [versions, activity] = await Promise.all([
          api(`${base}/versions/`),
          api(`${base}/activity/?limit=50${who ? `&${who}` : ""}`).then((page) => page.entries || []).catch(() => []),
        ]);
        return { versions, activity };
      },
      // Show what an activity entry touched: scroll to it and flash it.
      jump: (target) => {
        const id = target.entity === "emotion" || target.entity === "map" ? null : target.id;
        const node = id && (board.headers.get(id) || board.items.get(id));
        if (!node) return;
        node.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "smooth" });
        board.flash([id]);
      },
      teams: () => ctx.currentDoc()?.teams || [],
      save: async ({ name, note }) => {
        try {
          const version = await api(`${base}/versions/`, { method: "POST", body: { name, note } });
          toasts.show(format(s.versionSaved, { name: version.name }));
        } catch (error) {
          toasts.show(format(s.versionSaveFailed, { message: error.message }), { kind: "error" });
        }
      },
      open,
      restore,
    });
    panel.openView("history", view, { returnTo: button });
  }

  banner.querySelector(".banner-back").addEventListener("click", showLive);
  banner.querySelector(".banner-restore").addEventListener("click", () => {
    if (ctx.viewing) restore(ctx.viewing.version);
  });
  document.getElementById("history-button")?.addEventListener("click", (event) => openHistory(event.currentTarget));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && ctx.viewing && !document.querySelector("dialog[open]")) showLive();
  });
}
