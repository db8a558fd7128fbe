// The form for one touchpoint or moment of truth: its fields in order, the
// evidence links, the files, and Delete.

import { channelName, find, format } from "../grid/model.js";
import { EVALUATIONS } from "../lanes/marks.js";
import { el } from "./dom.js";
import { attachmentSection } from "./panel-attachments.js";
import { metricsSection } from "./panel-metrics.js";
import { bindField, fieldRow, numberInput, selectInput, textInput } from "./panel-fields.js";

// A symbol per evaluation, so it reads without colour too.
const EVALUATION_SYMBOL = { delight: "▲", neutral: "●", irritant: "▼" };

export function buildItemForm(panel, item) {
  const s = panel.s;
  panel.host.append(panel.head(panel.entity === "touchpoint" ? s.touchpoint : s.momentOfTruth));
  const peers = el("div", "panel-peers");
  peers.hidden = true;
  peers.setAttribute("role", "status");
  peers.append(el("div", "panel-peers-list"), el("p", "panel-peers-text"));
  panel.host.append(peers);
  const body = el("div", "panel-body");
  panel.host.append(body);
  const readOnly = !panel.config.canWrite;
  if (panel.entity === "touchpoint") buildTouchpoint(panel, body, item);
  else if (panel.entity === "moment") buildMoment(panel, body, item);
  const extra = el("div", "panel-extra");
  body.append(extra);
  if (panel.extras[panel.entity]) panel.extras[panel.entity](panel, item, extra);
  if (!readOnly) {
    const foot = el("footer", "panel-foot");
    const del = el("button", "btn btn-small btn-danger-quiet", s.delete);
    del.type = "button";
    del.addEventListener("click", () => { const id = panel.id; const entity = panel.entity; panel.close(); panel.remove(entity, id); });
    foot.append(del);
    panel.host.append(foot);
  }
  for (const [, field] of panel.fields) field.read(item);
  if (readOnly) for (const control of panel.host.querySelectorAll("input, textarea, select, .panel-body button")) control.disabled = true;
}

function buildTouchpoint(panel, body, item) {
  const s = panel.s;
  const doc = panel.getDoc();
  const lang = doc.map?.language || "en";
  body.append(fieldRow(panel, s.title, textInput(panel, "title", { required: true })));
  const kinds = [["digital", s.digital], ["physical", s.physical], ["personal", s.personal]];
  const channels = doc.channels || [];
  const groups = kinds.map(([kind, label]) => ({
    group: label,
    options: channels.filter((c) => c.kind === kind).map((c) => ({ value: c.id, label: channelName(c, lang) })),
  })).filter((g) => g.options.length);
  body.append(fieldRow(panel, s.channel, selectInput(panel, "channel", groups, { empty: s.noChannel })));
  body.append(fieldRow(panel, s.description, textInput(panel, "description", { multiline: true, maxLength: 10000 })));
  const teams = (doc.teams || []).map((t) => ({ value: t.id, label: t.name }));
  body.append(fieldRow(panel, s.ownerTeam, selectInput(panel, "owner_team", teams, { empty: s.noTeam })));

  // Evaluation: three radio chips, colour and symbol.
  const evalWrap = el("fieldset", "panel-row panel-evaluation");
  evalWrap.dataset.field = "evaluation";
  evalWrap.append(el("legend", "panel-label", s.evaluation));
  const chips = el("div", "eval-choices");
  const name = `evaluation-${Math.random().toString(36).slice(2, 7)}`;
  const radios = [];
  for (const value of ["", ...EVALUATIONS]) {
    const label = el("label", `eval-choice eval-${value || "none"}`);
    const radio = el("input");
    radio.type = "radio";
    radio.name = name;
    radio.value = value;
    radio.addEventListener("change", () => { if (radio.checked) evaluation.changed(); });
    radios.push(radio);
    const symbol = el("span", "eval-symbol", value ? EVALUATION_SYMBOL[value] : "–");
    symbol.setAttribute("aria-hidden", "true");
    label.append(radio, symbol, el("span", "", value ? s[`eval_${value}`] : s.notEvaluated));
    chips.append(label);
  }
  evalWrap.append(chips);
  const evaluation = bindField(panel, "evaluation", chips, {
    get: () => radios.find((r) => r.checked)?.value ?? "",
    set: (text) => { for (const r of radios) r.checked = r.value === text; },
    toText: (value) => value || "",
    fromText: (text) => text,
    show: (value) => (value ? `${EVALUATION_SYMBOL[value]} ${s[`eval_${value}`]}` : s.notEvaluated),
  });
  body.append(evalWrap);

  // Volume: a share of customers and/or a count per period.
  const volume = el("fieldset", "panel-row panel-grid");
  volume.append(el("legend", "panel-label", s.volume));
  volume.append(fieldRow(panel, s.volumeShare, numberInput(panel, "volume_share", { min: 0, max: 100, suffix: "%" })));
  volume.append(fieldRow(panel, s.volumeCount, numberInput(panel, "volume_count", { min: 0, max: 2000000000, step: 1, integer: true })));
  const periods = ["day", "week", "month", "year"].map((p) => ({ value: p, label: s[`period_${p}`] }));
  volume.append(fieldRow(panel, s.volumePeriod, selectInput(panel, "volume_period", periods, { empty: "—" })));
  body.append(volume);
  const scores = el("fieldset", "panel-row panel-grid");
  scores.append(el("legend", "panel-label", s.surveyScores));
  scores.append(fieldRow(panel, "CSAT", numberInput(panel, "csat", { min: 0, max: 100, suffix: "%" })));
  scores.append(fieldRow(panel, "NPS", numberInput(panel, "nps", { min: -100, max: 100, step: 1, integer: true })));
  scores.append(fieldRow(panel, "CES", numberInput(panel, "ces", { min: 1, max: 7 })));
  body.append(scores);
  body.append(metricsSection(panel));
  body.append(evidenceSection(panel));
  if (panel.files) body.append(attachmentSection(panel));
}

