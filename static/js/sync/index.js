// MapSync: one map's live connection (see "The realtime protocol" in the design).
//
// The server orders every write by a per-map `seq`. We keep the *confirmed*
// document (state at lastSeq, built only from `ops` frames in seq order) and the
// *pending* batches the server has not confirmed; what the user sees is
// confirmed + pending replayed on top, recomputed after every frame, ack and
// push. So a remote change to a field we also changed shows correctly once our
// batch settles, and a rejected batch simply disappears. Documents are
// copy-on-write (see document.js): the visible one shares the confirmed one's
// untouched arrays and items, so a frame costs what it touches, not the map.

import { Backoff } from "./backoff.js";
import {
  applyOps,
  applyPendingOps,
  cloneDocument,
  emptyDocument,
  recordDeletes,
  shareDocument,
  touchedItems,
} from "./document.js";
import { PresenceRoster } from "./presence.js";
import { PendingQueue } from "./queue.js";

export { applyOps, applyPendingOps, cloneDocument, emptyDocument, shareDocument } from "./document.js";

const OPEN = 1;
const GAP_WAIT_MS = 250;
const RESYNC_REPEAT_MS = 2000;
const PRESENCE_INTERVAL_MS = 100;
const PRESENCE_SWEEP_MS = 5000;
const OFFLINE_AFTER_FAILURES = 5;

function randomClientId(random) {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === "function") {
    return `c-${globalThis.crypto.randomUUID()}`;
  }
  return `c-${Math.floor(random() * 2 ** 52).toString(36)}${Date.now().toString(36)}`;
}

