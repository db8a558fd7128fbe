// Dashboard: the "new map" dialog with a live preview of the chosen template.

for (const opener of document.querySelectorAll("[data-open-dialog]")) {
  opener.addEventListener("click", () => {
    const dialog = document.getElementById(opener.dataset.openDialog);
    dialog?.showModal();
    dialog?.querySelector("input[name=title]")?.focus();
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
