// A workshop session in the editor: the "Workshop" control (start, end, the
// facilitator's timer and voting controls), the session bar everyone sees (share
// viewers too) with the timer, and the dots left. Dot voting on the board is
// editor/session-voting.js; follow me and present mode are editor/follow.js. The
// frames are in the README's "Workshop sessions".
//
// The timer is stored as a start, a duration and a pause on the server; each page
// computes what is left from the server's clock (server_time in every frame), so
// screens agree to within the network's one-way delay.

import { el } from "../grid/dom.js";
import { format } from "../grid/model.js";
import { installVoting } from "./session-voting.js";

const SOUND_KEY = "journeymap.workshopSound";

export function installSession(ctx) {
  const { config, s, toasts, popover } = ctx;
  let sync = null;
  let session = null;
  let initialised = false; // the first state (the welcome's) has been seen
  let roster = new Map(); // client id -> {user, ...}: who is on the map, for handing over
  let offsets = []; // server clock minus ours, from the last frames (the largest had the least delay)
  let ticking = null;
  let rang = false;
  const me = config.user?.id ?? null;
  const isFacilitator = () => Boolean(session && me !== null && session.facilitator?.id === me);
  const send = (action, fields) => sync?.sendSession(action, fields);

  const voting = installVoting(ctx, { send });

  // ---- the clock --------------------------------------------------------------------------
  const serverNow = () => Date.now() + (offsets.length ? Math.max(...offsets) : 0);
  function noteClock(serverTime) {
    if (typeof serverTime !== "number") return;
    offsets = [...offsets.slice(-4), serverTime - Date.now()];
  }
  function remainingMs() {
    const timer = session?.timer;
    if (!timer) return null;
    if (timer.paused_remaining_ms !== null && timer.paused_remaining_ms !== undefined) return timer.paused_remaining_ms;
    if (timer.started_at === null || timer.started_at === undefined) return null;
    return Math.max(0, timer.duration_ms - (serverNow() - timer.started_at));
  }
  const clockText = (ms) => {
    const total = Math.ceil(ms / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const sec = String(total % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
  };

  // ---- the session bar --------------------------------------------------------------------
  const bar = el("div", "ws-bar", { role: "region", "aria-label": s.wsWorkshop, hidden: "" });
  const who = el("span", "ws-who");
  const timerBox = el("span", "ws-timer", { role: "timer", "aria-label": s.wsTimerLabel });
  const timerIcon = el("span", "ws-timer-icon", { "aria-hidden": "true" });
  const timerText = el("span", "ws-timer-text");
  timerBox.append(timerIcon, timerText);
  const voteBox = el("span", "ws-vote", { "aria-live": "polite" });
  bar.append(who, timerBox, voteBox);
  document.body.append(bar);

  function drawBar() {
    bar.hidden = !session;
    document.body.classList.toggle("has-workshop", Boolean(session));
    if (!session) return;
    who.textContent = isFacilitator() ? s.wsYouFacilitate : format(s.wsFacilitatedBy, { name: session.facilitator?.name || "" });
    drawTimer();
    voteBox.replaceChildren();
    const round = session.voting;
    voteBox.hidden = !round;
    if (!round) return;
    const label = el("span", "ws-vote-label");
    label.textContent = round.revealed ? s.wsRevealed : s.wsVotingOn;
    if (!round.revealed && round.my_votes) label.title = s.wsVoteHint;
    voteBox.append(label);
    if (!round.revealed && round.my_remaining !== undefined) {
      const dots = el("span", "ws-dots", { role: "img",
        "aria-label": format(s.wsDotsLeft, { n: round.my_remaining, total: round.votes_per_person }) });
      for (let i = 0; i < round.votes_per_person; i += 1) dots.append(el("span", `ws-dot${i < round.my_remaining ? " is-left" : ""}`));
      const left = el("span", "ws-dots-left");
      left.textContent = round.my_remaining ? format(s.wsDotsLeft, { n: round.my_remaining, total: round.votes_per_person }) : s.wsNoDotsLeft;
      voteBox.append(dots, left);
    }
    if (!round.revealed && round.counts) {
      const counts = el("span", "ws-counts");
      counts.textContent = format(s.wsVotingCounts, round.counts);
      voteBox.append(counts);
    }
  }

  function drawTimer() {
    const left = remainingMs();
    const timer = session?.timer;
    const paused = timer && timer.paused_remaining_ms !== null && timer.paused_remaining_ms !== undefined;
    timerBox.hidden = left === null;
    timerBox.dataset.state = left === null ? "idle" : paused ? "paused" : left <= 0 ? "done" : left <= 60000 ? "last" : "running";
    if (left === null) return;
    timerText.textContent = left <= 0 ? s.wsTimeUp : paused ? `${clockText(left)} · ${s.wsTimerPaused}` : clockText(left);
    if (!paused && left <= 0 && !rang) {
      rang = true;
      if (localStorage.getItem(SOUND_KEY) === "on") chime();
    }
    if (left > 0) rang = false;
  }

  function tick() {
    clearInterval(ticking);
    const timer = session?.timer;
    const running = timer && timer.started_at !== null && timer.paused_remaining_ms === null;
    if (running) ticking = setInterval(drawTimer, 200);
  }

  // A soft two-note chime, made on the spot (no sound file to fetch).
  function chime() {
    try {
      const audio = new AudioContext();
      for (const [i, pitch] of [660, 880].entries()) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = pitch;
        const at = audio.currentTime + i * 0.22;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.12, at + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.7);
        tone.connect(gain).connect(audio.destination);
        tone.start(at);
        tone.stop(at + 0.75);
      }
    } catch {
      // No audio on this device: the bar still says the time is up.
    }
  }

  // ---- the Workshop control ----------------------------------------------------------------
  const button = document.getElementById("workshop-button");
  button?.addEventListener("click", () => popover.open(button, buildMenu, { label: s.wsWorkshop }));

  const action = (label, onClick, className = "btn btn-small") => {
    const b = el("button", className, { type: "button" });
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  };
  const heading = (text) => {
    const h = el("p", "ws-menu-heading");
    h.textContent = text;
    return h;
  };

  function buildMenu(host, close) {
    host.classList.add("ws-menu");
    menuRefresh = () => {
      host.replaceChildren();
      buildMenu(host, close);
    };
    if (!session) {
      const note = el("p", "ws-menu-note small muted");
      note.textContent = config.canWrite ? s.wsStartHint : s.wsNone;
      host.append(heading(s.wsWorkshop), note);
      if (config.canWrite) host.append(action(s.wsStart, () => send("start"), "btn btn-small btn-primary ws-start"));
      return;
    }
    const who = el("p", "ws-menu-note small");
    who.textContent = isFacilitator() ? s.wsYouFacilitate : format(s.wsFacilitatedBy, { name: session.facilitator?.name || "" });
    host.append(heading(s.wsWorkshop), who);
    if (isFacilitator()) {
      host.append(timerControls(), votingControls());
      const others = handoverChoices();
      if (others.length) host.append(handoverControls(others));
    }
    const sound = el("label", "ws-sound small");
    const box = el("input", "", { type: "checkbox" });
    box.checked = localStorage.getItem(SOUND_KEY) === "on";
    box.addEventListener("change", () => localStorage.setItem(SOUND_KEY, box.checked ? "on" : "off"));
    sound.append(box, ` ${s.wsSound}`);
    host.append(sound);
    if (config.canWrite) host.append(action(s.wsEnd, () => { send("end"); close(); }, "btn btn-small btn-danger-quiet ws-end"));
  }
  let menuRefresh = null;

  function timerControls() {
    const box = el("div", "ws-menu-section ws-timer-controls");
    box.append(heading(s.wsTimer));
    const row = el("div", "ws-row");
    const timer = session.timer;
    const paused = timer.paused_remaining_ms !== null;
    const running = timer.started_at !== null && !paused;
    const minutes = el("input", "ws-minutes", { type: "number", min: "1", max: "600", step: "1", "aria-label": s.wsMinutes });
    minutes.value = String(Math.max(1, Math.round((timer.duration_ms || 300000) / 60000)));
    const unit = el("span", "small muted");
    unit.textContent = s.wsMinutes;
    row.append(minutes, unit, action(s.wsTimerStart, () => {
      const value = Math.round(Number(minutes.value));
      if (value >= 1) send("timer", { command: "start", seconds: Math.min(600, value) * 60 });
    }, "btn btn-small btn-primary ws-timer-start"));
    const row2 = el("div", "ws-row");
    if (running) row2.append(action(s.wsTimerPause, () => send("timer", { command: "pause" }), "btn btn-small ws-timer-pause"));
    if (paused) row2.append(action(s.wsTimerResume, () => send("timer", { command: "resume" }), "btn btn-small ws-timer-resume"));
    if (running || paused) {
      const add = action(s.wsTimerAdd, () => send("timer", { command: "add", seconds: 60 }), "btn btn-small ws-timer-add");
      add.title = s.wsTimerAddTitle;
      row2.append(add, action(s.wsTimerReset, () => send("timer", { command: "reset" }), "btn btn-small btn-quiet ws-timer-reset"));
    }
    box.append(row, row2);
    return box;
  }

  function votingControls() {
    const box = el("div", "ws-menu-section ws-voting-controls");
    box.append(heading(s.wsVoting));
    const round = session.voting;
    if (round && !round.revealed) {
      const counts = el("p", "small ws-menu-counts");
      counts.textContent = format(s.wsVotingCounts, round.counts || { votes: 0, voters: 0 });
      const hint = el("p", "small muted");
      hint.textContent = s.wsVotingHidden;
      const row = el("div", "ws-row");
      row.append(action(s.wsVotingReveal, () => send("voting", { command: "reveal" }), "btn btn-small btn-primary ws-reveal"),
        action(s.wsVotingCancel, () => send("voting", { command: "close" }), "btn btn-small btn-quiet ws-cancel"));
      box.append(counts, hint, row);
      return box;
    }
    if (round && round.revealed) {
      box.append(action(s.wsVotingClose, () => send("voting", { command: "close" }), "btn btn-small ws-close-round"));
      return box;
    }
    const lanes = [...(ctx.currentDoc().lanes || [])].filter((l) => !["emotion", "touchpoint_metrics"].includes(l.kind))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    const fieldset = el("fieldset", "ws-lanes");
    const legend = el("legend", "small muted");
    legend.textContent = s.wsVotingLanes;
    fieldset.append(legend);
    for (const lane of lanes) {
      const label = el("label", "ws-lane");
      const check = el("input", "", { type: "checkbox", value: lane.id });
      check.checked = /pain|irrit|opportun|idée|idea|douleur/i.test(lane.title);
      label.append(check, ` ${lane.title}`);
      fieldset.append(label);
    }
    const per = el("label", "ws-row small");
    const count = el("input", "ws-per-person", { type: "number", min: "1", max: "20", step: "1" });
    count.value = "3";
    per.append(count, ` ${s.wsVotesPerPerson}`);
    const open = action(s.wsVotingOpen, () => {
      const picked = [...fieldset.querySelectorAll("input:checked")].map((c) => c.value);
      if (!picked.length) {
        toasts.show(s.wsPickLane, { kind: "error" });
        return;
      }
      send("voting", { command: "open", lanes: picked, votes_per_person: Math.min(20, Math.max(1, Math.round(Number(count.value) || 3))) });
    }, "btn btn-small btn-primary ws-open-vote");
    box.append(fieldset, per, open);
    return box;
  }

  // Handing over to someone on the map now (the server checks they may run it).
  function handoverChoices() {
    const seen = new Map();
    for (const entry of roster.values()) if (entry.user?.id && entry.user.id !== me) seen.set(entry.user.id, entry.user.name || "");
    return [...seen.entries()];
  }
  function handoverControls(others) {
    const box = el("div", "ws-menu-section ws-handover");
    box.append(heading(s.wsHandover));
    const row = el("div", "ws-row");
    const pick = el("select", "ws-handover-to", { "aria-label": s.wsHandover });
    for (const [id, name] of others) {
      const option = el("option", "", { value: String(id) });
      option.textContent = name;
      pick.append(option);
    }
    row.append(pick, action(s.wsHandoverGo, () => send("handover", { to: Number(pick.value) }), "btn btn-small ws-handover-go"));
    box.append(row);
    return box;
  }

  // ---- frames --------------------------------------------------------------------------------
  function onState(next) {
    const before = session;
    session = next || null;
    // Told when it starts while I am here, not on every page load into a running session.
    if (!before && session && initialised && me !== null && session.facilitator?.id !== me) {
      toasts.show(format(s.wsSessionStarted, { name: session.facilitator?.name || "" }));
    }
    if (before && !session) toasts.show(s.wsSessionEnded);
    initialised = true;
    if (button) {
      button.setAttribute("aria-pressed", String(Boolean(session)));
      button.classList.toggle("is-live", Boolean(session));
    }
    drawBar();
    tick();
    voting.update(session);
    // The open menu follows the state (its buttons depend on it), unless someone is typing in it.
    const typing = document.activeElement?.matches?.("input") && popover.host.contains(document.activeElement);
    if (menuRefresh && !popover.host.hidden && popover.anchor === button && !typing) menuRefresh();
  }

  return {
    attach(liveSync) {
      sync = liveSync;
      sync.on("workshop", (frame) => {
        noteClock(frame.server_time);
        if (frame.event === "state") onState(frame.session);
      });
      sync.on("change", ({ changed }) => voting.redraw(changed));
      sync.on("presence", (event) => { roster = event.roster || new Map(); });
      sync.on("error", (frame) => {
        if (frame.frame !== "session") return;
        const text = s[`ws_error_${frame.code}_${frame.action}`] || s[`ws_error_${frame.code}`];
        toasts.show(text ? format(text, { message: frame.message }) : frame.message, { kind: "error", timeout: 6000 });
      });
    },
    // For tests and debugging: what this page thinks is left on the timer.
    remainingMs,
  };
}
