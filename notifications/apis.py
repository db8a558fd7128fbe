"""``/api/v1/notifications/``: the signed-in person's notifications and mail setting.

Everyone signed in has an inbox (even with no workspace yet); nobody reads
another's. Notifications about workspaces one has left are not shown.
"""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import ApiView, errors, valid_body
from journeymap.strict_http import StrictJSONParser
from notifications.models import EmailMode, Kind, NotificationSettings
from notifications.selectors import inbox, notification_item, unread_count
from notifications.services import (
    notification_settings_seen,
    notification_settings_update,
    notifications_mark_read,
)

MAX_LIMIT = 100
MAX_IDS = 500


class NotificationActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class NotificationMapSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()


class NotificationWorkspaceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class NotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Kind.values, help_text="`hook_off`: a webhook of a workspace you own "
                                                                  "was switched off.")
    summary = serializers.CharField(help_text="One line in the reader's language.")
    actor = NotificationActorSerializer()
    map = NotificationMapSerializer(allow_null=True, help_text="Null for a workspace notice (`hook_off`).")
    workspace = NotificationWorkspaceSerializer(allow_null=True, help_text="A workspace notice's workspace.")
    comment = serializers.UUIDField(allow_null=True, help_text="The comment that notified (null for a review "
                                                               "reminder or a workspace notice).")
    thread = serializers.UUIDField(allow_null=True, help_text="Its thread (the first comment).")
    anchor = serializers.DictField(help_text="What the thread is about: `{type, id?, stage?, lane?}`.")
    excerpt = serializers.CharField(help_text="The start of the comment, plain text.")
    url = serializers.CharField(help_text="The editor, opened on the thread (or on the map's review); for a "
                                          "workspace notice, its page.")
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()


class InboxSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
    notifications = NotificationSerializer(many=True)
    next = serializers.IntegerField(allow_null=True, help_text="The `offset` of the next page, or null.")


class UuidListField(serializers.ListField):
    """A list of UUIDs whose errors name the field, not each index (the error
    format's ``fields`` holds lists of messages)."""

    child = serializers.UUIDField()

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict):
                raise serializers.ValidationError(["Every id must be a UUID."]) from None
            raise


class MarkReadSerializer(serializers.Serializer):
    ids = UuidListField(required=False, max_length=MAX_IDS)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        unknown = set(self.initial_data) - {"ids", "all"} if isinstance(self.initial_data, dict) else set()
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
        if not attrs.get("all") and "ids" not in attrs:
            raise serializers.ValidationError({"ids": ["Give the ids to mark read, or all: true."]})
        return attrs


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many became read.")
    unread = serializers.IntegerField()


class SettingsSerializer(serializers.Serializer):
    email = serializers.ChoiceField(choices=EmailMode.values, help_text=(
        "instant: a mail for each notification; digest: one mail at most every NOTIFY_DIGEST_MINUTES; off."))
    language = serializers.CharField(read_only=True, help_text="Mails are written in the language you last "
                                                               "used the app in.")

    def validate(self, attrs: dict) -> dict:
        unknown = set(self.initial_data) - {"email"} if isinstance(self.initial_data, dict) else set()
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
        return attrs


def _page_params(request: Request) -> tuple[int, int]:
    values = []
    for name, default, lo, hi in (("limit", 20, 1, MAX_LIMIT), ("offset", 0, 0, 1_000_000)):
        raw = request.query_params.get(name) or str(default)
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({name: ["Must be an integer."]}) from None
        if not lo <= value <= hi:
            raise exceptions.ValidationError({name: [f"Must be between {lo} and {hi}."]})
        values.append(value)
    return values[0], values[1]


class NotificationListView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["notifications"], operation_id="notifications_list", parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT}, default 20."),
            OpenApiParameter("offset", OpenApiTypes.INT, description="Skip this many (paging)."),
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones."),
        ],
        summary="My notifications, newest first, with the unread count",
        responses={200: InboxSerializer, **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        limit, offset = _page_params(request)
        unread_only = request.query_params.get("unread") in ("1", "true")
        # Mails go out in the language and to the address the person uses.
        notification_settings_seen(user=request.user, language=translation.get_language() or "",
                                   origin=request.build_absolute_uri("/"))
        rows = inbox(user_id=request.user.pk, limit=limit + 1, offset=offset, unread_only=unread_only)
        return Response({
            "unread": unread_count(user_id=request.user.pk),
            "notifications": [notification_item(n) for n in rows[:limit]],
            "next": offset + limit if len(rows) > limit else None,
        })


class NotificationReadView(ApiView):
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]  # small JSON bodies only; no forms to guess at

    @extend_schema(
        tags=["notifications"], operation_id="notifications_read", request=MarkReadSerializer,
        summary="Mark notifications read: `{ids}` or `{all: true}`",
        description="Ids that are not yours are ignored. Your other open pages hear the new count.",
        responses={200: MarkedSerializer, **errors(400, 401, 413)},
    )
    def post(self, request: Request) -> Response:
        body = valid_body(MarkReadSerializer, request)
        marked = notifications_mark_read(user=request.user, ids=[str(i) for i in body.get("ids", [])],
                                         everything=body.get("all", False))
        return Response({"marked": marked, "unread": unread_count(user_id=request.user.pk)})


class NotificationSettingsView(ApiView):
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]

    def _answer(self, prefs: NotificationSettings) -> Response:
        return Response({"email": prefs.email, "language": prefs.language})

    @extend_schema(tags=["notifications"], operation_id="notifications_settings_read",
                   summary="My mail setting for notifications",
                   responses={200: SettingsSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        prefs = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(
            user=request.user)
        return self._answer(prefs)

    @extend_schema(tags=["notifications"], operation_id="notifications_settings_update",
                   request=SettingsSerializer, summary="Choose instant, digest or no mail",
                   responses={200: SettingsSerializer, **errors(400, 401, 413)})
    def patch(self, request: Request) -> Response:
        body = valid_body(SettingsSerializer, request)
        return self._answer(notification_settings_update(user=request.user, email=body["email"]))
