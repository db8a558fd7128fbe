"""Writes to comment threads. Each one checks who may do it, writes in one
transaction, tells other apps through ``signals.comment_activity`` (inside that
transaction) and, on commit, sends a ``comment`` frame to the map's open editors
through ``maps.realtime``.

Who may do what (``role`` is the caller's role in the map's workspace, checked by
the caller): anyone with a role comments and replies, viewers too; the author
edits the text; the author, editors and owners resolve and reopen; the author and
owners delete.

Comments live outside the op log: they are not map content (no ``seq``, no undo),
and a viewer who may not edit the map may still discuss it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from discussion.anchors import anchor_fields
from discussion.mentions import mentioned_members
from discussion.models import MAX_BODY_LENGTH, Comment, ThreadRead, ThreadStatus
from discussion.selectors import comment_data, thread_replies_count, visible_comment
from discussion.signals import comment_activity
from journeymap import strict
from maps import realtime
from maps.errors import OpError
from maps.models import JourneyMap, Role

RESOLVER_ROLES = {Role.OWNER, Role.EDITOR}


def clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise OpError("invalid", "body must be a string", field="body")
    problem = strict.bad_text(body)
    if problem is not None:
        raise OpError("invalid", problem, field="body")
    if not body.strip():
        raise OpError("invalid", "a comment needs some text", field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise OpError("invalid", f"at most {MAX_BODY_LENGTH} characters", field="body")
    return body


def comment_create(*, journey_map: JourneyMap, user: Any, anchor: Any = None, body: Any,
                   parent_id: Any = None) -> Comment:
    """A new thread on ``anchor``, or a reply in the thread ``parent_id`` (whose
    anchor it takes; naming another anchor too is refused)."""
    body = clean_body(body)
    with transaction.atomic():
        if parent_id is not None:
            parent = _thread_to_reply_to(journey_map, parent_id)
            if anchor is not None and anchor_fields(journey_map, anchor) != _anchor_of(parent):
                raise OpError("invalid", "a reply takes its thread's anchor", field="anchor")
            fields = _anchor_of(parent)
        else:
            if anchor is None:
                raise OpError("invalid", "required", field="anchor")
            parent = None
            fields = anchor_fields(journey_map, anchor)
        now = timezone.now()
        comment = Comment.objects.create(map=journey_map, parent=parent, author=user, body=body,
                                         last_activity_at=now, **fields)
        mentioned = mentioned_members(body=body, workspace_id=journey_map.workspace_id)
        comment.mentions.set(mentioned)
        thread = parent or comment
        if parent is not None:
            Comment.objects.filter(id=parent.id).update(last_activity_at=now)
            parent.last_activity_at = now
        # Writing in a thread is reading it.
        ThreadRead.objects.update_or_create(user=user, thread=thread, defaults={"read_at": now})
        comment.map = journey_map
        _tell(comment, thread, user, "replied" if parent else "created", [u.pk for u in mentioned if u != user])
        _broadcast_on_commit(comment, "created")
    return comment


def comment_update(*, journey_map: JourneyMap, user: Any, role: str, comment_id: Any, body: Any = None,
                   status: Any = None) -> Comment:
    """Change a comment's text (its author) and/or its thread's status (the author,
    editors and owners). Both in one call is one write."""
    if body is None and status is None:
        raise OpError("invalid", "nothing to change: send body or status", field="body")
    with transaction.atomic():
        comment = _writable(journey_map, comment_id)
        if body is not None:
            if comment.author_id != getattr(user, "pk", None):
                raise OpError("forbidden", "only its author edits a comment", field="body")
            body = clean_body(body)
        if status is not None:
            if status not in ThreadStatus.values:
                raise OpError("invalid", "status must be open or resolved", field="status")
            if comment.parent_id is not None:
                raise OpError("invalid", "a reply has its thread's status: change the thread", field="status")
            if comment.author_id != getattr(user, "pk", None) and role not in RESOLVER_ROLES:
                raise OpError("forbidden", "viewers resolve and reopen only their own threads", field="status")
        events: list[tuple[str, list[Any]]] = []
        if body is not None and body != comment.body:
            before = {u.pk for u in comment.mentions.all()}
            mentioned = mentioned_members(body=body, workspace_id=journey_map.workspace_id)
            comment.body = body
            comment.edited_at = timezone.now()
            comment.save(update_fields=["body", "edited_at"])
            comment.mentions.set(mentioned)
            events.append(("edited", [u.pk for u in mentioned if u.pk not in before and u != user]))
        if status is not None and status != comment.status:
            comment.status = status
            resolved = status == ThreadStatus.RESOLVED
            comment.resolved_by = user if resolved else None
            comment.resolved_at = timezone.now() if resolved else None
            comment.save(update_fields=["status", "resolved_by", "resolved_at"])
            events.append(("resolved" if resolved else "reopened", []))
        thread = comment.parent or comment
        for event, mentioned_ids in events:
            _tell(comment, thread, user, event, mentioned_ids)
        if events:
            _broadcast_on_commit(comment, "updated")
    return comment


def comment_delete(*, journey_map: JourneyMap, user: Any, role: str, comment_id: Any) -> Comment:
    """Delete a comment (its author, or an owner). The row stays with its text
    emptied: a thread whose first comment is deleted keeps a placeholder above
    its replies."""
    with transaction.atomic():
        comment = _writable(journey_map, comment_id)
        if comment.author_id != getattr(user, "pk", None) and role != Role.OWNER:
            raise OpError("forbidden", "only its author or an owner deletes a comment")
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.save(update_fields=["deleted_at", "body"])
        comment.mentions.clear()
        _tell(comment, comment.parent or comment, user, "deleted", [])
        _broadcast_on_commit(comment, "deleted")
    return comment


def thread_mark_read(*, journey_map: JourneyMap, user: Any, comment_id: Any) -> None:
    """The caller has read the thread ``comment_id`` (a root or one of its replies)."""
    comment = visible_comment(journey_map=journey_map, comment_id=comment_id)
    if comment is None:
        raise OpError("not_found", "no such comment on this map")
    thread = comment.parent or comment
    ThreadRead.objects.update_or_create(user=user, thread=thread, defaults={"read_at": timezone.now()})


def _writable(journey_map: JourneyMap, comment_id: Any) -> Comment:
    if not isinstance(comment_id, str) or not strict.is_uuid(comment_id):
        raise OpError("not_found", "no such comment on this map")
    comment = visible_comment(journey_map=journey_map, comment_id=comment_id)
    if comment is None:
        raise OpError("not_found", "no such comment on this map")
    if comment.is_deleted:
        raise OpError("gone", "this comment is deleted")
    return comment


def _thread_to_reply_to(journey_map: JourneyMap, parent_id: Any) -> Comment:
    if not isinstance(parent_id, str) or not strict.is_uuid(parent_id):
        raise OpError("invalid", "must be a UUID", field="parent")
    parent = visible_comment(journey_map=journey_map, comment_id=parent_id)
    if parent is None:
        raise OpError("not_found", "no such comment on this map", field="parent")
    if parent.parent_id is not None:
        raise OpError("invalid", "replies are one level deep: reply to the thread's first comment",
                      field="parent")
    if parent.is_deleted:
        raise OpError("gone", "this thread's first comment is deleted", field="parent")
    return parent


def _anchor_of(comment: Comment) -> dict[str, Any]:
    fields: dict[str, Any] = {"anchor_type": comment.anchor_type}
    for name in ("stage", "lane", "card", "touchpoint", "moment"):
        if getattr(comment, f"{name}_id") is not None:
            fields[name] = getattr(comment, name)
    return fields


def _tell(comment: Comment, thread: Comment, actor: Any, event: str, mentioned_ids: list[Any]) -> None:
    comment_activity.send(sender=Comment, event=event, comment=comment, thread=thread, actor=actor,
                          mentioned_user_ids=mentioned_ids)


def _broadcast_on_commit(comment: Comment, event: str) -> None:
    """The frame is built now (inside the transaction, from what was written) and
    sent after commit; a rollback sends nothing."""
    thread_status = comment.parent.status if comment.parent_id else None
    replies = 0 if comment.parent_id else thread_replies_count(thread_id=comment.id)
    frame = {"type": "comment", "event": event,
             "comment": comment_data(comment, thread_status=thread_status, replies_count=replies)}
    map_id = comment.map_id
    transaction.on_commit(lambda: realtime.broadcast_comment(map_id, frame))
