"""Attaching notifications to the discussion app's hook.

The discussion app sends ``discussion.signals.comment_activity`` inside each
comment write's transaction; here it becomes a ``CommentEvent`` for
``notifications.services.comment_notify``. Without the discussion app installed
nothing is connected (the notification side works on its own through the service).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps


def _anchor(comment: Any) -> dict[str, Any]:
    anchor = {"type": getattr(comment, "anchor_type", "map")}
    for key in ("stage", "lane", "card", "touchpoint", "moment"):
        value = getattr(comment, f"{key}_id", None)
        if value is not None:
            anchor[key] = str(value)
    anchor_id = getattr(comment, "anchor_id", None)
    if anchor_id is not None:
        anchor["id"] = str(anchor_id)
    return anchor


def on_comment_activity(sender: Any, *, event: str, comment: Any, thread: Any, actor: Any,
                        mentioned_user_ids: Any = (), **_kwargs: Any) -> None:
    from notifications.services import CommentEvent, comment_notify

    comment_notify(CommentEvent(
        event=event, map_id=comment.map_id, comment_id=comment.id, thread_id=thread.id,
        thread_author_id=thread.author_id, actor=actor, body=comment.body or "", anchor=_anchor(thread),
        mentioned_user_ids=tuple(mentioned_user_ids or ()),
    ))


def connect() -> None:
    if not apps.is_installed("discussion"):
        return
    from discussion.signals import comment_activity

    comment_activity.connect(on_comment_activity, dispatch_uid="notifications.comment_activity")
