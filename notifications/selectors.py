"""Reads for notifications: a person's inbox, its unread count, how each reads."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from maps.models import Membership, Role
from notifications.models import Kind, Notification


def visible_notifications(*, user_id: Any) -> QuerySet[Notification]:
    """The person's notifications on maps of workspaces they are still in: someone
    who left a workspace no longer reads what its comments said. Workspace notices
    (a webhook switched off) are for its owners: only while they still are."""
    member = Membership.objects.filter(workspace_id=OuterRef("map__workspace_id"), user_id=user_id)
    owner = Membership.objects.filter(workspace_id=OuterRef("workspace_id"), user_id=user_id, role=Role.OWNER)
    return Notification.objects.filter(recipient_id=user_id).filter(
        Exists(member) | (Q(map__isnull=True) & Exists(owner)))


def unread_count(*, user_id: Any) -> int:
    return visible_notifications(user_id=user_id).filter(read_at__isnull=True).count()


def inbox(*, user_id: Any, limit: int, offset: int = 0, unread_only: bool = False) -> list[Notification]:
    rows = visible_notifications(user_id=user_id).select_related("map", "workspace")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return list(rows.order_by("-created_at", "-id")[offset:offset + limit])


def describe(notification: Notification) -> str:
    """One line in the active language: "Ana mentioned you on « Delivery journey »"."""
    if notification.kind == Kind.HOOK_OFF:
        return _("The webhook to %(url)s of %(workspace)s was switched off after %(count)s failed deliveries "
                 "in a row") % {"url": notification.anchor.get("url", ""), "workspace": notification.workspace.name,
                                "count": notification.anchor.get("failures", "")}
    values = {"actor": notification.actor_name or "Journeymap", "map": notification.map.title}
    if notification.kind == Kind.REVIEW_DUE:
        return _("« %(map)s » is due for review") % values
    if notification.kind == Kind.MENTION:
        return _("%(actor)s mentioned you on « %(map)s »") % values
    if notification.kind == Kind.REPLY:
        return _("%(actor)s replied to your thread on « %(map)s »") % values
    return _("%(actor)s resolved your thread on « %(map)s »") % values


def anchor_path(notification: Notification) -> str:
    """Where the comment is: the editor, opened on the thread (for a review
    reminder: on the map's review settings; a workspace notice keeps its own link)."""
    if notification.map_id is None:
        return notification.link
    if notification.kind == Kind.REVIEW_DUE:
        return f"/maps/{notification.map_id}/?review=1"
    return f"/maps/{notification.map_id}/?comment={notification.thread_id}#comment-{notification.comment_id}"


def notification_item(notification: Notification) -> dict[str, Any]:
    """A notification as the API and the ``notification`` frame show it."""
    return {
        "id": str(notification.id),
        "kind": notification.kind,
        "summary": describe(notification),
        "actor": {"id": notification.actor_id, "name": notification.actor_name},
        "map": {"id": str(notification.map_id), "title": notification.map.title} if notification.map_id else None,
        "workspace": ({"id": str(notification.workspace_id), "name": notification.workspace.name}
                      if notification.workspace_id else None),
        "comment": str(notification.comment_id) if notification.comment_id else None,
        "thread": str(notification.thread_id) if notification.thread_id else None,
        "anchor": notification.anchor,
        "excerpt": notification.excerpt,
        "url": anchor_path(notification),
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }
