// The dashboard's health chips: the server fills those whose findings are kept
// for the map's current seq; the others are read here, a few at a time, so the
// page is never held up by maps changed since their last check.

import { format } from "../grid/model.js";
import { scoreTone } from "./health-panel.js";

const AT_ONCE = 3;

async function fill(badge) {
  try {
    const response = await fetch(badge.dataset.healthUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const health = await response.json();
    const counts = { fail: 0, warn: 0 };
    for (const check of health.checks) if (check.applies && check.status in counts) counts[check.status] += 1;
    const text = format(badge.dataset.healthTitle, { score: health.score, ...counts });
    badge.classList.remove("is-pending");
    badge.classList.add(`tone-${scoreTone(health.score)}`);
    badge.title = text;
    badge.removeAttribute("aria-hidden");
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = text;
    const shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = String(health.score);
    badge.replaceChildren(hidden, shown);
  } catch {
    badge.remove();
  }
}

export function fillHealthBadges(root = document) {
  const queue = [...root.querySelectorAll(".health-badge.is-pending[data-health-url]")];
  const worker = async () => {
    while (queue.length) await fill(queue.shift());
  };
  for (let i = 0; i < AT_ONCE; i += 1) worker();
}
