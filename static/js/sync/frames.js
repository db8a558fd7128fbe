// What the server sends a MapSync: the welcome (snapshot or missed batches),
// committed batches applied strictly in seq order (buffered across gaps, with a
// resync when a gap stays open), acks of our own batches, presence and other
// frames. Functions over the MapSync instance (map-sync.js), whose fields they share.

import { dropSocket } from "./connection.js";
import { applyOps, cloneDocument, recordDeletes, touchedItems } from "./document.js";

const GAP_WAIT_MS = 250;
// A gap still open after a resync is asked for again after 1 s, then 2, 4, 8 s:
// a server slow to answer is not asked every second by every client, which would
// only lengthen its queue. The back-off starts afresh once nothing is missing.
const RESYNC_FIRST_REPEAT_MS = 1000;
const RESYNC_MAX_REPEAT_MS = 8000;

/** How long to wait before asking again, after the resyncs already sent for this gap. */
export function resyncRepeatMs(resyncsSent) {
  return Math.min(RESYNC_MAX_REPEAT_MS, RESYNC_FIRST_REPEAT_MS * 2 ** Math.max(0, resyncsSent - 1));
}

export function onFrame(sync, frame) {
  if (frame.type === "welcome") {
    onWelcome(sync, frame);
    return;
  }
  if (!sync._welcomed && (frame.type === "ops" || frame.type === "ack" || frame.type === "heartbeat")) {
    sync._early.push(frame);
    return;
  }
  switch (frame.type) {
    case "ops":
      onOps(sync, frame);
      break;
    case "ack":
      onAck(sync, frame);
      break;
    case "heartbeat":
      if (typeof frame.seq === "number" && frame.seq > sync._lastSeq) resync(sync);
      break;
    case "presence":
      if (sync._roster.applyFrame(frame)) sync._emitPresence();
      break;
    case "export":
      sync._emit("export", frame);
      break;
    case "workspace":
      sync._emit("workspace", frame);
      break;
    case "comment":
      // Not numbered (comments are not map content): handed on as they come.
      sync._emit("comment", frame);
      break;
    case "review":
      // The map's owner, interval or last review (not map content).
      sync._emit("review", frame);
      break;
    case "health":
      // A finding accepted or counted again (not map content): panels read the health again.
      sync._emit("health", frame);
      break;
    case "session":
      // Workshop sessions (timer, votes, follow me, present): not map content, handed
      // on as they come. "workshop", as "session" already names a lost sign-in.
      sync._emit("workshop", frame);
      break;
    case "error":
      sync._emit("error", frame);
      // Our hello failed on the server (a welcome too big to send, a database
      // hiccup): no welcome will come on this socket, so try another at once
      // rather than wait out the watchdog.
      if (!sync._welcomed && frame.code === "server_error") dropSocket(sync);
      break;
    default:
      break;
  }
}

function onWelcome(sync, frame) {
  const first = !sync._welcomed;
  if (frame.role) sync._role = frame.role;
  const items = [];
  let full = false;
  if (frame.snapshot) {
    sync._confirmed = cloneDocument(frame.snapshot);
    sync._lastSeq = frame.seq;
    if (sync._confirmed.map) sync._confirmed.map.seq = frame.seq;
    sync._graveyard.clear();
    full = true;
    for (const seq of Array.from(sync._buffer.keys())) if (seq <= sync._lastSeq) sync._buffer.delete(seq);
    sync._queue.dropConfirmed(sync._lastSeq);
  } else if (Array.isArray(frame.ops)) {
    for (const batch of frame.ops) {
      if (typeof batch.seq === "number" && batch.seq > sync._lastSeq) sync._buffer.set(batch.seq, batch);
    }
  }
  sync._welcomed = true;
  sync._failures = 0;
  sync._everOnline = true;
  sync.backoff.reset();
  if (Array.isArray(frame.presence)) {
    sync._roster.reset(frame.presence);
    sync._emitPresence();
  }
  sync._setStatus(sync.isOnline() ? "online" : "offline");
  const early = sync._early;
  sync._early = [];
  for (const f of early) if (f.type === "ops" && f.seq > sync._lastSeq) sync._buffer.set(f.seq, f);
  items.push(...drain(sync, false));
  if (full) sync._changed({ full: true, items: [] });
  else if (items.length) sync._changed({ full: false, items });
  for (const f of early) {
    if (f.type === "ack") onAck(sync, f);
    else if (f.type === "heartbeat" && f.seq > sync._lastSeq) resync(sync);
  }
  if (first) {
    sync._queue.requeueAll();
    pump(sync);
    sync._presenceSentAt = -Infinity;
    sync._flushPresence();
  }
  sync._emitStatus();
  // The workshop session as it is now (after a reconnect too).
  if ("session" in frame) {
    sync._emit("workshop", { type: "session", event: "state", session: frame.session, server_time: frame.server_time });
  }
}

function onOps(sync, frame) {
  if (typeof frame.seq !== "number" || frame.seq <= sync._lastSeq) return;
  sync._buffer.set(frame.seq, frame);
  const items = drain(sync, true);
  if (items.length) sync._changed({ full: sync._lastFull, items });
}