export class MapSync {
  constructor({
    url,
    getTicket = null,
    checkSession = null,
    clientId = null,
    batchDelayMs = 100,
    maxInFlight = 4,
    WebSocketImpl = globalThis.WebSocket,
    now = () => performance.now(),
    setTimeoutImpl = (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeoutImpl = (id) => globalThis.clearTimeout(id),
    random = Math.random,
    isOnline = () => !globalThis.navigator || globalThis.navigator.onLine !== false,
    eventTarget = globalThis.window || null,
    heartbeatTimeoutMs = 35000,
    backoff = null,
    snapshot = null,
  }) {
    this.url = url;
    this.getTicket = getTicket;
    this.checkSession = checkSession;
    this.clientId = clientId || randomClientId(random);
    this.batchDelayMs = batchDelayMs;
    this.maxInFlight = maxInFlight;
    this.WebSocketImpl = WebSocketImpl;
    this.now = now;
    this.setTimeout = setTimeoutImpl;
    this.clearTimeout = clearTimeoutImpl;
    this.isOnline = isOnline;
    this.eventTarget = eventTarget;
    this.heartbeatTimeoutMs = heartbeatTimeoutMs;
    this.backoff = backoff || new Backoff({ random });

    this._handlers = new Map();
    this._confirmed = snapshot ? cloneDocument(snapshot) : emptyDocument();
    this._lastSeq = snapshot ? snapshot.map.seq : null;
    this._visible = null; // cached confirmed + pending; null = recompute
    this._graveyard = new Map();
    this._queue = new PendingQueue({ clientId: this.clientId });
    this._buffer = new Map(); // seq -> committed batch waiting for the gap before it
    this._early = []; // frames received before this connection's welcome
    this._status = "connecting";
    this._lastStatusEmitted = null;
    this._role = null;
    this._ws = null;
    this._welcomed = false;
    this._started = false;
    this._closed = false;
    this._failures = 0;
    this._sessionLost = false;
    this._everOnline = false;
    this._lastFull = false;
    this._timers = { flush: null, gap: null, reconnect: null, presence: null, sweep: null, watchdog: null };
    this._retryTimers = new Map();
    this._lastResync = { seq: null, at: -Infinity };
    this._presenceWanted = null;
    this._presenceSentAt = -Infinity;
    this._roster = new PresenceRoster({ now: this.now, ownClientId: this.clientId });

    this._onOnline = () => {
      if (this._timers.reconnect !== null && !this._closed) {
        this._clear("reconnect");
        this._connect();
      }
    };
    this._onOffline = () => {
      // A socket open when the browser goes offline may linger half-dead (and never
      // closes under emulated offline); drop it so edits queue as unsent and the
      // "online" event reconnects, resending them.
      const ws = this._ws;
      if (!ws || this._closed) {
        this._setStatus("offline");
        return;
      }
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch {
        // already closing
      }
      this._onSocketClosed({ code: 1006 });
    };
  }

  // -- public API -------------------------------------------------------------------

  start() {
    if (this._started) return;
    this._started = true;
    this._closed = false;
    if (this.eventTarget && this.eventTarget.addEventListener) {
      this.eventTarget.addEventListener("online", this._onOnline);
      this.eventTarget.addEventListener("offline", this._onOffline);
    }
    this._connect();
  }

  close() {
    this._closed = true;
    this._started = false;
    for (const name of Object.keys(this._timers)) this._clear(name);
    for (const id of this._retryTimers.values()) this.clearTimeout(id);
    this._retryTimers.clear();
    if (this.eventTarget && this.eventTarget.removeEventListener) {
      this.eventTarget.removeEventListener("online", this._onOnline);
      this.eventTarget.removeEventListener("offline", this._onOffline);
    }
    const ws = this._ws;
    this._ws = null;
    this._welcomed = false;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
  }

  /** The visible document (read-only: it is replaced, not edited, on changes). */
  get doc() {
    if (this._visible === null) {
      if (this._queue.size === 0) {
        this._visible = shareDocument(this._confirmed);
      } else {
        const doc = shareDocument(this._confirmed);
        const graveyard = new Map(this._graveyard);
        for (const batch of this._queue.batches) applyPendingOps(doc, batch.canonical || batch.ops, graveyard);
        this._visible = doc;
      }
    }
    return this._visible;
  }

  get confirmed() {
    return this._confirmed;
  }

  get lastSeq() {
    return this._lastSeq;
  }

  get pendingCount() {
    return this._queue.opCount;
  }

  get status() {
    return this._status;
  }

  get role() {
    return this._role;
  }

  /** Queue one user action's ops; they leave within batchDelayMs. Returns the batch_id. */
  push(ops) {
    if (!Array.isArray(ops) || ops.length === 0) throw new TypeError("push needs a non-empty list of ops");
    const batch = this._queue.add(ops.map((op) => JSON.parse(JSON.stringify(op))));
    if (this._timers.flush === null) {
      this._timers.flush = this.setTimeout(() => {
        this._timers.flush = null;
        this._queue.closeOpen();
        this._pump();
      }, this.batchDelayMs);
    }
    this._changed(this._touched(ops));
    this._emitStatus();
    return batch.batchId;
  }

  /** Where this user is; sent at most every 100 ms (the latest value wins). */
  setPresence(focus, cursor) {
    this._presenceWanted = { focus: focus ?? null, cursor: cursor ?? null };
    this._flushPresence();
  }

  on(event, handler) {
    if (!this._handlers.has(event)) this._handlers.set(event, new Set());
    this._handlers.get(event).add(handler);
    return () => this._handlers.get(event)?.delete(handler);
  }

  // -- events -----------------------------------------------------------------------

  _emit(event, payload) {
    for (const handler of Array.from(this._handlers.get(event) || [])) {
      try {
        handler(payload);
      } catch (err) {
        // One broken listener must not stop the sync.
        console.error(`MapSync "${event}" handler failed`, err);
      }
    }
  }

  _setStatus(status) {
    this._status = status;
    this._emitStatus();
  }

  _emitStatus() {
    const key = `${this._status}/${this.pendingCount}`;
    if (key === this._lastStatusEmitted) return;
    this._lastStatusEmitted = key;
    this._emit("status", { status: this._status, pending: this.pendingCount });
  }

  _changed(changed) {
    this._visible = null;
    this._emit("change", { doc: this.doc, changed });
  }

  _touched(ops) {
    // Deleting (or restoring) a container or persona link also hides (or shows)
    // children that client ops do not list: let the UI redraw everything.
    const parents = new Set(["phase", "stage", "lane", "persona_link"]);
    const full = ops.some((op) => (op.op === "delete" || op.op === "restore") && parents.has(op.entity));
    return { full, items: touchedItems(ops) };
  }

  // -- timers -----------------------------------------------------------------------

  _clear(name) {
    if (this._timers[name] !== null) {
      this.clearTimeout(this._timers[name]);
      this._timers[name] = null;
    }
  }

  // -- connection -------------------------------------------------------------------

  async _connect() {
    if (this._closed || this._sessionLost) return;
    if (this._status !== "offline") this._setStatus(this._everOnline ? "reconnecting" : "connecting");
    let url = this.url;
    try {
      if (this.getTicket) {
        const ticket = await this.getTicket();
        url += (url.includes("?") ? "&" : "?") + "ticket=" + encodeURIComponent(ticket);
      } else if (this.checkSession && this._everOnline) {
        const ok = await this.checkSession();
        if (ok === false) {
          this._loseSession();
          return;
        }
      }
    } catch {
      if (!this._closed) this._failed();
      return;
    }
    if (this._closed) return;
    let ws;
    try {
      ws = new this.WebSocketImpl(url);
    } catch {
      this._failed();
      return;
    }
    this._ws = ws;
    this._welcomed = false;
    this._early = [];
    ws.onopen = () => {
      if (ws !== this._ws) return;
      this._send({ type: "hello", client_id: this.clientId, last_seq: this._lastSeq });
      this._armWatchdog();
    };
    ws.onmessage = (event) => {
      if (ws !== this._ws) return;
      this._armWatchdog();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") this._onFrame(frame);
    };
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (ws !== this._ws) return;
      this._onSocketClosed(event || {});
    };
  }

