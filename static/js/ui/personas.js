// The persona strip at the top of the map: who this map follows (persona_link
// items, in order), attach from the workspace library, detach. Names, quotes and
// colours come from the library (the page's config, refreshed by workspace frames).

import { sorted } from "../grid/model.js";
import { curveColors } from "../lanes/marks.js";
import { el } from "./dom.js";

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

/**
 * "Add a persona": the library's personas not yet on the map, and a short form to
 * create one right there (name and role; the rest is in the persona library).
 * Returns {update(free, libraryCount)} so a live change redraws the list without
 * touching what is being typed in the form.
 * onAttach(persona); onCreate({name, role}) -> Promise resolving to an error text or null.
 */
export function buildPicker(host, { free, libraryCount, s, onAttach, onCreate }) {
  const wrap = el("div", "menu-section persona-picker");
  wrap.append(el("p", "menu-title", s.attachPersona));
  const list = el("div", "picker-list");
  wrap.append(list);

  const form = el("form", "persona-create");
  form.noValidate = true;
  const title = el("p", "persona-create-title");
  const field = (label, input) => {
    const row = el("label", "persona-create-field");
    row.append(el("span", "persona-create-label", label), input);
    return row;
  };
  const name = el("input", "panel-input persona-create-name");
  name.name = "name";
  name.maxLength = 200;
  name.required = true;
  name.autocomplete = "off";
  const role = el("input", "panel-input persona-create-role");
  role.name = "role";
  role.maxLength = 200;
  role.placeholder = s.personaRolePlaceholder;
  role.autocomplete = "off";
  const error = el("p", "persona-create-error small");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const submit = el("button", "btn btn-small btn-primary persona-create-submit", s.createAndAdd);
  submit.type = "submit";
  form.append(title, field(s.personaName, name), field(s.personaRole, role), error, submit);
  for (const input of [name, role]) {
    input.addEventListener("input", () => {
      error.hidden = true;
      input.removeAttribute("aria-invalid");
    });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = { name: name.value.trim(), role: role.value.trim() };
    if (!values.name) {
      error.textContent = s.personaNameRequired;
      error.hidden = false;
      name.setAttribute("aria-invalid", "true");
      name.focus();
      return;
    }
    submit.disabled = true;
    error.hidden = true;
    name.removeAttribute("aria-invalid");
    const problem = await onCreate(values);
    submit.disabled = false;
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
    }
  });

  // With personas to pick, the form waits behind a button; with none, it is open.
  const reveal = el("button", "menu-action persona-create-reveal", `+ ${s.newPersona}`);
  reveal.type = "button";
  reveal.addEventListener("click", () => {
    reveal.hidden = true;
    form.hidden = false;
    name.focus();
  });

  const update = (personas, count) => {
    list.replaceChildren();
    for (const persona of personas) {
      const choose = el("button", "menu-action attach-persona");
      choose.type = "button";
      choose.dataset.persona = persona.id;
      choose.append(el("span", "attach-name", persona.name));
      if (persona.role) choose.append(el("span", "attach-role", persona.role));
      choose.addEventListener("click", () => onAttach(persona));
      list.append(choose);
    }
    if (!personas.length) list.append(el("p", "picker-empty small muted", count ? s.noPersonaToAttach : s.noPersonaInLibrary));
    title.textContent = personas.length || count ? s.newPersona : s.createFirstPersona;
    // Something typed keeps the form open; an untouched one gives way to the list.
    const typed = !form.hidden && Boolean(name.value || role.value);
    const hadFocus = form.contains(document.activeElement);
    form.hidden = personas.length > 0 && !typed;
    reveal.hidden = !form.hidden;
    if (hadFocus && form.hidden) list.querySelector("button")?.focus();
  };
  wrap.append(reveal, form);
  host.append(wrap);
  update(free, libraryCount);
  return { update, focusForm: () => { if (!form.hidden) name.focus(); } };
}
