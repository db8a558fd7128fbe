"""The journey-map document and the workspace around it.

Models hold fields and constraints only: every write to a map's content goes
through ``maps.operations.apply`` (the single write path).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PositionField(models.CharField):
    """A fractional-index key, compared byte-wise.

    PostgreSQL must not apply a linguistic collation to it (it would sort "Z"
    after "a"), so the column gets the "C" collation there; SQLite compares
    bytes already (BINARY) and knows no "C". Chosen per connection, so one
    migration serves both databases.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("default", "a0")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def db_parameters(self, connection):  # type: ignore[no-untyped-def]
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def position_field() -> PositionField:
    return PositionField()


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Workspace(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A department (marketing, support, sales...) whose cards carry its colour."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    color = models.CharField(max_length=7, default="#4f46e5")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"


class MapKind(models.TextChoices):
    CURRENT_STATE = "current_state", _("Current state")
    FUTURE_STATE = "future_state", _("Future state")
    DAY_IN_THE_LIFE = "day_in_the_life", _("A day in the life")
    SERVICE_BLUEPRINT = "service_blueprint", _("Service blueprint")
    CUSTOM = "custom", _("Custom")


class JourneyMap(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="maps")
    title = models.CharField(max_length=200)
    goal = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=20, choices=MapKind.choices, default=MapKind.CUSTOM)
    language = models.CharField(max_length=8, default="en")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived")
    # The last committed batch; ordered writes take a row lock on this row.
    seq = models.BigIntegerField(default=0)
    version = models.IntegerField(default=1)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Stewardship, not content: who answers for the map and when it was last
    # reviewed. Changed by ``reviews.services`` (not the op log: a review or a new
    # owner is not an edit of the map, and restoring a version must not undo it).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_maps"
    )
    review_every_months = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the owner was last reminded of the review that is due (reminders go
    # out once when due, then weekly); cleared by a review.
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_every_months__gte=1, review_every_months__lte=12),
                name="map_review_every_months_1_12",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MapEntity(models.Model):
    """Common columns of everything inside a map.

    ``id`` is chosen by the client on create (so it can refer to the item before the
    server answers); ``deleted_by_seq`` is the tombstone: the seq of the batch that
    deleted it, shared by everything a cascade deleted, so restore brings back
    exactly that set.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="+")
    version = models.IntegerField(default=1)
    deleted_by_seq = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_by_seq is not None


class Phase(MapEntity):
    title = models.CharField(max_length=200)
    color = models.CharField(max_length=7, blank=True, default="")
    position = position_field()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["map", "position"])]

    def __str__(self) -> str:
        return self.title


class Stage(MapEntity):
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="stages")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    position = position_field()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["map", "position"])]

    def __str__(self) -> str:
        return self.name


class LaneKind(models.TextChoices):
    TEXT = "text", _("Text")
    TOUCHPOINTS = "touchpoints", _("Touchpoints")
    EMOTION = "emotion", _("Emotion curve")
    PAIN_POINTS = "pain_points", _("Pain points")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    MOMENTS_OF_TRUTH = "moments_of_truth", _("Moments of truth")
    # The service blueprint's rows and the three lines that divide them; a line
    # is a lane that holds nothing, titled in the map's language like any lane.
    LINE_OF_INTERACTION = "line_of_interaction", _("Line of interaction")
    FRONTSTAGE = "frontstage", _("Frontstage actions")
    LINE_OF_VISIBILITY = "line_of_visibility", _("Line of visibility")
    BACKSTAGE = "backstage", _("Backstage actions")
    LINE_OF_INTERNAL_INTERACTION = "line_of_internal_interaction", _("Line of internal interaction")
    SUPPORT = "support", _("Support processes")
    METRICS = "metrics", _("Metrics")


class Lane(MapEntity):
    kind = models.CharField(max_length=32, choices=LaneKind.choices, default=LaneKind.TEXT)
    title = models.CharField(max_length=200)
    prompt = models.CharField(max_length=500, blank=True, default="")
    position = position_field()

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["map", "position"])]

    def __str__(self) -> str:
        return self.title


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Card(MapEntity):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="cards")
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="cards")
    position = position_field()
    text = models.TextField(blank=True, default="")
    color = models.CharField(max_length=7, blank=True, default="")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Pain points and opportunities are prioritised; "what we will change" cards
    # point at the pain point they address.
    priority = models.CharField(max_length=6, choices=Priority.choices, blank=True, default="")
    addresses = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="addressed_by")
    # Dots from the last revealed workshop vote (``workshops``), kept with the map.
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["map", "stage", "lane", "position"])]

    def __str__(self) -> str:
        return self.text[:40]


class EmotionPoint(MapEntity):
    """The customer's feeling at one stage, for one persona (or for "the customer")."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="emotions")
    persona = models.ForeignKey("personas.Persona", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    score = models.SmallIntegerField(default=0)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            # Two partial constraints rather than NULLS NOT DISTINCT: both databases
            # enforce them, including the persona-less curve.
            models.UniqueConstraint(
                fields=["stage", "persona"], condition=models.Q(persona__isnull=False), name="emotion_one_per_persona"
            ),
            models.UniqueConstraint(
                fields=["stage"], condition=models.Q(persona__isnull=True), name="emotion_one_without_persona"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=-3, score__lte=3), name="emotion_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.score:+d} at {self.stage_id}"


class MapPersona(MapEntity):
    """A persona followed by a map (the ``persona_link`` entity of the protocol)."""

    persona = models.ForeignKey("personas.Persona", on_delete=models.CASCADE, related_name="map_links")
    position = position_field()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["map", "persona"], name="map_persona_unique")]

    def __str__(self) -> str:
        return f"{self.persona_id} on {self.map_id}"


class Operation(models.Model):
    """One committed batch: the op log a client catches up from."""

    id = models.BigAutoField(primary_key=True)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="operations")
    seq = models.BigIntegerField()
    batch_id = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, default="")
    actor_team = models.CharField(max_length=100, blank=True, default="")
    ops = models.JSONField()
    # A hash of the ops as sent: a repeat with the same batch_id must match it.
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, default="ok")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["map", "seq"], name="operation_unique_seq"),
            models.UniqueConstraint(fields=["map", "actor", "batch_id"], name="operation_unique_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.map_id} #{self.seq}"


class ShareLink(models.Model):
    """A read-only, live view of one map for people without an account.

    Only a SHA-256 of the token is stored: the token itself is shown once, in the
    URL handed to the creator, so a database leak yields no working links.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=200, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Lane ids the viewer never receives (nor anything in them): the visibility profile.
    hidden_lanes = models.JSONField(default=list, blank=True)
    highlight_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    allow_pdf = models.BooleanField(default=False)
    # Whether visitors see who of the team is on the map (names, avatars, what they
    # have open). Off by default: a link handed to customers or partners shows
    # the map, not the staff working on it.
    show_presence = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or str(self.id)


class Invitation(models.Model):
    """A way into a workspace: a personal invitation (one use, for an email or an
    existing username) or an invite link (many uses until it expires or is revoked,
    so a whole workshop can join at once). The token is stored hashed."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal invitation")
        LINK = "link", _("Invite link")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    email = models.EmailField(blank=True, default="")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=200, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email or self.label or str(self.id)