function buildMoment(panel, body, item) {
  const s = panel.s;
  const doc = panel.getDoc();
  const where = el("p", "panel-where small muted");
  const stage = find(doc, "stage", item.stage);
  const tp = item.touchpoint ? find(doc, "touchpoint", item.touchpoint) : null;
  where.textContent = tp ? format(s.momentOnTouchpoint, { title: tp.title, stage: stage?.name || "" })
    : format(s.momentOnStage, { stage: stage?.name || "" });
  body.append(where);
  body.append(fieldRow(panel, s.title, textInput(panel, "title", { required: true })));
  const grid = el("div", "panel-grid");
  const scale = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }));
  const importance = selectInput(panel, "importance", scale, { parse: Number });
  const impact = selectInput(panel, "impact", scale, { parse: Number });
  grid.append(fieldRow(panel, s.importance, importance, { hint: s.importanceHint }));
  grid.append(fieldRow(panel, s.impact, impact, { hint: s.impactHint }));
  body.append(grid);
  const valences = ["positive", "negative", "mixed"].map((v) => ({ value: v, label: s[`valence_${v}`] }));
  body.append(fieldRow(panel, s.valence, selectInput(panel, "valence", valences, { parse: (v) => v })));
  body.append(fieldRow(panel, s.rationale, textInput(panel, "rationale", { multiline: true, maxLength: 5000 })));
}

function evidenceSection(panel) {
  const s = panel.s;
  const wrap = el("fieldset", "panel-row panel-evidence");
  wrap.append(el("legend", "panel-label", s.evidence));
  const list = el("ul", "evidence-list");
  wrap.append(list);
  const current = () => find(panel.getDoc(), panel.entity, panel.id)?.evidence || [];
  const read = (item) => {
    list.replaceChildren();
    const links = item.evidence || [];
    if (!links.length) list.append(el("li", "evidence-empty small muted", s.noEvidence));
    links.forEach((link, index) => {
      const li = el("li", "evidence-item");
      const a = el("a", "", link.label || link.url);
      a.href = link.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.title = link.url;
      li.append(a);
      if (panel.config.canWrite) {
        const rm = el("button", "icon-btn evidence-remove");
        rm.type = "button";
        rm.setAttribute("aria-label", format(s.removeLink, { label: link.label || link.url }));
        rm.textContent = "×";
        rm.addEventListener("click", () => panel.commit({ evidence: current().filter((_, i) => i !== index) }));
        li.append(rm);
      }
      list.append(li);
    });
  };
  panel.fields.set("evidence", { read });
  if (panel.config.canWrite) {
    const form = el("form", "evidence-add");
    const url = el("input", "panel-input");
    url.type = "url";
    url.placeholder = "https://…";
    url.required = true;
    url.setAttribute("aria-label", s.linkUrl);
    const label = el("input", "panel-input");
    label.type = "text";
    label.maxLength = 200;
    label.placeholder = s.linkLabel;
    label.setAttribute("aria-label", s.linkLabel);
    const add = el("button", "btn btn-small", s.addLink);
    add.type = "submit";
    form.append(url, label, add);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = url.value.trim();
      if (!/^https?:\/\//i.test(value)) {
        url.setCustomValidity(s.linkMustBeHttp);
        url.reportValidity();
        return;
      }
      url.setCustomValidity("");
      panel.commit({ evidence: [...current(), { url: value, label: label.value.trim() }] });
      url.value = "";
      label.value = "";
    });
    url.addEventListener("input", () => url.setCustomValidity(""));
    wrap.append(form);
  }
  return wrap;
}

