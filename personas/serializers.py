"""Shapes of the persona endpoints: a workspace's library (for the schema and
for checking what a write sends)."""

from __future__ import annotations

from rest_framework import serializers

from journeymap.serializers import StrictSerializer


class PersonaSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quote = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    goals = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    needs = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    frustrations = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    behaviours = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    preferred_channels = serializers.ListField(child=serializers.CharField(max_length=100), max_length=50,
                                               required=False)
    demographics = serializers.DictField(child=serializers.CharField(max_length=200, allow_blank=True),
                                         required=False)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
    version = serializers.IntegerField(read_only=True)
    archived = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_demographics(self, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 50 or any(len(str(k)) > 100 for k in value):
            raise serializers.ValidationError("At most 50 entries with keys of at most 100 characters.")
        return value
