import { MapSync } from "/static/js/sync/index.js";
import { FakeClock, fakeSocketClass, settle } from "./fakes.js";
import { assert, test } from "./runner.js";

const S1 = "00000000-0000-4000-8000-000000000011";
const L1 = "00000000-0000-4000-8000-000000000021";
const A = "00000000-0000-4000-8000-0000000000a1";
const B = "00000000-0000-4000-8000-0000000000b1";
const OTHER = { id: 2, name: "Sam", team: "Support" };

function snapshot(seq = 10) {
  return {
    map: { id: "m", title: "Delivery", seq },
    phases: [],
    stages: [{ id: S1, name: "Buy", phase: null, description: "", position: "a0", version: 1 }],
    lanes: [{ id: L1, title: "Actions", kind: "actions", prompt: "", position: "a0", version: 1 }],
    cards: [{ id: A, stage: S1, lane: L1, text: "hello", color: "", position: "a0", version: 1 }],
    touchpoints: [], moments: [], emotions: [], persona_links: [], personas: [], teams: [], channels: [],
  };
}

function textUpdate(id, text, version) {
  return { op: "update", entity: "card", id, fields: version ? { text, version } : { text } };
}

function opsFrame(seq, ops, batchId = `other:${seq}`) {
  return { type: "ops", seq, batch_id: batchId, actor: OTHER, ops };
}

/** A MapSync on fakes, connected and welcomed at seq 10 unless told otherwise. */
async function setup({ welcome = true, seq = 10, options = {} } = {}) {
  const clock = new FakeClock();
  const WS = fakeSocketClass();
  const events = { change: [], status: [], rejected: [], remote: [], presence: [], session: [], error: [] };
  const sync = new MapSync({
    url: "ws://test/ws/maps/m/",
    clientId: "me",
    WebSocketImpl: WS,
    now: clock.now,
    setTimeoutImpl: clock.setTimeout,
    clearTimeoutImpl: clock.clearTimeout,
    random: () => 1,
    eventTarget: null,
    isOnline: () => true,
    ...options,
  });
  for (const name of Object.keys(events)) sync.on(name, (payload) => events[name].push(payload));
  sync.start();
  await settle();
  const ws = WS.last();
  if (welcome) {
    ws.open();
    ws.receive({ type: "welcome", seq, role: "editor", snapshot: snapshot(seq), presence: [] });
  }
  return { sync, clock, WS, ws, events, cardText: (id = A) => sync.doc.cards.find((c) => c.id === id)?.text };
}

test("hello is the first frame and carries last_seq null on first load", async () => {
  const { ws, sync } = await setup({ welcome: false });
  ws.open();
  assert.deepEqual(ws.sent[0], { type: "hello", client_id: "me", last_seq: null });
  assert.equal(sync.status, "connecting");
  ws.receive({ type: "welcome", seq: 10, role: "viewer", snapshot: snapshot(10), presence: [] });
  assert.equal(sync.status, "online");
  assert.equal(sync.role, "viewer");
  assert.equal(sync.lastSeq, 10);
});

test("ops frames apply in seq order: out-of-order frames wait, old ones are ignored", async () => {
  const { ws, sync, cardText } = await setup();
  ws.receive(opsFrame(12, [textUpdate(A, "twelve", 3)]));
  assert.equal(sync.lastSeq, 10, "12 waits for 11");
  assert.equal(cardText(), "hello");
  ws.receive(opsFrame(11, [textUpdate(A, "eleven", 2)]));
  assert.equal(sync.lastSeq, 12);
  assert.equal(cardText(), "twelve");
  ws.receive(opsFrame(9, [textUpdate(A, "stale", 1)]));
  ws.receive(opsFrame(12, [textUpdate(A, "dup", 3)]));
  assert.equal(cardText(), "twelve");
  assert.equal(ws.sentOfType("resync").length, 0);
});

test("a gap still open after 250 ms sends resync from last_seq", async () => {
  const { ws, clock, sync } = await setup();
  ws.receive(opsFrame(13, [textUpdate(A, "x", 2)]));
  await clock.advance(240);
  assert.equal(ws.sentOfType("resync").length, 0, "not before 250 ms");
  await clock.advance(20);
  assert.deepEqual(ws.sentOfType("resync"), [{ type: "resync", from_seq: 10 }]);
  ws.receive(opsFrame(11, [textUpdate(A, "a", 2)]));
  ws.receive(opsFrame(12, [textUpdate(A, "b", 3)]));
  assert.equal(sync.lastSeq, 13);
});

