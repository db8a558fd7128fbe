// Review in the editor: the toolbar's Review button (marked when the review is
// due) and the Review panel: owner, interval, last review, next due date, and
// "Mark as reviewed" with an optional note for owners and editors. Owner and
// interval are saved as soon as they change (PATCH on the map); marking reviewed
// saves a version (POST .../review/). Opened at once from a reminder's link
// (/maps/<id>/?review=1). User text only goes through textContent / value.

import { format } from "../grid/model.js";
import { csrfToken } from "../ui/csrf.js";
import { el } from "../ui/dom.js";

async function api(url, { method = "GET", body } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const field = data?.fields && Object.values(data.fields)[0]?.[0];
    throw new Error(field || data?.message || String(response.status));
  }
  return data;
}

const DAY_MS = 24 * 3600 * 1000;

export function installReview(ctx) {
  const data = document.getElementById("review-settings");
  const button = document.getElementById("review-button");
  if (!data || !button) return { attach() {} };
  const settings = JSON.parse(data.textContent);
  const s = settings.strings;
  const { panel, toasts, config } = ctx;
  const lang = config.uiLanguage || "en";
  const longDate = new Intl.DateTimeFormat(lang, { dateStyle: "long" });
  const date = (iso) => longDate.format(new Date(iso));
  let state = settings.state;
  let view = null;
  let draft = ""; // the note being written: kept when the panel redraws for someone else's change

  const isDue = () => new Date(state.review_due_at).getTime() <= Date.now();

  function drawButton() {
    const due = isDue();
    button.classList.toggle("is-due", due);
    button.querySelector(".review-due-chip").hidden = !due;
    button.title = due ? format(s.dueSince, { date: date(state.review_due_at) })
      : format(s.dueOn, { date: date(state.review_due_at) });
  }

  function dueLine() {
    const box = el("div", "review-due");
    const due = new Date(state.review_due_at);
    const late = Date.now() - due.getTime();
    box.classList.toggle("is-due", late >= 0);
    box.append(el("p", "review-due-label", s.nextReview));
    const text = late < 0 ? format(s.dueOn, { date: date(state.review_due_at) })
      : late < DAY_MS && due.toDateString() === new Date().toDateString() ? s.dueToday
        : format(s.dueSince, { date: date(state.review_due_at) });
    const value = el("p", "review-due-date", text);
    value.id = "review-due-date";
    box.append(value);
    return box;
  }

  function fact(label, content, id) {
    const row = el("div", "review-fact");
    const name = el("label", "review-fact-label", label);
    if (id) name.htmlFor = id;
    row.append(name, content);
    return row;
  }

  async function save(fields, control) {
    control.disabled = true;
    try {
      const answer = await api(settings.mapUrl, { method: "PATCH", body: fields });
      state = { ...state, ...pick(answer) };
      toasts.show(s.saved);
    } catch (error) {
      toasts.show(format(s.failed, { message: error.message }), { kind: "error", timeout: 7000 });
    } finally {
      control.disabled = false;
      view?.redraw();
      drawButton();
    }
  }

  function ownerControl() {
    if (!settings.canWrite) return el("span", "review-fact-value", state.owner_name || s.noOwner);
    const select = el("select", "review-owner");
    select.id = "review-owner";
    const nobody = el("option", "", s.noOwner);
    nobody.value = "";
    select.append(nobody);
    const people = [...settings.owners];
    // An owner who is no longer an editor still shows as who owns it now.
    if (state.owner && !people.some((p) => p.id === state.owner)) people.push({ id: state.owner, name: state.owner_name });
    for (const person of people) {
      const option = el("option", "", person.name);
      option.value = String(person.id);
      select.append(option);
    }
    select.value = state.owner ? String(state.owner) : "";
    select.addEventListener("change", () => save({ owner: select.value ? Number(select.value) : null }, select));
    return select;
  }

  function intervalControl() {
    const label = settings.intervals.find((i) => i.value === state.review_every_months)?.label || "";
    if (!settings.canWrite) return el("span", "review-fact-value", label);
    const select = el("select", "review-interval");
    select.id = "review-interval";
    for (const interval of settings.intervals) {
      const option = el("option", "", interval.label);
      option.value = String(interval.value);
      select.append(option);
    }
    select.value = String(state.review_every_months);
    select.addEventListener("change", () => save({ review_every_months: Number(select.value) }, select));
    return select;
  }

  function lastReview() {
    const value = el("span", "review-fact-value", state.reviewed_at
      ? format(s.reviewedBy, { date: date(state.reviewed_at), name: state.reviewed_by_name || "—" }) : s.never);
    value.id = "review-last";
    return value;
  }

  function markForm() {
    const form = el("form", "review-form");
    if (!settings.canWrite) {
      form.append(el("p", "muted small", s.readOnly));
      return form;
    }
    const label = el("label", "review-note-label", `${s.note} `);
    label.htmlFor = "review-note";
    label.append(el("span", "muted small", `(${s.optional})`));
    const note = el("textarea", "review-note");
    note.id = "review-note";
    note.rows = 3;
    note.maxLength = 5000;
    note.placeholder = s.notePlaceholder;
    note.value = draft;
    note.addEventListener("input", () => { draft = note.value; });
    const submit = el("button", "btn btn-primary review-mark", s.mark);
    submit.type = "submit";
    submit.id = "review-mark";
    form.append(label, note, el("p", "muted small review-hint", s.markHint), submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      submit.textContent = s.marking;
      try {
        const answer = await api(settings.reviewUrl, { method: "POST", body: { note: note.value } });
        state = {
          ...state, reviewed_at: answer.reviewed_at, reviewed_by: answer.reviewed_by.id,
          reviewed_by_name: answer.reviewed_by.name, review_due_at: answer.review_due_at,
        };
        draft = "";
        toasts.show(format(s.marked, { date: date(answer.review_due_at) }), { timeout: 6000 });
        ctx.onReviewed?.(answer);
        view?.redraw();
        drawButton();
      } catch (error) {
        toasts.show(format(s.failed, { message: error.message }), { kind: "error", timeout: 7000 });
        submit.disabled = false;
        submit.textContent = s.mark;
      }
    });
    return form;
  }

  function reviewView() {
    let body = null;
    const self = {
      kicker: s.review,
      build(host) {
        body = host;
        host.classList.add("review-panel");
        self.redraw();
      },
      redraw() {
        if (!body?.isConnected) return;
        body.replaceChildren(
          el("p", "review-intro muted small", s.intro),
          dueLine(),
          fact(s.owner, ownerControl(), settings.canWrite ? "review-owner" : null),
          el("p", "review-fact-hint muted small", s.ownerHint),
          fact(s.interval, intervalControl(), settings.canWrite ? "review-interval" : null),
          fact(s.lastReview, lastReview()),
          markForm(),
        );
      },
      refresh() {},
    };
    return self;
  }

  function open() {
    view = reviewView();
    panel.openView("review", view, { returnTo: button });
  }

  button.addEventListener("click", open);
  drawButton();
  if (new URLSearchParams(window.location.search).get("review") === "1") open();
  return {
    open,
    // Someone changed the owner, the interval or reviewed the map: show it at once
    // (the note being written survives the redraw).
    attach(sync) {
      sync.on("review", (frame) => {
        if (!frame.review) return;
        state = { ...state, ...frame.review };
        drawButton();
        view?.redraw();
      });
    },
  };
}

function pick(map) {
  const keys = ["owner", "owner_name", "review_every_months", "reviewed_at", "reviewed_by", "reviewed_by_name",
    "review_due_at"];
  return Object.fromEntries(keys.map((k) => [k, map[k]]));
}
