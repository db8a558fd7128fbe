import {
  applyOps,
  applyPendingOps,
  cloneDocument,
  emptyDocument,
  keyBetween,
  compareStrings,
  shareDocument,
  sortedItems,
} from "/static/js/sync/document.js";
import { assert, test } from "./runner.js";

const S1 = "00000000-0000-4000-8000-000000000011";
const L1 = "00000000-0000-4000-8000-000000000021";
const A = "00000000-0000-4000-8000-0000000000a1";
const B = "00000000-0000-4000-8000-0000000000b1";
const N = "00000000-0000-4000-8000-0000000000c1";

function cardOp(id, position, text = "x", stage = S1) {
  return { op: "create", entity: "card", id, fields: { stage, lane: L1, text, position, version: 1 } };
}

function gridDoc() {
  const doc = emptyDocument({ title: "M" });
  applyOps(doc, [
    { op: "create", entity: "stage", id: S1, fields: { name: "S", phase: null, position: "a0", version: 1 } },
    { op: "create", entity: "lane", id: L1, fields: { title: "L", kind: "actions", position: "a0", version: 1 } },
    cardOp(A, "a0", "A"),
    cardOp(B, "a1", "B"),
  ], 2);
  return doc;
}

test("applyOps sorts by position then id and sets seq", () => {
  const doc = emptyDocument();
  applyOps(doc, [cardOp(B, "a1"), cardOp(A, "a1"), cardOp(N, "Zz")], 5);
  assert.deepEqual(doc.cards.map((c) => c.id), [N, A, B]);
  assert.equal(doc.map.seq, 5);
});

test("applyOps ignores updates of missing items and keeps unknown collections", () => {
  const doc = emptyDocument();
  doc.personas = [{ id: "p", name: "Ana" }];
  applyOps(doc, [{ op: "update", entity: "card", id: A, fields: { text: "ghost" } }]);
  assert.equal(doc.cards.length, 0);
  assert.equal(doc.personas[0].name, "Ana");
  assert.equal(doc.map.seq, 0);
});

test("applyOps runs every shared fixture without throwing", async () => {
  const { cases } = await (await fetch(new URL("./fixtures.json", import.meta.url))).json();
  assert.ok(cases.length >= 4, "fixtures loaded");
  for (const fixture of cases) {
    const doc = cloneDocument(fixture.doc);
    for (const batch of fixture.batches) applyOps(doc, batch.ops, batch.seq);
    assert.ok(Array.isArray(doc.cards), fixture.name);
  }
});

test("compareStrings orders by code point like Python", () => {
  assert.ok(compareStrings("Z", "a") < 0);
  assert.ok(compareStrings("a", "a0") < 0);
  assert.ok(compareStrings("\uffff", "\u{1F600}") < 0, "astral sorts after the BMP");
});

test("keyBetween always lands strictly between its bounds", () => {
  const pairs = [[null, null], ["a0", null], [null, "a0"], ["a0", "a1"], ["a0", "a0V"], ["a0", "b"], ["Zz", "a0"], ["a1", "a1V"]];
  for (const [lo, hi] of pairs) {
    const key = keyBetween(lo, hi);
    if (lo !== null) assert.ok(compareStrings(lo, key) < 0, `${lo} < ${key}`);
    if (hi !== null) assert.ok(compareStrings(key, hi) < 0, `${key} < ${hi}`);
  }
});

test("a pending create placed after a sibling shows between its neighbours", () => {
  const doc = applyPendingOps(gridDoc(), [
    { op: "create", entity: "card", id: N, fields: { stage: S1, lane: L1, text: "new", after: A } },
  ]);
  assert.deepEqual(sortedItems(doc, "cards").map((c) => c.text), ["A", "new", "B"]);
  assert.equal("after" in doc.cards.find((c) => c.id === N), false, "placement keys are not fields");
});