  _loseSession() {
    this._sessionLost = true;
    this._setStatus("offline");
    this._emit("session", { reason: "expired" });
  }

  _onSocketClosed(event) {
    this._ws = null;
    this._welcomed = false;
    this._clear("watchdog");
    this._clear("presence");
    this._clear("gap");
    this._queue.requeueAll();
    for (const id of this._retryTimers.values()) this.clearTimeout(id);
    this._retryTimers.clear();
    if (this._closed) return;
    if (event.code === 4401 && !this.getTicket && !this.checkSession) {
      this._loseSession();
      return;
    }
    if (event.code === 4403 || event.code === 4404) {
      // No longer allowed on this map, or it is gone: retrying cannot help.
      this._closed = true;
      this._setStatus("offline");
      const code = event.code === 4403 ? "forbidden" : "not_found";
      this._emit("error", { type: "error", code, message: event.reason || code });
      return;
    }
    this._failed();
  }

  _failed() {
    this._failures += 1;
    const offline = !this.isOnline() || this._failures >= OFFLINE_AFTER_FAILURES;
    this._setStatus(offline ? "offline" : "reconnecting");
    const delay = this.backoff.next();
    this._clear("reconnect");
    this._timers.reconnect = this.setTimeout(() => {
      this._timers.reconnect = null;
      this._connect();
    }, delay);
  }

