// The map editor page: wires the board (rendering, editing, drag and drop,
// keyboard) to the sync module; the modules in editor/ turn user actions into op
// batches, each for one concern, over one shared context (editor/context.js).
// The order below is the order the page's listeners must be installed in.

import { Board } from "./grid/board.js";
import { connectLive } from "./editor/live.js";
import { installComments } from "./editor/comments.js";
import { createCommands, installUndoControls } from "./editor/commands.js";
import { createEditorContext } from "./editor/context.js";
import { createHeaders } from "./editor/headers.js";
import { createItemEditing } from "./editor/items.js";
import { createMenus } from "./editor/menus.js";
import { installBoardEvents } from "./editor/board-events.js";
import { installEmotions } from "./editor/emotions.js";
import { installFollow } from "./editor/follow.js";
import { installHealth } from "./editor/health.js";
import { installHistory } from "./editor/history.js";
import { installPersonas } from "./editor/personas.js";
import { installPriorities } from "./editor/priorities.js";
import { installReview } from "./editor/review.js";
import { installRecentlyDeleted } from "./editor/recently-deleted.js";
import { installSession } from "./editor/session.js";
import { installToolbar } from "./editor/toolbar.js";
import { initExportDialog } from "./ui/export-dialog.js";
import { Popover } from "./ui/menu.js";
import { SidePanel } from "./ui/panel.js";
import { ReadPanel } from "./ui/read-panel.js";
import { Toasts } from "./ui/toasts.js";
import { UndoStack } from "./ui/undo.js";

const json = (id) => JSON.parse(document.getElementById(id).textContent);
const config = json("editor-config");
const s = json("editor-strings");
const initialDoc = json("initial-doc");
config.canWrite = config.role === "owner" || config.role === "editor";

const ctx = createEditorContext({
  config,
  strings: s,
  initialDoc,
  board: new Board({ root: document.getElementById("board"), strings: s, config }),
  toasts: new Toasts(document.getElementById("toasts")),
  popover: new Popover(document.getElementById("popover")),
  undo: new UndoStack(),
});
const { board } = ctx;
const commands = createCommands(ctx);

// People who may only look get the item to read, not a form they cannot use.
const panel = new (config.canWrite ? SidePanel : ReadPanel)({
  host: document.getElementById("side-panel"),
  strings: s,
  config,
  getDoc: () => ctx.currentDoc(),
  update: (entity, id, fields) => commands.updateItem(entity, id, fields),
  remove: (entity, id) => commands.deleteItem(entity, id, s.deleted),
});
panel.onClose = () => ctx.sync?.setPresence(null, null);
// Which field of the open item I am in: the others' panels show it.
panel.onFocusField = (field) => {
  if (config.canWrite && panel.entity) ctx.sync?.setPresence({ entity: panel.entity, id: panel.id, field }, null);
};
ctx.panel = panel;

const exportDialog = initExportDialog({ mapId: config.mapId, getDoc: () => ctx.currentDoc() });
board.render(initialDoc, { full: true, items: [] });

const items = createItemEditing(ctx, commands);
const emotions = installEmotions(ctx, commands);
const moments = installPriorities(ctx, commands);
installRecentlyDeleted(ctx, commands);
if (!config.share) installHistory(ctx);
const personas = installPersonas(ctx, commands);
const headers = createHeaders(ctx, commands);
const menus = createMenus(ctx, { ...commands, ...items, ...moments, ...headers });
installUndoControls(ctx, commands);
const toolbar = installToolbar(ctx);
installBoardEvents(ctx, { ...commands, ...items, ...emotions, ...menus, ...headers, ...toolbar });

if (!config.canWrite) document.body.classList.add("read-only");
// A share link shows who of the team is on the map only when its creator chose so
// (the server then sends no presence at all).
if (config.share && !config.showPresence) document.getElementById("presence")?.remove();
const comments = installComments(ctx);
const follow = installFollow(ctx, { toolbar });
const health = installHealth(ctx);
const workshop = installSession(ctx);
window.journeymapWorkshop = workshop; // for browser tests: the timer as this page computes it
const review = config.share ? { attach() {} } : installReview(ctx);
connectLive(ctx, { exportDialog, ...personas, flashOps: commands.flashOps, onSync: (sync) => {
  comments.attach(sync);
  follow.attach(sync);
  health.attach(sync);
  review.attach(sync);
  workshop.attach(sync);
} });
