// The map's comment threads as this page knows them: listed over REST, kept up to
// date by the socket's `comment` frames, listed again after a reconnect or after a
// batch that deletes or restores something (a thread hides with its anchor).

import { find } from "../grid/model.js";

export function anchorKey(anchor) {
  if (!anchor || anchor.type === "map") return "map";
  if (anchor.type === "cell") return `cell:${anchor.stage}:${anchor.lane}`;
  return `${anchor.type}:${anchor.id}`;
}

// Whether the thing a thread hangs on is on the map as shown (so a delete hides its
// threads at once, before the server is asked again).
export function anchorLive(doc, anchor) {
  if (!anchor || anchor.type === "map") return true;
  if (anchor.type === "cell") return Boolean(find(doc, "stage", anchor.stage) && find(doc, "lane", anchor.lane));
  return Boolean(find(doc, anchor.type, anchor.id));
}

export class CommentStore {
  constructor({ mapId, userId }) {
    this.mapId = mapId;
    this.userId = userId;
    this.byId = new Map(); // comment id -> comment
    this.listeners = new Set();
    this.loaded = false;
  }

  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    for (const listener of this.listeners) listener();
  }

  url(suffix = "") {
    return `/api/v1/maps/${this.mapId}/comments/${suffix}`;
  }

  async request(method, suffix, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1];
    if (csrf && method !== "GET") headers["X-CSRFToken"] = decodeURIComponent(csrf);
    const response = await fetch(this.url(suffix), {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Error(data?.message || String(response.status));
      error.code = data?.code;
      throw error;
    }
    return data;
  }

  async load() {
    const list = await this.request("GET", "");
    this.byId = new Map(list.map((c) => [c.id, c]));
    this.loaded = true;
    this.changed();
  }

  // A `comment` frame (or our own answer, which may arrive before or after it).
  apply(event, comment) {
    const known = this.byId.get(comment.id);
    // The list's per-person "unread" is not in frames: keep what we knew, and a new
    // comment by someone else makes its thread unread.
    const merged = { ...comment, unread: known?.unread };
    this.byId.set(comment.id, merged);
    const threadId = comment.parent || comment.id;
    const thread = this.byId.get(threadId);
    if (event === "created" && !known) {
      if (comment.parent && thread) {
        thread.replies_count = (thread.replies_count || 0) + 1;
        thread.last_activity_at = comment.created_at;
      }
      if (thread && comment.author?.id !== this.userId) thread.unread = true;
      if (thread && comment.author?.id === this.userId) thread.unread = false;
    }
    if (event === "deleted" && known && !known.deleted && comment.parent && thread) {
      thread.replies_count = Math.max(0, (thread.replies_count || 1) - 1);
    }
    if (event === "updated" && !comment.parent) {
      // A thread's status is its replies' status too.
      for (const reply of this.byId.values()) if (reply.parent === comment.id) reply.status = comment.status;
    }
    this.changed();
  }

  // Threads (first comment + replies), oldest first; a deleted first comment stays as
  // a placeholder only while it heads replies; threads on deleted things are left out.
  threads(doc) {
    const replies = new Map();
    for (const c of this.byId.values()) {
      if (!c.parent || c.deleted) continue;
      if (!replies.has(c.parent)) replies.set(c.parent, []);
      replies.get(c.parent).push(c);
    }
    const out = [];
    for (const root of this.byId.values()) {
      if (root.parent) continue;
      const own = (replies.get(root.id) || []).sort((a, b) => a.created_at.localeCompare(b.created_at));
      if (root.deleted && !own.length) continue;
      if (!anchorLive(doc, root.anchor)) continue;
      out.push({ root, replies: own });
    }
    return out.sort((a, b) => a.root.created_at.localeCompare(b.root.created_at));
  }

  // Open threads per anchor key, and whether any of them is unread.
  counts(doc) {
    const counts = new Map();
    for (const { root } of this.threads(doc)) {
      if (root.status !== "open") continue;
      const key = anchorKey(root.anchor);
      const entry = counts.get(key) || { open: 0, unread: false, anchor: root.anchor };
      entry.open += 1;
      entry.unread ||= Boolean(root.unread);
      counts.set(key, entry);
    }
    return counts;
  }

  create(body) { return this.request("POST", "", body).then((c) => { this.apply("created", c); return c; }); }

  update(id, fields) { return this.request("PATCH", `${id}/`, fields).then((c) => { this.apply("updated", c); return c; }); }

  async remove(id) {
    await this.request("DELETE", `${id}/`);
    const known = this.byId.get(id);
    if (known) this.apply("deleted", { ...known, deleted: true, body: "", mentions: [], mentioned: [] });
  }

  markRead(threadId) {
    const thread = this.byId.get(threadId);
    if (!thread || !thread.unread) return;
    thread.unread = false;
    this.request("POST", `${threadId}/read/`).catch(() => {});
    this.changed();
  }
}