test("a gap that closes within 250 ms sends no resync", async () => {
  const { ws, clock } = await setup();
  ws.receive(opsFrame(12, [textUpdate(A, "x", 3)]));
  await clock.advance(100);
  ws.receive(opsFrame(11, [textUpdate(A, "y", 2)]));
  await clock.advance(1000);
  assert.equal(ws.sentOfType("resync").length, 0);
});

test("a heartbeat with a higher seq sends resync; an equal one does not", async () => {
  const { ws } = await setup();
  ws.receive({ type: "heartbeat", seq: 10 });
  assert.equal(ws.sentOfType("resync").length, 0);
  ws.receive({ type: "heartbeat", seq: 11 });
  assert.deepEqual(ws.sentOfType("resync"), [{ type: "resync", from_seq: 10 }]);
});

test("a gap that stays open is asked for again after 1, 2, 4 and 8 s, then every 8 s", async () => {
  const { ws, clock } = await setup();
  ws.receive(opsFrame(13, [textUpdate(A, "x", 2)]));
  const times = [];
  let seen = 0;
  for (let t = 0; t < 30000; t += 10) {
    await clock.advance(10);
    const count = ws.sentOfType("resync").length;
    if (count > seen) {
      times.push(clock.now());
      seen = count;
    }
  }
  assert.deepEqual(times, [250, 1250, 3250, 7250, 15250, 23250]);
  assert.ok(ws.sentOfType("resync").every((f) => f.from_seq === 10), "always from last_seq");
});

test("a healed gap resets the back-off: the next gap is asked for after 250 ms, then 1 s", async () => {
  const { ws, clock, sync } = await setup();
  ws.receive(opsFrame(13, [textUpdate(A, "x", 2)]));
  await clock.advance(250 + 1000 + 2000);
  assert.equal(ws.sentOfType("resync").length, 3);
  ws.receive(opsFrame(11, [textUpdate(A, "a", 2)]));
  ws.receive(opsFrame(12, [textUpdate(A, "b", 3)]));
  assert.equal(sync.lastSeq, 13, "healed");
  await clock.advance(10000);
  assert.equal(ws.sentOfType("resync").length, 3, "nothing asked while nothing is missing");
  ws.receive(opsFrame(15, [textUpdate(A, "c", 5)]));
  await clock.advance(250);
  assert.equal(ws.sentOfType("resync").length, 4);
  await clock.advance(999);
  assert.equal(ws.sentOfType("resync").length, 4);
  await clock.advance(1);
  assert.deepEqual(ws.sentOfType("resync").slice(3), [{ type: "resync", from_seq: 13 }, { type: "resync", from_seq: 13 }]);
});

test("a heartbeat ahead of us does not ask sooner than the back-off", async () => {
  const { ws, clock } = await setup();
  ws.receive(opsFrame(13, [textUpdate(A, "x", 2)]));
  await clock.advance(250 + 1000 + 2000);
  assert.equal(ws.sentOfType("resync").length, 3, "the next one is due 4 s after the last");
  await clock.advance(1500);
  ws.receive({ type: "heartbeat", seq: 14 });
  assert.equal(ws.sentOfType("resync").length, 3, "1.5 s after the last resync: not yet");
  await clock.advance(2500);
  assert.equal(ws.sentOfType("resync").length, 4, "the back-off's own time");
});

test("frames that arrive before welcome are buffered and applied after it", async () => {
  const { ws, sync, cardText } = await setup({ welcome: false });
  ws.open();
  ws.receive(opsFrame(11, [textUpdate(A, "early", 2)]));
  assert.equal(sync.lastSeq, null);
  ws.receive({ type: "welcome", seq: 10, role: "editor", snapshot: snapshot(10), presence: [] });
  assert.equal(sync.lastSeq, 11);
  assert.equal(cardText(), "early");
});

test("a push is applied at once, sent after the batch delay, and confirmed by its ops frame, not the ack", async () => {
  const { ws, sync, clock, events, cardText } = await setup();
  const batchId = sync.push([textUpdate(A, "mine")]);
  assert.equal(cardText(), "mine", "optimistic");
  assert.equal(sync.confirmed.cards[0].text, "hello");
  assert.equal(ws.sentOfType("push").length, 0);
  await clock.advance(100);
  assert.deepEqual(ws.sentOfType("push"), [{ type: "push", batch_id: batchId, ops: [textUpdate(A, "mine")] }]);
  ws.receive({ type: "ack", batch_id: batchId, seq: 11, status: "ok", ops: [textUpdate(A, "mine", 2)], error: null, retry_after_ms: null });
  assert.equal(sync.lastSeq, 10, "an ack never moves last_seq");
  assert.equal(sync.pendingCount, 1);
  ws.receive(opsFrame(11, [textUpdate(A, "mine", 2)], batchId));
  assert.equal(sync.lastSeq, 11);
  assert.equal(sync.pendingCount, 0);
  assert.equal(cardText(), "mine");
  assert.equal(events.remote.length, 0, "our own batch is not a remote change");
});

