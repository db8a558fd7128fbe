// Stages, lanes and phases: adding, renaming, deleting (confirmed when they hold
// something) and reordering.

import { editText } from "../grid/editing.js";
import { find, orderedStages, placeOf, sorted, uuid } from "../grid/model.js";
import { confirmDelete, contentOf } from "../ui/deleted.js";

// Returns what the board events, the menus and drag and drop call.
export function createHeaders(ctx, { commit, updateItem, runUndo }) {
  const { config, s, board, toasts } = ctx;
  const currentDoc = () => ctx.currentDoc();

  function addStage() {
    const stages = orderedStages(currentDoc());
    const last = stages[stages.length - 1];
    const id = uuid();
    const fields = { name: s.newStage };
    if (last) {
      fields.phase = last.phase ?? null;
      fields.after = last.id;
    }
    commit([{ op: "create", entity: "stage", id, fields }], [{ kind: "create", entity: "stage", id }]);
    requestAnimationFrame(() => renameHeader("stage", id));
  }

  function addLane() {
    const lanes = sorted(currentDoc(), "lanes");
    const last = lanes[lanes.length - 1];
    const id = uuid();
    const fields = { title: s.newLane, kind: "text" };
    if (last) fields.after = last.id;
    commit([{ op: "create", entity: "lane", id, fields }], [{ kind: "create", entity: "lane", id }]);
    requestAnimationFrame(() => renameHeader("lane", id));
  }

  function renameHeader(entity, id, field = entity === "stage" ? "name" : "title") {
    const header = board.headers.get(id);
    const item = find(currentDoc(), entity, id);
    if (!header || !item || !config.canWrite) return;
    const selector = { name: ".stage-name", title: ".lane-title", prompt: ".lane-prompt" }[field];
    const textEl = header.querySelector(selector);
    header.draggable = false;
    editText(textEl, {
      value: item[field] || "",
      multiline: false,
      maxLength: field === "prompt" ? 500 : 200,
      label: field === "prompt" ? s.editQuestion : s.rename,
      onSave: (text) => {
        header.draggable = true;
        const value = text.trim();
        if (field !== "prompt" && !value) return;
        updateItem(entity, id, { [field]: value });
      },
      onCancel: () => { header.draggable = true; },
    });
  }

  // A stage, lane or phase that holds something is deleted only once confirmed; what
  // goes with it can be restored by anyone from "Recently deleted".
  async function deleteHeader(entity, id) {
    const item = find(currentDoc(), entity, id);
    if (!item) return;
    const counts = contentOf(currentDoc(), entity, id);
    if (Object.values(counts).some(Boolean)) {
      const name = entity === "stage" ? item.name : item.title;
      if (!(await confirmDelete({ entity, name, counts, s }))) return;
      if (!find(currentDoc(), entity, id)) return; // someone else deleted it meanwhile
    }
    commit([{ op: "delete", entity, id }], [{ kind: "delete", entity, id }]);
    const done = { stage: s.stageDeleted, lane: s.laneDeleted, phase: s.phaseDeleted }[entity];
    toasts.show(done, { action: { label: s.undo, run: runUndo } });
  }

  function moveStage(id, targetId, side) {
    const doc = currentDoc();
    const target = find(doc, "stage", targetId);
    if (!target || id === targetId) return;
    const from = placeOf(doc, "stage", id);
    const fields = { phase: target.phase ?? null, [side]: targetId };
    commit([{ op: "move", entity: "stage", id, fields }], [{ kind: "move", entity: "stage", id, from }]);
  }

  function moveLane(id, targetId, side) {
    const doc = currentDoc();
    if (id === targetId) return;
    const from = placeOf(doc, "lane", id);
    commit([{ op: "move", entity: "lane", id, fields: { [side]: targetId } }], [{ kind: "move", entity: "lane", id, from }]);
  }

  function stepHeader(entity, id, delta) {
    const list = entity === "stage" ? orderedStages(currentDoc()) : sorted(currentDoc(), "lanes");
    const i = list.findIndex((x) => x.id === id);
    const target = list[i + delta];
    if (!target) return;
    if (entity === "stage") moveStage(id, target.id, delta < 0 ? "before" : "after");
    else moveLane(id, target.id, delta < 0 ? "before" : "after");
  }

  return { addStage, addLane, renameHeader, deleteHeader, moveStage, moveLane, stepHeader };
}
