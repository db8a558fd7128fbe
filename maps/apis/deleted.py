"""Recently deleted: what was deleted on a map, for the people who can bring it
back. Restoring is a ``restore`` op (``POST .../operations/`` or the socket), so it
goes through the one write path, reaches every open editor and is in the op log."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import MAP_ID, WRITE_ROLES, ApiView, errors, map_for
from maps.deleted import LISTED, deleted_items

MAX_LIMIT = 200


class DeletedHoldsSerializer(serializers.Serializer):
    stages = serializers.IntegerField()
    cards = serializers.IntegerField()
    touchpoints = serializers.IntegerField()
    moments = serializers.IntegerField()


# Plain strings (not enums): another component already names an "entity" enum.
ENTITY_HELP = f"One of {', '.join(LISTED)}."


class DeletedRefSerializer(serializers.Serializer):
    entity = serializers.CharField(help_text=ENTITY_HELP)
    id = serializers.UUIDField()
    label = serializers.CharField()


class DeletedActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    team = serializers.CharField()


class DeletedItemSerializer(serializers.Serializer):
    entity = serializers.CharField(help_text=ENTITY_HELP)
    id = serializers.UUIDField()
    label = serializers.CharField(help_text="Its name, title or the start of its text.")
    seq = serializers.IntegerField(help_text="The batch that deleted it.")
    deleted_at = serializers.DateTimeField(allow_null=True)
    deleted_by = DeletedActorSerializer(allow_null=True)
    stage = serializers.CharField(required=False, help_text="Cards and touchpoints: the stage it was in.")
    lane = serializers.CharField(required=False, help_text="Cards and touchpoints: the lane it was in.")
    holds = DeletedHoldsSerializer(help_text="What its delete took with it; it all comes back with it.")
    restorable = serializers.BooleanField()
    blocked_by = DeletedRefSerializer(allow_null=True, help_text="The deleted container to restore first.")


class MapDeletedView(ApiView):
    @extend_schema(
        tags=["maps"], operation_id="maps_deleted_list", parameters=[
            MAP_ID,
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT}, default 50."),
        ],
        summary="Recently deleted stages, lanes, phases, cards and touchpoints, newest first (editors)",
        description="Restore one with the op `{\"op\": \"restore\", \"entity\", \"id\"}` through "
                    "`POST /api/v1/maps/{map_id}/operations/`: it comes back with what its delete took with it.",
        responses={200: DeletedItemSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, role = map_for(request, map_id)
        if role not in WRITE_ROLES:
            raise exceptions.PermissionDenied("Only the map's editors see and restore what was deleted.")
        raw = request.query_params.get("limit") or "50"
        try:
            limit = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"limit": ["Must be an integer."]}) from None
        if not 1 <= limit <= MAX_LIMIT:
            raise exceptions.ValidationError({"limit": [f"Must be between 1 and {MAX_LIMIT}."]})
        return Response(DeletedItemSerializer(deleted_items(map_id=journey_map.id, limit=limit), many=True).data)
