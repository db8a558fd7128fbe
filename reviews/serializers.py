"""REST shapes of reviews."""

from __future__ import annotations

from rest_framework import serializers

from journeymap.serializers import StrictSerializer

MAX_NOTE = 5000


class ReviewRequestSerializer(StrictSerializer):
    note = serializers.CharField(max_length=MAX_NOTE, allow_blank=True, required=False, default="",
                                 help_text="What the review found or changed; kept as the version's note.")


class ReviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    map = serializers.UUIDField()
    reviewed_at = serializers.DateTimeField()
    reviewed_by = ReviewerSerializer()
    review_every_months = serializers.IntegerField()
    review_due_at = serializers.DateTimeField(help_text="When the next review is due.")
    version = serializers.UUIDField(help_text="The automatic version saved at the review (reason `review`).")
