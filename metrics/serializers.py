"""The shapes of the metrics API (for the OpenAPI document; the points themselves
are checked by ``metrics.points``, which names the bad row)."""

from __future__ import annotations

from rest_framework import serializers

from journeymap.serializers import StrictSerializer
from maps.validators import METRIC_KEY, METRIC_PERIOD
from metrics.catalog import MAX_ABS_VALUE
from metrics.points import MAX_POINTS


class PointRequestSerializer(serializers.Serializer):
    touchpoint = serializers.JSONField(help_text="A touchpoint id, or {stage, name} (the stage may be left out "
                                                 "when no other touchpoint of the map has that name).")
    metric = serializers.CharField(help_text="csat, nps, ces, volume_share, volume_count, or a key of the "
                                             "workspace (GET /api/v1/workspaces/{id}/metric-keys/).")
    period = serializers.RegexField(METRIC_PERIOD, help_text="A month, YYYY-MM, or a day, YYYY-MM-DD.")
    value = serializers.FloatField(help_text="Within the metric's range; nps and volume_count are whole numbers.")


class PointsRequestSerializer(serializers.Serializer):
    points = PointRequestSerializer(many=True, max_length=MAX_POINTS)


class PointsUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV: touchpoint, metric, period, value (and stage when names repeat); "
                                           "UTF-8 (with or without BOM) or Windows-1252, ; or , separators, "
                                           "decimal commas.")
    touchpoint = serializers.UUIDField(required=False, help_text="The touchpoint of rows whose file has no "
                                                                 "touchpoint column (an upload from its panel).")


class RecordedSerializer(serializers.Serializer):
    points = serializers.IntegerField(help_text="Points stored (a period already stored had its value replaced).")
    touchpoints = serializers.IntegerField(help_text="Touchpoints whose latest readings changed.")
    seq = serializers.IntegerField(allow_null=True, help_text="The batch that wrote them (null: nothing changed).")


class PointInvalidSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The point's index in `points` (0-based).")
    row = serializers.IntegerField(required=False, help_text="In a CSV file: the row number (the header is 1).")
    field = serializers.CharField()
    message = serializers.CharField()


class PointsErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid, or too_large (over 10,000 points)")
    message = serializers.CharField(help_text="One sentence naming the point (or row) and field.")
    fields = serializers.DictField(child=PointInvalidSerializer(), help_text="{points: {index, row?, field, message}}")


class MetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    integer = serializers.BooleanField()
    builtin = serializers.BooleanField()


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.FloatField()


class SeriesSerializer(serializers.Serializer):
    touchpoint = serializers.UUIDField()
    metric = serializers.CharField()
    points = SeriesPointSerializer(many=True)


class MapMetricsSerializer(serializers.Serializer):
    metrics = MetricSerializer(many=True, help_text="The metrics of the map's workspace.")
    series = SeriesSerializer(many=True)


class MetricKeyUpdateSerializer(StrictSerializer):
    label = serializers.CharField(max_length=100, required=False)
    min = serializers.FloatField(required=False, allow_null=True, min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)
    max = serializers.FloatField(required=False, allow_null=True, min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)


class MetricKeyCreateSerializer(StrictSerializer):
    key = serializers.RegexField(METRIC_KEY, max_length=40,
                                 help_text="Lower-case letters, digits and _, starting with a letter.")
    label = serializers.CharField(max_length=100)
    min = serializers.FloatField(required=False, allow_null=True, min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)
    max = serializers.FloatField(required=False, allow_null=True, min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE)
