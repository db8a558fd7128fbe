"""Reads of comment threads: what a member sees of a map's discussion.

Share-link visitors never reach these (the API and the socket refuse them first).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q

from discussion.anchors import LIVE_ANCHOR, anchor_data
from discussion.models import Comment, ThreadRead
from maps.models import JourneyMap


def person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def comment_data(comment: Comment, *, thread_status: str | None = None, replies_count: int = 0,
                 unread: bool | None = None) -> dict[str, Any]:
    """One comment as the API and the ``comment`` frames show it. A deleted one is
    a placeholder: who wrote it and when, no text, no mentions."""
    deleted = comment.is_deleted
    mentioned = [] if deleted else [person(user) for user in comment.mentions.all()]
    data = {
        "id": str(comment.id),
        "map": str(comment.map_id),
        "anchor": anchor_data(comment),
        "parent": str(comment.parent_id) if comment.parent_id else None,
        "body": "" if deleted else comment.body,
        "author": person(comment.author),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "deleted": deleted,
        "status": thread_status or comment.status,
        "resolved_by": person(comment.resolved_by) if comment.parent_id is None else None,
        "resolved_at": comment.resolved_at if comment.parent_id is None else None,
        "mentions": [user["id"] for user in mentioned],
        "mentioned": mentioned,
        "replies_count": replies_count,
        "last_activity_at": comment.last_activity_at if comment.parent_id is None else None,
    }
    if unread is not None:
        data["unread"] = unread
    return data


def _rows():
    return Comment.objects.select_related("author", "resolved_by").prefetch_related("mentions")


def visible_comment(*, journey_map: JourneyMap, comment_id: Any) -> Comment | None:
    """A comment of this map whose anchor is live (deleted comments included: they
    answer ``gone`` to writes rather than ``not_found``)."""
    return (_rows().select_related("map", "parent").filter(LIVE_ANCHOR, map=journey_map, id=comment_id).first())


def _live_replies():
    return Comment.objects.filter(parent__isnull=False, deleted_at__isnull=True)


def thread_replies_count(*, thread_id: Any) -> int:
    return Comment.objects.filter(parent_id=thread_id, deleted_at__isnull=True).count()


def map_comments(*, journey_map: JourneyMap, user: Any, anchor_type: str | None = None,
                 anchor_id: str | None = None, status: str | None = None, mine: bool = False,
                 mentioning_me: bool = False) -> list[dict[str, Any]]:
    """The threads of a map that match, each root followed by its replies, oldest
    thread first. Filters apply to whole threads: a thread is "mine" when I wrote
    any of it, "mentioning me" when any of it mentions me. Threads on deleted items
    are left out, and so is a deleted comment unless it heads replies (then it is a
    placeholder)."""
    roots = Comment.objects.filter(LIVE_ANCHOR, map=journey_map, parent__isnull=True)
    if anchor_type:
        roots = roots.filter(anchor_type=anchor_type)
    if anchor_id:
        roots = roots.filter(Q(stage_id=anchor_id) | Q(lane_id=anchor_id) | Q(card_id=anchor_id)
                             | Q(touchpoint_id=anchor_id) | Q(moment_id=anchor_id))
    if status:
        roots = roots.filter(status=status)
    # Subqueries rather than joins, so the reply count below counts each reply once.
    if mine:
        roots = roots.filter(Q(author=user) | Q(id__in=_live_replies().filter(author=user).values("parent_id")))
    if mentioning_me:
        mentioning = (Comment.mentions.through.objects.filter(user=user, comment__deleted_at__isnull=True)
                      .values("comment_id"))
        roots = roots.filter(Q(id__in=mentioning)
                             | Q(id__in=_live_replies().filter(id__in=mentioning).values("parent_id")))
    roots = roots.annotate(live_replies=Count("replies", filter=Q(replies__deleted_at__isnull=True)))
    roots = roots.filter(Q(deleted_at__isnull=True) | Q(live_replies__gt=0))
    root_list = list(roots.select_related("author", "resolved_by").prefetch_related("mentions")
                     .order_by("created_at", "id"))
    if not root_list:
        return []
    replies: dict[Any, list[Comment]] = defaultdict(list)
    for reply in _rows().filter(parent__in=root_list, deleted_at__isnull=True).order_by("created_at", "id"):
        replies[reply.parent_id].append(reply)
    read_at = dict(ThreadRead.objects.filter(user=user, thread__in=root_list).values_list("thread_id", "read_at"))
    out: list[dict[str, Any]] = []
    for root in root_list:
        seen = read_at.get(root.id)
        out.append(comment_data(root, replies_count=root.live_replies,
                                unread=seen is None or seen < root.last_activity_at))
        out.extend(comment_data(reply, thread_status=root.status) for reply in replies[root.id])
    return out


def mentionable_members(*, journey_map: JourneyMap) -> list[dict[str, Any]]:
    """Who an ``@`` can name on this map: the people of its workspace (not the
    accounts service tokens act through)."""
    from maps.selectors import human_members

    memberships = (human_members(workspace_id=journey_map.workspace_id)
                   .select_related("user").order_by("user__username"))
    return [person(membership.user) for membership in memberships]
