"""A workshop session is one row per map while it runs (row-locked by every change),
and its votes are rows of their own. Neither is part of the op log: hidden tallies
must never reach ``ops`` frames, the op feed, webhooks, activity or versions. Only a
reveal writes to the map, through ``maps.operations.apply``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from maps.models import JourneyMap


class WorkshopSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.OneToOneField(JourneyMap, on_delete=models.CASCADE, related_name="+")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # The timer as a start, a duration and a pause, so every process (and every
    # screen, given the server's clock) computes the same remaining time.
    timer_started_at = models.DateTimeField(null=True, blank=True)
    timer_duration_ms = models.BigIntegerField(default=0)
    timer_paused_remaining_ms = models.BigIntegerField(null=True, blank=True)

    # The dot-voting round, if one is open. ``voting_round`` numbers rounds so a
    # reveal's batch id is unique per round (a resend cannot apply twice).
    voting_open = models.BooleanField(default=False)
    voting_revealed = models.BooleanField(default=False)
    voting_round = models.PositiveIntegerField(default=0)
    voting_lanes = models.JSONField(default=list, blank=True)
    votes_per_person = models.PositiveSmallIntegerField(default=3)
    results = models.JSONField(default=list, blank=True)  # [{entity, id, votes}] after reveal

    follow_on = models.BooleanField(default=False)
    view = models.JSONField(null=True, blank=True)  # {stage, lane, zoom}: names, never pixels
    present_on = models.BooleanField(default=False)
    present_stage = models.UUIDField(null=True, blank=True)

    def __str__(self) -> str:
        return f"workshop on {self.map_id}"


class Vote(models.Model):
    """One dot: a person may stack several on one item, up to ``votes_per_person``."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entity = models.CharField(max_length=16)  # card | touchpoint
    item_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["session", "voter"])]

    def __str__(self) -> str:
        return f"{self.entity} {self.item_id}"
