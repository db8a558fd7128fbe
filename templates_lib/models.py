from __future__ import annotations

import uuid

from django.db import models

from maps.models import MapKind


class MapTemplate(models.Model):
    """A ready map structure. Built-in templates have no workspace; a workspace
    template is a map saved as a template by a team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "maps.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="templates"
    )
    key = models.CharField(max_length=50)
    language = models.CharField(max_length=8, default="en")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=20, choices=MapKind.choices, default=MapKind.CUSTOM)
    # {"phases": [{"title"}], "stages": [{"name", "phase"}], "lanes": [{"kind", "title", "prompt"}],
    #  "cards": [{"stage", "lane", "text"}]} with indexes into the lists.
    structure = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"], condition=models.Q(workspace__isnull=True), name="template_unique_builtin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
