// Dashboard: the "new map" dialog with a live preview of the chosen template, the
// Import dialog, when each map was last edited, and the maps' health.

import { fillHealthBadges } from "./ui/health-badges.js";
import { setUpImportDialog } from "./ui/import-dialog.js";

for (const opener of document.querySelectorAll("[data-open-dialog]")) {
  opener.addEventListener("click", () => {
    const dialog = document.getElementById(opener.dataset.openDialog);
    dialog?.showModal();
    (dialog?.querySelector("input[name=title]:not(#import-map-title)") || dialog?.querySelector("[data-drop-zone]"))
      ?.focus();
  });
}
for (const closer of document.querySelectorAll("[data-close-dialog]")) {
  closer.addEventListener("click", () => closer.closest("dialog")?.close());
}

function showPreview(radio) {
  for (const section of document.querySelectorAll(".template-preview")) {
    section.hidden = section.id !== radio.dataset.preview;
  }
}
for (const radio of document.querySelectorAll("input[name=template]")) {
  radio.addEventListener("change", () => showPreview(radio));
  if (radio.checked) showPreview(radio);
}

// "Ben Martin · 5 min ago" in the page's language, short enough for a card's
// footer; the server's wording stays where the browser cannot do this.
function relativeTime(date, lang) {
  const seconds = (date.getTime() - Date.now()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" });
  const steps = [[60, "second", 1], [3600, "minute", 60], [86400, "hour", 3600], [7 * 86400, "day", 86400]];
  if (Math.abs(seconds) < 45) return rtf.format(0, "second");
  for (const [limit, unit, size] of steps) {
    if (Math.abs(seconds) < limit) return rtf.format(Math.round(seconds / size), unit);
  }
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleDateString(lang, { day: "numeric", month: "short", year: sameYear ? undefined : "numeric" });
}

const lang = document.documentElement.lang || undefined;
for (const line of document.querySelectorAll(".edited[data-updated]")) {
  const date = new Date(line.dataset.updated);
  if (Number.isNaN(date.getTime()) || typeof Intl.RelativeTimeFormat !== "function") continue;
  line.title = date.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
  if (line.dataset.who) line.textContent = `${line.dataset.who} · ${relativeTime(date, lang)}`;
}

// "Create the future state…": one dialog for every map, pointed at the map chosen.
const futureDialog = document.getElementById("future-state-dialog");
for (const button of document.querySelectorAll("[data-future-state]")) {
  button.addEventListener("click", () => {
    if (!futureDialog) return;
    button.closest("details")?.removeAttribute("open");
    futureDialog.querySelector("form").action = button.dataset.futureState;
    futureDialog.querySelector("[data-source-title]").textContent = button.dataset.sourceTitle;
    futureDialog.showModal();
    futureDialog.querySelector("input[name=copy]:checked")?.focus();
  });
}

setUpImportDialog(document.getElementById("import-dialog"));
fillHealthBadges();
