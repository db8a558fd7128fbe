"""Map health: what the checks found (kept per map ``seq``), the findings people
accepted, and the words each workspace adds to the company-jargon lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MapHealth(models.Model):
    """What the checks found on a map at one ``seq``: the cache of the health call
    and what the dashboard reads, one row per map.

    ``findings`` is language-neutral (codes, items, counts); messages are written
    at read time in the reader's language. ``statuses`` and ``score`` already take
    the accepted findings into account (accepting or undoing rewrites them) but
    not the review date, which moves with the clock and is judged at read time.
    """

    map = models.OneToOneField("maps.JourneyMap", primary_key=True, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    findings = models.JSONField(default=dict)
    statuses = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"health of {self.map_id} at {self.seq}"


class Acceptance(models.Model):
    """An editor's decision that one finding is fine as it is ("this stage name is
    the customer's word here"), with why: the item stops counting and the panel
    says who accepted it."""

    map = models.ForeignKey("maps.JourneyMap", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    entity = models.CharField(max_length=20)
    # An entity's uuid, the map's id for a finding about the whole map, or
    # "<stage>:<lane>" for a cell.
    item_id = models.CharField(max_length=80)
    reason = models.TextField()
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by_name = models.CharField(max_length=150, blank=True, default="")
    accepted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["map", "code", "entity", "item_id"], name="health_acceptance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.entity}:{self.item_id}"


class WorkspaceWords(models.Model):
    """Company words a workspace adds to the built-in lists (its own product names,
    its departments' jargon), one list per language."""

    workspace = models.OneToOneField("maps.Workspace", primary_key=True, on_delete=models.CASCADE, related_name="+")
    words_en = models.JSONField(default=list, blank=True)
    words_fr = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"words of {self.workspace_id}"
