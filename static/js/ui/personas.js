// The persona strip at the top of the map: who this map follows (persona_link
// items, in order), attach from the workspace library, detach. Names, quotes and
// colours come from the library (the page's config, refreshed by workspace frames).

import { sorted } from "../grid/model.js";
import { curveColors } from "../lanes/marks.js";

// Personas on the map, in link order: the library entry for each live link.
export function linkedPersonas(doc, library = []) {
  const known = new Map([...(doc.personas || []), ...library].map((p) => [p.id, p]));
  const seen = new Set();
  const out = [];
  for (const link of sorted(doc, "persona_links")) {
    const persona = known.get(link.persona);
    if (!persona || seen.has(persona.id)) continue;
    seen.add(persona.id);
    out.push({ ...persona, link: link.id });
  }
  return out;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function avatar(persona, avatarUrl) {
  if (persona.avatar && avatarUrl) {
    const img = el("img", "pill-avatar");
    img.alt = "";
    img.src = `${avatarUrl.replace("__id__", persona.id)}?v=${persona.version || 1}`;
    return img;
  }
  const initial = el("span", "pill-avatar", (persona.name || "?").slice(0, 1).toUpperCase());
  initial.setAttribute("aria-hidden", "true");
  return initial;
}

export function renderStrip(host, { doc, library, s, canWrite, avatarUrl, libraryUrl, onAdd, onRemove }) {
  if (!host) return;
  const linked = linkedPersonas(doc, library);
  const colors = curveColors(linked); // a persona wears its curve's colour on this map
  host.replaceChildren();
  host.append(el("span", "persona-strip-label", s.personas));
  if (!linked.length) host.append(el("span", "small muted strip-empty", s.noPersonaOnMap));
  for (const persona of linked) {
    const pill = el("span", "persona-pill");
    pill.dataset.persona = persona.id;
    pill.style.setProperty("--persona", colors.get(persona.id));
    pill.title = [persona.name, persona.role, persona.quote ? `“${persona.quote}”` : ""].filter(Boolean).join("\n");
    const text = el("span", "pill-text");
    text.append(el("span", "pill-name", persona.name));
    if (persona.quote || persona.role) text.append(el("span", "pill-quote", persona.quote ? `“${persona.quote}”` : persona.role));
    pill.append(avatar(persona, avatarUrl), text);
    if (canWrite) {
      const remove = el("button", "icon-btn pill-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", s.detachPersona.replace("%(name)s", persona.name));
      remove.title = remove.getAttribute("aria-label");
      remove.addEventListener("click", () => onRemove(persona));
      pill.append(remove);
    }
    host.append(pill);
  }
  if (canWrite) {
    const add = el("button", "btn btn-small btn-quiet strip-add", `+ ${s.attachPersona}`);
    add.type = "button";
    add.addEventListener("click", () => onAdd(add, linked));
    host.append(add);
  }
  if (libraryUrl) {
    const link = el("a", "strip-library", s.personaLibrary);
    link.href = libraryUrl;
    host.append(link);
  }
}
