// The Comments side panel: the threads (open, resolved, mine, mentioning me), each
// with its replies, and a box to start one. Opened for the whole map or for one
// thing (a marker's threads). Live: redrawn whenever the store changes, keeping what
// is being typed and where the caret is.

import { format, orderedStages, sorted } from "../grid/model.js";
import { mentionInput } from "./mention-input.js";
import { anchorKey } from "./store.js";
import { anchorLabel, bodyNodes, when } from "./text.js";

const FILTERS = ["open", "resolved", "mine", "mentions"];
const RESOLVERS = new Set(["owner", "editor"]);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text, onClick) {
  const node = el("button", className, text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

function matches(filter, { root, replies }, userId) {
  const all = [root, ...replies];
  if (filter === "open") return root.status === "open";
  if (filter === "resolved") return root.status === "resolved";
  if (filter === "mine") return all.some((c) => c.author?.id === userId && !c.deleted);
  return all.some((c) => (c.mentions || []).includes(userId));
}

/**
 * scope: an anchor (only its threads; new threads go there) or null (every thread;
 * new threads go to `suggested`, the thing last focused on the board, or the map).
 */
export function commentsView({ settings, store, getDoc, role, lang, scope, suggested, jump, rescope, toast }) {
  const s = settings.strings;
  const userId = settings.userId;
  let filter = "open";
  let list = null;
  const replying = new Set(); // thread ids with an open reply box
  const drafts = new Map(); // "reply:<thread>" / "edit:<comment>" -> text
  let editing = null; // comment id being edited
  let confirming = null; // comment id whose delete is being confirmed
  const shownNew = new Set(); // unread when drawn: keeps its badge while the panel is open
  let off = null;

  function canResolve(root) { return root.author?.id === userId || RESOLVERS.has(role); }

  function fail(error) {
    toast(format(s.failed, { message: error.message || "?" }));
  }

  function commentNode(comment, thread) {
    const node = el("article", "comment");
    node.dataset.comment = comment.id;
    if (comment.deleted) {
      node.classList.add("is-deleted");
      node.append(el("p", "comment-deleted muted", s.deletedComment));
      return node;
    }
    const head = el("header", "comment-head");
    head.append(el("span", "comment-author", comment.author?.name || s.someone));
    const time = el("time", "comment-time muted", when(comment.created_at, lang));
    time.dateTime = comment.created_at;
    head.append(time);
    if (comment.edited_at) head.append(el("span", "comment-edited muted", `(${s.edited})`));
    node.append(head);
    if (editing === comment.id) {
      node.append(editBox(comment));
      return node;
    }
    const body = el("p", "comment-body");
    body.append(...bodyNodes(comment));
    node.append(body);
    const actions = el("div", "comment-actions");
    if (comment.author?.id === userId) {
      actions.append(button("link-btn comment-edit", s.edit, () => { editing = comment.id; draw(); }));
    }
    if (comment.author?.id === userId || role === "owner") {
      if (confirming === comment.id) {
        // Asked in place (no browser dialog): the question, then delete or cancel.
        actions.append(el("span", "comment-confirm", s.confirmDelete),
          button("link-btn comment-delete-yes danger", s.delete, async () => {
            confirming = null;
            try { await store.remove(comment.id); } catch (error) { fail(error); }
          }),
          button("link-btn comment-delete-no", s.cancel, () => { confirming = null; draw(); }));
      } else {
        actions.append(button("link-btn comment-delete", s.delete, () => { confirming = comment.id; draw(); }));
      }
    }
    if (actions.children.length) node.append(actions);
    return node;
  }

  function editBox(comment) {
    const key = `edit:${comment.id}`;
    const save = async () => {
      const text = input.textarea.value;
      if (!text.trim()) return;
      try {
        await store.update(comment.id, { body: text });
        drafts.delete(key);
        editing = null;
        draw();
      } catch (error) { fail(error); }
    };
    const input = mentionInput({ members: settings.members, s, placeholder: s.writeComment, label: s.edit,
      maxLength: settings.maxLength, onSubmit: save, value: drafts.get(key) ?? comment.body });
    input.textarea.dataset.draft = key;
    input.textarea.addEventListener("input", () => drafts.set(key, input.textarea.value));
    const row = el("div", "comment-form-actions");
    row.append(button("btn btn-small", s.cancel, () => { drafts.delete(key); editing = null; draw(); }),
      button("btn btn-small btn-primary", s.save, save));
    const wrap = el("div", "comment-form");
    wrap.append(input.wrap, row);
    return wrap;
  }

  function replyBox(root) {
    const key = `reply:${root.id}`;
    const send = async () => {
      const text = input.textarea.value;
      if (!text.trim()) return;
      try {
        await store.create({ parent: root.id, body: text });
        drafts.delete(key);
        replying.delete(root.id);
        draw();
      } catch (error) { fail(error); }
    };
    const input = mentionInput({ members: settings.members, s, placeholder: s.writeReply, label: s.reply,
      maxLength: settings.maxLength, onSubmit: send, value: drafts.get(key) || "" });
    input.textarea.dataset.draft = key;
    input.textarea.addEventListener("input", () => drafts.set(key, input.textarea.value));
    const row = el("div", "comment-form-actions");
    row.append(button("btn btn-small", s.cancel, () => { drafts.delete(key); replying.delete(root.id); draw(); }),
      button("btn btn-small btn-primary comment-send-reply", s.reply, send));
    const wrap = el("div", "comment-form reply-form");
    wrap.append(input.wrap, row);
    return wrap;
  }

  function threadNode(thread, doc) {
    const { root, replies } = thread;
    const node = el("li", "comment-thread");
    node.dataset.thread = root.id;
    node.dataset.anchor = anchorKey(root.anchor);
    node.classList.toggle("is-resolved", root.status === "resolved");
    if (root.unread) shownNew.add(root.id);
    const top = el("div", "thread-top");
    if (!scope) {
      const where = button("thread-anchor", anchorLabel(doc, root.anchor, s), () => jump(root.anchor));
      where.title = s.showOnMap;
      top.append(where);
    }
    if (shownNew.has(root.id)) {
      node.classList.add("is-unread");
      top.append(el("span", "badge badge-new", s.unread));
    }
    if (root.status === "resolved") {
      top.append(el("span", "thread-resolved muted small",
        format(s.resolvedBy, { name: root.resolved_by?.name || s.someone })));
    }
    node.append(top, commentNode(root, thread));
    if (replies.length) {
      const ul = el("ul", "comment-replies");
      for (const reply of replies) {
        const li = el("li");
        li.append(commentNode(reply, thread));
        ul.append(li);
      }
      node.append(ul);
    }
    if (replying.has(root.id) && !root.deleted) node.append(replyBox(root));
    const actions = el("div", "thread-actions");
    if (!replying.has(root.id) && !root.deleted) {
      actions.append(button("btn btn-small btn-quiet thread-reply", s.reply, () => { replying.add(root.id); draw(root.id); }));
    }
    if (canResolve(root) && !root.deleted) {
      const resolved = root.status === "resolved";
      actions.append(button("btn btn-small btn-quiet thread-resolve", resolved ? s.reopen : s.resolve, async () => {
        try { await store.update(root.id, { status: resolved ? "open" : "resolved" }); } catch (error) { fail(error); }
      }));
    }
    node.append(actions);
    return node;
  }

  // Redraw the threads, keeping the focused box, its text and caret.
  function draw(focusReplyOf = null) {
    if (!list) return;
    const doc = getDoc();
    const active = document.activeElement;
    const focusKey = list.contains(active) ? active.dataset?.draft : null;
    const caret = focusKey ? [active.selectionStart, active.selectionEnd] : null;
    let threads = store.threads(doc);
    if (scope) threads = threads.filter((t) => anchorKey(t.root.anchor) === anchorKey(scope));
    const shown = threads.filter((t) => matches(filter, t, userId));
    list.replaceChildren(...shown.map((t) => threadNode(t, doc)));
    if (!shown.length) {
      list.append(el("li", "comment-empty muted", threads.length ? s.noThreadsFiltered : s.noThreads));
    }
    for (const t of shown) if (t.root.unread) store.markRead(t.root.id);
    const want = focusReplyOf ? `reply:${focusReplyOf}` : focusKey;
    const box = want ? list.querySelector(`[data-draft="${CSS.escape(want)}"]`) : null;
    if (box) {
      box.focus();
      if (caret) box.setSelectionRange(...caret);
    }
  }

  function aboutOptions(doc) {
    const options = [{ anchor: { type: "map" }, label: s.aboutMap }];
    const add = (anchor) => {
      if (!options.some((o) => anchorKey(o.anchor) === anchorKey(anchor))) {
        options.push({ anchor, label: anchorLabel(doc, anchor, s) });
      }
    };
    if (suggested) add(suggested);
    for (const stage of orderedStages(doc)) add({ type: "stage", id: stage.id });
    for (const lane of sorted(doc, "lanes")) add({ type: "lane", id: lane.id });
    return options;
  }

  function composer(doc) {
    const form = el("div", "comment-form new-thread");
    let about = scope;
    if (!scope) {
      const options = aboutOptions(doc);
      const label = el("label", "comment-about");
      label.append(el("span", "comment-about-label", s.about));
      const select = el("select", "comment-about-select");
      for (const [i, option] of options.entries()) {
        const node = el("option", "", option.label);
        node.value = String(i);
        select.append(node);
      }
      select.value = suggested ? "1" : "0";
      about = options[Number(select.value)].anchor;
      select.addEventListener("change", () => { about = options[Number(select.value)].anchor; });
      label.append(select);
      form.append(label);
    }
    const send = async () => {
      const text = input.textarea.value;
      if (!text.trim()) return;
      try {
        await store.create({ anchor: about, body: text });
        input.textarea.value = "";
        filter = "open";
        for (const radio of document.querySelectorAll("#side-panel input[name=comment-filter]")) radio.checked = radio.value === "open";
        draw();
      } catch (error) { fail(error); }
    };
    const input = mentionInput({ members: settings.members, s, placeholder: s.writeComment, label: s.writeComment,
      maxLength: settings.maxLength, onSubmit: send });
    input.textarea.classList.add("new-thread-text");
    const row = el("div", "comment-form-actions");
    row.append(el("span", "small muted", s.sendHint), button("btn btn-small btn-primary comment-send", s.send, send));
    form.append(input.wrap, row);
    return form;
  }

  function filters() {
    const group = el("div", "segmented comment-filters");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-label", s.filters);
    const labels = { open: s.filterOpen, resolved: s.filterResolved, mine: s.filterMine, mentions: s.filterMentions };
    for (const key of FILTERS) {
      const label = el("label");
      const radio = el("input");
      radio.type = "radio";
      radio.name = "comment-filter";
      radio.value = key;
      radio.checked = key === filter;
      radio.addEventListener("change", () => { filter = key; draw(); });
      label.append(radio, document.createTextNode(` ${labels[key]}`));
      group.append(label);
    }
    return group;
  }

  return {
    kicker: scope ? format(s.commentOn, { what: anchorLabel(getDoc(), scope, s) }) : s.comments,
    build(body) {
      body.classList.add("comments-panel");
      const doc = getDoc();
      if (scope) {
        const bar = el("div", "comments-scope");
        bar.append(button("link-btn comments-all", s.allComments, () => rescope(null)),
          button("link-btn comments-jump", s.showOnMap, () => jump(scope)));
        body.append(bar);
      }
      body.append(filters());
      list = el("ul", "comment-threads");
      list.setAttribute("aria-live", "polite");
      body.append(list, composer(doc));
      off?.();
      off = store.on(() => { if (list?.isConnected) draw(); else off?.(); });
      draw();
      if (scope) body.querySelector(".new-thread-text")?.focus();
    },
    refresh() {
      if (list?.isConnected) draw();
    },
  };
}
