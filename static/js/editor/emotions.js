// The emotion curve: the score picker, dragging and keying a point, the legend that
// picks the curve in front, and scores proposed from the touchpoints.

import { find, format, uuid } from "../grid/model.js";
import { EMOTION_HEIGHT } from "../grid/sizing.js";
import { placeMarker, scoreAt, scoreLabel } from "../lanes/emotion.js";
import { menuButton, section } from "../ui/menu.js";

// Installs the board's emotion listeners; returns the picker the board events open.
export function installEmotions(ctx, { commit, updateItem, deleteItem, runUndo }) {
  const { config, s, board, toasts, popover, undo } = ctx;
  const currentDoc = () => ctx.currentDoc();

  // Scores go to the curve in front (board.curve): a persona's, or the shared one
  // when no persona is on the map.
  const emotionAt = (stage, persona) =>
    (currentDoc().emotions || []).find((e) => e.stage === stage && (e.persona || "") === (persona || ""));

  function openEmotionPicker(cell, { persona = board.curve } = {}) {
    if (!config.canWrite) return;
    const stage = cell.dataset.stage;
    const personas = board.personas();
    const existing = emotionAt(stage, persona);
    popover.open(cell, (host, close) => {
      if (personas.length) {
        const who = section(s.curve);
        const select = document.createElement("select");
        select.setAttribute("aria-label", s.curve);
        for (const p of personas) select.append(new Option(p.name, p.id, false, p.id === persona));
        if (!persona || (currentDoc().emotions || []).some((e) => !e.persona)) {
          select.prepend(new Option(s.allCustomers, "", false, !persona));
        }
        select.addEventListener("change", () => {
          board.activePersona = select.value;
          board.drawEmotions();
          openEmotionPicker(cell, { persona: select.value });
        });
        who.append(select);
        host.append(who);
      }
      const wrap = section(s.emotionScore);
      const row = document.createElement("div");
      row.className = "score-row";
      for (let score = -3; score <= 3; score++) {
        const button = menuButton(score > 0 ? `+${score}` : String(score), () => {
          setEmotion(stage, score, persona);
          close();
        });
        button.className = `score-btn score-${score < 0 ? "neg" : score > 0 ? "pos" : "zero"}`;
        button.setAttribute("aria-pressed", String(existing?.score === score));
        row.append(button);
      }
      wrap.append(row);
      const scale = document.createElement("p");
      scale.className = "score-scale small";
      scale.innerHTML = `<span></span><span></span>`;
      scale.children[0].textContent = s.veryNegative;
      scale.children[1].textContent = s.veryPositive;
      wrap.append(scale);
      host.append(wrap);
      if (existing) {
        const noteWrap = section(s.emotionNote);
        const note = document.createElement("textarea");
        note.className = "panel-input emotion-note";
        note.rows = 2;
        note.maxLength = 1000;
        note.value = existing.note || "";
        note.setAttribute("aria-label", s.emotionNote);
        const save = menuButton(s.saveNote, () => { updateItem("emotion", existing.id, { note: note.value.trim() }); close(); });
        save.classList.add("save-note");
        noteWrap.append(note, save);
        host.append(noteWrap);
        host.append(menuButton(s.clearScore, () => { deleteItem("emotion", existing.id, s.deleted); close(); }));
      }
    }, { label: s.emotionScore });
  }

  function setEmotion(stage, score, persona = board.curve) {
    const existing = emotionAt(stage, persona);
    if (existing) {
      updateItem("emotion", existing.id, { score });
    } else {
      const id = uuid();
      const fields = { stage, score };
      if (persona) fields.persona = persona;
      commit([{ op: "create", entity: "emotion", id, fields }], [{ kind: "create", entity: "emotion", id }]);
    }
  }

  // Drag a marker up or down: each whole score reached is sent at once (the others
  // see the point move), and the whole drag is one step for undo.
  board.root.addEventListener("pointerdown", (event) => {
    const g = event.target.closest?.(".emotion-point.is-editable");
    if (!g || !config.canWrite || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    const svgEl = g.ownerSVGElement;
    const id = g.dataset.id;
    const start = Number(g.dataset.score);
    const startY = event.clientY;
    const cell = board.cells.get(`${g.dataset.stage}|${svgEl.closest(".emotion-overlay")?.dataset.lane}`);
    let last = start;
    let moved = false;
    board.emotionDrag = id;
    board.activePersona = g.dataset.persona || "";
    g.classList.add("is-dragging");
    g.setPointerCapture(event.pointerId);
    const onMove = (e) => {
      if (Math.abs(e.clientY - startY) > 3) moved = true;
      if (!moved) return;
      const rect = svgEl.getBoundingClientRect();
      const score = scoreAt((e.clientY - rect.top) * (EMOTION_HEIGHT / rect.height), EMOTION_HEIGHT);
      if (score === last) return;
      last = score;
      placeMarker(g, score, EMOTION_HEIGHT);
      if (find(currentDoc(), "emotion", id)) ctx.sync?.push([{ op: "update", entity: "emotion", id, fields: { score } }]);
    };
    const onEnd = () => {
      g.removeEventListener("pointermove", onMove);
      g.removeEventListener("pointerup", onEnd);
      g.removeEventListener("pointercancel", onEnd);
      board.emotionDrag = null;
      if (moved && last !== start) undo.record([{ kind: "update", entity: "emotion", id, before: { score: start } }]);
      board.drawEmotions();
      if (!moved && cell) openEmotionPicker(cell, { persona: g.dataset.persona || "" });
    };
    g.addEventListener("pointermove", onMove);
    g.addEventListener("pointerup", onEnd);
    g.addEventListener("pointercancel", onEnd);
  });

  // The keyboard on a focused emotion point (lanes/emotion.js): each step is one
  // update, and one undo step; Enter opens the point's picker.
  board.root.addEventListener("emotion-score", (event) => {
    const { id, score } = event.detail;
    if (config.canWrite && find(currentDoc(), "emotion", id)) updateItem("emotion", id, { score });
  });
  board.root.addEventListener("emotion-open", (event) => {
    const cell = board.cells.get(`${event.detail.stage}|${event.detail.lane}`);
    if (cell) openEmotionPicker(cell, { persona: event.detail.persona });
  });

  // The legend picks the curve in front; "derive from touchpoints" proposes scores.
  board.root.addEventListener("click", (event) => {
    const chip = event.target.closest(".legend-chip");
    if (chip) {
      event.stopPropagation();
      board.activePersona = chip.dataset.persona;
      board.drawEmotions();
      return;
    }
    const derive = event.target.closest(".derive-btn");
    if (derive) {
      event.stopPropagation();
      proposeDerived(derive);
    }
  }, { capture: true });

  async function proposeDerived(button) {
    const persona = board.curve;
    let data;
    try {
      const response = await fetch(`/api/v1/maps/${config.mapId}/emotions/derive/?persona=${encodeURIComponent(persona)}`,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (error) {
      toasts.show(s.deriveFailed, { kind: "error" });
      return;
    }
    const doc = currentDoc();
    popover.open(button, (host, close) => {
      const wrap = section(s.deriveTitle);
      if (!data.proposals.length) {
        const none = document.createElement("p");
        none.className = "small muted derive-none";
        none.textContent = s.deriveNothing;
        wrap.append(none);
        host.append(wrap);
        return;
      }
      const list = document.createElement("ul");
      list.className = "derive-list";
      for (const proposal of data.proposals) {
        const li = document.createElement("li");
        li.className = `derive-row${proposal.current === proposal.score ? " is-same" : ""}`;
        li.dataset.stage = proposal.stage;
        const name = document.createElement("span");
        name.className = "derive-stage";
        name.textContent = find(doc, "stage", proposal.stage)?.name || "";
        const change = document.createElement("span");
        change.className = "derive-change";
        const from = proposal.current === null ? "—" : scoreLabel(proposal.current);
        change.textContent = `${from} → ${scoreLabel(proposal.score)}`;
        const basis = document.createElement("span");
        basis.className = "derive-basis small muted";
        basis.textContent = format(s.deriveBasis, { n: proposal.touchpoints });
        li.append(name, change, basis);
        list.append(li);
      }
      wrap.append(list);
      host.append(wrap);
      const actions = section("");
      const apply = menuButton(data.ops.length ? format(s.deriveApply, { n: data.ops.length }) : s.deriveUpToDate, () => {
        const ops = data.ops.filter((op) => op.op !== "update" || find(currentDoc(), "emotion", op.id));
        const changes = ops.map((op) => (op.op === "create"
          ? { kind: "create", entity: "emotion", id: op.id }
          : { kind: "update", entity: "emotion", id: op.id, before: { score: find(currentDoc(), "emotion", op.id).score } }));
        commit(ops, changes);
        close();
        toasts.show(s.deriveApplied, { action: { label: s.undo, run: runUndo } });
      });
      apply.classList.add("derive-apply");
      apply.disabled = !data.ops.length;
      actions.append(apply);
      host.append(actions);
    }, { label: s.deriveTitle });
  }

  return { openEmotionPicker };
}
