// The Health panel: the map's score and the checks of good journey mapping,
// grouped to fix / to look at / fine / does not apply. Each finding lists its
// items (click: the board shows it); editors accept an item with a reason, and
// anyone sees who accepted what and why. User text only goes through textContent.

import { format } from "../grid/model.js";

const ITEMS_SHOWN = 6;
const GROUPS = [["fail", "groupFail"], ["warn", "groupWarn"], ["ok", "groupOk"], ["na", "groupNa"]];
const ICONS = {
  fail: '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true"><circle cx="10" cy="10" r="9" fill="currentColor"/><path d="M6.8 6.8l6.4 6.4M13.2 6.8l-6.4 6.4" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>',
  warn: '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true"><path d="M10 1.8l8.6 15.4H1.4z" fill="currentColor" stroke="currentColor" stroke-linejoin="round" stroke-width="1.2"/><path d="M10 7.4v4.6" stroke="#fff" stroke-width="2" stroke-linecap="round"/><circle cx="10" cy="14.6" r="1.15" fill="#fff"/></svg>',
  ok: '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true"><circle cx="10" cy="10" r="9" fill="currentColor"/><path d="M6 10.4l2.7 2.7L14.2 7.4" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  na: '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true"><circle cx="10" cy="10" r="8.2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M6.5 10h7" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>',
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function scoreTone(score) {
  if (score >= 80) return "good";
  if (score >= 50) return "fair";
  return "poor";
}

function groupOf(check) {
  return check.applies ? check.status : "na";
}

function ring(score, s) {
  const wrap = el("div", `health-ring tone-${scoreTone(score)}`);
  const r = 30;
  const length = 2 * Math.PI * r;
  wrap.innerHTML = `<svg viewBox="0 0 72 72" width="72" height="72" aria-hidden="true"><circle cx="36" cy="36" r="${r}" class="ring-track"/><circle cx="36" cy="36" r="${r}" class="ring-value" stroke-dasharray="${(length * score) / 100} ${length}" transform="rotate(-90 36 36)"/></svg>`;
  const number = el("span", "health-ring-number", String(score));
  wrap.append(number);
  wrap.setAttribute("role", "img");
  wrap.setAttribute("aria-label", `${s.score}: ${score} ${s.outOf}`);
  return wrap;
}

/**
 * load(): the health (REST); jump(item) shows an item on the board;
 * accept(code, item, reason) and undo(acceptance) return promises.
 */
export function healthView({ s, canAccept, wordsUrl, load, jump, accept, undo }) {
  let body = null;
  let data = null;
  let status = null;
  const expanded = new Set(); // checks whose whole item list is shown
  let openForm = null; // "code|entity|id" of the accept form being written
  const openGroups = new Set(); // folded groups (fine, does not apply) the person opened

  const itemRow = (check, item) => {
    const li = el("li", "health-item");
    const key = `${check.code}|${item.entity}|${item.id}`;
    li.dataset.key = key;
    const main = el("div", "health-item-main");
    if (item.entity === "map") {
      main.append(el("span", "health-item-label", s.wholeMap));
    } else {
      const link = el("button", "health-item-label health-jump", item.label || "—");
      link.type = "button";
      link.title = s.showItem;
      link.dataset.entity = item.entity;
      link.dataset.id = item.id;
      link.addEventListener("click", () => jump(item));
      main.append(link);
    }
    if (item.note) main.append(el("span", "health-item-note small muted", item.note));
    li.append(main);
    if (canAccept) {
      const open = el("button", "btn btn-small btn-quiet health-accept-open", s.accept);
      open.type = "button";
      open.title = s.acceptTitle;
      open.addEventListener("click", () => { openForm = key; draw(); });
      li.append(open);
      if (openForm === key) li.append(acceptForm(check, item));
    }
    return li;
  };

  const acceptForm = (check, item) => {
    const form = el("form", "health-accept-form");
    const label = el("label", "small", s.reasonLabel);
    const reason = el("textarea", "input health-reason");
    reason.rows = 2;
    reason.maxLength = 1000;
    reason.required = true;
    reason.placeholder = s.reasonPlaceholder;
    label.append(reason);
    const actions = el("div", "health-form-actions");
    const save = el("button", "btn btn-primary btn-small health-accept-save", s.acceptSave);
    save.type = "submit";
    const cancel = el("button", "btn btn-small btn-quiet", s.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", () => { openForm = null; draw(); });
    actions.append(save, cancel);
    form.append(label, actions);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!reason.value.trim()) { reason.focus(); return; }
      save.disabled = true;
      try {
        await accept(check.code, item, reason.value.trim());
        openForm = null;
        await reload();
      } finally {
        save.disabled = false;
      }
    });
    setTimeout(() => reason.focus());
    return form;
  };

  const acceptedRow = (item) => {
    const li = el("li", "health-accepted-item");
    const text = el("div", "health-accepted-text");
    text.append(el("span", "health-item-label", item.entity === "map" ? s.wholeMap : (item.label || "—")));
    text.append(el("span", "health-accepted-by small", format(s.acceptedBy, { name: item.accepted_by || "?" })));
    text.append(el("q", "health-accepted-reason small", item.reason));
    li.append(text);
    if (canAccept) {
      const button = el("button", "btn btn-small btn-quiet health-undo", s.undo);
      button.type = "button";
      button.addEventListener("click", async () => {
        button.disabled = true;
        try { await undo(item.acceptance); await reload(); } finally { button.disabled = false; }
      });
      li.append(button);
    }
    return li;
  };

  const checkCard = (check) => {
    const group = groupOf(check);
    const card = el("section", `health-check is-${group}`);
    card.dataset.code = check.code;
    const head = el("div", "health-check-head");
    const icon = el("span", "health-icon");
    icon.innerHTML = ICONS[group];
    const title = el("h3", "health-check-title", check.title);
    head.append(icon, title);
    if (check.count > 1) head.append(el("span", "health-count", String(check.count)));
    card.append(head, el("p", "health-message", check.message));
    if (check.code === "company_voice" && wordsUrl) {
      // The words this check looks for, and where a team adds its own.
      const link = el("a", "health-words-link small", s.wordsLink);
      link.href = wordsUrl;
      card.append(link);
    }
    if (check.items.length) {
      const list = el("ul", "health-items");
      const all = expanded.has(check.code);
      for (const item of all ? check.items : check.items.slice(0, ITEMS_SHOWN)) list.append(itemRow(check, item));
      card.append(list);
      const hidden = check.count - (all ? check.items.length : Math.min(ITEMS_SHOWN, check.items.length));
      if (hidden > 0 && !all) {
        const more = el("button", "btn btn-small btn-quiet health-more", format(s.more, { n: hidden }));
        more.type = "button";
        more.addEventListener("click", () => { expanded.add(check.code); draw(); });
        card.append(more);
      }
    }
    if (check.accepted.length) {
      const details = el("details", "health-accepted");
      details.open = true;
      details.append(el("summary", "small", format(s.acceptedHead, { n: check.accepted.length })));
      const list = el("ul", "health-accepted-list");
      for (const item of check.accepted) list.append(acceptedRow(item));
      details.append(list);
      card.append(details);
    }
    return card;
  };

  const draw = () => {
    if (!body?.isConnected || !data) return;
    const focusKey = document.activeElement?.closest?.(".health-item")?.dataset.key;
    const scroll = body.scrollTop;
    body.replaceChildren();
    const counts = { fail: 0, warn: 0, ok: 0, na: 0 };
    for (const check of data.checks) counts[groupOf(check)] += 1;
    const top = el("div", `health-summary tone-${scoreTone(data.score)}`);
    const words = el("div", "health-summary-words");
    const verdict = { good: s.verdictGood, fair: s.verdictFair, poor: s.verdictPoor }[scoreTone(data.score)];
    words.append(el("p", "health-verdict", verdict));
    words.append(el("p", "health-tally small muted", format(s.summary, { fail: counts.fail, warn: counts.warn, ok: counts.ok })));
    top.append(ring(data.score, s), words);
    body.append(top, el("p", "small muted health-intro", s.intro));
    if (status) body.append(status);
    for (const [group, label] of GROUPS) {
      const checks = data.checks.filter((check) => groupOf(check) === group);
      if (!checks.length) continue;
      const folded = group === "ok" || group === "na";
      const section = el(folded ? "details" : "div", `health-group is-${group}`);
      if (folded) {
        // Accepted findings sit among the fine ones: shown, so they can be read and undone.
        section.open = openGroups.has(group) || checks.some((check) => check.accepted.length);
        section.addEventListener("toggle", () => {
          if (section.open) openGroups.add(group); else openGroups.delete(group);
        });
      }
      const heading = el(folded ? "summary" : "h2", "health-group-title", `${s[label]} · ${checks.length}`);
      section.append(heading);
      for (const check of checks) section.append(checkCard(check));
      body.append(section);
    }
    body.scrollTop = scroll;
    if (focusKey) body.querySelector(`.health-item[data-key="${CSS.escape(focusKey)}"] button`)?.focus();
  };

  const reload = async () => {
    try {
      data = await load();
      if (status) status.textContent = "";
      draw();
    } catch {
      if (status) status.textContent = s.loadFailed;
    }
  };

  return {
    kicker: s.health,
    build(node) {
      body = node;
      body.classList.add("health-panel");
      status = el("p", "small health-status");
      status.setAttribute("role", "status");
      body.append(el("p", "small muted health-loading", s.loading), status);
      reload();
    },
    // The map changed: the editor refetches (debounced) and hands the result here.
    show(next) {
      data = next;
      // Typing a reason is not interrupted by someone else's edit.
      if (!openForm) draw();
    },
    reload,
  };
}
