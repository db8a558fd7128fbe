// One popover, reused for card, stage and lane menus and the emotion picker.

export class Popover {
  constructor(host) {
    this.host = host;
    this.anchor = null;
    host.setAttribute("role", "dialog");
    document.addEventListener("mousedown", (event) => {
      if (!this.host.hidden && !this.host.contains(event.target) && !this.anchor?.contains(event.target)) this.close();
    });
    host.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
      }
    });
  }

  open(anchor, build, { label = "" } = {}) {
    this.close();
    this.anchor = anchor;
    this.host.replaceChildren();
    this.host.setAttribute("aria-label", label);
    build(this.host, () => this.close(true));
    this.host.hidden = false;
    const rect = anchor.getBoundingClientRect();
    const width = this.host.offsetWidth;
    const left = Math.min(window.innerWidth - width - 8, Math.max(8, rect.right - width));
    let top = rect.bottom + 6;
    if (top + this.host.offsetHeight > window.innerHeight - 8) top = Math.max(8, rect.top - this.host.offsetHeight - 6);
    this.host.style.left = `${left}px`;
    this.host.style.top = `${top}px`;
    anchor.setAttribute?.("aria-expanded", "true");
    this.host.querySelector("button, select, input")?.focus();
  }

  close(refocus = false) {
    if (this.host.hidden) return;
    this.host.hidden = true;
    this.anchor?.setAttribute?.("aria-expanded", "false");
    if (refocus) this.anchor?.focus?.();
    this.anchor = null;
  }
}

export function menuButton(label, onClick, { danger = false } = {}) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `menu-action${danger ? " danger" : ""}`;
  button.textContent = label;
  button.addEventListener("click", onClick);
  return button;
}

export function section(title) {
  const wrap = document.createElement("div");
  wrap.className = "menu-section";
  if (title) {
    const heading = document.createElement("p");
    heading.className = "menu-title";
    heading.textContent = title;
    wrap.append(heading);
  }
  return wrap;
}
