"""Shapes of the touchpoint-attachment and rich-lane endpoints (for the schema;
validation of map content stays in the write path)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from journeymap.serializers import StrictSerializer
from touchpoints.entries import CONTENT_TYPE_LENGTH, NAME_LENGTH

CHANNEL_KINDS = ["digital", "physical", "personal"]
ATTACHMENT_KINDS = ["image", "pdf", "document", "spreadsheet", "presentation", "audio", "video"]


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The uploaded file's name, cleaned.")
    content_type = serializers.CharField(read_only=True, help_text="Read from the file's bytes, not its name.")
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    kind = serializers.ChoiceField(choices=ATTACHMENT_KINDS, read_only=True)
    url = serializers.CharField(read_only=True, help_text="Where members download it.")
    thumbnail_url = serializers.CharField(read_only=True, allow_null=True,
                                          help_text="A small preview, for images; null otherwise.")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Images (PNG, JPEG, GIF, WebP), PDF, Word/Excel/PowerPoint "
                                           "(also legacy) or OpenDocument files, MP3/M4A/WAV/Ogg audio, "
                                           "MP4/MOV/WebM/Ogg video; at most JOURNEYMAP_ATTACHMENT_MAX_BYTES. The "
                                           "content must be what the declared type and the name's extension say.")


class AttachmentEntrySerializer(serializers.Serializer):
    """One entry of a touchpoint's ``attachments`` in the document and in ops."""

    id = serializers.UUIDField()
    name = serializers.CharField(max_length=NAME_LENGTH)
    content_type = serializers.CharField(max_length=CONTENT_TYPE_LENGTH)
    size = serializers.IntegerField(min_value=0)
    sig = serializers.CharField(help_text="The server's signature: entries come from uploads; an op may drop or "
                                          "reorder them, not write new ones.")


class PriorityEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["moment", "touchpoint"])
    id = serializers.UUIDField()
    title = serializers.CharField()
    stage = serializers.UUIDField()
    stage_name = serializers.CharField()
    touchpoint = serializers.UUIDField(allow_null=True)
    importance = serializers.IntegerField(allow_null=True)
    impact = serializers.IntegerField(allow_null=True)
    valence = serializers.ChoiceField(choices=["positive", "negative", "mixed"])
    weight = serializers.IntegerField(help_text="importance x impact (0 for an irritant touchpoint that is no "
                                                "moment of truth)")
    volume = serializers.FloatField(allow_null=True, help_text="0-100, from the touchpoint's volume")
    irritant = serializers.BooleanField()
    rank = serializers.IntegerField()


class PrioritiesSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    by = serializers.ChoiceField(choices=["weight", "volume"])
    entries = PriorityEntrySerializer(many=True)


class EmotionProposalSerializer(serializers.Serializer):
    stage = serializers.UUIDField()
    score = serializers.IntegerField(min_value=-3, max_value=3)
    current = serializers.IntegerField(allow_null=True, help_text="The stage's score now, if it has one.")
    emotion_id = serializers.UUIDField(allow_null=True, help_text="The emotion point holding it, if any.")
    touchpoints = serializers.IntegerField(help_text="Evaluated touchpoints of the stage it is derived from.")


class DerivedEmotionsSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    persona = serializers.UUIDField(allow_null=True)
    proposals = EmotionProposalSerializer(many=True)
    ops = serializers.ListField(child=serializers.DictField(),
                                help_text="The ops that apply the proposal: POST them to operations/.")


class ChannelSerializer(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    key = serializers.SlugField(max_length=40, required=False)
    name = serializers.CharField(max_length=100)
    name_fr = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CHANNEL_KINDS, required=False)
    brand_controlled = serializers.BooleanField(required=False)
    icon = serializers.RegexField(r"^[a-z0-9_-]{1,50}$", required=False)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    builtin = serializers.SerializerMethodField()
    archived = serializers.BooleanField(read_only=True)

    def get_builtin(self, obj: Any) -> bool:
        return obj.workspace_id is None


class ChannelUpdateSerializer(ChannelSerializer):
    key = None  # type: ignore[assignment]
    name = serializers.CharField(max_length=100, required=False)
