import { MapSync } from "/static/js/sync/index.js";
import { FakeClock, fakeSocketClass, settle } from "./fakes.js";
import { assert, test } from "./runner.js";

async function connected() {
  const clock = new FakeClock();
  const WS = fakeSocketClass();
  const rosters = [];
  const sync = new MapSync({
    url: "ws://test/ws/maps/m/", clientId: "me", WebSocketImpl: WS, now: clock.now,
    setTimeoutImpl: clock.setTimeout, clearTimeoutImpl: clock.clearTimeout, eventTarget: null,
    isOnline: () => true, heartbeatTimeoutMs: 0,
  });
  sync.on("presence", ({ roster }) => rosters.push(roster));
  sync.start();
  await settle();
  const ws = WS.last();
  ws.open();
  return { sync, clock, ws, rosters };
}

const snapshot = { map: { seq: 1 }, phases: [], stages: [], lanes: [], cards: [], touchpoints: [], moments: [], emotions: [], persona_links: [] };

test("outgoing presence is throttled to 10 Hz and the latest value wins", async () => {
  const { sync, clock, ws } = await connected();
  ws.receive({ type: "welcome", seq: 1, role: "editor", snapshot, presence: [] });
  for (let i = 0; i < 10; i++) {
    sync.setPresence({ entity: "card", id: `c${i}`, field: "text" }, null);
    await clock.advance(5);
  }
  let frames = ws.sentOfType("presence");
  assert.equal(frames.length, 1, "first goes at once");
  await clock.advance(50);
  frames = ws.sentOfType("presence");
  assert.equal(frames.length, 2);
  assert.equal(frames[1].focus.id, "c9");
  for (let i = 0; i < 200; i++) {
    sync.setPresence(null, { stage: `s${i}`, lane: "l" });
    await clock.advance(5);
  }
  const count = ws.sentOfType("presence").length - 2;
  assert.ok(count <= 11 && count >= 9, `about 10 frames per second, got ${count}`);
});

test("presence set before welcome is sent after it", async () => {
  const { sync, ws } = await connected();
  sync.setPresence({ entity: "stage", id: "s" }, null);
  assert.equal(ws.sentOfType("presence").length, 0);
  ws.receive({ type: "welcome", seq: 1, role: "editor", snapshot, presence: [] });
  assert.equal(ws.sentOfType("presence").length, 1);
});

test("the roster comes from welcome, single changes and change lists; left and silent clients go", async () => {
  const { clock, ws, rosters } = await connected();
  ws.receive({ type: "welcome", seq: 1, role: "editor", snapshot, presence: [
    { client_id: "a", user: { name: "Ana" }, focus: null, cursor: null },
    { client_id: "me", user: { name: "Me" }, focus: null, cursor: null },
  ] });
  assert.deepEqual([...rosters.at(-1).keys()], ["a"], "our own entry is left out");
  ws.receive({ type: "presence", client_id: "b", user: { name: "Bo" }, focus: { entity: "card", id: "x" }, cursor: null, left: false });
  assert.deepEqual([...rosters.at(-1).keys()].sort(), ["a", "b"]);
  assert.equal(rosters.at(-1).get("b").focus.id, "x");
  await clock.advance(20000);
  ws.receive({ type: "presence", changes: [
    { client_id: "a", left: true },
    { client_id: "c", user: { name: "Cy" }, focus: null, cursor: { stage: "s", lane: "l" }, left: false },
  ] });
  assert.deepEqual([...rosters.at(-1).keys()].sort(), ["b", "c"]);
  await clock.advance(15000);
  assert.deepEqual([...rosters.at(-1).keys()], ["c"], "b silent for 30 s is gone");
  await clock.advance(20000);
  assert.equal(rosters.at(-1).size, 0);
});
