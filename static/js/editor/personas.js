// The personas the map follows: the strip above the board and the picker that
// attaches one from the workspace library or creates one there.

import { format, sorted, uuid } from "../grid/model.js";
import { csrfToken } from "../ui/csrf.js";
import { buildPicker, linkedPersonas, renderStrip } from "../ui/personas.js";

// Draws the strip now; returns drawStrip and drawPicker for the live frames to call.
export function installPersonas(ctx, { commit, runUndo }) {
  const { config, s, toasts, popover } = ctx;
  const currentDoc = () => ctx.currentDoc();

  // The strip shows who the map follows; attaching and detaching are persona_link ops
  // (detaching hides that persona's emotion points, restoring the link brings them back).
  const stripHost = document.getElementById("persona-strip");

  function drawStrip() {
    renderStrip(stripHost, {
      doc: currentDoc(), library: config.personas || [], s, canWrite: config.canWrite,
      avatarUrl: config.avatarUrl, libraryUrl: config.personaLibraryUrl,
      onAdd: (button) => openPersonaPicker(button),
      onRemove: (persona) => {
        commit([{ op: "delete", entity: "persona_link", id: persona.link }], [{ kind: "delete", entity: "persona_link", id: persona.link }]);
        toasts.show(s.personaDetached, { action: { label: s.undo, run: runUndo } });
      },
    });
    drawPicker();
  }

  // "Add a persona": the library (kept live by workspace frames, and read again from
  // REST on every opening in case a frame was missed), and a form to create one here.
  let picker = null;

  function freePersonas() {
    const onMap = new Set(linkedPersonas(currentDoc(), config.personas || []).map((p) => p.id));
    return (config.personas || []).filter((p) => !p.archived && !onMap.has(p.id));
  }

  function drawPicker() {
    if (!picker || popover.host.hidden || popover.anchor !== picker.button) return;
    picker.view.update(freePersonas(), (config.personas || []).filter((p) => !p.archived).length);
  }

  function openPersonaPicker(button) {
    popover.open(button, (host, close) => {
      const view = buildPicker(host, {
        free: freePersonas(), libraryCount: (config.personas || []).filter((p) => !p.archived).length, s,
        onAttach: (persona) => { close(); attachPersona(persona.id); },
        onCreate: async (values) => {
          const problem = await createPersona(values);
          if (!problem) close();
          return problem;
        },
      });
      picker = { button, view };
    }, { label: s.attachPersona });
    picker?.view.focusForm();
    refreshLibrary();
  }

  async function refreshLibrary() {
    try {
      const response = await fetch(`/api/v1/workspaces/${config.workspaceId}/personas/`,
        { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const known = new Map((config.personas || []).map((p) => [p.id, p]));
      // The API's persona has no picture flag: keep the page's.
      const fresh = (await response.json()).map((p) => ({ avatar: known.get(p.id)?.avatar ?? false, ...p }));
      // Keep library entries of personas still on the map (archived ones too).
      const onMap = new Set(sorted(currentDoc(), "persona_links").map((l) => l.persona));
      config.personas = [...fresh, ...(config.personas || []).filter((p) => onMap.has(p.id) && !fresh.some((f) => f.id === p.id))];
      drawPicker();
    } catch {
      // The list from the page (and the live frames) stays.
    }
  }

  // Create a persona in the workspace library (REST), then follow it on this map (an op).
  async function createPersona({ name, role }) {
    let response;
    try {
      response = await fetch(`/api/v1/workspaces/${config.workspaceId}/personas/`, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ name, role }),
      });
    } catch {
      return s.personaCreateFailedNetwork;
    }
    let body = {};
    try { body = await response.json(); } catch { /* not JSON */ }
    if (!response.ok) {
      const fieldError = body.fields && Object.values(body.fields).flat()[0];
      return format(s.personaCreateFailed, { message: fieldError || body.message || String(response.status) });
    }
    const list = config.personas || (config.personas = []);
    if (!list.some((p) => p.id === body.id)) list.push({ ...body, avatar: false });
    attachPersona(body.id);
    toasts.show(format(s.personaCreated, { name: body.name }), { action: { label: s.undo, run: runUndo } });
    return null;
  }

  function attachPersona(personaId) {
    const links = sorted(currentDoc(), "persona_links");
    const id = uuid();
    const fields = { persona: personaId };
    if (links.length) fields.after = links[links.length - 1].id;
    commit([{ op: "create", entity: "persona_link", id, fields }], [{ kind: "create", entity: "persona_link", id }]);
  }

  drawStrip();

  return { drawStrip, drawPicker };
}