  _armWatchdog() {
    this._clear("watchdog");
    if (!this.heartbeatTimeoutMs) return;
    this._timers.watchdog = this.setTimeout(() => {
      // No frame (not even a heartbeat) for too long: the socket is dead.
      this._timers.watchdog = null;
      const ws = this._ws;
      if (!ws) return;
      this._ws = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(4000);
      } catch {
        // ignore
      }
      this._onSocketClosed({ code: 4000 });
    }, this.heartbeatTimeoutMs);
  }

  _send(frame) {
    const ws = this._ws;
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  // -- frames -----------------------------------------------------------------------

  _onFrame(frame) {
    if (frame.type === "welcome") {
      this._onWelcome(frame);
      return;
    }
    if (!this._welcomed && (frame.type === "ops" || frame.type === "ack" || frame.type === "heartbeat")) {
      this._early.push(frame);
      return;
    }
    switch (frame.type) {
      case "ops":
        this._onOps(frame);
        break;
      case "ack":
        this._onAck(frame);
        break;
      case "heartbeat":
        if (typeof frame.seq === "number" && frame.seq > this._lastSeq) this._resync();
        break;
      case "presence":
        if (this._roster.applyFrame(frame)) this._emitPresence();
        break;
      case "export":
        this._emit("export", frame);
        break;
      case "workspace":
        this._emit("workspace", frame);
        break;
      case "comment":
        // Not numbered (comments are not map content): handed on as they come.
        this._emit("comment", frame);
        break;
      case "error":
        this._emit("error", frame);
        break;
      default:
        break;
    }
  }

  _onWelcome(frame) {
    const first = !this._welcomed;
    if (frame.role) this._role = frame.role;
    const items = [];
    let full = false;
    if (frame.snapshot) {
      this._confirmed = cloneDocument(frame.snapshot);
      this._lastSeq = frame.seq;
      if (this._confirmed.map) this._confirmed.map.seq = frame.seq;
      this._graveyard.clear();
      full = true;
      for (const seq of Array.from(this._buffer.keys())) if (seq <= this._lastSeq) this._buffer.delete(seq);
      this._queue.dropConfirmed(this._lastSeq);
    } else if (Array.isArray(frame.ops)) {
      for (const batch of frame.ops) {
        if (typeof batch.seq === "number" && batch.seq > this._lastSeq) this._buffer.set(batch.seq, batch);
      }
    }
    this._welcomed = true;
    this._failures = 0;
    this._everOnline = true;
    this.backoff.reset();
    if (Array.isArray(frame.presence)) {
      this._roster.reset(frame.presence);
      this._emitPresence();
    }
    this._setStatus(this.isOnline() ? "online" : "offline");
    const early = this._early;
    this._early = [];
    for (const f of early) if (f.type === "ops" && f.seq > this._lastSeq) this._buffer.set(f.seq, f);
    items.push(...this._drain(false));
    if (full) this._changed({ full: true, items: [] });
    else if (items.length) this._changed({ full: false, items });
    for (const f of early) {
      if (f.type === "ack") this._onAck(f);
      else if (f.type === "heartbeat" && f.seq > this._lastSeq) this._resync();
    }
    if (first) {
      this._queue.requeueAll();
      this._pump();
      this._presenceSentAt = -Infinity;
      this._flushPresence();
    }
    this._emitStatus();
  }

  _onOps(frame) {
    if (typeof frame.seq !== "number" || frame.seq <= this._lastSeq) return;
    this._buffer.set(frame.seq, frame);
    const items = this._drain(true);
    if (items.length) this._changed({ full: this._lastFull, items });
  }

  /** Apply buffered batches while the next seq is there; returns touched items. */
  _drain(live) {
    const items = [];
    this._lastFull = false;
    let applied = false;
    while (this._buffer.has(this._lastSeq + 1)) {
      const batch = this._buffer.get(this._lastSeq + 1);
      this._buffer.delete(this._lastSeq + 1);
      this._applyCommitted(batch, live);
      applied = true;
      const ops = batch.ops || [];
      items.push(...touchedItems(ops));
      if (ops.some((op) => op.op === "restore")) this._lastFull = true;
    }
    for (const seq of Array.from(this._buffer.keys())) if (seq <= this._lastSeq) this._buffer.delete(seq);
    if (this._gapOpen()) {
      if (this._timers.gap === null) {
        this._timers.gap = this.setTimeout(() => this._onGapTimeout(), GAP_WAIT_MS);
      }
    } else {
      this._clear("gap");
    }
    if (applied) {
      this._pump();
      this._emitStatus();
    }
    return items;
  }

  _applyCommitted(batch, live) {
    const ops = batch.ops || [];
    recordDeletes(this._confirmed, ops, this._graveyard);
    applyOps(this._confirmed, ops, batch.seq);
    this._lastSeq = batch.seq;
    const own = batch.batch_id ? this._queue.remove(batch.batch_id) : null;
    // Every committed batch, ours too (what lives beside the document, such as
    // comments that hide with a deleted item, follows restores from here).
    if (live) this._emit("committed", { seq: batch.seq, ops });
    if (own) {
      this._cancelRetry(own.batchId);
    } else if (live && !(batch.batch_id || "").startsWith(`${this.clientId}:`)) {
      this._emit("remote", { seq: batch.seq, actor: batch.actor || null, ops });
    }
    this._queue.dropConfirmed(this._lastSeq);
  }

  /** Is some committed batch known to exist that we have not applied? */
  _gapOpen() {
    if (this._buffer.size > 0) return true;
    return this._queue.batches.some((b) => b.state === "acked" && b.ackSeq !== null && b.ackSeq > this._lastSeq);
  }

  _onGapTimeout() {
    this._timers.gap = null;
    if (!this._gapOpen()) return;
    this._resync(true);
    // Still open later (the resync reply got lost)? Ask again.
    this._timers.gap = this.setTimeout(() => this._onGapTimeout(), RESYNC_REPEAT_MS);
  }

  _resync(force = false) {
    if (!this._welcomed) return;
    const at = this.now();
    if (!force && this._lastResync.seq === this._lastSeq && at - this._lastResync.at < RESYNC_REPEAT_MS) return;
    if (this._send({ type: "resync", from_seq: this._lastSeq })) this._lastResync = { seq: this._lastSeq, at };
  }

  _onAck(frame) {
    const batch = this._queue.get(frame.batch_id);
    if (!batch) {
      this._pump();
      return;
    }
    if (frame.status === "ok" || frame.status === "rebased") {
      batch.state = "acked";
      batch.ackSeq = typeof frame.seq === "number" ? frame.seq : null;
      if (Array.isArray(frame.ops) && frame.ops.length) batch.canonical = frame.ops;
      if (batch.ackSeq !== null && batch.ackSeq <= this._lastSeq) {
        // Its ops frame came first (or a resend got the stored ack).
        this._queue.remove(batch.batchId);
        this._changed(this._touched(batch.ops));
      } else if (frame.status === "rebased") {
        this._changed(this._touched(batch.ops));
      }
      if (batch.ackSeq !== null && batch.ackSeq > this._lastSeq && this._timers.gap === null) {
        // Our commit is known to exist; if its ops frame never comes, resync.
        this._timers.gap = this.setTimeout(() => this._onGapTimeout(), GAP_WAIT_MS);
      }
    } else if (frame.status === "rejected") {
      this._queue.remove(batch.batchId);
      this._cancelRetry(batch.batchId);
      this._changed(this._touched(batch.ops));
      this._emit("rejected", { batchId: batch.batchId, ops: batch.ops, error: frame.error || null });
    } else if (frame.status === "retry") {
      batch.state = "waiting";
      this._cancelRetry(batch.batchId);
      const wait = typeof frame.retry_after_ms === "number" ? frame.retry_after_ms : 1000;
      this._retryTimers.set(
        batch.batchId,
        this.setTimeout(() => {
          this._retryTimers.delete(batch.batchId);
          if (batch.state === "waiting") batch.state = "queued";
          this._pump();
        }, wait),
      );
    }
    this._pump();
    this._emitStatus();
  }

  _cancelRetry(batchId) {
    const id = this._retryTimers.get(batchId);
    if (id !== undefined) {
      this.clearTimeout(id);
      this._retryTimers.delete(batchId);
    }
  }

  _pump() {
    if (!this._welcomed || !this._ws) return;
    for (const batch of this._queue.sendable(this.maxInFlight)) {
      if (!this._send({ type: "push", batch_id: batch.batchId, ops: batch.ops })) return;
      batch.state = "inflight";
    }
  }

  // -- presence ---------------------------------------------------------------------

  _flushPresence() {
    if (this._presenceWanted === null || this._timers.presence !== null) return;
    if (!this._welcomed) return; // sent after the welcome
    const wait = this._presenceSentAt + PRESENCE_INTERVAL_MS - this.now();
    if (wait > 0) {
      this._timers.presence = this.setTimeout(() => {
        this._timers.presence = null;
        this._flushPresence();
      }, wait);
      return;
    }
    const { focus, cursor } = this._presenceWanted;
    if (this._send({ type: "presence", focus, cursor })) {
      this._presenceWanted = null;
      this._presenceSentAt = this.now();
    }
  }

  _emitPresence() {
    this._emit("presence", { roster: this._roster.snapshot() });
    this._scheduleSweep();
  }

  _scheduleSweep() {
    this._clear("sweep");
    if (this._roster.entries.size === 0 || this._closed) return;
    this._timers.sweep = this.setTimeout(() => {
      this._timers.sweep = null;
      if (this._roster.expire()) this._emitPresence();
      else this._scheduleSweep();
    }, PRESENCE_SWEEP_MS);
  }
}