test("our ops frame may come before the ack; the late ack changes nothing", async () => {
  const { ws, sync, clock, cardText } = await setup();
  const batchId = sync.push([textUpdate(A, "mine")]);
  await clock.advance(100);
  ws.receive(opsFrame(11, [textUpdate(A, "mine", 2)], batchId));
  assert.equal(sync.pendingCount, 0);
  ws.receive({ type: "ack", batch_id: batchId, seq: 11, status: "ok", ops: [], error: null, retry_after_ms: null });
  assert.equal(sync.pendingCount, 0);
  assert.equal(sync.lastSeq, 11);
  assert.equal(cardText(), "mine");
});

test("a remote batch is emitted as a remote event with its actor", async () => {
  const { ws, events } = await setup();
  ws.receive(opsFrame(11, [textUpdate(A, "theirs", 2)]));
  assert.equal(events.remote.length, 1);
  assert.equal(events.remote[0].actor.name, "Sam");
  assert.deepEqual(events.change.at(-1).changed.items, [{ entity: "card", id: A }]);
});

test("a rejected batch is dropped, the visible doc rolls back and the UI is told why", async () => {
  const { ws, sync, clock, events, cardText } = await setup();
  const batchId = sync.push([{ op: "create", entity: "card", id: B, fields: { stage: S1, lane: L1, text: "new", after: A } }]);
  assert.equal(cardText(B), "new");
  await clock.advance(100);
  const error = { code: "parent_deleted", message: "the stage was deleted", op_index: 0, field: "stage" };
  ws.receive({ type: "ack", batch_id: batchId, seq: null, status: "rejected", ops: [], error, retry_after_ms: null });
  assert.equal(cardText(B), undefined);
  assert.equal(sync.pendingCount, 0);
  assert.equal(events.rejected.length, 1);
  assert.equal(events.rejected[0].batchId, batchId);
  assert.equal(events.rejected[0].error.message, "the stage was deleted");
});

test("retry waits retry_after_ms, then resends the same batch with the same batch_id", async () => {
  const { ws, sync, clock } = await setup();
  const batchId = sync.push([textUpdate(A, "mine")]);
  await clock.advance(100);
  ws.receive({ type: "ack", batch_id: batchId, seq: null, status: "retry", ops: [], error: null, retry_after_ms: 500 });
  await clock.advance(499);
  assert.equal(ws.sentOfType("push").length, 1);
  await clock.advance(1);
  const pushes = ws.sentOfType("push");
  assert.equal(pushes.length, 2);
  assert.deepEqual(pushes[1], pushes[0]);
  assert.equal(sync.pendingCount, 1);
});

test("a batch waiting to retry holds back later batches so order is kept", async () => {
  const { ws, sync, clock } = await setup();
  const first = sync.push([textUpdate(A, "one")]);
  await clock.advance(100);
  ws.receive({ type: "ack", batch_id: first, seq: null, status: "retry", ops: [], error: null, retry_after_ms: 300 });
  sync.push([textUpdate(A, "two")]);
  await clock.advance(100);
  assert.equal(ws.sentOfType("push").length, 1, "second waits behind the first");
  await clock.advance(200);
  assert.deepEqual(ws.sentOfType("push").map((f) => f.ops[0].fields.text), ["one", "one", "two"]);
});

test("rapid pushes within the batch delay go out as one frame", async () => {
  const { ws, sync, clock } = await setup();
  const b1 = sync.push([textUpdate(A, "a")]);
  await clock.advance(40);
  const b2 = sync.push([textUpdate(A, "ab")]);
  await clock.advance(40);
  const b3 = sync.push([{ op: "create", entity: "card", id: B, fields: { stage: S1, lane: L1, text: "c" } }]);
  assert.equal(b1, b2);
  assert.equal(b2, b3);
  await clock.advance(20);
  const pushes = ws.sentOfType("push");
  assert.equal(pushes.length, 1);
  assert.equal(pushes[0].ops.length, 3);
  const b4 = sync.push([textUpdate(A, "later")]);
  assert.ok(b4 !== b1, "a push after the flush starts a new batch");
});

