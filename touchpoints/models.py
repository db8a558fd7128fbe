from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maps.models import Lane, MapEntity, Stage, Team, position_field


class Channel(models.Model):
    """Where customer and company meet. Built-in channels have no workspace."""

    class Kind(models.TextChoices):
        DIGITAL = "digital", _("Digital")
        PHYSICAL = "physical", _("Physical")
        PERSONAL = "personal", _("Person to person")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "maps.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="channels"
    )
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100, blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DIGITAL)
    # Whether the brand runs the channel (word of mouth and review sites it does not).
    brand_controlled = models.BooleanField(default=True)
    icon = models.CharField(max_length=50, default="generic")
    position = models.IntegerField(default=0)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="channel_unique_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(workspace__isnull=True), name="channel_unique_builtin_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.TextChoices):
    DELIGHT = "delight", _("Delight")
    NEUTRAL = "neutral", _("Basic satisfaction")
    IRRITANT = "irritant", _("Irritant")


class VolumePeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class Touchpoint(MapEntity):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="touchpoints")
    position = position_field()
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    owner_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluation = models.CharField(max_length=10, choices=Evaluation.choices, blank=True, default="")
    volume_share = models.FloatField(null=True, blank=True)  # percent of customers, 0-100
    volume_count = models.IntegerField(null=True, blank=True)
    volume_period = models.CharField(max_length=5, choices=VolumePeriod.choices, blank=True, default="")
    csat = models.FloatField(null=True, blank=True)  # percent satisfied, 0-100
    nps = models.IntegerField(null=True, blank=True)  # -100..100
    ces = models.FloatField(null=True, blank=True)  # customer effort score, 1..7
    # The latest reading of each metric series (``metrics``): {key: {"value", "period"}},
    # built-in and the workspace's own keys, written through the op path with the series.
    metrics = models.JSONField(default=dict, blank=True)
    evidence = models.JSONField(default=list, blank=True)  # [{"url", "label"}]
    # The files this touchpoint shows: [{"id", "name", "content_type", "size", "sig"}],
    # entries minted by ``touchpoints.attachments`` (see ``Attachment``).
    attachments = models.JSONField(default=list, blank=True)
    # Dots from the last revealed workshop vote (``workshops``), kept with the map.
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["map", "stage", "lane", "position"])]

    def __str__(self) -> str:
        return self.title


class Valence(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    MIXED = "mixed", _("Could tip either way")


class MomentOfTruth(MapEntity):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="moments")
    lane = models.ForeignKey(Lane, null=True, blank=True, on_delete=models.CASCADE, related_name="moments")
    touchpoint = models.ForeignKey(Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="moments")
    position = position_field()
    title = models.CharField(max_length=200)
    rationale = models.TextField(blank=True, default="")
    importance = models.SmallIntegerField(default=3)
    impact = models.SmallIntegerField(default=3)
    valence = models.CharField(max_length=10, choices=Valence.choices, default=Valence.MIXED)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(importance__gte=1, importance__lte=5), name="mot_importance_range"),
            models.CheckConstraint(condition=models.Q(impact__gte=1, impact__lte=5), name="mot_impact_range"),
        ]

    def __str__(self) -> str:
        return self.title


# Attachment files and their thumbnails, under MEDIA_ROOT.
ATTACHMENTS_DIR = "attachments"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under MEDIA_ROOT: nothing of the uploaded name reaches the disk."""
    return f"{ATTACHMENTS_DIR}/{filename}"


class Attachment(models.Model):
    """A stored file that touchpoints may show.

    Which touchpoint shows which file is map content and lives in the touchpoint's
    ``attachments`` list, written through the op path like every other field (so it
    is in the document, the op log and undo, and reaches open editors live). This
    row is where the bytes are and what checking them found. A file is served only
    when a live touchpoint of a map of the same workspace lists it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="+")
    # Where it was uploaded (a copy of the map may list it too).
    map = models.ForeignKey("maps.JourneyMap", on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey(Touchpoint, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(upload_to=attachment_path, max_length=200, blank=True, default="")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
