"""An export request: the options checked, the snapshot read under the requester's
visibility, the content hashed, the row written and the job queued on commit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.models import Export, ExportStatus
from exports.options import ExportOptions, clean_options
from exports.services.files import reuse_file
from exports.services.jobs import QUEUE_GRACE_SECONDS, enqueue, reap_quietly
from exports.services.pieces import BUILTIN_FIELDS
from exports.services.progress import notify
from exports.services.render import RENDERER_VERSIONS
from maps.errors import OpError
from maps.selectors import map_document
from metrics.catalog import workspace_metrics

# Exports one person may have waiting or running at once.
MAX_PENDING_PER_USER = 5

_VOLATILE_MAP_KEYS = {"seq", "version", "updated_at", "archived"}


def content_hash(doc: dict[str, Any], *, hidden_lanes: Iterable[str], options: ExportOptions) -> str:
    """What decides the printed output: the content (not its seq or versions), the
    visibility profile, the options and the renderer version."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "version"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    content = {k: strip(v) for k, v in doc.items() if k != "map"}
    content["map"] = {k: v for k, v in doc["map"].items() if k not in _VOLATILE_MAP_KEYS}
    payload = {
        "content": content,
        "hidden_lanes": sorted(str(lane) for lane in hidden_lanes),
        "options": options.as_dict(),
        "renderer": RENDERER_VERSIONS[options.format],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def export_request(
    *,
    map: Any,
    user: Any = None,
    share_link: Any = None,
    hidden_lanes: frozenset[str] = frozenset(),
    options: ExportOptions | dict[str, Any],
) -> Export:
    """Ask for an export of ``map`` as seen by ``user`` or through ``share_link``.

    The caller has checked access. ``hidden_lanes`` is the visibility profile: those
    lanes never reach the snapshot. The same content reuses a finished file at once;
    otherwise the job is queued when the transaction commits.
    """
    hidden = frozenset(str(lane) for lane in hidden_lanes)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in:
        _refuse_over_pending_limit(user)  # early, before the document is read; checked again under the lock
    doc = map_document(map_id=map.id, hidden_lanes=hidden)
    labels = metric_labels(doc, map.workspace_id)
    if labels:
        doc["metric_labels"] = labels
    if not isinstance(options, ExportOptions):
        options = clean_options(options, default_language=doc["map"]["language"] or "en",
                                lane_ids=[lane["id"] for lane in doc["lanes"]])
    key = content_hash(doc, hidden_lanes=hidden, options=options)
    now = timezone.now()
    with transaction.atomic():
        if signed_in:
            # Count and insert under the user's row lock: concurrent requests by one
            # person queue here, so each sees the others' rows and the limit holds.
            get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
            _refuse_over_pending_limit(user)
        export = Export.objects.create(
            map_id=map.id,
            workspace_id=map.workspace_id,
            requested_by=user if signed_in else None,
            share_link_id=getattr(share_link, "id", share_link),
            format=options.format,
            options=options.as_dict(),
            hidden_lanes=sorted(hidden),
            snapshot=doc,
            snapshot_seq=doc["map"]["seq"],
            content_hash=key,
            lease_expires_at=now + timedelta(seconds=QUEUE_GRACE_SECONDS),
        )
        if not reuse_file(export):
            transaction.on_commit(lambda: enqueue(export.id))
        transaction.on_commit(lambda: notify(export))
    transaction.on_commit(reap_quietly)
    return export


def metric_labels(doc: dict[str, Any], workspace_id: Any) -> dict[str, str]:
    """The names of the workspace's own metrics the map's touchpoints carry, by key:
    the print shows "Resolution rate", not ``resolution_rate``."""
    custom = {key for tp in doc.get("touchpoints", []) for key in (tp.get("metrics") or {})
              if key not in BUILTIN_FIELDS}
    if not custom:
        return {}
    return {key: metric.label for key, metric in workspace_metrics(workspace_id).items() if key in custom}


def _refuse_over_pending_limit(user: Any) -> None:
    pending = Export.objects.filter(requested_by=user, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    if pending.count() >= MAX_PENDING_PER_USER:
        raise OpError("rate_limited", _("Too many exports in progress (at most %(limit)s); wait for one to "
                                        "finish.") % {"limit": MAX_PENDING_PER_USER})
