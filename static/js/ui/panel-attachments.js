// A touchpoint's files in the panel: listed from its "attachments" field, uploaded
// and removed over REST.

import { format } from "../grid/model.js";
import { csrfToken } from "./csrf.js";
import { el } from "./dom.js";

// What the page says about attachments (members only; the share page has none).
export function attachmentSettings() {
  const node = document.getElementById("attachment-panel");
  return node ? JSON.parse(node.textContent) : null;
}

// What the upload picker offers; the server checks the content whatever is chosen.
const ATTACHMENT_ACCEPT = [
  "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", ".doc", ".docx", ".xls", ".xlsx",
  ".ppt", ".pptx", ".odt", ".ods", ".odp", ".mp3", ".m4a", ".wav", ".ogg", ".opus", ".mp4", ".m4v", ".mov",
  ".webm", ".ogv",
].join(",");
const KIND_BADGE = { pdf: "PDF", document: "DOC", spreadsheet: "XLS", presentation: "PPT", audio: "♪", video: "▶" };

function attachmentKind(contentType) {
  if (contentType.startsWith("image/")) return "image";
  if (contentType === "application/pdf") return "pdf";
  if (contentType.startsWith("audio/")) return "audio";
  if (contentType.startsWith("video/")) return "video";
  if (/spreadsheet|excel/.test(contentType)) return "spreadsheet";
  if (/presentation|powerpoint/.test(contentType)) return "presentation";
  if (/word|opendocument\.text|msword/.test(contentType)) return "document";
  return "file";
}

function fileSize(bytes, t, lang) {
  const number = (n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n);
  if (bytes >= 1024 * 1024) return format(t.megabytes, { n: number(bytes / (1024 * 1024)) });
  if (bytes >= 1024) return format(t.kilobytes, { n: number(bytes / 1024) });
  return format(t.bytes, { n: String(bytes) });
}

// Files: listed from the touchpoint's "attachments" (so an upload by anyone shows
// up here live, as an ordinary op); uploaded and removed over REST, where the
// server checks the content and stores the bytes.
export function attachmentSection(panel) {
  const t = panel.files.strings;
  const lang = document.documentElement.lang || "en"; // the page's language, as the words around it
  const wrap = el("fieldset", "panel-row panel-attachments");
  wrap.append(el("legend", "panel-label", t.attachments));
  const list = el("ul", "attachment-list");
  const status = el("p", "attachment-status small");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  wrap.append(list, status);
  const base = () => `/api/v1/maps/${panel.config.mapId}/touchpoints/${panel.id}/attachments/`;
  const say = (text, kind = "") => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

  const row = (entry) => {
    const kind = attachmentKind(entry.content_type);
    const url = `${base()}${entry.id}/download/`;
    const li = el("li", `attachment-item kind-${kind}`);
    li.dataset.id = entry.id;
    const preview = el("a", "attachment-preview");
    preview.href = url;
    preview.target = "_blank";
    preview.rel = "noopener";
    preview.setAttribute("aria-label", format(t.openFile, { name: entry.name }));
    if (kind === "image") {
      const img = el("img", "attachment-thumb");
      img.src = `${url}?thumbnail=1`;
      img.alt = "";
      img.loading = "lazy";
      img.decoding = "async";
      preview.append(img);
    } else {
      preview.append(el("span", "attachment-badge", KIND_BADGE[kind] || "…"));
    }
    const main = el("div", "attachment-main");
    const name = el("a", "attachment-name", entry.name);
    name.href = url;
    name.target = "_blank";
    name.rel = "noopener";
    name.title = entry.name;
    main.append(name, el("span", "attachment-meta small muted",
      `${t[`kind_${kind}`] || t.kind_file} · ${fileSize(entry.size, t, lang)}`));
    if (kind === "audio") {
      const audio = el("audio", "attachment-player");
      audio.controls = true;
      audio.preload = "none";
      audio.src = url;
      main.append(audio);
    }
    li.append(preview, main);
    if (panel.config.canWrite) {
      const rm = el("button", "icon-btn attachment-remove", "×");
      rm.type = "button";
      rm.setAttribute("aria-label", format(t.removeAttachment, { name: entry.name }));
      rm.addEventListener("click", () => confirmRemove(li, entry, rm));
      li.append(rm);
    }
    return li;
  };

  const confirmRemove = (li, entry, rm) => {
    if (li.querySelector(".attachment-confirm")) return;
    const box = el("div", "attachment-confirm");
    box.append(el("span", "small", t.confirmRemove));
    const yes = el("button", "btn btn-small btn-danger-quiet attachment-confirm-remove", t.remove);
    yes.type = "button";
    const no = el("button", "btn btn-small btn-quiet", t.keep);
    no.type = "button";
    no.addEventListener("click", () => { box.remove(); rm.focus(); });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        const response = await fetch(`${base()}${entry.id}/`, {
          method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        });
        if (!response.ok && response.status !== 404) throw new Error(String(response.status));
        say(format(t.removed, { name: entry.name }));
        list.querySelector(`[data-id="${CSS.escape(entry.id)}"]`)?.remove();
      } catch {
        say(t.removeFailed, "error");
        yes.disabled = false;
      }
    });
    box.append(yes, no);
    li.append(box);
    yes.focus();
  };

  const read = (item) => {
    const entries = item.attachments || [];
    // Rebuilt only when the files change: an edit of another field must not
    // reload previews or stop a recording being played.
    const key = entries.map((e) => e.id).join(",");
    if (list.dataset.key === key && list.childElementCount) return;
    list.dataset.key = key;
    list.replaceChildren();
    if (!entries.length) list.append(el("li", "attachment-empty small muted", t.noAttachments));
    for (const entry of entries) list.append(row(entry));
  };
  panel.fields.set("attachments", { read });

  if (panel.config.canWrite) {
    const add = el("div", "attachment-add");
    const input = el("input", "attachment-input");
    input.type = "file";
    input.multiple = true;
    input.accept = ATTACHMENT_ACCEPT;
    input.hidden = true;
    const pick = el("button", "btn btn-small attachment-pick", t.attachFile);
    pick.type = "button";
    pick.addEventListener("click", () => input.click());
    input.addEventListener("change", async () => {
      const files = [...input.files];
      const url = base(); // panel touchpoint's, even if the panel moves on meanwhile
      input.value = "";
      for (const file of files) await uploadAttachment(panel, file, url, say);
    });
    add.append(pick, input, el("p", "panel-hint small muted", format(t.attachHint, { size: fileSize(panel.files.maxBytes, t, lang) })));
    wrap.append(add);
  }
  return wrap;
}

async function uploadAttachment(panel, file, url, say) {
  const t = panel.files.strings;
  const name = file.name;
  const lang = document.documentElement.lang || "en"; // the page's language, as the words around it
  const limit = fileSize(panel.files.maxBytes, t, lang);
  if (file.size > panel.files.maxBytes) {
    say(format(t.tooLarge, { name, limit }), "error");
    return;
  }
  say(format(t.uploading, { name }), "busy");
  const form = new FormData();
  form.append("file", file, name);
  try {
    const response = await fetch(url, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    if (response.ok) {
      say(format(t.uploaded, { name }));
      return;
    }
    let error = {};
    try { error = await response.json(); } catch { /* not JSON */ }
    if (response.status === 413) say(format(t.tooLarge, { name, limit }), "error");
    else if (response.status === 400 && error.fields?.file) say(format(t.wrongType, { name }), "error");
    else say(format(t.uploadFailed, { name }), "error");
  } catch {
    say(format(t.uploadFailed, { name }), "error");
  }
}

