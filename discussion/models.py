"""Comment threads on a map.

A thread is a root comment and its replies (one level deep). What a comment is
anchored to is a set of nullable foreign keys rather than a generic id, so that
"hide the comments whose anchor is deleted" is a join on the anchors' tombstones
(``deleted_by_seq``) and a hard delete of a map or an item takes its comments
with it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_BODY_LENGTH = 10_000


class AnchorType(models.TextChoices):
    MAP = "map", _("Map")
    STAGE = "stage", _("Stage")
    LANE = "lane", _("Lane")
    CELL = "cell", _("Cell")
    CARD = "card", _("Card")
    TOUCHPOINT = "touchpoint", _("Touchpoint")
    MOMENT = "moment", _("Moment of truth")


class ThreadStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("comment thread", "Open")
    RESOLVED = "resolved", pgettext_lazy("comment thread", "Resolved")


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey("maps.JourneyMap", on_delete=models.CASCADE, related_name="comments")
    anchor_type = models.CharField(max_length=10, choices=AnchorType.choices)
    # The anchor: none for the map; ``stage`` and ``lane`` together for a cell;
    # exactly one of the others for a stage, lane, card, touchpoint or moment.
    stage = models.ForeignKey("maps.Stage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    lane = models.ForeignKey("maps.Lane", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey("maps.Card", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey("touchpoints.Touchpoint", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    moment = models.ForeignKey("touchpoints.MomentOfTruth", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    # A reply names its thread's root; replies are never parents themselves.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Kept on the root only: a reply belongs to its thread's status.
    status = models.CharField(max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # A deleted comment keeps its row (its body emptied) so a thread with replies
    # shows a "deleted" placeholder where its first comment was.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The root's newest reply or creation: a thread is unread for someone who last
    # read it before this.
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["map", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anchor_type="map", stage__isnull=True, lane__isnull=True, card__isnull=True,
                                   touchpoint__isnull=True, moment__isnull=True)
                | models.Q(anchor_type="stage", stage__isnull=False, lane__isnull=True, card__isnull=True,
                           touchpoint__isnull=True, moment__isnull=True)
                | models.Q(anchor_type="lane", stage__isnull=True, lane__isnull=False, card__isnull=True,
                           touchpoint__isnull=True, moment__isnull=True)
                | models.Q(anchor_type="cell", stage__isnull=False, lane__isnull=False, card__isnull=True,
                           touchpoint__isnull=True, moment__isnull=True)
                | models.Q(anchor_type="card", stage__isnull=True, lane__isnull=True, card__isnull=False,
                           touchpoint__isnull=True, moment__isnull=True)
                | models.Q(anchor_type="touchpoint", stage__isnull=True, lane__isnull=True, card__isnull=True,
                           touchpoint__isnull=False, moment__isnull=True)
                | models.Q(anchor_type="moment", stage__isnull=True, lane__isnull=True, card__isnull=True,
                           touchpoint__isnull=True, moment__isnull=False),
                name="comment_one_anchor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.anchor_type} comment {self.id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def anchor_id(self) -> uuid.UUID | None:
        """The id of a single-item anchor (None for the map and for a cell)."""
        if self.anchor_type in (AnchorType.MAP, AnchorType.CELL):
            return None
        return getattr(self, f"{self.anchor_type}_id")


class ThreadRead(models.Model):
    """When someone last read a thread: newer activity marks it unread for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="thread_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"
