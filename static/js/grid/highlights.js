// What the board shows over the items: who else is editing one (locks), the flash
// of a remote change, and the team filter.

import { format } from "./model.js";

const FLASH_MS = 1400;
const FLASH_TICK_MS = 350; // flashes start at once; their steps are batched

export function setLocks(board, locks) {
  const previous = board.locks;
  board.locks = locks;
  for (const id of new Set([...previous.keys(), ...locks.keys()])) {
    const node = board.items.get(id);
    if (node) applyLock(board, node, id);
  }
}

export function applyLock(board, node, id) {
  const who = board.locks.get(id);
  node.classList.toggle("is-locked", Boolean(who));
  const badge = node.querySelector(".editing-badge");
  if (who) {
    badge.textContent = format(board.s.isEditing, { name: who.name });
    badge.style.setProperty("--who", who.color || "#475569");
    badge.hidden = false;
    node.style.setProperty("--who", who.color || "#475569");
  } else {
    badge.hidden = true;
  }
}

// A remote change lights its nodes up, then fades in one step and goes out.
// Class changes on one shared timer, not a CSS animation: an animated shadow
// repaints the board every frame for as long as it runs, and with several
// people typing something is always flashing.
export function flash(board, ids) {
  const now = performance.now();
  for (const id of ids) {
    const node = board.items.get(id) || board.headers.get(id);
    if (!node) continue;
    node.classList.remove("is-flash-fading");
    node.classList.add("is-flashing");
    board.flashing.set(node, now);
  }
  scheduleFlashes(board);
}

function scheduleFlashes(board) {
  if (board.flashTimer !== null || !board.flashing.size) return;
  board.flashTimer = setTimeout(() => {
    board.flashTimer = null;
    const now = performance.now();
    for (const [node, since] of board.flashing) {
      const age = now - since;
      if (age >= FLASH_MS) {
        node.classList.remove("is-flashing", "is-flash-fading");
        board.flashing.delete(node);
      } else if (age >= FLASH_MS / 2) {
        node.classList.add("is-flash-fading");
      }
    }
    scheduleFlashes(board);
  }, FLASH_TICK_MS);
}

export function setTeamFilter(board, team, mode) {
  board.teamFilter = { team, mode };
  board.root.classList.toggle("team-filtering", Boolean(team));
  board.root.dataset.teamMode = mode;
  for (const node of board.items.values()) applyTeamFilter(board, node);
}

export function applyTeamFilter(board, node) {
  const { team } = board.teamFilter;
  node.classList.toggle("team-match", Boolean(team) && node.dataset.team === team);
}

