// Who else is on the map: avatars in the top bar (team colour ring) and, per
// card, who is editing it right now.

export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/);
  return ((parts[0]?.[0] || "?") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

export function userColor(user, teams) {
  const team = (teams || []).find((t) => t.id === user?.team || t.name === user?.team);
  return user?.color || team?.color || "#475569";
}

export function renderPresence(host, roster, { selfClientId, teams, strings }) {
  const people = new Map();
  for (const [clientId, entry] of roster) {
    if (clientId === selfClientId) continue;
    const user = entry.user || {};
    const key = user.id ?? clientId;
    if (!people.has(key)) people.set(key, { user, clients: 0 });
    people.get(key).clients += 1;
  }
  const nodes = [];
  for (const { user } of people.values()) {
    const avatar = document.createElement("span");
    avatar.className = "avatar presence-avatar";
    avatar.setAttribute("role", "listitem");
    avatar.style.setProperty("--avatar", userColor(user, teams));
    avatar.textContent = initials(user.name);
    const teamName = (teams || []).find((t) => t.id === user.team)?.name || user.team || "";
    avatar.title = teamName ? `${user.name} · ${teamName}` : user.name;
    avatar.setAttribute("aria-label", avatar.title);
    nodes.push(avatar);
  }
  host.replaceChildren(...nodes);
  host.dataset.count = String(nodes.length);
  void strings;
}

// Items someone else is editing: id -> {name, color}.
export function locksFrom(roster, { selfClientId, teams }) {
  const locks = new Map();
  for (const [clientId, entry] of roster) {
    if (clientId === selfClientId) continue;
    const focus = entry.focus;
    if (focus && focus.id && focus.field) {
      locks.set(focus.id, { name: entry.user?.name || "?", color: userColor(entry.user, teams) });
    }
  }
  return locks;
}
