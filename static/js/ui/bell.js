// The bell on every page: the unread count, a panel listing notifications with
// links to the comment, live through /ws/notifications/ ("notification" frames).
// Text from the server is set with textContent only, never parsed as HTML.

import { csrfToken } from "./csrf.js";

const bell = document.querySelector("[data-bell]");
if (bell) start(bell);

function start(root) {
  const button = root.querySelector(".bell-button");
  const panel = root.querySelector(".bell-panel");
  const list = root.querySelector("[data-bell-list]");
  const empty = root.querySelector("[data-bell-empty]");
  const badge = root.querySelector("[data-bell-count]");
  const live = root.querySelector("[data-bell-live]");
  const api = root.dataset.api;
  let items = null; // loaded on first open, then kept current by frames

  function setCount(count) {
    badge.textContent = String(count);
    badge.hidden = !count;
    button.setAttribute("aria-label", count
      ? root.dataset.labelUnread.replace("%(count)s", String(count))
      : root.dataset.labelNone);
    root.dataset.unread = String(count);
  }

  function render() {
    list.replaceChildren();
    for (const item of items || []) {
      const li = document.createElement("li");
      if (!item.read) li.className = "is-unread";
      const link = document.createElement("a");
      link.href = item.url;
      link.dataset.notification = item.id;
      const summary = document.createElement("span");
      summary.className = "notification-summary";
      summary.textContent = item.summary;
      link.append(summary);
      if (item.excerpt) {
        const excerpt = document.createElement("span");
        excerpt.className = "notification-excerpt";
        excerpt.textContent = item.excerpt;
        link.append(excerpt);
      }
      const time = document.createElement("time");
      time.className = "muted small";
      time.dateTime = item.created_at;
      time.textContent = new Date(item.created_at).toLocaleString(document.documentElement.lang || undefined,
        { dateStyle: "short", timeStyle: "short" });
      link.append(time);
      link.addEventListener("click", () => markRead({ ids: [item.id] }));
      li.append(link);
      list.append(li);
    }
    empty.textContent = root.dataset.labelEmpty;
    empty.hidden = Boolean(items && items.length);
  }

  async function load() {
    const response = await fetch(`${api}?limit=15`, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    items = body.notifications;
    setCount(body.unread);
    render();
  }

  function markRead(body) {
    // keepalive: the click also navigates away to the comment.
    return fetch(`${api}read/`, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then((r) => (r.ok ? r.json() : null)).then((answer) => {
      if (!answer) return;
      for (const item of items || []) if (body.all || body.ids.includes(item.id)) item.read = true;
      setCount(answer.unread);
      render();
    }).catch(() => {});
  }

  function open() {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    panel.querySelector("h2").focus();
    load();
  }

  function close(focusButton) {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focusButton) button.focus();
  }

  button.addEventListener("click", (event) => {
    event.preventDefault(); // without scripts the link opens the notifications page
    if (panel.hidden) open(); else close(false);
  });
  root.querySelector("[data-bell-all]").addEventListener("click", () => markRead({ all: true }));
  document.addEventListener("click", (event) => { if (!root.contains(event.target)) close(false); });
  root.addEventListener("keydown", (event) => { if (event.key === "Escape") close(true); });

  function onFrame(frame) {
    if (frame.type !== "notification") return;
    if (typeof frame.unread === "number") setCount(frame.unread);
    if (frame.event === "created" && frame.notification) {
      if (items) {
        items = [frame.notification, ...items.filter((i) => i.id !== frame.notification.id)];
        render();
      }
      live.textContent = `${root.dataset.labelNew} ${frame.notification.summary}`;
    } else if (frame.event === "read" && items && !panel.hidden) {
      load();
    }
  }

  let attempt = 0;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socket}`);
    socket.addEventListener("open", () => {
      // After a reconnect, frames may have been missed: list again if shown.
      if (attempt > 0 && items) load();
      attempt = 0;
    });
    socket.addEventListener("message", (event) => {
      try { onFrame(JSON.parse(event.data)); } catch { /* not ours */ }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4401 || event.code === 4403) return; // signed out or refused: stop
      attempt += 1;
      const delay = Math.min(30000, 500 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
      setTimeout(connect, delay);
    });
  }
  connect();
}
