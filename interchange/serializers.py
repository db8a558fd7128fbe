from __future__ import annotations

from rest_framework import serializers

from interchange.readers import FORMATS
from journeymap.serializers import StrictSerializer
from maps.serializers import MapSerializer


class ImportRequestSerializer(StrictSerializer):
    file = serializers.FileField(help_text="The file: a map file (.json), a bundle (.zip), CSV, XLSX or Mermaid.")
    format = serializers.ChoiceField(choices=FORMATS, default="auto",
                                     help_text="auto (by content), journeymap, bundle, csv, xlsx or mermaid.")
    dry_run = serializers.BooleanField(default=False, help_text="Only read the file and say what it would make.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="The new map's title; the file's by default.")


class MergeRequestSerializer(StrictSerializer):
    file = serializers.FileField(help_text="A touchpoint list: CSV, or XLSX with a sheet named Touchpoints.")
    format = serializers.ChoiceField(choices=("auto", "csv", "xlsx"), default="auto")
    dry_run = serializers.BooleanField(default=False)


class ImportPreviewSerializer(serializers.Serializer):
    format = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    language = serializers.CharField()
    phases = serializers.ListField(child=serializers.CharField())
    stages = serializers.ListField(child=serializers.DictField())
    lanes = serializers.ListField(child=serializers.DictField())
    personas = serializers.ListField(child=serializers.DictField())
    new_channels = serializers.ListField(child=serializers.CharField())
    new_teams = serializers.ListField(child=serializers.CharField())


class ImportResultSerializer(serializers.Serializer):
    map = MapSerializer(allow_null=True, help_text="The new map (null for a dry run).")
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="phases, stages, lanes, cards, touchpoints, moments, emotions, personas")
    warnings = serializers.ListField(child=serializers.CharField())
    preview = ImportPreviewSerializer()


class MergeResultSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="created, updated, unchanged, stages_created")
    warnings = serializers.ListField(child=serializers.CharField())
    seq = serializers.IntegerField(allow_null=True, help_text="The batch's seq (null: nothing written).")


class ImportErrorFieldsSerializer(serializers.Serializer):
    file = serializers.ListField(child=serializers.CharField(), help_text="What is wrong, and where.")
    row = serializers.IntegerField(required=False, help_text="The row or line, counted from 1.")
    column = serializers.CharField(required=False, help_text="The column's header or letter, or a field's path.")


class ImportErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid or too_large")
    message = serializers.CharField()
    fields = ImportErrorFieldsSerializer()