test("a pending create before the first sibling, and one with no place, go first and last", () => {
  const doc = applyPendingOps(gridDoc(), [
    { op: "create", entity: "card", id: N, fields: { stage: S1, lane: L1, text: "first", before: A } },
    { op: "create", entity: "card", id: "00000000-0000-4000-8000-0000000000d1", fields: { stage: S1, lane: L1, text: "last" } },
  ]);
  assert.deepEqual(doc.cards.map((c) => c.text), ["first", "A", "B", "last"]);
});

test("a pending move before a sibling reorders, and can change container", () => {
  const doc = applyPendingOps(gridDoc(), [{ op: "move", entity: "card", id: B, fields: { stage: S1, lane: L1, before: A } }]);
  assert.deepEqual(doc.cards.map((c) => c.text), ["B", "A"]);
  const moved = applyPendingOps(gridDoc(), [{ op: "move", entity: "card", id: B, fields: { stage: "other", lane: L1 } }]);
  assert.equal(moved.cards.find((c) => c.id === B).stage, "other");
});

test("a pending stage delete hides its cards and a pending restore brings them back", () => {
  const graveyard = new Map();
  const doc = applyPendingOps(gridDoc(), [{ op: "delete", entity: "stage", id: S1 }], graveyard);
  assert.equal(doc.stages.length, 0);
  assert.equal(doc.cards.length, 0);
  applyPendingOps(doc, [{ op: "restore", entity: "stage", id: S1 }], graveyard);
  assert.equal(doc.stages.length, 1);
  assert.deepEqual(doc.cards.map((c) => c.text), ["A", "B"]);
});

test("a pending emotion create on a taken stage and persona updates the existing point", () => {
  const doc = gridDoc();
  applyOps(doc, [{ op: "create", entity: "emotion", id: A, fields: { stage: S1, persona: null, score: 1, note: "", version: 1 } }]);
  applyPendingOps(doc, [{ op: "create", entity: "emotion", id: B, fields: { stage: S1, persona: null, score: -3 } }]);
  assert.equal(doc.emotions.length, 1);
  assert.equal(doc.emotions[0].id, A);
  assert.equal(doc.emotions[0].score, -3);
});

test("applyOps and applyPendingOps leave a document sharing their arrays and items untouched", () => {
  const before = gridDoc();
  const frozen = JSON.stringify(before);
  const committed = applyOps(shareDocument(before), [
    { op: "update", entity: "card", id: A, fields: { text: "A2" } },
    { op: "move", entity: "card", id: B, fields: { stage: S1, lane: L1, position: "Z0" } },
    { op: "map", entity: "map", id: null, fields: { title: "Renamed" } },
  ], 3);
  const pending = applyPendingOps(shareDocument(before), [
    { op: "update", entity: "card", id: A, fields: { text: "mine" } },
    { op: "move", entity: "card", id: B, fields: { stage: S1, lane: L1, before: A } },
    { op: "delete", entity: "stage", id: S1 },
  ]);
  assert.equal(JSON.stringify(before), frozen, "the shared document changed");
  assert.deepEqual(committed.cards.map((c) => [c.text, c.position]), [["B", "Z0"], ["A2", "a0"]]);
  assert.equal(committed.map.title, "Renamed");
  assert.equal(committed.map.seq, 3);
  assert.equal(pending.cards.length, 0);
});

test("applyOps keeps the arrays of collections a batch does not touch", () => {
  const doc = gridDoc();
  const { stages, lanes } = doc;
  applyOps(doc, [{ op: "update", entity: "card", id: A, fields: { text: "A2" } }], 3);
  assert.ok(doc.stages === stages && doc.lanes === lanes, "untouched arrays were rebuilt");
  // A collection that arrived out of order is put in order on the first batch.
  const unsorted = emptyDocument();
  unsorted.cards = [{ id: B, position: "a1" }, { id: A, position: "a0" }];
  applyOps(unsorted, [{ op: "update", entity: "stage", id: S1, fields: { name: "x" } }]);
  assert.deepEqual(unsorted.cards.map((c) => c.id), [A, B]);
});
