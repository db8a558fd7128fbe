// Who else has the panel's item open, and in which field they are typing: chips
// at the top of the panel and a badge on the field (from the presence roster).

import { format } from "../grid/model.js";
import { el } from "./dom.js";
import { initials, userColor } from "./presence.js";

function panelPeers(panel) {
  const people = new Map();
  if (!panel.entity) return people;
  for (const [clientId, entry] of panel.roster) {
    if (clientId === panel.selfClientId) continue;
    const focus = entry.focus;
    if (!focus || focus.entity !== panel.entity || focus.id !== panel.id) continue;
    const key = entry.user?.id ?? clientId;
    const seen = people.get(key);
    // One person in two tabs: the tab in a field says more than the one merely open.
    if (!seen || (seen.field === "panel" && focus.field !== "panel")) {
      people.set(key, { user: entry.user || {}, field: focus.field || "panel" });
    }
  }
  return people;
}

export function drawPeers(panel) {
  const box = panel.host.querySelector(".panel-peers");
  if (!box) return;
  const people = [...panelPeers(panel).values()];
  box.hidden = !people.length;
  const names = people.map((p) => p.user.name || "?");
  const list = box.querySelector(".panel-peers-list");
  list.replaceChildren();
  for (const person of people) {
    const chip = el("span", "panel-peer");
    const dot = el("span", "avatar panel-peer-avatar", initials(person.user.name));
    dot.setAttribute("aria-hidden", "true");
    dot.style.setProperty("--avatar", userColor(person.user, panel.teams));
    chip.append(dot, el("span", "panel-peer-name", person.user.name || "?"));
    list.append(chip);
  }
  box.querySelector(".panel-peers-text").textContent = people.length ? format(panel.s.alsoOpenBy, { names: names.join(", ") }) : "";
  // Per field: who is typing in it right now.
  for (const badge of panel.host.querySelectorAll(".panel-peer-badge")) badge.remove();
  for (const row of panel.host.querySelectorAll(".panel-row.is-peer-editing")) row.classList.remove("is-peer-editing");
  for (const person of people) {
    const row = panel.host.querySelector(`.panel-row[data-field="${CSS.escape(person.field)}"]`);
    if (!row) continue;
    row.classList.add("is-peer-editing");
    row.style.setProperty("--peer", userColor(person.user, panel.teams));
    const badge = el("span", "panel-peer-badge", format(panel.s.isEditing, { name: person.user.name || "?" }));
    (row.querySelector(":scope > .panel-label, :scope > legend") || row).append(badge);
  }
}

