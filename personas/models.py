from __future__ import annotations

import uuid

from django.db import models


class Persona(models.Model):
    """A research-based fictional customer, reused across the maps of a workspace."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, default="")
    quote = models.TextField(blank=True, default="")
    goals = models.TextField(blank=True, default="")
    needs = models.TextField(blank=True, default="")
    frustrations = models.TextField(blank=True, default="")
    behaviours = models.TextField(blank=True, default="")
    preferred_channels = models.JSONField(default=list, blank=True)
    demographics = models.JSONField(default=dict, blank=True)
    color = models.CharField(max_length=7, default="#7c3aed")
    avatar = models.FileField(upload_to="avatars/", blank=True, default="")
    version = models.IntegerField(default=1)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
