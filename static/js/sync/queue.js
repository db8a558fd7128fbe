// Pending batches: the user's edits that the server has not confirmed yet.
//
// A batch goes open (collecting pushes for up to batchDelayMs) -> queued ->
// inflight (sent) -> acked (committed, waiting for its `ops` frame) and leaves
// the queue when its `ops` frame arrives or it is rejected. `waiting` is a
// batch told to retry later; it holds back the batches behind it so the server
// still sees the user's edits in the order they were made.

export const MAX_OPS_PER_BATCH = 500;

export class PendingQueue {
  constructor({ clientId, maxOps = MAX_OPS_PER_BATCH }) {
    this.clientId = clientId;
    this.maxOps = maxOps;
    this.batches = [];
    this.counter = 0;
  }

  get size() {
    return this.batches.length;
  }

  get opCount() {
    return this.batches.reduce((n, b) => n + b.ops.length, 0);
  }

  /** Add ops to the open batch (or a new one) and return that batch. */
  add(ops) {
    const last = this.batches[this.batches.length - 1];
    if (last && last.state === "open" && last.ops.length + ops.length <= this.maxOps) {
      last.ops.push(...ops);
      return last;
    }
    if (last && last.state === "open") last.state = "queued";
    this.counter += 1;
    const batch = { batchId: `${this.clientId}:${this.counter}`, ops: [...ops], state: "open", canonical: null, ackSeq: null };
    this.batches.push(batch);
    return batch;
  }

  closeOpen() {
    for (const batch of this.batches) if (batch.state === "open") batch.state = "queued";
  }

  get(batchId) {
    return this.batches.find((b) => b.batchId === batchId) || null;
  }

  remove(batchId) {
    const i = this.batches.findIndex((b) => b.batchId === batchId);
    if (i < 0) return null;
    return this.batches.splice(i, 1)[0];
  }

  /** Batches to send now, in order, keeping at most maxInFlight unanswered. */
  sendable(maxInFlight) {
    let inFlight = this.batches.filter((b) => b.state === "inflight").length;
    const out = [];
    for (const batch of this.batches) {
      if (batch.state === "waiting" || batch.state === "open") break;
      if (batch.state !== "queued") continue;
      if (inFlight >= maxInFlight) break;
      out.push(batch);
      inFlight += 1;
    }
    return out;
  }

  /** After a reconnect everything not yet confirmed is sent again (same ids). */
  requeueAll() {
    for (const batch of this.batches) if (batch.state !== "open") batch.state = "queued";
  }

  /** Drop batches whose commit the confirmed document already holds. */
  dropConfirmed(lastSeq) {
    const gone = this.batches.filter((b) => b.ackSeq !== null && b.ackSeq <= lastSeq);
    this.batches = this.batches.filter((b) => !gone.includes(b));
    return gone;
  }
}