test("at most maxInFlight batches are unanswered at once", async () => {
  const { ws, sync, clock } = await setup({ options: { maxInFlight: 2 } });
  const ids = [];
  for (let i = 0; i < 4; i++) {
    ids.push(sync.push([textUpdate(A, `v${i}`)]));
    await clock.advance(100);
  }
  assert.equal(ws.sentOfType("push").length, 2);
  ws.receive({ type: "ack", batch_id: ids[0], seq: 11, status: "ok", ops: [], error: null, retry_after_ms: null });
  assert.equal(ws.sentOfType("push").length, 3);
  assert.equal(ws.sentOfType("push")[2].batch_id, ids[2]);
});

test("a remote change to a field we also changed shows correctly once our batch settles", async () => {
  // Server order: theirs (11) then ours (12) -> ours wins.
  let t = await setup();
  let mine = t.sync.push([textUpdate(A, "mine")]);
  await t.clock.advance(100);
  t.ws.receive(opsFrame(11, [textUpdate(A, "theirs", 2)]));
  assert.equal(t.cardText(), "mine", "pending stays on top of the remote change");
  t.ws.receive(opsFrame(12, [textUpdate(A, "mine", 3)], mine));
  assert.equal(t.cardText(), "mine");
  // Server order: ours (11) then theirs (12) -> theirs wins.
  t = await setup();
  mine = t.sync.push([textUpdate(A, "mine")]);
  await t.clock.advance(100);
  t.ws.receive(opsFrame(11, [textUpdate(A, "mine", 2)], mine));
  t.ws.receive(opsFrame(12, [textUpdate(A, "theirs", 3)]));
  assert.equal(t.cardText(), "theirs");
  // Ours rejected after theirs landed -> theirs shows.
  t = await setup();
  mine = t.sync.push([textUpdate(A, "mine")]);
  await t.clock.advance(100);
  t.ws.receive(opsFrame(11, [textUpdate(A, "theirs", 2)]));
  t.ws.receive({ type: "ack", batch_id: mine, seq: null, status: "rejected", ops: [], error: { code: "invalid", message: "no" }, retry_after_ms: null });
  assert.equal(t.cardText(), "theirs");
});

test("after a drop it reconnects with backoff, says hello with last_seq and resends pending in order", async () => {
  const { ws, WS, sync, clock } = await setup();
  ws.receive(opsFrame(11, [textUpdate(A, "x", 2)]));
  const b1 = sync.push([textUpdate(A, "one")]);
  await clock.advance(100);
  const b2 = sync.push([textUpdate(A, "two")]);
  ws.drop(1006);
  assert.equal(sync.status, "reconnecting");
  await clock.advance(100); // flushes b2 into the queue; nothing to send on
  await clock.advance(149);
  assert.equal(WS.instances.length, 1, "first retry waits up to 250 ms");
  await clock.advance(1);
  assert.equal(WS.instances.length, 2);
  const second = WS.last();
  second.drop(1006);
  await clock.advance(499);
  assert.equal(WS.instances.length, 2, "then up to 500 ms");
  await clock.advance(1);
  const third = WS.last();
  assert.equal(WS.instances.length, 3);
  third.open();
  assert.deepEqual(third.sent[0], { type: "hello", client_id: "me", last_seq: 11 });
  assert.equal(third.sentOfType("push").length, 0, "nothing before welcome");
  third.receive({ type: "welcome", seq: 11, role: "editor", ops: [], presence: [] });
  assert.equal(sync.status, "online");
  assert.deepEqual(third.sentOfType("push").map((f) => f.batch_id), [b1, b2]);
  assert.equal(sync.doc.cards[0].text, "two");
});

test("a welcome carrying ops catches up and confirms our batch committed while away", async () => {
  const { ws, WS, sync, clock, cardText } = await setup();
  const mine = sync.push([textUpdate(A, "mine")]);
  await clock.advance(100);
  ws.drop(1006);
  await clock.advance(250);
  const next = WS.last();
  next.open();
  next.receive({ type: "welcome", seq: 12, role: "editor", presence: [], ops: [
    { seq: 11, batch_id: mine, actor: { id: 1, name: "Me", team: "" }, ops: [textUpdate(A, "mine", 2)] },
    { seq: 12, batch_id: "other:12", actor: OTHER, ops: [textUpdate(A, "theirs", 3)] },
  ] });
  assert.equal(sync.lastSeq, 12);
  assert.equal(sync.pendingCount, 0);
  assert.equal(cardText(), "theirs");
  assert.equal(next.sentOfType("push").length, 0, "a confirmed batch is not resent");
});

