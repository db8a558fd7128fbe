// A comment box that suggests workspace members after "@": a textarea (a multi-line
// textbox, which ARIA lets carry aria-autocomplete and aria-activedescendant but not
// the combobox role) that owns a listbox of people. Arrow keys choose, Enter or Tab
// inserts "@username ", Escape closes the list; the mouse works too. The list's
// size is announced in a polite live region. Names only ever go through textContent.

import { format } from "../grid/model.js";

// The "@name" being typed just before the caret ("" right after "@").
const TYPING = /(?:^|[^\p{L}\p{N}_@])@([\p{L}\p{N}_.@+-]{0,150})$/u;
const MAX_SUGGESTIONS = 8;
let counter = 0;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function matchMembers(members, query) {
  const q = query.toLowerCase();
  const starts = [];
  const contains = [];
  for (const member of members) {
    const username = member.username.toLowerCase();
    const name = (member.name || "").toLowerCase();
    if (username.startsWith(q) || name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q))) starts.push(member);
    else if (q && (username.includes(q) || name.includes(q))) contains.push(member);
  }
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
}

/**
 * members: [{id, username, name}]; s: the panel's strings. Returns {wrap, textarea}.
 * onSubmit() is called on Ctrl+Enter (or Cmd+Enter) when no list is open.
 */
export function mentionInput({ members, s, placeholder, label, maxLength, onSubmit, value = "" }) {
  const id = `mention-${++counter}`;
  const wrap = el("div", "mention-input");
  const textarea = el("textarea", "comment-textarea");
  textarea.value = value;
  textarea.rows = 3;
  textarea.placeholder = placeholder;
  textarea.maxLength = maxLength;
  textarea.setAttribute("aria-label", label);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", `${id}-list`);
  const list = el("ul", "mention-list");
  list.id = `${id}-list`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", s.mentionList);
  list.hidden = true;
  const status = el("p", "visually-hidden");
  status.setAttribute("aria-live", "polite");
  wrap.append(textarea, list, status);

  let options = [];
  let active = -1;
  let start = -1; // where the "@" being completed sits

  function close() {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    textarea.removeAttribute("aria-activedescendant");
  }

  function setActive(index) {
    active = index;
    for (const [i, node] of [...list.children].entries()) node.setAttribute("aria-selected", String(i === index));
    const node = list.children[index];
    if (node) {
      textarea.setAttribute("aria-activedescendant", node.id);
      node.scrollIntoView({ block: "nearest" });
    }
  }

  function suggest() {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const typing = TYPING.exec(before);
    if (!typing || textarea.selectionStart !== textarea.selectionEnd) {
      close();
      return;
    }
    start = before.length - typing[1].length - 1;
    options = matchMembers(members, typing[1]);
    list.replaceChildren();
    if (!options.length) {
      close();
      status.textContent = s.mentionNone;
      return;
    }
    for (const [i, member] of options.entries()) {
      const option = el("li", "mention-option");
      option.id = `${id}-opt-${i}`;
      option.setAttribute("role", "option");
      option.dataset.username = member.username;
      option.append(el("span", "mention-name", member.name), el("span", "mention-username muted", `@${member.username}`));
      // mousedown, not click: the textarea keeps the focus (and the caret).
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        insert(member);
      });
      list.append(option);
    }
    list.hidden = false;
    setActive(0);
    status.textContent = format(s.mentionCount, { n: options.length });
  }

  function insert(member) {
    const end = textarea.selectionStart;
    const text = `@${member.username} `;
    textarea.setRangeText(text, start, end, "end");
    close();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  textarea.addEventListener("input", (event) => {
    if (event.isTrusted !== false) suggest();
  });
  textarea.addEventListener("click", suggest);
  textarea.addEventListener("blur", () => setTimeout(close, 100));
  textarea.addEventListener("keydown", (event) => {
    if (!list.hidden && options.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + options.length) % options.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        insert(options[active]);
        return;
      }
      if (event.key === "Escape") {
        // Closes the list only, not the panel around it.
        event.preventDefault();
        event.stopPropagation();
        close();
        return;
      }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmit?.();
    }
  });
  return { wrap, textarea };
}
