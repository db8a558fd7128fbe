// The "Recently deleted" view: what was deleted on the map, and a way to bring it back.

import { format } from "../grid/model.js";
import { deletedView } from "../ui/deleted.js";

// Installs the toolbar's "Recently deleted" button.
export function installRecentlyDeleted(ctx, { commit, runUndo }) {
  const { config, s, board, toasts, panel } = ctx;

  // Any editor brings back anything deleted on the map, with what it held: a restore
  // op like undo's, so it is one batch, live for everyone and in the op log; and the
  // restorer can undo it.
  function openDeleted(button) {
    panel.openView("deleted", deletedView({
      s,
      lang: config.uiLanguage || "en",
      load: async () => {
        const response = await fetch(`/api/v1/maps/${config.mapId}/deleted/`,
          { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      },
      restore: (entry) => {
        commit([{ op: "restore", entity: entry.entity, id: entry.id }], [{ kind: "create", entity: entry.entity, id: entry.id }]);
        toasts.show(format(s.restored, { name: entry.label }), { action: { label: s.undo, run: runUndo } });
        revealWhenBack(entry.id);
      },
    }), { returnTo: button });
  }

  // Scroll to a restored stage, lane or item once the map shows it, and flash it.
  function revealWhenBack(id) {
    const show = () => {
      const node = board.headers.get(id) || board.items.get(id);
      if (!node) return false;
      node.scrollIntoView({ block: "nearest", inline: "nearest" });
      board.flash([id]);
      return true;
    };
    if (show() || !ctx.sync) return;
    const off = ctx.sync.on("change", () => { if (show()) off(); });
    setTimeout(off, 10000);
  }

  document.getElementById("deleted-button")?.addEventListener("click", (event) => openDeleted(event.currentTarget));
}
