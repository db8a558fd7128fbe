// Present mode's pure parts in the browser: the slide built from a document (user
// text as text, what each lane holds, moments and feelings) and the view helpers.
import { buildSlide } from "/static/js/present/slide.js";
import { sameView, zoomFactor } from "/static/js/editor/views.js";
import { assert, test } from "../sync/runner.js";

const S = { momentOfTruth: "Moment of truth", allCustomers: "All customers", presentFeeling: "Feeling",
  presentEmptyStage: "Nothing here", eval_irritant: "Irritant", priority_high: "High" };
const P1 = "00000000-0000-4000-8000-0000000000p1";
const ST1 = "00000000-0000-4000-8000-000000000s01";
const ST2 = "00000000-0000-4000-8000-000000000s02";
const TEXT = "00000000-0000-4000-8000-000000000l01";
const TPS = "00000000-0000-4000-8000-000000000l02";
const MOM = "00000000-0000-4000-8000-000000000l03";
const EMO = "00000000-0000-4000-8000-000000000l04";
const LINE = "00000000-0000-4000-8000-000000000l05";

function doc() {
  return {
    map: { title: "Delivery", language: "en" },
    phases: [{ id: P1, title: "Before", position: "a0" }],
    // The second stage is first in its phase: slides follow the board's order.
    stages: [{ id: ST1, name: "Pay", phase: null, position: "a0" }, { id: ST2, name: "Choose", phase: P1, position: "a1" }],
    lanes: [{ id: TEXT, title: "Thinks", kind: "text", position: "a0" }, { id: TPS, title: "Touchpoints", kind: "touchpoints", position: "a1" },
      { id: MOM, title: "Moments", kind: "moments_of_truth", position: "a2" }, { id: EMO, title: "Emotions", kind: "emotion", position: "a3" },
      { id: LINE, title: "Line", kind: "line_of_visibility", position: "a4" }],
    cards: [{ id: "c1", stage: ST2, lane: TEXT, text: "<img src=x onerror=alert(1)> cheap?", team: "t1", priority: "high", position: "a0" },
      { id: "c2", stage: ST1, lane: TEXT, text: "elsewhere", position: "a0" }],
    touchpoints: [{ id: "tp1", stage: ST2, lane: TPS, title: "Site", channel: "ch1", evaluation: "irritant", volume_share: 40, position: "a0" }],
    moments: [{ id: "m1", stage: ST2, lane: MOM, touchpoint: "tp1", title: "<b>Price</b>", valence: "negative", position: "a0" }],
    emotions: [{ id: "e1", stage: ST2, persona: null, score: -2, note: "lost" }, { id: "e2", stage: ST2, persona: "pe1", score: 1 }],
    persona_links: [], personas: [], teams: [{ id: "t1", name: "Sales", color: "#2563eb" }],
    channels: [{ id: "ch1", name: "Website", icon: "website" }],
  };
}

test("a slide shows the stage of its index in the board's order, with its phase", () => {
  const slide = buildSlide(doc(), 0, { s: S });
  assert.equal(slide.querySelector(".ps-stage-name").textContent, "Choose");
  assert.equal(slide.querySelector(".ps-phase").textContent, "Before");
  assert.equal(slide.querySelector(".ps-num").textContent, "01");
  assert.equal(buildSlide(doc(), 1, { s: S }).querySelector(".ps-phase"), null, "no phase, no tag");
});

test("user text goes in as text, never as markup", () => {
  const slide = buildSlide(doc(), 0, { s: S });
  assert.equal(slide.querySelector("img, b"), null);
  assert.equal(slide.querySelector(".ps-card .ps-text").textContent, "<img src=x onerror=alert(1)> cheap?");
  assert.equal(slide.querySelector(".ps-moment-title").textContent, "<b>Price</b>");
});

test("lanes show what they hold at this stage only; moments, emotions and lines are not lanes here", () => {
  const slide = buildSlide(doc(), 0, { s: S });
  const lanes = [...slide.querySelectorAll(".ps-lane .ps-lane-title")].map((n) => n.textContent);
  assert.deepEqual(lanes, ["Thinks", "Touchpoints"]);
  assert.equal(slide.querySelectorAll(".ps-card").length, 1);
  const tp = slide.querySelector(".ps-touchpoint");
  assert.equal(tp.dataset.evaluation, "irritant");
  assert.ok(tp.querySelector(".ps-star"), "a touchpoint that is a moment of truth is starred");
  assert.ok(tp.textContent.includes("40 %") && tp.textContent.includes("Website"));
  assert.equal(slide.querySelector(".ps-card .ps-team").textContent, "Sales");
});

test("feelings: the shared curve's point and each linked persona's, a persona not on the map left out", () => {
  const slide = buildSlide(doc(), 0, { s: S, personas: [] });
  const who = [...slide.querySelectorAll(".ps-feeling-who")].map((n) => n.textContent);
  assert.deepEqual(who, ["All customers"]);
  assert.equal(slide.querySelector(".ps-score").textContent, "-2");
  assert.equal(slide.querySelector(".ps-feelings .ps-lane-title").textContent, "Emotions");
  const withPersona = buildSlide(doc(), 0, { s: S, personas: [{ id: "pe1", name: "Chloé", color: "#7c3aed" }] });
  assert.deepEqual([...withPersona.querySelectorAll(".ps-feeling-who")].map((n) => n.textContent), ["All customers", "Chloé"]);
});

test("a stage with nothing on it says so", () => {
  const empty = doc();
  empty.cards = [];
  const slide = buildSlide(empty, 1, { s: S });
  assert.equal(slide.querySelector(".ps-empty").textContent, "Nothing here");
});

test("zoom names and factors: fit stays fit, names map to factors, factors stay within the editor's range", () => {
  assert.equal(zoomFactor("fit"), "fit");
  assert.equal(zoomFactor("normal"), 1);
  assert.equal(zoomFactor("large"), 1.25);
  assert.equal(zoomFactor(0.25), 0.7);
  assert.equal(zoomFactor(4), 1.5);
  assert.equal(zoomFactor(0.9), 0.9);
  assert.equal(zoomFactor("bogus"), 1);
});

test("views are equal when stage, lane and zoom are", () => {
  assert.ok(sameView({ stage: "a", lane: null, zoom: "normal" }, { stage: "a", lane: null, zoom: "normal" }));
  assert.ok(!sameView({ stage: "a", lane: null, zoom: "normal" }, { stage: "a", lane: "l", zoom: "normal" }));
  assert.ok(!sameView(null, { stage: "a", lane: null, zoom: 1 }));
});
