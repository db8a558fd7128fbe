// Health in the editor: the toolbar's Health button with the score, the Health
// panel, and showing a finding's item on the board. The health is read over REST
// and read again (debounced) after the map changes; members only (the share page
// has no health settings, so nothing is installed).

import { format } from "../grid/model.js";
import { csrfToken } from "../ui/csrf.js";
import { healthView, scoreTone } from "../ui/health-panel.js";

// After edits pause; plus a random share of a second so that the editors open on
// one map do not all ask at once: the first computes the new seq's findings and
// the others read them.
const REFETCH_AFTER_MS = 1500;
const REFETCH_JITTER_MS = 1500;

async function api(url, { method = "GET", body } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.message || String(response.status));
  return data;
}

export function installHealth(ctx) {
  const data = document.getElementById("health-settings");
  const button = document.getElementById("health-button");
  if (!data || !button) return { attach() {} };
  const settings = JSON.parse(data.textContent);
  const s = settings.strings;
  const { board, panel, toasts } = ctx;
  const chip = document.getElementById("health-score");
  const suffix = document.getElementById("health-score-suffix");
  let view = null;
  let timer = null;

  function drawButton(health) {
    const tone = scoreTone(health.score);
    button.dataset.tone = tone;
    chip.hidden = false;
    chip.textContent = String(health.score);
    // No aria-label: the accessible name must contain the visible "Health 32"
    // (WCAG 2.5.3); the hidden suffix says what the number is.
    if (suffix) suffix.hidden = false;
    button.title = format(s.buttonLabel, { score: health.score });
  }

  async function load() {
    const health = await api(settings.url);
    drawButton(health);
    return health;
  }

  async function refetch() {
    try {
      const health = await load();
      if (panel.view === view && panel.isOpen) view.show(health);
    } catch {
      // The next change tries again; the panel keeps what it showed.
    }
  }

  // The board's node for an item of a finding (none for the whole map).
  function nodeFor(item) {
    if (item.entity === "cell") {
      return board.root.querySelector(`.cell[data-stage="${CSS.escape(item.stage)}"][data-lane="${CSS.escape(item.lane)}"]`);
    }
    if (item.entity === "stage") return board.headers.get(item.id) || null;
    return board.items.get(item.id) || null;
  }

  function jump(item) {
    const node = nodeFor(item);
    if (!node?.isConnected) {
      toasts.show(s.gone, { timeout: 5000 });
      return;
    }
    panel.reveal?.(node);
    node.scrollIntoView({ block: "center", inline: "center" });
    if (!node.hasAttribute("tabindex") && !/^(BUTTON|A|INPUT|TEXTAREA)$/.test(node.tagName)) node.tabIndex = -1;
    node.focus({ preventScroll: true });
    if (item.entity === "card" || item.entity === "touchpoint" || item.entity === "stage") board.flash([item.id]);
    node.classList.remove("health-spotlight");
    void node.offsetWidth; // restart the animation when the same item is shown twice
    node.classList.add("health-spotlight");
    setTimeout(() => node.classList.remove("health-spotlight"), 2400);
  }

  async function accept(code, item, reason) {
    try {
      await api(`${settings.url}accept/`, { method: "POST", body: { code, entity: item.entity, id: item.id, reason } });
      toasts.show(s.accepted);
    } catch (error) {
      toasts.show(format(s.failed, { message: error.message }), { kind: "error", timeout: 7000 });
      throw error;
    }
  }

  async function undo(acceptance) {
    try {
      await api(`${settings.url}accept/${acceptance}/`, { method: "DELETE" });
      toasts.show(s.undone);
    } catch (error) {
      toasts.show(format(s.failed, { message: error.message }), { kind: "error", timeout: 7000 });
      throw error;
    }
  }

  button.addEventListener("click", () => {
    view = healthView({ s, canAccept: settings.canAccept, wordsUrl: settings.wordsUrl, load, jump, accept, undo });
    panel.openView("health", view, { returnTo: button });
  });
  refetch();

  return {
    // Every committed change may change the health: read it again once edits pause.
    attach(sync) {
      // Someone accepted a finding or undid one: no map change tells us, this does.
      sync.on("health", () => refetch());
      sync.on("change", ({ changed }) => {
        if (!changed.full && !changed.items.length) return;
        clearTimeout(timer);
        timer = setTimeout(refetch, REFETCH_AFTER_MS + Math.random() * REFETCH_JITTER_MS);
      });
    },
  };
}
