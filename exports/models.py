"""An export of one map (a print PDF, a PNG poster, slides or the touchpoint list),
rendered by a worker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    PPTX = "pptx", "PPTX"
    CSV = "csv", "CSV"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # The file was removed by retention; the row stays as history.
    EXPIRED = "expired", _("Expired")


class Export(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey("maps.JourneyMap", on_delete=models.CASCADE, related_name="exports")
    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Exports requested from a share page carry the link's id (no FK: a revoked
    # link must not take its exports' history with it).
    share_link_id = models.UUIDField(null=True, blank=True)
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    options = models.JSONField(default=dict)
    # The visibility profile: lanes the requester may not see (share links).
    hidden_lanes = models.JSONField(default=list)
    # The document as it was when requested: the worker renders exactly what was
    # hashed, even if the map changes meanwhile.
    snapshot = models.JSONField(default=dict)
    snapshot_seq = models.BigIntegerField(default=0)
    # sha256 of (snapshot content, visibility profile, options, renderer version):
    # the same key reuses the same file.
    content_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # Path relative to MEDIA_ROOT; files are named by content hash, so identical
    # exports share one file.
    file = models.CharField(max_length=300, blank=True, default="")
    file_size = models.BigIntegerField(null=True, blank=True)
    info = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    # The lease: a worker owns the job until lease_expires_at and renews it while it
    # renders; an expired lease means the worker died and the job is run again.
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "lease_expires_at"]),
            models.Index(fields=["map", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.format} export of {self.map_id} ({self.status})"
