// Inline editing of a card's text (or a touchpoint's / moment's title) and of
// stage and lane headers. Enter saves, Shift+Enter adds a line, Escape cancels.

// The editor grows with its text. Where CSS can size it (field-sizing), let the
// next frame's layout do it: measuring scrollHeight on every key press forces a
// layout of the whole board in the middle of typing.
const SIZES_ITSELF = globalThis.CSS?.supports?.("field-sizing", "content") ?? false;

function autosize(area) {
  if (SIZES_ITSELF) return;
  area.style.height = "auto";
  area.style.height = `${area.scrollHeight}px`;
}

/**
 * Open a textarea in place of `textEl`. onSave(text) / onCancel() are called once.
 * multiline: Shift+Enter inserts a newline (cards); single-line fields ignore it.
 */
export function editText(textEl, { value, placeholder = "", multiline = true, maxLength = 10000, label = "",
  onSave, onCancel, onInput = null }) {
  const area = document.createElement("textarea");
  area.className = "inline-editor";
  area.value = value;
  area.placeholder = placeholder;
  area.maxLength = maxLength;
  area.rows = 1;
  if (label) area.setAttribute("aria-label", label);
  textEl.hidden = true;
  textEl.after(area);
  autosize(area);
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    const text = area.value;
    area.remove();
    textEl.hidden = false;
    if (save) onSave(text);
    else onCancel?.();
  };
  area.addEventListener("input", () => {
    autosize(area);
    onInput?.(area.value);
  });
  area.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      finish(false);
    } else if (event.key === "Enter" && !(event.shiftKey && multiline) && !event.isComposing) {
      event.preventDefault();
      finish(true);
    }
  });
  area.addEventListener("blur", () => finish(true));
  // Dragging from inside the editor would move the card.
  area.addEventListener("dragstart", (event) => event.stopPropagation());
  return { area, cancel: () => finish(false), save: () => finish(true) };
}
