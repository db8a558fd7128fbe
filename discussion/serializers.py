"""Request and response shapes of the comments API (for validation of shape and
for the OpenAPI schema; what the values mean is checked by the services)."""

from __future__ import annotations

from rest_framework import serializers

from discussion.models import MAX_BODY_LENGTH, AnchorType, ThreadStatus
from journeymap.serializers import StrictSerializer


class AnchorSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=AnchorType.choices)
    id = serializers.UUIDField(required=False, allow_null=True,
                               help_text="The stage, lane, card, touchpoint or moment; none for the map or a cell.")
    stage = serializers.UUIDField(required=False, allow_null=True, help_text="A cell's stage.")
    lane = serializers.UUIDField(required=False, allow_null=True, help_text="A cell's lane.")


class CommentCreateSerializer(StrictSerializer):
    anchor = AnchorSerializer(required=False, help_text="What the thread is about (not needed for a reply).")
    body = serializers.CharField(max_length=MAX_BODY_LENGTH, trim_whitespace=False,
                                 help_text="Plain text; `@username` mentions a member of the workspace.")
    parent = serializers.UUIDField(required=False, allow_null=True,
                                   help_text="The thread's first comment: makes this a reply (one level deep).")


class CommentUpdateSerializer(StrictSerializer):
    body = serializers.CharField(required=False, max_length=MAX_BODY_LENGTH, trim_whitespace=False,
                                 help_text="The new text (its author only).")
    status = serializers.ChoiceField(required=False, choices=ThreadStatus.choices,
                                     help_text="Resolve or reopen the thread (the author, editors, owners).")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class AnchorOutSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=AnchorType.choices)
    id = serializers.UUIDField(allow_null=True)
    stage = serializers.UUIDField(allow_null=True)
    lane = serializers.UUIDField(allow_null=True)


class CommentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    map = serializers.UUIDField()
    anchor = AnchorOutSerializer()
    parent = serializers.UUIDField(allow_null=True)
    body = serializers.CharField(allow_blank=True, help_text="Empty for a deleted comment.")
    author = PersonSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField(help_text="A placeholder where a deleted comment heads its replies.")
    status = serializers.ChoiceField(choices=ThreadStatus.choices, help_text="The thread's status.")
    resolved_by = PersonSerializer(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    mentions = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the members mentioned.")
    mentioned = PersonSerializer(many=True)
    replies_count = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField(allow_null=True,
                                                 help_text="A thread's newest comment (null on replies).")
    unread = serializers.BooleanField(required=False,
                                      help_text="Lists only, on a thread's first comment: new since you read it.")
