// The "…" menus of stages, lanes, phases, cards and touchpoints.

import { find } from "../grid/model.js";
import { menuButton, section } from "../ui/menu.js";

const COLORS = ["", "#fef3c7", "#dcfce7", "#dbeafe", "#fce7f3", "#ede9fe", "#fee2e2", "#e0f2fe"];

// Returns openMenu for the board's "…" buttons.
export function createMenus(ctx, { updateItem, deleteItem, openPanel, markMoment, renameHeader, deleteHeader, stepHeader }) {
  const { s, board, popover } = ctx;
  const currentDoc = () => ctx.currentDoc();

  function openMenu(button) {
    const entity = button.dataset.menu;
    const id = button.dataset.menuId;
    const doc = currentDoc();
    const item = find(doc, entity, id);
    if (!item) return;
    popover.open(button, (host, close) => {
      if (entity === "phase") {
        const wrap = section("");
        wrap.append(menuButton(s.deleteThe_phase, () => { close(); deleteHeader("phase", id); }, { danger: true }));
        host.append(wrap);
        return;
      }
      if (entity === "stage" || entity === "lane") {
        const wrap = section("");
        wrap.append(menuButton(s.rename, () => { close(); renameHeader(entity, id); }));
        if (entity === "stage") {
          const moment = (doc.moments || []).find((m) => m.stage === id && !m.touchpoint);
          wrap.append(menuButton(moment ? s.editMoment : s.markMoment, () => { close(); markMoment(id, null); }));
        }
        if (entity === "lane") wrap.append(menuButton(s.editQuestion, () => { close(); renameHeader("lane", id, "prompt"); }));
        wrap.append(menuButton(entity === "stage" ? s.moveLeft : s.moveUp, () => { close(); stepHeader(entity, id, -1); }));
        wrap.append(menuButton(entity === "stage" ? s.moveRight : s.moveDown, () => { close(); stepHeader(entity, id, 1); }));
        wrap.append(menuButton(s.delete, () => { close(); deleteHeader(entity, id); }, { danger: true }));
        host.append(wrap);
        return;
      }
      // Card, touchpoint, moment.
      if (entity === "card") {
        const colours = section(s.color);
        const row = document.createElement("div");
        row.className = "swatches";
        for (const color of COLORS) {
          const swatch = document.createElement("button");
          swatch.type = "button";
          swatch.className = `swatch${color ? "" : " swatch-none"}`;
          swatch.style.setProperty("--swatch", color || "#fff");
          swatch.setAttribute("aria-label", color ? `${s.color} ${color}` : s.noColor);
          swatch.setAttribute("aria-pressed", String((item.color || "") === color));
          swatch.addEventListener("click", () => { updateItem("card", id, { color }); close(); });
          row.append(swatch);
        }
        colours.append(row);
        host.append(colours);
      }
      if (entity === "card") {
        const prio = section(s.priority);
        const row = document.createElement("div");
        row.className = "prio-choices";
        for (const value of ["high", "medium", "low", ""]) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = `prio-choice prio-${value || "none"}`;
          button.dataset.priority = value;
          button.textContent = value ? s[`priority_${value}`] : s.noPriority;
          button.setAttribute("aria-pressed", String((item.priority || "") === value));
          button.addEventListener("click", () => { updateItem("card", id, { priority: value }); close(); });
          row.append(button);
        }
        prio.append(row);
        host.append(prio);
        // A change (any card outside the pain-point lanes) names the pain point it addresses.
        const lane = find(doc, "lane", item.lane);
        if (lane && lane.kind !== "pain_points") {
          const pains = (doc.cards || []).filter((c) => c.id !== id && find(doc, "lane", c.lane)?.kind === "pain_points");
          if (pains.length || item.addresses) {
            const wrap = section(s.addresses);
            const select = document.createElement("select");
            select.className = "addresses-select";
            select.setAttribute("aria-label", s.addresses);
            select.append(new Option(s.noAddress, ""));
            const stageName = (c) => find(doc, "stage", c.stage)?.name || "";
            for (const pain of pains) {
              select.append(new Option(`${stageName(pain)} · ${pain.text.slice(0, 70)}`, pain.id, false, item.addresses === pain.id));
            }
            select.addEventListener("change", () => { updateItem("card", id, { addresses: select.value || null }); close(); });
            wrap.append(select);
            host.append(wrap);
          }
        }
      }
      const teamField = entity === "touchpoint" ? "owner_team" : entity === "card" ? "team" : null;
      if (teamField) {
        const wrap = section(s.team);
        const select = document.createElement("select");
        select.setAttribute("aria-label", s.team);
        select.append(new Option(s.noTeam, ""));
        for (const team of doc.teams || []) select.append(new Option(team.name, team.id, false, item[teamField] === team.id));
        select.addEventListener("change", () => { updateItem(entity, id, { [teamField]: select.value || null }); close(); });
        wrap.append(select);
        host.append(wrap);
      }
      if (entity === "touchpoint") {
        const wrap = section(s.channel);
        const select = document.createElement("select");
        select.setAttribute("aria-label", s.channel);
        select.append(new Option(s.noChannel, ""));
        const lang = doc.map?.language || "en";
        for (const channel of doc.channels || []) {
          const name = lang === "fr" && channel.name_fr ? channel.name_fr : channel.name;
          select.append(new Option(name, channel.id, false, item.channel === channel.id));
        }
        select.addEventListener("change", () => { updateItem(entity, id, { channel: select.value || null }); close(); });
        wrap.append(select);
        host.append(wrap);
      }
      const actions = section("");
      if (entity !== "card") {
        actions.append(menuButton(s.details, () => { close(); const node = board.items.get(id); if (node) openPanel(node); }));
      }
      if (entity === "touchpoint") {
        const moment = (doc.moments || []).find((m) => m.touchpoint === id);
        actions.append(menuButton(moment ? s.editMoment : s.markMoment, () => { close(); markMoment(item.stage, id); }));
      }
      actions.append(menuButton(s.delete, () => { close(); deleteItem(entity, id); }, { danger: true }));
      host.append(actions);
    }, { label: { stage: s.stageActions, lane: s.laneActions, phase: s.phaseActions }[entity] || s.cardActions });
  }

  return { openMenu };
}