/** Apply buffered batches while the next seq is there; returns touched items. */
function drain(sync, live) {
  const items = [];
  sync._lastFull = false;
  let applied = false;
  while (sync._buffer.has(sync._lastSeq + 1)) {
    const batch = sync._buffer.get(sync._lastSeq + 1);
    sync._buffer.delete(sync._lastSeq + 1);
    applyCommitted(sync, batch, live);
    applied = true;
    const ops = batch.ops || [];
    items.push(...touchedItems(ops));
    if (ops.some((op) => op.op === "restore")) sync._lastFull = true;
  }
  for (const seq of Array.from(sync._buffer.keys())) if (seq <= sync._lastSeq) sync._buffer.delete(seq);
  if (gapOpen(sync)) {
    if (sync._timers.gap === null) {
      sync._timers.gap = sync.setTimeout(() => onGapTimeout(sync), GAP_WAIT_MS);
    }
  } else {
    sync._clear("gap");
    sync._resyncsSent = 0;
  }
  if (applied) {
    pump(sync);
    sync._emitStatus();
  }
  return items;
}

function applyCommitted(sync, batch, live) {
  const ops = batch.ops || [];
  recordDeletes(sync._confirmed, ops, sync._graveyard);
  applyOps(sync._confirmed, ops, batch.seq);
  sync._lastSeq = batch.seq;
  const own = batch.batch_id ? sync._queue.remove(batch.batch_id) : null;
  // Every committed batch, ours too (what lives beside the document, such as
  // comments that hide with a deleted item, follows restores from here).
  if (live) sync._emit("committed", { seq: batch.seq, ops });
  if (own) {
    cancelRetry(sync, own.batchId);
  } else if (live && !(batch.batch_id || "").startsWith(`${sync.clientId}:`)) {
    sync._emit("remote", { seq: batch.seq, actor: batch.actor || null, ops });
  }
  sync._queue.dropConfirmed(sync._lastSeq);
}

/** Is some committed batch known to exist that we have not applied? */
function gapOpen(sync) {
  if (sync._buffer.size > 0) return true;
  return sync._queue.batches.some((b) => b.state === "acked" && b.ackSeq !== null && b.ackSeq > sync._lastSeq);
}

function onGapTimeout(sync) {
  sync._timers.gap = null;
  if (!gapOpen(sync)) return;
  resync(sync, true);
  // Still open later (the answer is slow, or got lost)? Ask again, backing off.
  sync._timers.gap = sync.setTimeout(() => onGapTimeout(sync), resyncRepeatMs(sync._resyncsSent));
}

function resync(sync, force = false) {
  if (!sync._welcomed) return;
  const at = sync.now();
  // A heartbeat ahead of us asks too, but not sooner than the back-off would.
  const waited = at - sync._lastResync.at;
  if (!force && sync._lastResync.seq === sync._lastSeq && waited < resyncRepeatMs(sync._resyncsSent)) return;
  if (sync._send({ type: "resync", from_seq: sync._lastSeq })) {
    sync._lastResync = { seq: sync._lastSeq, at };
    sync._resyncsSent += 1;
  }
}

function onAck(sync, frame) {
  const batch = sync._queue.get(frame.batch_id);
  if (!batch) {
    pump(sync);
    return;
  }
  if (frame.status === "ok" || frame.status === "rebased") {
    batch.state = "acked";
    batch.ackSeq = typeof frame.seq === "number" ? frame.seq : null;
    if (Array.isArray(frame.ops) && frame.ops.length) batch.canonical = frame.ops;
    if (batch.ackSeq !== null && batch.ackSeq <= sync._lastSeq) {
      // Its ops frame came first (or a resend got the stored ack).
      sync._queue.remove(batch.batchId);
      sync._changed(sync._touched(batch.ops));
    } else if (frame.status === "rebased") {
      sync._changed(sync._touched(batch.ops));
    }
    if (batch.ackSeq !== null && batch.ackSeq > sync._lastSeq && sync._timers.gap === null) {
      // Our commit is known to exist; if its ops frame never comes, resync.
      sync._timers.gap = sync.setTimeout(() => onGapTimeout(sync), GAP_WAIT_MS);
    }
  } else if (frame.status === "rejected") {
    sync._queue.remove(batch.batchId);
    cancelRetry(sync, batch.batchId);
    sync._changed(sync._touched(batch.ops));
    sync._emit("rejected", { batchId: batch.batchId, ops: batch.ops, error: frame.error || null });
  } else if (frame.status === "retry") {
    batch.state = "waiting";
    cancelRetry(sync, batch.batchId);
    const wait = typeof frame.retry_after_ms === "number" ? frame.retry_after_ms : 1000;
    sync._retryTimers.set(
      batch.batchId,
      sync.setTimeout(() => {
        sync._retryTimers.delete(batch.batchId);
        if (batch.state === "waiting") batch.state = "queued";
        pump(sync);
      }, wait),
    );
  }
  pump(sync);
  sync._emitStatus();
}

function cancelRetry(sync, batchId) {
  const id = sync._retryTimers.get(batchId);
  if (id !== undefined) {
    sync.clearTimeout(id);
    sync._retryTimers.delete(batchId);
  }
}

export function pump(sync) {
  if (!sync._welcomed || !sync._ws) return;
  for (const batch of sync._queue.sendable(sync.maxInFlight)) {
    if (!sync._send({ type: "push", batch_id: batch.batchId, ops: batch.ops })) return;
    batch.state = "inflight";
  }
}

