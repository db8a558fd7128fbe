// The History panel: the map's versions and its activity on one timeline, newest
// first. Viewers open and compare versions; editors also save and restore them.
// User text only ever goes through textContent.

import { format } from "../grid/model.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function when(iso, lang) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function versionTitle(version, s) {
  return version.name || s[`reason_${version.reason}`] || format(s.untitledVersion, { seq: version.seq });
}

/**
 * The view of the side panel. load(): {versions, activity} (REST); save({name, note});
 * open(version); restore(version); compareUrl(version). Reloads after the map changes.
 */
export function historyView({ s, lang, canWrite, load, save, open, restore, compareUrl, jump, teams }) {
  let list = null;
  let status = null;
  let timer = null;

  const versionEntry = (version) => {
    const li = el("li", `history-entry is-version${version.auto ? " is-auto" : ""}`);
    li.dataset.version = version.id;
    li.append(el("span", "history-title", versionTitle(version, s)));
    const by = version.created_by ? ` · ${format(s.versionBy, { name: version.created_by.name })}` : "";
    const kind = version.name && version.auto ? ` · ${s[`reason_${version.reason}`] || ""}` : "";
    li.append(el("span", "history-meta small muted", `${when(version.created_at, lang)}${by}${kind}`));
    if (version.note) li.append(el("p", "history-note small", version.note));
    const actions = el("div", "history-actions");
    const openButton = el("button", "btn btn-small history-open", s.openVersion);
    openButton.type = "button";
    openButton.addEventListener("click", () => open(version));
    const compare = el("a", "btn btn-small btn-quiet history-compare", s.compareWithNow);
    compare.href = compareUrl(version);
    actions.append(openButton, compare);
    if (canWrite) {
      const restoreButton = el("button", "btn btn-small btn-quiet history-restore", s.restoreVersion);
      restoreButton.type = "button";
      restoreButton.addEventListener("click", () => restore(version));
      actions.append(restoreButton);
    }
    li.append(actions);
    return li;
  };

  // An activity entry names what it touched: a link to it while it is on the map,
  // "no longer on the map" once it is gone.
  const activityEntry = (entry) => {
    const li = el("li", "history-entry is-activity");
    const target = (entry.targets || []).find((t) => t.exists);
    if (target && jump) {
      const link = el("button", "history-title small history-jump", entry.summary);
      link.type = "button";
      link.title = s.activityShowItem || "";
      link.addEventListener("click", () => jump(target, entry));
      li.append(link);
    } else {
      li.append(el("span", "history-title small", entry.summary));
    }
    const gone = (entry.targets || []).length && !target ? ` · ${s.activityGone}` : "";
    li.append(el("span", "history-meta small muted", `${when(entry.at, lang)}${gone}`));
    return li;
  };

  // Whose changes: everyone, one person or one team (the activity API's filters).
  let who = "";
  const whoFilter = (activity) => {
    const select = el("select", "input input-small history-who");
    select.setAttribute("aria-label", s.activityWho || "");
    const options = [["", s.activityEveryone]];
    const seen = new Set();
    for (const entry of activity) {
      const actor = entry.actor || {};
      if (actor.id && !seen.has(`actor=${actor.id}`)) {
        seen.add(`actor=${actor.id}`);
        options.push([`actor=${actor.id}`, actor.name]);
      }
    }
    for (const team of teams ? teams() : []) options.push([`team=${team.id}`, format(s.activityTeam, { name: team.name })]);
    for (const [value, label] of options) {
      const option = el("option", "", label);
      option.value = value;
      option.selected = value === who;
      select.append(option);
    }
    select.addEventListener("change", () => { who = select.value; reload(); });
    return select;
  };

  const fill = ({ versions, activity }) => {
    const rows = [
      ...versions.map((v) => ({ at: v.created_at, node: () => versionEntry(v) })),
      ...activity.map((a) => ({ at: a.at, node: () => activityEntry(a) })),
    ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    list.replaceChildren();
    if (!rows.length) list.append(el("li", "history-empty small muted", s.historyEmpty));
    for (const row of rows) list.append(row.node());
  };

  let filterSlot = null;
  const reload = async () => {
    try {
      const data = await load(who);
      if (list?.isConnected) fill(data);
      if (filterSlot?.isConnected && (data.activity.length || who)) filterSlot.replaceChildren(whoFilter(data.activity));
      if (status) status.textContent = "";
    } catch {
      if (status) status.textContent = s.historyFailed;
    }
  };

  const form = () => {
    const node = el("form", "history-form");
    const nameLabel = el("label", "small", s.versionName);
    const name = el("input", "input history-name");
    name.name = "name";
    name.required = true;
    name.maxLength = 200;
    name.placeholder = s.versionNamePlaceholder;
    nameLabel.append(name);
    const noteLabel = el("label", "small", s.versionNote);
    const note = el("textarea", "input history-note-input");
    note.rows = 2;
    note.maxLength = 5000;
    noteLabel.append(note);
    const submit = el("button", "btn btn-primary btn-small history-save", s.saveVersion);
    submit.type = "submit";
    node.append(nameLabel, noteLabel, submit);
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!name.value.trim()) return;
      submit.disabled = true;
      try {
        await save({ name: name.value.trim(), note: note.value });
        name.value = "";
        note.value = "";
        await reload();
      } finally {
        submit.disabled = false;
      }
    });
    return node;
  };

  return {
    kicker: s.history,
    build(body) {
      body.append(el("p", "small muted history-intro", s.historyIntro));
      if (canWrite) body.append(form());
      status = el("p", "small history-status");
      status.setAttribute("role", "status");
      filterSlot = el("div", "history-filter");
      body.append(filterSlot);
      list = el("ul", "history-list");
      list.setAttribute("aria-label", s.history);
      body.append(status, list);
      reload();
    },
    refresh() {
      // Every edit adds to the activity: reload once things calm down.
      clearTimeout(timer);
      timer = setTimeout(reload, 1200);
    },
    reload,
  };
}
