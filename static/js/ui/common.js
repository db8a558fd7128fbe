// Small progressive enhancements shared by every page (no inline scripts: CSP-ready).

// Selects and checkboxes that submit their form on change; the submit button is a
// fallback hidden when scripts run.
document.documentElement.classList.add("js");
for (const el of document.querySelectorAll("[data-autosubmit]")) {
  el.addEventListener("change", () => el.form?.requestSubmit());
}

// Copy buttons: data-copy="<selector of an input>".
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.querySelector(button.dataset.copy);
    if (!input) return;
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand?.("copy");
    }
    const label = button.textContent;
    button.textContent = button.dataset.copied || label;
    setTimeout(() => { button.textContent = label; }, 1500);
  });
}

// Close <details> menus when clicking elsewhere or pressing Escape.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    menu.open = false;
    menu.querySelector("summary")?.focus();
  }
});

// Per-element colours and sizes come as data-var-<name>="value" and become CSS
// custom properties here, so templates need no style attributes (strict CSP).
for (const name of ["avatar", "team", "cols"]) {
  for (const el of document.querySelectorAll(`[data-var-${name}]`)) {
    el.style.setProperty(`--${name}`, el.getAttribute(`data-var-${name}`));
  }
}

// Forms that ask first: data-confirm="<question>" (with data-confirm-title,
// data-confirm-ok and data-confirm-cancel, translated by the page). A modal
// dialog, not window.confirm: it looks like the app and reads the same in French.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    confirmDialog(form.dataset).then((ok) => { if (ok) form.submit(); });
  });
}

function confirmDialog({ confirm, confirmTitle, confirmOk, confirmCancel }) {
  const dialog = document.createElement("dialog");
  dialog.className = "dialog confirm-dialog";
  dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
  dialog.setAttribute("aria-describedby", "confirm-dialog-text");
  const head = document.createElement("header");
  head.className = "dialog-head";
  const title = document.createElement("h2");
  title.id = "confirm-dialog-title";
  title.textContent = confirmTitle || confirm;
  head.append(title);
  const text = document.createElement("p");
  text.id = "confirm-dialog-text";
  text.className = "confirm-text muted";
  text.textContent = confirm;
  const foot = document.createElement("footer");
  foot.className = "dialog-foot";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "btn btn-quiet";
  cancel.textContent = confirmCancel || "Cancel";
  const ok = document.createElement("button");
  ok.type = "button";
  ok.className = "btn btn-danger";
  ok.textContent = confirmOk || "OK";
  foot.append(cancel, ok);
  dialog.append(head, text, foot);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    ok.addEventListener("click", () => { answer = true; dialog.close(); });
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    dialog.showModal();
    cancel.focus();
  });
}
