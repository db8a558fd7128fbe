// The panel's form controls, each bound to one field of the open item and kept
// live: a labelled row, text, number and select inputs, and bindField, which
// settles what a remote change does to a field being typed in.

import { find, format } from "../grid/model.js";
import { el } from "./dom.js";

function parseNumber(raw, { integer = false } = {}) {
  const text = String(raw).trim().replace(",", ".");
  if (text === "") return null;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return integer ? Math.round(value) : value;
}

export function fieldRow(panel, label, control, { hint = "" } = {}) {
  const wrap = el("div", "panel-row");
  const field = control.dataset?.fieldName || control.name;
  if (field) wrap.dataset.field = field;
  const id = `panel-${panel.entity}-${label.replace(/\W+/g, "-").toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`;
  const lab = el("label", "panel-label", label);
  lab.htmlFor = id;
  control.id = id;
  wrap.append(lab, control);
  if (hint) wrap.append(el("p", "panel-hint small muted", hint));
  return wrap;
}

export function textInput(panel, name, { multiline = false, maxLength = 200, required = false } = {}) {
  const input = multiline ? el("textarea", "panel-input") : el("input", "panel-input");
  if (!multiline) input.type = "text";
  else input.rows = 3;
  input.maxLength = maxLength;
  input.name = name;
  const field = bindField(panel, name, input, {
    get: () => input.value,
    set: (text) => { input.value = text; },
    toText: (value) => value ?? "",
    fromText: (text) => {
      const value = multiline ? text : text.trim();
      return required && !value ? undefined : value;
    },
    show: (value) => (value ? `“${String(value).length > 60 ? `${String(value).slice(0, 60)}…` : value}”` : panel.s.emptyValue),
  });
  input.addEventListener("change", () => field.changed());
  if (!multiline) input.addEventListener("keydown", (e) => { if (e.key === "Enter") field.enter(); });
  return input;
}

export function numberInput(panel, name, { min, max, step = "any", integer = false, suffix = "" } = {}) {
  const input = el("input", "panel-input panel-number");
  input.type = "number";
  input.name = name;
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.inputMode = integer ? "numeric" : "decimal";
  const field = bindField(panel, name, input, {
    get: () => input.value,
    set: (text) => { input.value = text; },
    toText: (value) => (value === null || value === undefined ? "" : String(value)),
    fromText: (text) => parseNumber(text, { integer }),
    show: (value) => (value === null || value === undefined ? panel.s.emptyValue : `${value}${suffix ? ` ${suffix}` : ""}`),
  });
  input.addEventListener("change", () => field.changed());
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") field.enter(); });
  if (!suffix) return input;
  const wrap = el("span", "panel-suffixed");
  wrap.dataset.fieldName = name;
  wrap.append(input, el("span", "panel-suffix", suffix));
  wrap.focus = () => input.focus();
  Object.defineProperty(wrap, "id", { set: (v) => { input.id = v; }, get: () => input.id });
  return wrap;
}

export function selectInput(panel, name, options, { empty = null, parse = (v) => v || null } = {}) {
  const select = el("select", "panel-input");
  select.name = name;
  if (empty !== null) select.append(new Option(empty, ""));
  for (const option of options) {
    if (option.group) {
      const group = el("optgroup");
      group.label = option.group;
      for (const o of option.options) group.append(new Option(o.label, o.value));
      select.append(group);
    } else {
      select.append(new Option(option.label, option.value));
    }
  }
  const field = bindField(panel, name, select, {
    get: () => select.value,
    set: (text) => { select.value = text; },
    toText: (value) => String(value ?? ""),
    fromText: (text) => parse(text),
    show: (value) => {
      const option = [...select.options].find((o) => o.value === String(value ?? ""));
      return option && option.value ? option.textContent : panel.s.emptyValue;
    },
  });
  select.addEventListener("change", () => field.changed());
  return select;
}

/**
 * One field of the item, kept live: a remote change shows at once where the
 * field is not being typed in. Where it would undo what this person is typing,
 * or just wrote, the panel says who changed it to what, and lets them keep
 * theirs or put their own value back (nothing is lost without being told).
 * control: the element holding the focus; get/set: its text; toText/fromText:
 * item value <-> text (fromText answers undefined for a value that cannot be
 * sent); show: a value as the notice names it.
 */
