"""Export files: named by content hash under MEDIA_ROOT, so identical exports share one file."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exports.models import Export, ExportStatus
from exports.signals import export_finished


def file_name(content_hash_: str, fmt: str) -> str:
    return f"exports/{content_hash_[:2]}/{content_hash_}.{fmt}"


def file_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def reuse_file(export: Export) -> bool:
    """Finish ``export`` from an earlier file of the same content, if one is there."""
    relative = file_name(export.content_hash, export.format)
    path = file_path(relative)
    if not path.exists():
        return False
    earlier = (
        Export.objects.filter(content_hash=export.content_hash, status=ExportStatus.DONE, file=relative)
        .exclude(id=export.id)
        .order_by("-finished_at")
        .first()
    )
    try:
        os.utime(path)  # retention counts from the last use
        size = path.stat().st_size
    except OSError:
        return False
    info = dict(earlier.info) if earlier else {}
    info["reused_from"] = str(earlier.id) if earlier else None
    now = timezone.now()
    with transaction.atomic():  # done, and reported (webhooks' outbox), together
        Export.objects.filter(id=export.id).update(
            status=ExportStatus.DONE, progress=100, file=relative, file_size=size, info=info, finished_at=now,
            lease_expires_at=None, snapshot={},
        )
        export.refresh_from_db()
        export_finished.send(sender=Export, export=export)
    return True
