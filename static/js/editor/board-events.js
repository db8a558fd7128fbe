// Clicks, keys and drag and drop on the board, each sent to the module that owns it.

import { installDnd } from "../grid/dnd.js";
import { focusNode, installKeyboard } from "../grid/keyboard.js";

// actions: the functions of the other editor modules that the board's events call.
export function installBoardEvents(ctx, actions) {
  const { board, panel } = ctx;
  const currentDoc = () => ctx.currentDoc();
  const {
    moveItem, deleteItem, startEdit, startDraft, moveBy, openEmotionPicker, openMenu,
    addStage, addLane, renameHeader, moveStage, moveLane, zoomToCell,
  } = actions;

  board.root.addEventListener("click", (event) => {
    const menu = event.target.closest("[data-menu]");
    if (menu) {
      openMenu(menu);
      return;
    }
    if (event.target.closest(".add-stage")) return addStage();
    if (event.target.closest(".add-lane")) return addLane();
    if (event.target.closest(".inline-editor")) return;
    const addr = event.target.closest(".addr-link");
    if (addr) {
      const other = board.items.get(addr.dataset.target);
      if (other) {
        other.scrollIntoView({ block: "center", inline: "center" });
        focusNode(board, other);
        board.flash([addr.dataset.target]);
      }
      return;
    }
    const star = event.target.closest(".moment-star");
    if (star) {
      const moment = (currentDoc().moments || []).find((m) => m.stage === star.closest(".stage-header").dataset.stage);
      if (moment) panel.open("moment", moment.id, { returnTo: star.closest(".stage-header") });
      return;
    }
    const stageName = event.target.closest(".stage-name");
    if (stageName) return renameHeader("stage", stageName.closest(".stage-header").dataset.stage);
    const laneTitle = event.target.closest(".lane-title");
    if (laneTitle) return renameHeader("lane", laneTitle.closest(".lane-header").dataset.lane);
    const lanePrompt = event.target.closest(".lane-prompt");
    if (lanePrompt) return renameHeader("lane", lanePrompt.closest(".lane-header").dataset.lane, "prompt");
    const item = event.target.closest(".item:not(.draft)");
    if (item) {
      focusNode(board, item);
      startEdit(item);
      return;
    }
    const cell = event.target.closest(".cell");
    if (!cell) return;
    focusNode(board, cell);
    if (cell.dataset.entity === "emotion") openEmotionPicker(cell);
    else startDraft(cell);
  });

  installKeyboard(board, {
    onZoomTo: (cell) => zoomToCell(cell),
    onAdd: startDraft,
    onEdit: startEdit,
    onDelete: (node) => deleteItem(node.dataset.entity, node.dataset.id),
    onMoveBy: moveBy,
    onEmotion: openEmotionPicker,
    // Where I am, for the others' presence (no focus: only editing locks a card).
    onFocusCell: (cell) => {
      if (board.editing) return;
      ctx.sync?.setPresence(null, { stage: cell.dataset.stage, lane: cell.dataset.lane });
    },
  });
  installDnd(board, { onMoveItem: moveItem, onMoveStage: moveStage, onMoveLane: moveLane });
}
