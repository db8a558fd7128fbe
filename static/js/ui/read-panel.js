// The side panel for people who may only look (viewers, share visitors): the same
// touchpoint or moment of truth, set out to be read (no form fields, nothing greyed
// out), redrawn whenever the item changes. Empty fields are left out.
// User text only ever goes through textContent, never innerHTML.

import { channelName, find, format } from "../grid/model.js";
import { evaluationFace, volumeText } from "../lanes/marks.js";
import { el } from "./dom.js";
import { metricsSection } from "./panel-metrics.js";
import { SidePanel } from "./panel.js";

const present = (value) => value !== null && value !== undefined && value !== "";

export class ReadPanel extends SidePanel {
  build(item) {
    const s = this.s;
    this.host.classList.add("read-panel");
    this.host.append(this.head(this.entity === "touchpoint" ? s.touchpoint : s.momentOfTruth));
    const body = el("div", "panel-body");
    this.host.append(body);
    this.content = el("div", "read-content");
    body.append(this.content);
    this.draw(item);
    // The series are for the workspace's members (a share link reads none of them).
    if (this.entity === "touchpoint" && !this.config.share) {
      body.append(metricsSection(this));
      this.fields.get("metrics").read(item);
    }
    const extra = el("div", "panel-extra");
    body.append(extra);
    if (this.extras[this.entity]) this.extras[this.entity](this, item, extra);
    // SidePanel.refresh reads every field: one "field" redraws the whole view.
    this.fields.set("*", { read: (current) => this.draw(current) });
  }

  draw(item) {
    this.content.replaceChildren();
    if (this.entity === "touchpoint") this.drawTouchpoint(item);
    else this.drawMoment(item);
  }

  // A term and what it says; nothing at all when there is nothing to say.
  fact(list, label, value, className = "") {
    if (!present(value)) return null;
    const term = el("dt", "read-term", label);
    const detail = el("dd", `read-detail ${className}`.trim());
    if (value instanceof Node) detail.append(value);
    else detail.textContent = String(value);
    list.append(term, detail);
    return detail;
  }

  // The item's title (in the map's language) and where it sits: a stage name is the
  // map's words too, a sentence built from the interface's strings is not.
  heading(item, whereText, { whereIsMapText = true } = {}) {
    const lang = this.getDoc().map?.language || "en";
    const title = el("h2", "read-title", item.title || "");
    const where = el("p", "read-where small muted", whereText);
    title.lang = lang;
    if (whereIsMapText) where.lang = lang;
    this.content.append(title, where);
    return lang;
  }

  drawTouchpoint(item) {
    const s = this.s;
    const doc = this.getDoc();
    const lang = this.heading(item, find(doc, "stage", item.stage)?.name || "");

    const evaluation = el("p", `read-evaluation eval-${item.evaluation || "none"}`);
    if (item.evaluation) {
      // The same face as on the card and on paper; its name follows in words.
      evaluation.append(evaluationFace(item.evaluation), el("span", "", s[`eval_${item.evaluation}`]));
    } else {
      evaluation.append(el("span", "", s.notEvaluated));
    }
    this.content.append(evaluation);

    const facts = el("dl", "read-facts");
    const channel = (doc.channels || []).find((c) => c.id === item.channel);
    this.fact(facts, s.channel, channelName(channel, lang));
    const team = (doc.teams || []).find((t) => t.id === item.owner_team);
    if (team) {
      const tag = el("span", "team-tag", team.name);
      tag.style.setProperty("--team", team.color || "#64748b");
      this.fact(facts, s.ownerTeam, tag);
    }
    this.fact(facts, s.volume, volumeText(item, s) || null);
    this.fact(facts, "CSAT", present(item.csat) ? `${item.csat} %` : null);
    this.fact(facts, "NPS", item.nps);
    this.fact(facts, "CES", item.ces);
    if (facts.childElementCount) this.content.append(facts);

    if (present(item.description)) {
      const description = el("p", "read-text", item.description);
      description.lang = lang;
      this.content.append(el("h3", "read-heading", s.description), description);
    }
    const links = item.evidence || [];
    if (links.length) {
      this.content.append(el("h3", "read-heading", s.evidence));
      const list = el("ul", "evidence-list");
      for (const link of links) {
        const a = el("a", "", link.label || link.url);
        a.href = link.url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.title = link.url;
        const li = el("li", "evidence-item");
        li.append(a);
        list.append(li);
      }
      this.content.append(list);
    }
  }

  drawMoment(item) {
    const s = this.s;
    const doc = this.getDoc();
    const stage = find(doc, "stage", item.stage);
    const tp = item.touchpoint ? find(doc, "touchpoint", item.touchpoint) : null;
    const lang = this.heading(item, tp
      ? format(s.momentOnTouchpoint, { title: tp.title, stage: stage?.name || "" })
      : format(s.momentOnStage, { stage: stage?.name || "" }), { whereIsMapText: false });
    const facts = el("dl", "read-facts");
    this.fact(facts, s.importance, present(item.importance) ? `${item.importance} / 5` : null);
    this.fact(facts, s.impact, present(item.impact) ? `${item.impact} / 5` : null);
    this.fact(facts, s.valence, item.valence ? s[`valence_${item.valence}`] : null);
    this.content.append(facts);
    if (present(item.rationale)) {
      const rationale = el("p", "read-text", item.rationale);
      rationale.lang = lang;
      this.content.append(el("h3", "read-heading", s.rationale), rationale);
    }
  }
}
