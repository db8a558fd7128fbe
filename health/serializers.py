"""Request and response shapes of the health API (shape only: what the values
mean is checked by the services)."""

from __future__ import annotations

from rest_framework import serializers

from health.checks import CHECKS
from health.words import MAX_WORD_LENGTH, MAX_WORDS
from journeymap.serializers import StrictSerializer

CODES = [*CHECKS, "stale"]
ENTITIES = ["map", "stage", "card", "touchpoint", "cell"]
MAX_REASON = 1000


class HealthItemSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=ENTITIES)
    id = serializers.CharField(help_text="The item's id; the map's for a finding about the whole map; "
                                         "`<stage>:<lane>` for a cell.")
    label = serializers.CharField(help_text="Its name or the start of its text.")
    note = serializers.CharField(help_text="What is wrong with it, in the reader's language.")
    stage = serializers.UUIDField(required=False, help_text="A cell's stage.")
    lane = serializers.UUIDField(required=False, help_text="A cell's lane.")


class AcceptedItemSerializer(HealthItemSerializer):
    acceptance = serializers.IntegerField(help_text="Pass to `DELETE .../health/accept/<acceptance>/` to undo.")
    reason = serializers.CharField()
    accepted_by = serializers.CharField(help_text="Who accepted it.")
    accepted_at = serializers.DateTimeField()


class HealthCheckSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CODES)
    title = serializers.CharField(help_text="What the check looks for, in the reader's language.")
    status = serializers.ChoiceField(choices=["ok", "warn", "fail"])
    applies = serializers.BooleanField(help_text="False where the check does not fit the map's kind or content "
                                                 "(then `status` is ok and the message says why).")
    message = serializers.CharField(help_text="Why it matters and how to fix it, in the reader's language.")
    items = HealthItemSerializer(many=True, help_text="What the finding concerns (the first 200), "
                                                      "accepted items left out.")
    count = serializers.IntegerField(help_text="How many items are still open.")
    accepted = AcceptedItemSerializer(many=True, help_text="Items an editor accepted, with who and why.")


class HealthSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    seq = serializers.IntegerField(help_text="The map's `seq` the findings describe.")
    checks = HealthCheckSerializer(many=True, help_text="Failures first, then warnings, then the rest.")


class AcceptSerializer(StrictSerializer):
    code = serializers.ChoiceField(choices=CODES)
    entity = serializers.ChoiceField(choices=ENTITIES)
    id = serializers.CharField(max_length=80)
    reason = serializers.CharField(max_length=MAX_REASON, help_text="Why this is fine as it is.")


class AcceptanceSerializer(serializers.Serializer):
    acceptance = serializers.IntegerField(source="id")
    code = serializers.CharField()
    entity = serializers.CharField()
    id = serializers.CharField(source="item_id")
    reason = serializers.CharField()
    accepted_by = serializers.CharField(source="accepted_by_name")
    accepted_at = serializers.DateTimeField()




class WordsSerializer(StrictSerializer):
    en = serializers.ListField(child=serializers.CharField(max_length=MAX_WORD_LENGTH), max_length=MAX_WORDS,
                               help_text="English words and phrases the workspace adds.")
    fr = serializers.ListField(child=serializers.CharField(max_length=MAX_WORD_LENGTH), max_length=MAX_WORDS,
                               help_text="French words and phrases the workspace adds.")


class WordsOutSerializer(WordsSerializer):
    builtin_en = serializers.ListField(child=serializers.CharField(), read_only=True,
                                       help_text="The built-in English list (always applied).")
    builtin_fr = serializers.ListField(child=serializers.CharField(), read_only=True,
                                       help_text="The built-in French list (always applied).")
