"""What every app's serializers share: the strict base that refuses undeclared
keys, the error body of every refusal, and the map languages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

# The languages a map's content (and a template) can be in; the interface
# languages are settings.LANGUAGES.
LANGUAGES = [("en", "English"), ("fr", "Français")]


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not declare, and bodies that are not objects."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(str(k) for k in data if k not in writable)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown[:20]})
            # DRF would turn 12 into "12": a number where text belongs is a client bug.
            wrong = sorted(name for name, f in self.fields.items()
                           if isinstance(f, serializers.CharField) and not f.read_only
                           and data.get(name) is not None and not isinstance(data[name], str))
            if wrong:
                raise serializers.ValidationError({key: ["Must be a string."] for key in wrong})
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid, not_found, gone, parent_deleted, version_conflict, "
                                           "batch_id_reused, forbidden, too_large, rate_limited, unauthenticated")
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    op_index = serializers.IntegerField(required=False, allow_null=True)
