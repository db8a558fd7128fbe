// Who else is on the map and where: kept from `welcome.presence` and
// `presence` frames (one change, or a coalesced list of `changes`).

export const PRESENCE_TTL_MS = 30000;

export class PresenceRoster {
  constructor({ now, ownClientId = null, ttlMs = PRESENCE_TTL_MS }) {
    this.now = now;
    this.ownClientId = ownClientId;
    this.ttlMs = ttlMs;
    this.entries = new Map(); // client_id -> {user, focus, cursor, seenAt}
  }

  reset(list) {
    this.entries.clear();
    for (const change of list || []) this.applyChange(change);
  }

  /** Apply a presence frame; returns true when the roster changed. */
  applyFrame(frame) {
    const changes = Array.isArray(frame.changes) ? frame.changes : [frame];
    let changed = false;
    for (const change of changes) changed = this.applyChange(change) || changed;
    return changed;
  }

  applyChange(change) {
    if (!change || !change.client_id || change.client_id === this.ownClientId) return false;
    if (change.left) return this.entries.delete(change.client_id);
    this.entries.set(change.client_id, {
      user: change.user ?? null,
      focus: change.focus ?? null,
      cursor: change.cursor ?? null,
      seenAt: this.now(),
    });
    return true;
  }

  /** Forget clients not heard from for ttlMs; returns true when some left. */
  expire() {
    const limit = this.now() - this.ttlMs;
    let changed = false;
    for (const [id, entry] of this.entries) {
      if (entry.seenAt <= limit) {
        this.entries.delete(id);
        changed = true;
      }
    }
    return changed;
  }

  /** The roster as the UI sees it: Map client_id -> {user, focus, cursor}. */
  snapshot() {
    const out = new Map();
    for (const [id, { user, focus, cursor }] of this.entries) out.set(id, { user, focus, cursor });
    return out;
  }
}
