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
//
// This class holds the state, the public API, events, presence and timers;
// connection.js opens the socket, reconnects and watches it, and frames.js
// handles what the server sends (welcome, ops in seq order, acks, gaps).

import { Backoff } from "./backoff.js";
import { connect, onSocketClosed } from "./connection.js";
import { applyPendingOps, cloneDocument, emptyDocument, shareDocument, touchedItems } from "./document.js";
import { pump } from "./frames.js";
import { PresenceRoster } from "./presence.js";
import { PendingQueue } from "./queue.js";

const OPEN = 1;
const PRESENCE_INTERVAL_MS = 100;
const PRESENCE_SWEEP_MS = 5000;

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
    this._resyncsSent = 0; // for the gap open now: sets the back-off (frames.js)
    this._presenceWanted = null;
    this._presenceSentAt = -Infinity;
    this._roster = new PresenceRoster({ now: this.now, ownClientId: this.clientId });

    this._onOnline = () => {
      if (this._timers.reconnect !== null && !this._closed) {
        this._clear("reconnect");
        connect(this);
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
      onSocketClosed(this, { code: 1006 });
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
    connect(this);
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
        pump(this);
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

  /** A workshop session frame ({type: "session", action, ...fields}); false when offline. */
  sendSession(action, fields = {}) {
    if (!this._welcomed) return false;
    return this._send({ ...fields, type: "session", action });
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

  _send(frame) {
    const ws = this._ws;
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
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
