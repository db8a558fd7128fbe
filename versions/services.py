"""Writes of versions: save one (named or automatic), thin old automatic ones,
save after a pause in editing; remember where copied items came from.

Restoring is in ``versions.restoring``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from maps.models import JourneyMap
from maps.selectors import map_document
from versions import storage
from versions.models import ItemOrigin, Reason, Snapshot, Version
from versions.selectors import snapshot_file

# A delta bigger than this share of its snapshot starts a new snapshot: deltas stay
# small (storage grows with the changes) and reading stays one merge.
REBASE_FRACTION = 0.3
IDLE_MINUTES = 30


def version_create(*, journey_map: JourneyMap, user: Any = None, reason: str = Reason.NAMED, name: str = "",
                   note: str = "", document: dict[str, Any] | None = None) -> Version:
    """Save the map as it is now as a version.

    ``reason`` is one of ``Reason``: ``named`` is a person's version (never
    thinned); the others are automatic (``idle``, ``restore``, ``import``,
    ``review``). Importers call ``version_create(journey_map=m, user=u,
    reason="import")`` before they write. Reads the document at one seq; inside a
    caller's transaction that holds the map's lock, it is the state under that lock.
    """
    if reason not in Reason.values:
        raise ValueError(f"unknown version reason {reason!r}")
    file = storage.file_from_document(document or map_document(map_id=journey_map.id))
    with transaction.atomic():
        base = Snapshot.objects.filter(map_id=journey_map.id).order_by("-seq", "-id").defer("data").first()
        snapshot, delta = base, None
        if base is not None:
            delta = storage.pack(storage.make_delta(snapshot_file(base.id, str(journey_map.id)), file))
            if len(delta) > REBASE_FRACTION * base_size(base.id):
                snapshot = None
        if snapshot is None:
            snapshot = Snapshot.objects.create(map_id=journey_map.id, seq=file["seq"], data=storage.pack(file))
            delta = None
        return Version.objects.create(
            map_id=journey_map.id,
            seq=file["seq"],
            name=name,
            note=note,
            auto=reason != Reason.NAMED,
            reason=reason,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_at=timezone.now(),
            snapshot=snapshot,
            delta=delta,
            stored_bytes=len(delta) if delta is not None else snapshot.size,
        )


def base_size(snapshot_id: int) -> int:
    return Snapshot.objects.filter(id=snapshot_id).annotate(n=Length("data")).values_list("n", flat=True).get()


def versions_autosave_idle(*, now: datetime | None = None) -> list[Version]:
    """An automatic version of every map whose last edit is at least
    ``IDLE_MINUTES`` old and not saved yet (run every minute by Celery beat, or by
    the in-process scheduler of the embedded mode).

    The map's ``updated_at`` is the time of its last committed batch (``apply``
    sets it under the lock), so one indexed pass finds the maps to save.
    """
    now = now or timezone.now()
    last_saved = Version.objects.filter(map=OuterRef("pk")).order_by().values("map").annotate(
        top=Max("seq")).values("top")
    due = (JourneyMap.objects.filter(archived=False, seq__gt=0, updated_at__lte=now - timedelta(minutes=IDLE_MINUTES))
           .annotate(saved=Coalesce(Subquery(last_saved), 0)).filter(seq__gt=F("saved")))
    made = []
    for map_id in due.values_list("id", flat=True):
        with transaction.atomic():
            # Under the map's lock, the same question again: a batch or another
            # scheduler may have got there first (a map being written is skipped:
            # its pause has not begun).
            locked = (JourneyMap.objects.select_for_update(skip_locked=True).filter(id=map_id)
                      .annotate(saved=Coalesce(Subquery(last_saved), 0)).filter(seq__gt=F("saved")).first())
            if locked is not None and locked.updated_at <= now - timedelta(minutes=IDLE_MINUTES):
                made.append(version_create(journey_map=locked, reason=Reason.IDLE))
    return made


# Automatic versions younger than the first age are all kept; up to the second,
# the newest of each day; older, the newest of each week. Named versions stay.
KEEP_ALL = timedelta(days=1)
KEEP_DAILY = timedelta(days=30)


def versions_thin(*, now: datetime | None = None, map_id: Any = None) -> int:
    """Delete old automatic versions by age (named ones never), then the snapshots
    no version uses. The newest version saved before a restore stays, so "undo
    restore" keeps working. Returns how many versions went."""
    now = now or timezone.now()
    rows = Version.objects.filter(auto=True, created_at__lt=now - KEEP_ALL)
    if map_id is not None:
        rows = rows.filter(map_id=map_id)
    keep_restore = _newest_restore_versions()
    seen: set[tuple[Any, str]] = set()
    doomed = []
    for version_id, version_map, created_at in rows.order_by("map_id", "-created_at").values_list(
            "id", "map_id", "created_at"):
        age = now - created_at
        bucket = created_at.strftime("%Y-%m-%d") if age < KEEP_DAILY else created_at.strftime("%G-%V")
        key = (version_map, bucket)
        if key in seen and version_id not in keep_restore:
            doomed.append(version_id)
        seen.add(key)
    with transaction.atomic():
        Version.objects.filter(id__in=doomed).delete()
        Snapshot.objects.filter(versions__isnull=True).delete()
    return len(doomed)


def _newest_restore_versions() -> set[Any]:
    newest: dict[Any, tuple[Any, Any]] = {}
    for version_id, map_id, created_at in Version.objects.filter(reason=Reason.RESTORE).values_list(
            "id", "map_id", "created_at"):
        if map_id not in newest or created_at > newest[map_id][1]:
            newest[map_id] = (version_id, created_at)
    return {pair[0] for pair in newest.values()}


def version_rename(*, version: Version, name: str | None = None, note: str | None = None) -> Version:
    """Name (or rename) a version; a named automatic version is kept like a named one."""
    fields = []
    if name is not None:
        version.name = name
        fields.append("name")
        if name and version.auto:
            version.auto = False
            fields.append("auto")
    if note is not None:
        version.note = note
        fields.append("note")
    if fields:
        version.save(update_fields=fields)
    return version


def origins_record(*, journey_map: JourneyMap, source: JourneyMap, copied: dict[str, tuple[str, str]]) -> None:
    """Remember, for each copied item (``new id -> (entity, source id)``), the item
    it came from; an item copied from a copy keeps the first origin in that map."""
    ItemOrigin.objects.bulk_create([
        ItemOrigin(map_id=journey_map.id, entity=entity, item_id=new_id, source_map_id=source.id, source_id=old_id)
        for new_id, (entity, old_id) in copied.items()
    ], ignore_conflicts=True)


__all__ = ["version_create", "versions_autosave_idle", "versions_thin", "version_rename", "origins_record"]
