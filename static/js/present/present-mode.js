// Present mode: the map one stage at a time, full screen, in type read from the back
// of a room. Arrows, PageUp/PageDown, space, Home/End and the click areas on either
// side move between stages; Esc leaves. Full screen goes through the Fullscreen API
// when the browser grants it (only after a click or a key); otherwise the overlay
// fills the window, which is also what a follower gets when the facilitator starts.
//
// The controller knows nothing of sessions: `onNavigate(stageId)` reports the
// presenter's own moves and `onClose()` their leaving; a follower's page calls
// `show(stageId)` as the facilitator moves (see editor/follow.js).

import { format, orderedStages } from "../grid/model.js";
import { el } from "../grid/dom.js";
import { buildSlide, stagePhase } from "./slide.js";

const NEXT_KEYS = new Set(["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"]);
const PREVIOUS_KEYS = new Set(["ArrowLeft", "ArrowUp", "PageUp", "Backspace"]);

const button = (className, label, inner) => {
  const node = el("button", `present-btn ${className}`, { type: "button", "aria-label": label, title: label });
  node.innerHTML = inner; // static markup: icons only
  return node;
};

const CHEVRON_LEFT = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const CHEVRON_RIGHT = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const CROSS = '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>';
const EXPAND = '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export class PresentMode {
  constructor({ s, getDoc, getPersonas = () => [], staticUrl = "/static/", onNavigate = null, onClose = null }) {
    this.s = s;
    this.getDoc = getDoc;
    this.getPersonas = getPersonas;
    this.staticUrl = staticUrl;
    this.onNavigate = onNavigate;
    this.onClose = onClose;
    this.stageId = null;
    this.index = 0;
    this.returnFocus = null;
    this.build();
  }

  get isOpen() {
    return !this.root.hidden;
  }

  build() {
    const s = this.s;
    this.root = el("div", "present", { role: "dialog", "aria-modal": "true", "aria-label": s.presentMode, tabindex: "-1",
      hidden: "" });
    const bar = el("div", "present-bar");
    this.mapTitle = el("span", "present-map");
    this.status = el("div", "present-status"); // the follow pill lives here (editor/follow.js)
    this.counter = el("span", "present-counter", { "aria-live": "polite" });
    this.fullscreenButton = button("present-fullscreen", s.presentFullScreen, EXPAND);
    this.closeButton = button("present-close", s.presentLeave, CROSS);
    bar.append(this.mapTitle, this.status, this.counter, this.fullscreenButton, this.closeButton);
    this.previous = button("present-side present-prev", s.presentPrevious, CHEVRON_LEFT);
    this.next = button("present-side present-next", s.presentNext, CHEVRON_RIGHT);
    this.stageHost = el("div", "present-stage-host");
    const foot = el("footer", "present-foot");
    this.track = el("ol", "present-track", { "aria-label": s.presentStages });
    this.hint = el("p", "present-hint");
    this.hint.textContent = s.presentKeys;
    foot.append(this.track, this.hint);
    this.root.append(bar, this.previous, this.stageHost, this.next, foot);
    document.body.append(this.root);

    this.previous.addEventListener("click", () => this.step(-1));
    this.next.addEventListener("click", () => this.step(1));
    this.closeButton.addEventListener("click", () => this.close());
    this.fullscreenButton.addEventListener("click", () => this.enterFullScreen());
    this.track.addEventListener("click", (event) => {
      const dot = event.target.closest("[data-index]");
      if (dot) this.moveTo(Number(dot.dataset.index));
    });
    this.onKey = (event) => this.key(event);
    // Another window size (a projector plugged in, full screen entered): fit again.
    new ResizeObserver(() => {
      const slide = this.stageHost.firstElementChild;
      if (this.isOpen && slide) this.fit(slide);
    }).observe(this.stageHost);
    // Esc in real full screen leaves full screen without a keydown: leave present mode too.
    document.addEventListener("fullscreenchange", () => {
      if (!document.fullscreenElement && this.wasFullScreen && this.isOpen) this.close();
      this.wasFullScreen = document.fullscreenElement === this.root;
      this.root.classList.toggle("is-fullscreen", this.wasFullScreen);
    });
  }

  stages() {
    return orderedStages(this.getDoc());
  }

  // Opens on a stage (the first when none is named). `fullScreen` asks the browser
  // for full screen: only granted inside a click or a key press.
  open(stageId = null, { fullScreen = false } = {}) {
    if (!this.stages().length) return false;
    if (!this.isOpen) {
      this.returnFocus = document.activeElement;
      this.root.hidden = false;
      document.body.classList.add("is-presenting");
      // A modal: the page behind takes neither the focus nor the pointer meanwhile.
      this.inerted = [...document.body.children].filter((node) => node !== this.root && !node.inert);
      for (const node of this.inerted) node.inert = true;
      document.addEventListener("keydown", this.onKey, true);
    }
    this.show(stageId ?? this.stageId);
    if (fullScreen) this.enterFullScreen();
    if (!this.root.contains(document.activeElement)) this.root.focus({ preventScroll: true });
    return true;
  }

  close({ quiet = false } = {}) {
    if (!this.isOpen) return;
    this.root.hidden = true;
    document.body.classList.remove("is-presenting");
    for (const node of this.inerted || []) node.inert = false;
    this.inerted = [];
    document.removeEventListener("keydown", this.onKey, true);
    if (document.fullscreenElement === this.root) document.exitFullscreen?.().catch(() => {});
    this.returnFocus?.focus?.({ preventScroll: true });
    if (!quiet) this.onClose?.();
  }

  enterFullScreen() {
    if (!this.root.requestFullscreen || document.fullscreenElement) return;
    this.root.requestFullscreen().catch(() => {
      // Refused (no user gesture, or an iframe without permission): the overlay
      // already fills the window.
    });
  }

  // Shows a stage without reporting it (a follower following), or the nearest one
  // still there when it was deleted meanwhile.
  show(stageId) {
    const stages = this.stages();
    if (!stages.length) return this.close({ quiet: true });
    let index = stages.findIndex((stage) => stage.id === stageId);
    if (index < 0) index = Math.min(this.index, stages.length - 1);
    const direction = index === this.index ? 0 : index > this.index ? 1 : -1;
    this.index = index;
    this.stageId = stages[index].id;
    this.render(stages, direction);
  }

  // A move of the presenter's own: shown, then reported.
  moveTo(index) {
    const stages = this.stages();
    const target = Math.max(0, Math.min(stages.length - 1, index));
    if (!stages.length || (target === this.index && stages[target].id === this.stageId)) return;
    this.show(stages[target].id);
    this.onNavigate?.(this.stageId);
  }

  step(delta) {
    this.moveTo(this.index + delta);
  }

  key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest?.("input, textarea, select, [contenteditable=true]")) return;
    let handled = true;
    if (event.key === "Escape") this.close();
    else if (NEXT_KEYS.has(event.key) && !(event.key === " " && event.shiftKey)) {
      if (event.key === "Enter" && event.target.closest?.("button")) handled = false;
      else this.step(1);
    } else if (PREVIOUS_KEYS.has(event.key) || (event.key === " " && event.shiftKey)) this.step(-1);
    else if (event.key === "Home") this.moveTo(0);
    else if (event.key === "End") this.moveTo(this.stages().length - 1);
    else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  // The document changed (someone edits while we present): redraw the slide.
  refresh() {
    if (this.isOpen) this.show(this.stageId);
  }

  render(stages, direction) {
    const doc = this.getDoc();
    const s = this.s;
    const slide = buildSlide(doc, this.index, { s, personas: this.getPersonas(), staticUrl: this.staticUrl });
    if (direction) slide.classList.add(direction > 0 ? "enter-next" : "enter-previous");
    this.stageHost.replaceChildren(slide);
    this.fit(slide);
    this.mapTitle.textContent = doc.map?.title || "";
    this.mapTitle.lang = doc.map?.language || "";
    this.counter.textContent = format(s.presentProgress, { n: this.index + 1, total: stages.length });
    this.previous.disabled = this.index === 0;
    this.next.disabled = this.index === stages.length - 1;
    this.previous.dataset.name = this.index > 0 ? stages[this.index - 1].name : "";
    this.next.dataset.name = this.index < stages.length - 1 ? stages[this.index + 1].name : "";
    this.drawTrack(doc, stages);
  }

  // One segment per stage in its phase's colour; the current one stands out.
  drawTrack(doc, stages) {
    this.track.replaceChildren(...stages.map((stage, i) => {
      const item = el("li", "present-dot");
      const dot = el("button", "", { type: "button", "data-index": String(i), title: stage.name,
        "aria-label": format(this.s.presentGoTo, { n: i + 1, name: stage.name }) });
      if (i === this.index) dot.setAttribute("aria-current", "step");
      const phase = stagePhase(doc, stage);
      if (phase) dot.style.setProperty("--phase", phase.color);
      item.append(dot);
      return item;
    }));
  }

  // Large type first; a stage holding more than a screen shrinks until it fits
  // (never below 60 %), then scrolls.
  fit(slide) {
    let scale = 1;
    slide.style.setProperty("--ps-scale", "1");
    while (scale > 0.6 && slide.scrollHeight > this.stageHost.clientHeight + 1) {
      scale = Math.round((scale - 0.08) * 100) / 100;
      slide.style.setProperty("--ps-scale", String(scale));
    }
  }
}
