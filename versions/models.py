"""Versions of a map (named and automatic) and where copied items came from.

A version keeps what rebuilds its document: either its own full snapshot or one
delta against a kept snapshot (never a chain of deltas), compressed. Snapshots are
rows of their own so that thinning old versions never strands a delta: a snapshot
goes when no version refers to it any more.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maps.models import JourneyMap


class Reason(models.TextChoices):
    NAMED = "named", _("Saved by hand")
    IDLE = "idle", _("After a pause in editing")
    RESTORE = "restore", _("Before a restore")
    IMPORT = "import", _("Before an import")
    REVIEW = "review", _("At a review")


class Snapshot(models.Model):
    """One full document in the map file format, compressed (see ``versions.storage``)."""

    id = models.BigAutoField(primary_key=True)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["map", "seq"])]

    def __str__(self) -> str:
        return f"{self.map_id} @ {self.seq}"

    @property
    def size(self) -> int:
        return len(self.data)


class Version(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="versions")
    # The map's seq the version shows: its document is the map as of that batch.
    seq = models.BigIntegerField()
    name = models.CharField(max_length=200, blank=True, default="")
    note = models.TextField(blank=True, default="")
    auto = models.BooleanField(default=False)
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.NAMED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # The document: the snapshot itself when ``delta`` is empty, else the snapshot
    # with ``delta`` applied once.
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="versions")
    delta = models.BinaryField(null=True, blank=True)
    # Bytes this version added to storage (its delta, or its snapshot if it made one).
    stored_bytes = models.IntegerField(default=0)
    # A version saved before a restore: what was restored and the restore's seq, so
    # "undo restore" knows what to bring back and whether the map changed since.
    restored_version = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    restore_seq = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-seq"]
        indexes = [models.Index(fields=["map", "-created_at"]), models.Index(fields=["map", "seq"])]

    def __str__(self) -> str:
        return self.name or f"{self.get_reason_display()} #{self.seq}"


class ItemOrigin(models.Model):
    """A copied item remembers the item it was copied from (duplicate, future state),
    so a current state and its future state can be compared item by item."""

    id = models.BigAutoField(primary_key=True)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="+")
    entity = models.CharField(max_length=20)
    item_id = models.UUIDField()
    source_map = models.ForeignKey(JourneyMap, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_id = models.UUIDField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["map", "item_id"], name="item_origin_unique_item")]
        indexes = [models.Index(fields=["map", "source_map"])]

    def __str__(self) -> str:
        return f"{self.item_id} <- {self.source_id}"
