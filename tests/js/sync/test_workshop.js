// Workshop session frames through MapSync: handed on as "workshop" events (the
// "session" event stays the lost sign-in), the welcome's session first, and
// sendSession only once welcomed.
import { MapSync } from "/static/js/sync/index.js";
import { FakeClock, fakeSocketClass, settle } from "./fakes.js";
import { assert, test } from "./runner.js";

const SNAPSHOT = {
  map: { id: "m", title: "Delivery", seq: 3 }, phases: [], stages: [], lanes: [], cards: [], touchpoints: [],
  moments: [], emotions: [], persona_links: [], personas: [], teams: [], channels: [],
};

async function connected() {
  const clock = new FakeClock();
  const WS = fakeSocketClass();
  const sync = new MapSync({ url: "ws://test/ws/maps/m/", clientId: "me", WebSocketImpl: WS, now: clock.now,
    setTimeoutImpl: clock.setTimeout, clearTimeoutImpl: clock.clearTimeout, random: () => 1, eventTarget: null,
    isOnline: () => true });
  const workshop = [];
  const lost = [];
  sync.on("workshop", (frame) => workshop.push(frame));
  sync.on("session", (payload) => lost.push(payload));
  sync.start();
  await settle();
  return { sync, ws: WS.last(), workshop, lost };
}

test("the welcome's session arrives as a workshop state event, after the document", async () => {
  const { sync, ws, workshop, lost } = await connected();
  ws.open();
  const session = { id: "s1", facilitator: { id: 7, name: "Ana" }, follow: { on: true, view: null },
    present: { on: false, stage: null } };
  ws.receive({ type: "welcome", seq: 3, role: "viewer", snapshot: SNAPSHOT, presence: [], session, server_time: 5 });
  assert.equal(workshop.length, 1);
  assert.deepEqual(workshop[0], { type: "session", event: "state", session, server_time: 5 });
  assert.equal(sync.status, "online", "online before the session is handed on");
  assert.equal(lost.length, 0, "not the lost sign-in event");
});

test("a welcome without a session key says nothing about sessions", async () => {
  const { ws, workshop } = await connected();
  ws.open();
  ws.receive({ type: "welcome", seq: 3, role: "viewer", snapshot: SNAPSHOT, presence: [] });
  assert.equal(workshop.length, 0);
});

test("session frames are handed on as they come, as workshop events", async () => {
  const { ws, workshop, lost } = await connected();
  ws.open();
  ws.receive({ type: "welcome", seq: 3, role: "viewer", snapshot: SNAPSHOT, presence: [] });
  const view = { type: "session", event: "view", view: { stage: "a", lane: null, zoom: "normal" }, present: true };
  ws.receive(view);
  assert.deepEqual(workshop, [view]);
  assert.equal(lost.length, 0);
});

test("sendSession sends one session frame once welcomed, and refuses before", async () => {
  const { sync, ws } = await connected();
  ws.open();
  assert.equal(sync.sendSession("follow", { on: true }), false, "not before the welcome");
  ws.receive({ type: "welcome", seq: 3, role: "editor", snapshot: SNAPSHOT, presence: [] });
  assert.equal(sync.sendSession("follow", { on: true, type: "ops", action: "x" }), true);
  assert.deepEqual(ws.sentOfType("session"), [{ type: "session", action: "follow", on: true }]);
  assert.equal(ws.sentOfType("ops").length, 0, "fields cannot change the frame's type");
});
