// The dashboard's Import dialog: drop (or choose) a file, see what the new map
// will hold (a dry run of POST /api/v1/workspaces/<id>/imports/), then create it.
// Everything the server sends back is written with textContent: imported text is
// data, never markup.

import { csrfToken } from "./csrf.js";

function item(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function setUpImportDialog(dialog) {
  if (!dialog) return;
  const labels = JSON.parse(dialog.querySelector("#import-labels").textContent);
  const input = dialog.querySelector("#import-file");
  const zone = dialog.querySelector("[data-drop-zone]");
  const fileName = dialog.querySelector("[data-file-name]");
  const status = dialog.querySelector("[data-import-status]");
  const error = dialog.querySelector("[data-import-error]");
  const preview = dialog.querySelector("[data-import-preview]");
  const create = dialog.querySelector("[data-import-create]");
  const titleInput = dialog.querySelector("#import-map-title");
  let file = null;
  let busy = false;

  function reset() {
    file = null;
    input.value = "";
    fileName.textContent = "";
    status.textContent = "";
    error.hidden = true;
    error.textContent = "";
    preview.hidden = true;
    create.disabled = true;
  }

  async function send(dryRun) {
    const body = new FormData();
    body.append("file", file, file.name);
    body.append("dry_run", dryRun ? "true" : "false");
    if (titleInput.value.trim()) body.append("title", titleInput.value.trim());
    const response = await fetch(dialog.dataset.url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    let answer = null;
    try { answer = await response.json(); } catch { answer = null; }
    return { ok: response.ok, answer };
  }

  function showError(answer) {
    preview.hidden = true;
    create.disabled = true;
    status.textContent = "";
    error.textContent = (answer && (answer.fields?.file?.[0] || answer.message)) || labels.failed;
    error.hidden = false;
  }

  function showPreview(answer) {
    const data = answer.preview;
    error.hidden = true;
    status.textContent = "";
    dialog.querySelector("[data-preview-source]").textContent =
      `${labels.formats[data.format] || data.format} · ${data.title}`;
    const counts = dialog.querySelector("[data-preview-counts]");
    counts.replaceChildren();
    for (const [key, label] of Object.entries(labels.counts)) {
      const value = answer.counts[key] || 0;
      if (!value && !["stages", "lanes"].includes(key)) continue;
      const group = document.createElement("div");
      group.append(item("dt", label), item("dd", String(value)));
      counts.append(group);
    }
    const stages = dialog.querySelector("[data-preview-stages]");
    stages.replaceChildren(...data.stages.map((stage) => {
      const li = item("li", stage.name);
      li.append(item("span", ` · ${stage.phase || labels.no_phase}`, "muted small"));
      return li;
    }));
    const lanes = dialog.querySelector("[data-preview-lanes]");
    lanes.replaceChildren(...data.lanes.map((lane) => {
      const li = item("li", lane.title);
      li.append(item("span", ` · ${labels.kinds[lane.kind] || lane.kind}`, "muted small"));
      return li;
    }));
    const warnings = answer.warnings || [];
    dialog.querySelector("[data-preview-warnings]").replaceChildren(...warnings.map((w) => item("li", w)));
    dialog.querySelector("[data-preview-warnings-block]").hidden = warnings.length === 0;
    if (!titleInput.value.trim()) titleInput.placeholder = data.title;
    preview.hidden = false;
    create.disabled = false;
  }

  async function choose(chosen) {
    if (!chosen || busy) return;
    reset();
    file = chosen;
    fileName.textContent = chosen.name;
    status.textContent = labels.reading.replace("%(name)s", chosen.name);
    busy = true;
    try {
      const { ok, answer } = await send(true);
      if (ok && answer?.preview) showPreview(answer); else showError(answer);
    } catch {
      showError(null);
    } finally {
      busy = false;
    }
  }

  input.addEventListener("change", () => choose(input.files[0]));
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => { event.preventDefault(); zone.classList.add("drop-zone-over"); });
  }
  for (const type of ["dragleave", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("drop-zone-over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    choose(event.dataTransfer?.files?.[0]);
  });
  // A button: Enter and Space open the file chooser as a click does.
  zone.addEventListener("click", () => input.click());

  create.addEventListener("click", async () => {
    if (!file || busy) return;
    busy = true;
    create.disabled = true;
    status.textContent = labels.creating;
    try {
      const { ok, answer } = await send(false);
      if (ok && answer?.map?.id) {
        window.location.assign(`/maps/${answer.map.id}/`);
        return;
      }
      showError(answer);
    } catch {
      showError(null);
    } finally {
      busy = false;
    }
  });
  dialog.addEventListener("close", reset);
}