test("each connection asks for a fresh ticket", async () => {
  let n = 0;
  const { WS, clock } = await setup({ welcome: false, options: { getTicket: async () => `t${++n}` } });
  assert.equal(WS.last().url, "ws://test/ws/maps/m/?ticket=t1");
  WS.last().drop(1006);
  await clock.advance(250);
  assert.equal(WS.last().url, "ws://test/ws/maps/m/?ticket=t2");
});

test("a lost session stops reconnecting, goes offline and emits session", async () => {
  let valid = true;
  const { WS, ws, sync, clock, events } = await setup({ options: { checkSession: async () => valid } });
  valid = false;
  ws.drop(4401);
  await clock.advance(250);
  assert.equal(sync.status, "offline");
  assert.equal(events.session.length, 1);
  await clock.advance(60000);
  assert.equal(WS.instances.length, 1);
});

test("status is offline when the browser is offline and after repeated failures", async () => {
  let online = false;
  const t = await setup({ options: { isOnline: () => online } });
  t.ws.drop(1006);
  assert.equal(t.sync.status, "offline");
  online = true;
  const u = await setup();
  u.ws.drop(1006);
  for (let i = 0; i < 5; i++) {
    await u.clock.advance(10000);
    u.WS.last().drop(1006);
  }
  assert.equal(u.sync.status, "offline");
  await u.clock.advance(10000);
  u.WS.last().open();
  u.WS.last().receive({ type: "welcome", seq: 10, role: "editor", ops: [], presence: [] });
  assert.equal(u.sync.status, "online");
});

test("a silent socket is given up after the heartbeat timeout", async () => {
  const { WS, sync, clock } = await setup({ options: { heartbeatTimeoutMs: 30000 } });
  await clock.advance(29999);
  assert.equal(sync.status, "online");
  await clock.advance(1);
  assert.equal(sync.status, "reconnecting");
  await clock.advance(250);
  assert.equal(WS.instances.length, 2);
});

test("no welcome after hello is a dead socket too: it is made again after the timeout", async () => {
  const { WS, ws, sync, clock } = await setup({ welcome: false, options: { heartbeatTimeoutMs: 30000 } });
  ws.open();
  assert.equal(ws.sentOfType("hello").length, 1);
  await clock.advance(29999);
  assert.equal(sync.status, "connecting");
  assert.equal(WS.instances.length, 1);
  await clock.advance(1);
  await clock.advance(250);
  assert.equal(WS.instances.length, 2);
  const again = WS.last();
  again.open();
  assert.deepEqual(again.sent[0], { type: "hello", client_id: "me", last_seq: null });
  again.receive({ type: "welcome", seq: 10, role: "editor", snapshot: snapshot(10), presence: [] });
  assert.equal(sync.status, "online");
});

test("a hello that fails on the server is followed by a new socket, not a wait", async () => {
  const { WS, ws, sync, clock, events } = await setup({ welcome: false, options: { heartbeatTimeoutMs: 30000 } });
  ws.open();
  ws.receive({ type: "error", code: "server_error", message: "this frame could not be handled" });
  assert.equal(events.error[0].code, "server_error");
  assert.equal(sync.status, "reconnecting");
  await clock.advance(250);
  assert.equal(WS.instances.length, 2);
  WS.last().open();
  WS.last().receive({ type: "welcome", seq: 10, role: "editor", snapshot: snapshot(10), presence: [] });
  assert.equal(sync.status, "online");
  // Once welcomed, the same error (a frame the server could not handle) keeps the socket.
  WS.last().receive({ type: "error", code: "server_error", message: "this frame could not be handled" });
  assert.equal(sync.status, "online");
  assert.equal(WS.instances.length, 2);
});

test("export, workspace and error frames are passed through", async () => {
  const { ws, sync, events } = await setup();
  const seen = [];
  sync.on("export", (f) => seen.push(f.type));
  sync.on("workspace", (f) => seen.push(f.type));
  ws.receive({ type: "export", id: "e", status: "done", progress: 100 });
  ws.receive({ type: "workspace", personas: [] });
  ws.receive({ type: "error", code: "too_large", message: "frame too large" });
  assert.deepEqual(seen, ["export", "workspace"]);
  assert.equal(events.error[0].code, "too_large");
});

test("a socket closed as forbidden or not found is not retried", async () => {
  const { WS, ws, sync, clock, events } = await setup();
  ws.drop(4403);
  await clock.advance(60000);
  assert.equal(WS.instances.length, 1);
  assert.equal(sync.status, "offline");
  assert.equal(events.error[0].code, "forbidden");
});
