// The touchpoint panel's Metrics section: one line per measured metric with a
// small sparkline of its periods (each point titled with its period and value),
// the latest value and its period, and, for editors, a CSV upload. The series are
// read over REST (GET /api/v1/maps/<id>/metrics/?touchpoint=); they are read again
// whenever the touchpoint's latest readings change, which arrive live with the
// batch that the upload (or anyone else's) wrote.

import { format } from "../grid/model.js";
import { csrfToken } from "./csrf.js";
import { el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 120;
const HEIGHT = 28;
const PAD = 3;

// The short name a line shows (the catalogue's full label is its title).
export function metricLabel(key, s) {
  return { csat: "CSAT", nps: "NPS", ces: "CES", volume_share: s.volumeShare, volume_count: s.volume }[key] || key;
}

export function metricsSection(panel) {
  const s = panel.s;
  const wrap = el("fieldset", "panel-row panel-metrics");
  wrap.append(el("legend", "panel-label", s.metricsTitle));
  const list = el("ul", "metric-list");
  const status = el("p", "metric-status small");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  wrap.append(list);
  const url = () => `/api/v1/maps/${panel.config.mapId}/metrics/`;
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
  let shown = null; // the readings the list was drawn for
  let asked = 0;

  async function load() {
    const ticket = ++asked;
    const touchpoint = panel.id;
    if (!list.childElementCount) list.replaceChildren(el("li", "metric-empty small muted", s.metricsLoading));
    try {
      const response = await fetch(`${url()}?touchpoint=${encodeURIComponent(touchpoint)}`,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (ticket === asked && panel.id === touchpoint) draw(data);
    } catch {
      if (ticket === asked) list.replaceChildren(el("li", "metric-empty small", s.metricsFailed));
    }
  }

  function draw({ metrics, series }) {
    const labels = new Map(metrics.map((m) => [m.key, m.label]));
    const order = new Map(metrics.map((m, i) => [m.key, i]));
    list.replaceChildren();
    if (!series.length) {
      list.append(el("li", "metric-empty small muted", s.metricsNone));
      return;
    }
    series.sort((a, b) => (order.get(a.metric) ?? 99) - (order.get(b.metric) ?? 99));
    for (const { metric, points } of series) {
      const last = points[points.length - 1];
      const li = el("li", "metric-line");
      li.dataset.metric = metric;
      const builtin = ["csat", "nps", "ces", "volume_share", "volume_count"].includes(metric);
      const name = el("span", "metric-name", builtin ? metricLabel(metric, s) : labels.get(metric) || metric);
      name.title = labels.get(metric) || metric;
      const latest = el("span", "metric-latest");
      latest.append(el("strong", "metric-value", numbers.format(last.value)), " ",
        el("span", "metric-period small muted", last.period));
      latest.title = format(s.metricsLatest, { value: numbers.format(last.value), period: last.period });
      li.append(name, sparkline(points), latest);
      list.append(li);
    }
  }

  function sparkline(points) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "metric-spark");
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute("width", String(WIDTH));
    svg.setAttribute("height", String(HEIGHT));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", format(s.metricsPoints, {
      count: points.length, first: points[0].period, last: points[points.length - 1].period }));
    const values = points.map((p) => p.value);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const x = (i) => (points.length === 1 ? WIDTH / 2 : PAD + (i * (WIDTH - 2 * PAD)) / (points.length - 1));
    const y = (v) => (hi === lo ? HEIGHT / 2 : HEIGHT - PAD - ((v - lo) * (HEIGHT - 2 * PAD)) / (hi - lo));
    if (points.length > 1) {
      const line = document.createElementNS(SVG, "polyline");
      line.setAttribute("points", points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" "));
      line.setAttribute("class", "metric-spark-line");
      svg.append(line);
    }
    points.forEach((p, i) => {
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", x(i).toFixed(1));
      dot.setAttribute("cy", y(p.value).toFixed(1));
      dot.setAttribute("r", i === points.length - 1 ? "2.6" : "1.8");
      dot.setAttribute("class", i === points.length - 1 ? "metric-spark-dot is-latest" : "metric-spark-dot");
      const title = document.createElementNS(SVG, "title");
      title.textContent = format(s.metricsPoint, { period: p.period, value: numbers.format(p.value) });
      dot.append(title);
      svg.append(dot);
    });
    return svg;
  }

  // Read again when the touchpoint's latest readings change (a live batch, an upload).
  panel.fields.set("metrics", {
    read(item) {
      const readings = JSON.stringify(item.metrics || {});
      if (readings === shown) return;
      shown = readings;
      load();
    },
  });

  if (panel.config.canWrite) wrap.append(uploadForm());
  wrap.append(status);
  return wrap;

  function uploadForm() {
    const form = el("div", "metric-upload");
    const input = el("input", "metric-file");
    input.type = "file";
    input.accept = ".csv,text/csv";
    input.hidden = true; // the button opens it
    const button = el("button", "btn btn-small metric-upload-button", s.metricsUpload);
    button.type = "button";
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", async () => {
      const file = input.files?.[0];
      if (!file) return;
      const body = new FormData();
      body.append("file", file);
      body.append("touchpoint", panel.id);
      setStatus("", s.metricsUploading);
      button.disabled = true;
      try {
        const response = await fetch(url(), {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          const said = { 0: s.metricsUploadedNone, 1: s.metricsUploadedOne }[answer.touchpoints] ?? s.metricsUploaded;
          setStatus("is-ok", format(said,
            { count: answer.points, touchpoints: answer.touchpoints }));
          load();
        } else {
          setStatus("is-error", format(s.metricsUploadFailed, { message: answer.message || String(response.status) }));
        }
      } catch {
        setStatus("is-error", s.metricsUploadError);
      } finally {
        button.disabled = false;
        input.value = "";
      }
    });
    form.append(button, input, el("p", "metric-hint small muted", s.metricsUploadHint));
    return form;
  }

  function setStatus(kind, text) {
    status.className = `metric-status small ${kind}`.trim();
    status.textContent = text;
  }
}
