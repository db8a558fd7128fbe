// Small DOM builders the board's modules share.

export function el(tag, className, attrs = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  return node;
}

// The "…" button that opens a header's or an item's menu.
export function menuButton(entity, id, label) {
  const button = el("button", "icon-btn header-menu", { type: "button", "aria-label": label, title: label,
    "data-menu": entity, "data-menu-id": id, "aria-haspopup": "menu" });
  return button; // the three dots are drawn by CSS: one box per button, not an SVG tree
}
