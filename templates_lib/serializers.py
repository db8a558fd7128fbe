"""Shapes of the template endpoints: a template as listed, and what saving a
map as a template accepts."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.serializers import StrictSerializer


class TemplateLaneSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    prompt = serializers.CharField()


class TemplateStageSerializer(serializers.Serializer):
    name = serializers.CharField()
    phase = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()


class TemplateSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    key = serializers.CharField()
    language = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    workspace = serializers.UUIDField(source="workspace_id", allow_null=True, help_text="null for built-in")
    builtin = serializers.SerializerMethodField()
    phases = serializers.SerializerMethodField()
    stages = serializers.SerializerMethodField()
    lanes = serializers.SerializerMethodField()
    card_count = serializers.SerializerMethodField()

    def get_builtin(self, obj: Any) -> bool:
        return obj.workspace_id is None

    def get_phases(self, obj: Any) -> list[str]:
        return [p.get("title", "") for p in obj.structure.get("phases", [])]

    @extend_schema_field(TemplateStageSerializer(many=True))
    def get_stages(self, obj: Any) -> list[dict[str, Any]]:
        return [{"name": s.get("name", ""), "phase": s.get("phase"), "description": s.get("description", "")}
                for s in obj.structure.get("stages", [])]

    @extend_schema_field(TemplateLaneSerializer(many=True))
    def get_lanes(self, obj: Any) -> list[dict[str, Any]]:
        return [{"kind": lane.get("kind", "text"), "title": lane.get("title", ""), "prompt": lane.get("prompt", "")}
                for lane in obj.structure.get("lanes", [])]

    def get_card_count(self, obj: Any) -> int:
        return len(obj.structure.get("cards", []))


class SaveAsTemplateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    include_cards = serializers.BooleanField(default=False)
