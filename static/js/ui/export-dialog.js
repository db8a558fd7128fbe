// The Export dialog: options for a PDF, PNG, PPTX or CSV of the map, then the export's
// progress and a Download link. Progress comes live from the editor's socket
// ("export" frames for this export id); when no frame arrives for a while (the
// socket is reconnecting, or the frame went to another tab) it polls the REST
// resource instead, so the dialog always ends in done or failed.

import { csrfToken } from "./csrf.js";

const POLL_AFTER_MS = 5000;
const POLL_EVERY_MS = 2000;
const FINAL = new Set(["done", "failed"]);
// Formats printed on paper (slides have one size, the touchpoint list none), and
// those that can add the personas.
const PAGED = new Set(["pdf", "png"]);
const WITH_PERSONAS = new Set(["pdf", "pptx"]);

function format(template, values) {
  return (template || "").replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

function byPosition(a, b) {
  return a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// A JSON error body ({code, message, fields}) as one readable sentence.
function errorText(body) {
  if (!body || typeof body !== "object") return "";
  const parts = [];
  if (body.message) parts.push(body.message);
  for (const [field, messages] of Object.entries(body.fields || {})) {
    const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
    if (!body.message || !body.message.includes(text)) parts.push(`${field}: ${text}`);
  }
  return parts.join(" · ") || body.detail || "";
}

export class ExportDialog {
  constructor(dialog, { mapId, getDoc, sync = null }) {
    this.dialog = dialog;
    this.mapId = mapId || dialog.dataset.mapId;
    this.getDoc = getDoc || (() => ({}));
    this.msg = dialog.dataset;
    this.form = dialog.querySelector("#export-form");
    this.options = dialog.querySelector("#export-options");
    this.progress = dialog.querySelector("#export-progress");
    this.status = dialog.querySelector("#export-status");
    this.bar = dialog.querySelector("#export-bar");
    this.error = dialog.querySelector("#export-error");
    this.download = dialog.querySelector("#export-download");
    this.submit = dialog.querySelector("#export-submit");
    this.again = dialog.querySelector("#export-again");
    this.lanes = dialog.querySelector("#export-lanes");
    this.dpi = dialog.querySelector("#export-dpi");
    this.dpiValue = dialog.querySelector("#export-dpi-value");
    this.exportId = null;
    this.state = null;
    this.lastNews = 0;
    this.timer = null;
    // Frames can beat the POST's response (the server notifies on commit): keep them.
    this.early = new Map();
    this.sync = null;
    this._onFrame = (frame) => this.frame(frame);
    if (sync) this.connect(sync);

    this.form.addEventListener("change", () => this.syncFields());
    this.dpi.addEventListener("input", () => this.syncFields());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start();
    });
    for (const button of dialog.querySelectorAll("[data-export-close]")) {
      button.addEventListener("click", () => dialog.close());
    }
    for (const button of dialog.querySelectorAll("[data-lanes]")) {
      button.addEventListener("click", () => {
        for (const box of this.lanes.querySelectorAll("input")) box.checked = button.dataset.lanes === "all";
        this.syncFields();
      });
    }
    this.again.addEventListener("click", () => this.reset());
    dialog.addEventListener("close", () => this.stopPolling());
    // A click on the backdrop (outside the dialog's box) closes it.
    dialog.addEventListener("click", (event) => {
      if (event.target !== dialog) return;
      const r = dialog.getBoundingClientRect();
      const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
      if (!inside) dialog.close();
    });
  }

  /** Listen to the editor's socket; may be called again after a reconnect with a new instance. */
  connect(sync) {
    if (this.sync === sync) return;
    this.unsubscribe?.();
    this.sync = sync;
    this.unsubscribe = sync.on("export", this._onFrame);
  }

  open() {
    if (!this.exportId) this.reset();
    else if (FINAL.has(this.state)) this.drawLanes();
    this.dialog.showModal();
    // Follow an export still under way (the dialog was closed meanwhile).
    if (this.exportId && !FINAL.has(this.state)) this.watch();
  }

  reset() {
    this.stopPolling();
    this.exportId = null;
    this.state = null;
    this.drawLanes();
    this.options.hidden = false;
    this.progress.hidden = true;
    this.error.hidden = true;
    this.download.hidden = true;
    this.again.hidden = true;
    this.submit.hidden = false;
    this.submit.disabled = false;
    this.syncFields();
  }

  drawLanes() {
    const doc = this.getDoc() || {};
    const previous = new Map([...this.lanes.querySelectorAll("input")].map((box) => [box.value, box.checked]));
    this.lanes.replaceChildren();
    for (const lane of [...(doc.lanes || [])].sort(byPosition)) {
      const label = document.createElement("label");
      label.className = "export-lane";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "lanes";
      box.value = lane.id;
      box.checked = previous.get(lane.id) ?? true;
      const text = document.createElement("span");
      text.textContent = lane.title || this.msg.msgLaneUntitled;
      if (doc.map?.language) text.lang = doc.map.language;
      label.append(box, text);
      this.lanes.append(label);
    }
  }

  values() {
    const data = new FormData(this.form);
    const format = data.get("format") || "pdf";
    const boxes = [...this.lanes.querySelectorAll("input")];
    const chosen = boxes.filter((box) => box.checked).map((box) => box.value);
    const body = { format, language: data.get("language") || undefined };
    if (PAGED.has(format)) body.paper = data.get("paper") || "A3";
    // All lanes: leave the list out, so lanes added later are in the next export of the same settings too.
    if (chosen.length !== boxes.length) body.lanes = chosen;
    if (WITH_PERSONAS.has(format)) body.personas = this.form.querySelector("#export-personas").checked;
    if (format === "png") body.dpi = Number(this.dpi.value);
    return body;
  }

  syncFields() {
    const chosen = this.form.querySelector("input[name=format]:checked")?.value || "pdf";
    this.dialog.querySelector("#export-dpi-field").hidden = chosen !== "png";
    this.dialog.querySelector("#export-paper-field").hidden = !PAGED.has(chosen);
    this.form.querySelector(".export-toggle").hidden = !WITH_PERSONAS.has(chosen);
    this.dpiValue.textContent = format(this.msg.msgDpi, { dpi: this.dpi.value });
    const boxes = [...this.lanes.querySelectorAll("input")];
    const none = boxes.length > 0 && !boxes.some((box) => box.checked);
    this.submit.disabled = none;
    this.submit.title = none ? this.msg.msgNoLanes : "";
  }

  async start() {
    const body = this.values();
    if (Array.isArray(body.lanes) && !body.lanes.length) return;
    this.submit.disabled = true;
    this.show({ status: "queued", progress: 0 });
    let response;
    let data = null;
    try {
      response = await fetch(`/api/v1/maps/${this.mapId}/exports/`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify(body),
      });
      data = await response.json().catch(() => null);
    } catch {
      this.fail(this.msg.msgNetwork);
      return;
    }
    if (!response.ok) {
      const text = errorText(data) || `${response.status} ${response.statusText}`;
      this.fail(format(this.msg.msgRefused, { message: text }));
      return;
    }
    this.exportId = data.id;
    this.apply(data);
    const early = this.early.get(data.id);
    if (early) this.apply(early);
    this.early.clear();
    if (!FINAL.has(this.state)) this.watch();
  }

  frame(frame) {
    if (!frame || !frame.id) return;
    if (!this.exportId) {
      if (this.early.size > 20) this.early.clear();
      this.early.set(frame.id, frame);
      return;
    }
    if (frame.id === this.exportId) this.apply(frame);
  }

  // Take a status from a frame or the REST resource; never go backwards.
  apply(data) {
    if (FINAL.has(this.state)) return;
    this.lastNews = Date.now();
    const progress = Math.max(Number(data.progress) || 0, Number(this.bar.value) || 0);
    if (data.status === "done") {
      this.stopPolling();
      this.show({ status: "done", progress: 100 });
      this.download.href = data.download_url;
      this.download.hidden = false;
      this.download.focus();
    } else if (data.status === "failed" || data.status === "expired") {
      this.stopPolling();
      if (data.error) this.fail(format(this.msg.msgFailed, { message: data.error }));
      else this.fetchFailure();
    } else {
      this.show({ status: data.status === "running" ? "running" : "queued", progress });
    }
  }

  show({ status, progress }) {
    this.state = status;
    this.options.hidden = true;
    this.progress.hidden = false;
    this.progress.dataset.status = status;
    this.submit.hidden = true;
    this.again.hidden = !FINAL.has(status);
    this.bar.value = progress;
    const label = { queued: this.msg.msgQueued, running: this.msg.msgRunning, done: this.msg.msgDone }[status] || "";
    this.status.textContent = status === "running" ? `${label} ${progress} %` : label;
  }

  fail(message) {
    this.stopPolling();
    this.state = "failed";
    this.options.hidden = true;
    this.progress.hidden = false;
    this.progress.dataset.status = "failed";
    this.status.textContent = "";
    this.error.textContent = message;
    this.error.hidden = false;
    this.download.hidden = true;
    this.submit.hidden = true;
    this.again.hidden = false;
    this.again.focus();
  }

  // A failed frame carries no reason: the REST resource has it.
  async fetchFailure() {
    const id = this.exportId;
    let reason = "";
    try {
      const response = await fetch(`/api/v1/exports/${id}/`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) reason = (await response.json()).error || "";
    } catch {
      // keep the generic message
    }
    if (id !== this.exportId) return;
    this.fail(reason ? format(this.msg.msgFailed, { message: reason }) : this.msg.msgFailedUnknown);
  }

  // Socket first; poll every 2 s once nothing was heard for 5 s.
  watch() {
    this.stopPolling();
    this.lastNews = this.lastNews || Date.now();
    this.timer = setInterval(() => this.maybePoll(), 1000);
  }

  stopPolling() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async maybePoll() {
    if (!this.exportId || FINAL.has(this.state) || this.polling) return;
    const quiet = Date.now() - this.lastNews;
    if (quiet < POLL_AFTER_MS || Date.now() - (this.lastPoll || 0) < POLL_EVERY_MS) return;
    this.polling = true;
    this.lastPoll = Date.now();
    const id = this.exportId;
    try {
      const response = await fetch(`/api/v1/exports/${id}/`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (id !== this.exportId) return;
      if (response.ok) {
        const data = await response.json();
        // A poll is not news from the socket: keep polling until a frame or the end.
        const heard = this.lastNews;
        this.apply(data);
        this.lastNews = heard;
      } else if (response.status === 404) {
        this.fail(this.msg.msgFailedUnknown);
      }
    } catch {
      // offline for a moment: the next tick tries again
    } finally {
      this.polling = false;
    }
  }
}

/**
 * Wire the toolbar's Export button to the dialog rendered by maps/_export_dialog.html.
 * Returns the dialog (call `.connect(sync)` once the socket exists), or null when the
 * page has no dialog (the read-only share page).
 */
export function initExportDialog({ mapId, getDoc, sync = null } = {}) {
  const element = document.getElementById("export-dialog");
  const button = document.getElementById("export-button");
  if (!element || !button) return null;
  const dialog = new ExportDialog(element, { mapId, getDoc, sync });
  button.addEventListener("click", () => dialog.open());
  return dialog;
}
