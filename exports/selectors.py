"""Reads for exports: who may see which export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from exports.models import Export
from maps.models import Membership


def export_for_member(*, user: Any, export_id: Any) -> Export | None:
    """The export if ``user`` is a member of its workspace (any role), else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    export = Export.objects.filter(id=export_id).select_related("map").first()
    if export is None:
        return None
    if not Membership.objects.filter(workspace_id=export.workspace_id, user=user).exists():
        return None
    return export


def exports_for_map(*, map_id: Any) -> QuerySet[Export]:
    """A map's exports made by members (not through share links), newest first."""
    return Export.objects.filter(map_id=map_id, share_link_id__isnull=True).order_by("-created_at")


def export_for_share_link(*, share_link_id: Any, export_id: Any) -> Export | None:
    """An export made through this share link (for the share page's download)."""
    return Export.objects.filter(id=export_id, share_link_id=share_link_id).first()
