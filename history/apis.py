"""``GET /api/v1/maps/<id>/activity/``: the map's op log told in the reader's
language (the request's, as chosen by the locale middleware)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from history.activity import map_activity
from journeymap.api_common import MAP_ID, ApiView, errors, map_for, parse_id
from maps.models import Team

MAX_LIMIT = 100


class ActivityActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null for the app itself (templates, imports).")
    name = serializers.CharField()
    team = serializers.CharField(help_text="The team the person was in when they made the change.")


class ActivityThingSerializer(serializers.Serializer):
    entity = serializers.CharField(help_text="map, phase, stage, lane, card, touchpoint, moment, emotion, "
                                             "persona_link.")
    id = serializers.CharField()
    label = serializers.CharField(help_text="Its name, title or the start of its text, as it is now.")
    exists = serializers.BooleanField(help_text="Still on the map (false once deleted).")


class ActivityStageSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    exists = serializers.BooleanField()


class ActivityEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The newest batch of the entry.")
    first_seq = serializers.IntegerField(help_text="The oldest batch folded into the entry.")
    at = serializers.DateTimeField()
    actor = ActivityActorSerializer()
    summary = serializers.CharField(help_text="What happened, in the reader's language.")
    verb = serializers.CharField(help_text="create, update, move, delete, restore, changed (several ways), "
                                           "mixed (several kinds of things), archive, unarchive.")
    entity = serializers.CharField(help_text="The kind of thing touched; empty when several kinds.")
    ops_count = serializers.IntegerField()
    batches = serializers.IntegerField(help_text="How many consecutive batches were folded into this entry.")
    targets = ActivityThingSerializer(many=True, help_text="What it touched (the first 20).")
    targets_count = serializers.IntegerField()
    stage = ActivityStageSerializer(allow_null=True, help_text="The stage the things are in, or moved to.")


class ActivitySerializer(serializers.Serializer):
    entries = ActivityEntrySerializer(many=True)
    next = serializers.IntegerField(allow_null=True, help_text="Pass as `before` for the next page; null at "
                                                               "the start of the retained log.")


def _positive_int(request: Request, name: str, *, default: int | None = None,
                  maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: ["Must be an integer."]}) from None
    if value < 1 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise exceptions.ValidationError({name: [f"Must be at least 1{limit}."]})
    return value


class MapActivityView(ApiView):
    @extend_schema(
        tags=["maps"], operation_id="maps_activity_list", parameters=[
            MAP_ID,
            OpenApiParameter("before", OpenApiTypes.INT, description="Only batches below this `seq` (paging)."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Entries, 1 to {MAX_LIMIT}, default 30."),
            OpenApiParameter("actor", OpenApiTypes.INT, description="Only this person's changes (a user id)."),
            OpenApiParameter("team", OpenApiTypes.UUID, description="Only changes made by members of this team."),
        ],
        summary="The map's history, newest first, told in the reader's language",
        description="Consecutive batches of one person doing the same to the same thing fold into one entry "
                    "(\"Ana edited 3 cards in « Compare options »\"). Each entry names what it touched and "
                    "whether that is still on the map.",
        responses={200: ActivitySerializer, **errors(400, 401, 404)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id)
        query: dict[str, Any] = {
            "before": _positive_int(request, "before"),
            "limit": _positive_int(request, "limit", default=30, maximum=MAX_LIMIT),
            "actor_id": _positive_int(request, "actor"),
        }
        team = request.query_params.get("team")
        if team:
            try:
                team_id = parse_id(team, "team")
            except exceptions.NotFound:
                raise exceptions.ValidationError({"team": ["Must be a team id."]}) from None
            row = Team.objects.filter(id=team_id, workspace_id=journey_map.workspace_id).first()
            if row is None:
                raise exceptions.ValidationError({"team": ["No such team in this workspace."]})
            query["team_name"] = row.name
        # Already plain data in the documented shape: a serializer pass would only copy it.
        return Response(map_activity(map_id=journey_map.id, **query))