export function bindField(panel, name, control, { get, set, toText, fromText, show }) {
  const state = { base: null, mine: undefined, conflict: null };
  const hasFocus = () => control.contains(document.activeElement);
  const row = () => control.closest(".panel-row") || control.parentElement;
  const clear = () => {
    state.conflict = null;
    row()?.querySelector(":scope > .panel-conflict")?.remove();
    row()?.classList.remove("has-conflict");
  };
  const send = (value) => {
    clear();
    state.mine = value;
    state.base = toText(value);
    panel.commit({ [name]: value });
  };
  const notice = () => {
    const host = row();
    if (!host) return;
    const { theirs, actor, mine } = state.conflict;
    let box = host.querySelector(":scope > .panel-conflict");
    if (!box) {
      box = el("div", "panel-conflict");
      box.setAttribute("role", "alert");
      const text = el("p", "panel-conflict-text");
      const actions = el("div", "panel-conflict-actions");
      const keepTheirs = el("button", "btn btn-small keep-theirs", panel.s.keepTheirs);
      keepTheirs.type = "button";
      keepTheirs.addEventListener("click", () => {
        const value = find(panel.getDoc(), panel.entity, panel.id)?.[name] ?? null;
        clear();
        state.mine = undefined;
        set(toText(value));
        state.base = toText(value);
        control.querySelector?.("input:checked")?.focus() || control.focus?.();
      });
      const keepMine = el("button", "btn btn-small btn-quiet keep-mine");
      keepMine.type = "button";
      keepMine.addEventListener("click", () => {
        // While typing: what is in the field now; otherwise the value they had set.
        const value = state.conflict?.typing ? fromText(get()) : state.conflict?.mine;
        if (value === undefined) return;
        set(toText(value));
        send(value);
      });
      actions.append(keepTheirs, keepMine);
      box.append(text, actions);
      host.append(box);
      host.classList.add("has-conflict");
    }
    box.querySelector(".panel-conflict-text").textContent = format(panel.s.changedTo, { name: actor?.name || "?", value: show(theirs) });
    box.querySelector(".keep-mine").textContent = format(panel.s.keepMine, { value: show(mine) });
    box.scrollIntoView({ block: "nearest" });
  };
  const field = {
    read: (item) => {
      const value = item[name] ?? null;
      const text = toText(value);
      const by = panel.remoteBy.get(name);
      if (state.conflict) {
        // Still waiting for a choice: the notice follows the latest remote value.
        if (by) Object.assign(state.conflict, { theirs: value, actor: by });
        if (state.conflict.typing) {
          if (text === toText(state.conflict.mine)) clear(); // they came round to the same value
          else notice();
          return;
        }
        set(text);
        state.base = text;
        if (text === toText(state.conflict.mine)) clear();
        else notice();
        return;
      }
      if (hasFocus() && state.base !== null && get() !== state.base) {
        // Being typed in: keep what is typed; say so if someone else changed it meanwhile.
        if (by && text !== state.base && text !== get()) {
          const mine = fromText(get());
          if (mine !== undefined) {
            state.conflict = { typing: true, theirs: value, actor: by, mine };
            notice();
          }
        }
        return;
      }
      set(text);
      state.base = text;
      if (by && state.mine !== undefined && text !== toText(state.mine)) {
        // Someone else wrote over what panel person just set.
        state.conflict = { typing: false, theirs: value, actor: by, mine: state.mine };
        state.mine = undefined;
        notice();
      }
    },
    // The control's own change (blur, pick, Enter).
    changed: () => {
      if (state.conflict?.typing) return; // the notice asks which value to keep
      const value = fromText(get());
      if (value === undefined) {
        const current = find(panel.getDoc(), panel.entity, panel.id)?.[name] ?? null;
        set(toText(current));
        state.base = toText(current);
        return;
      }
      if (get() === state.base && !state.conflict) return;
      send(value);
    },
    // Enter in a one-line field: save, or, during a conflict, keep what was typed.
    enter: () => {
      if (state.conflict?.typing) {
        const value = fromText(get());
        if (value !== undefined) send(value);
        return;
      }
      control.blur();
    },
  };
  panel.fields.set(name, field);
  return field;
}

