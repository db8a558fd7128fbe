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
