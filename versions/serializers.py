"""What the versions API reads and answers."""

from __future__ import annotations

from rest_framework import serializers

from journeymap.serializers import StrictSerializer
from maps.serializers import AckSerializer
from versions.models import Reason, Version


class VersionAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class VersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    reason = serializers.ChoiceField(choices=Reason.choices, read_only=True,
                                     help_text="named, or why an automatic version was saved.")
    restored_version = serializers.UUIDField(source="restored_version_id", allow_null=True, read_only=True,
                                             help_text="Saved before a restore: the version that was restored.")

    class Meta:
        model = Version
        fields = ["id", "name", "note", "seq", "auto", "reason", "created_by", "created_at", "stored_bytes",
                  "restored_version", "restore_seq"]
        read_only_fields = fields

    def get_created_by(self, version: Version) -> dict | None:
        user = version.created_by
        if user is None:
            return None
        return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


class VersionCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, allow_blank=False)
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class VersionUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False)


class RestoreAckSerializer(AckSerializer):
    before = VersionSerializer(help_text="The automatic version of the map as it was before the restore.")
    changed_since = serializers.BooleanField(
        help_text="Undo restore only: whether the map changed after the restore it undoes.")


class CompareItemSerializer(serializers.Serializer):
    entity = serializers.CharField()
    id = serializers.UUIDField()


class CompareChangedSerializer(serializers.Serializer):
    entity = serializers.CharField()
    id = serializers.UUIDField()
    to_id = serializers.UUIDField(required=False, help_text="Across maps: the item's id on the `to` side.")
    label = serializers.CharField()
    fields = serializers.DictField(help_text="`{field: {from, to}}` for each field that differs.")


class CompareMovedSerializer(serializers.Serializer):
    entity = serializers.CharField()
    id = serializers.UUIDField()
    to_id = serializers.UUIDField(required=False)
    label = serializers.CharField()
    to = serializers.DictField(help_text="Where it is on the `to` side: its container ids and position.")

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        fields["from"] = serializers.DictField(help_text="Where it was on the `from` side.")
        return fields


class CompareSideSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["version", "current", "map"])
    id = serializers.CharField()
    label = serializers.CharField()
    seq = serializers.IntegerField()
    map = serializers.UUIDField()


class CompareSerializer(serializers.Serializer):
    added = CompareItemSerializer(many=True, help_text="Items only the `to` side has, with their fields.")
    removed = CompareItemSerializer(many=True, help_text="Items only the `from` side has, with their fields.")
    changed = CompareChangedSerializer(many=True)
    moved = CompareMovedSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="changes, added, removed, changed, moved, irritants_removed, "
                                             "irritants_added, evaluations_improved, evaluations_worse.")
    evaluations = serializers.DictField(help_text="Touchpoints whose evaluation `improved` or got `worse`.")
    matching = serializers.DictField(help_text="How many items were matched by `identity`, by `origin` and by "
                                               "`position_and_text` (maps copied before origins were kept); "
                                               "`approximate` is true when any were matched by place and text.")
    axis = serializers.ListField(child=serializers.DictField(),
                                 help_text="One axis of stages for both sides: `{from, to, name}` stage ids.")
    curves = serializers.ListField(child=serializers.DictField(),
                                   help_text="Per persona (null: all customers) the scores of both sides on the axis.")
    sides = serializers.DictField(child=CompareSideSerializer())
