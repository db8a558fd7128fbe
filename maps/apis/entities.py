"""Nested CRUD for a map's content: stages, lanes, phases, cards, touchpoints,
moments, emotions under ``maps/<id>/``.

Every write becomes ops and goes through ``maps.operations.apply`` (so REST edits
reach open editors live and land in the op log); the answer is the item as
committed. Validation is apply's: one set of rules for both transports.
"""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import (
    ITEM_ID,
    MAP_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiView,
    body_object,
    errors,
    map_for,
    parse_id,
)
from maps.apis.maps import batch_id_for
from maps.entities import ENTITIES, EntitySpec, serialize_values, value_columns
from maps.entity_serializers import ENTITY_SERIALIZERS
from maps.operations import PLACEMENT_KEYS
from maps.services import map_edit

# URL segment -> entity name
NESTED = {
    "phases": "phase",
    "stages": "stage",
    "lanes": "lane",
    "cards": "card",
    "touchpoints": "touchpoint",
    "moments": "moment",
    "emotions": "emotion",
}


def _live_rows(spec: EntitySpec, map_id: Any):  # type: ignore[no-untyped-def]
    rows = spec.model.objects.filter(map_id=map_id, deleted_by_seq__isnull=True)
    return rows.order_by(*(("position", "id") if spec.ordered else ("id",)))


def _item(spec: EntitySpec, map_id: Any, item_id: Any) -> dict[str, Any]:
    row = _live_rows(spec, map_id).filter(id=item_id).values(*value_columns(spec)).first()
    if row is None:
        raise exceptions.NotFound(f"No such {spec.name} on this map.")
    return serialize_values(spec, row)


def _write(request: Request, journey_map: Any, role: str, ops: list[dict[str, Any]]) -> str:
    """Apply ``ops`` as one batch; the id of the item the last op committed."""
    ack = map_edit(journey_map, request.user, ops, batch_id=batch_id_for(request), role=role)
    # An emotion create on a taken (stage, persona) pair commits on the existing id.
    return ack.ops[-1]["id"]


def _split(spec: EntitySpec, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """PATCH body -> (update fields, move fields, if_version)."""
    if_version = body.pop("if_version", None)
    # An emotion point's stage/persona land in a move op too, which apply refuses
    # with its own explanation (an emotion point is updated, never moved).
    move = {k: body.pop(k) for k in list(body) if k in spec.container or k in PLACEMENT_KEYS}
    return body, move, if_version


def entity_views(segment: str) -> tuple[type[ApiView], type[ApiView]]:
    entity = NESTED[segment]
    spec = ENTITIES[entity]
    shapes = ENTITY_SERIALIZERS[entity]
    tag = [segment]

    class ListView(ApiView):
        @extend_schema(tags=tag, operation_id=f"maps_{segment}_list", parameters=[MAP_ID],
                       summary=f"Live {segment} of the map, in order",
                       responses={200: shapes["item"](many=True), **errors(*READ_ERRORS)})
        def get(self, request: Request, map_id: str) -> Response:
            journey_map, _ = map_for(request, map_id)
            rows = _live_rows(spec, journey_map.id).values(*value_columns(spec))
            return Response([serialize_values(spec, row) for row in rows])

        @extend_schema(tags=tag, operation_id=f"maps_{segment}_create", parameters=[MAP_ID],
                       summary=f"Create a {entity} (one create op)",
                       request=shapes["create"], responses={201: shapes["item"], **errors(*WRITE_ERRORS)})
        def post(self, request: Request, map_id: str) -> Response:
            journey_map, role = map_for(request, map_id, write=True)
            fields = body_object(request)
            item_id = fields.pop("id", None) or str(uuid.uuid4())
            committed_id = _write(request, journey_map, role,
                                  [{"op": "create", "entity": entity, "id": item_id, "fields": fields}])
            return Response(_item(spec, journey_map.id, committed_id), status=status.HTTP_201_CREATED)

    class DetailView(ApiView):
        @extend_schema(tags=tag, operation_id=f"maps_{segment}_retrieve", parameters=[MAP_ID, ITEM_ID],
                       responses={200: shapes["item"], **errors(*READ_ERRORS)})
        def get(self, request: Request, map_id: str, item_id: str) -> Response:
            journey_map, _ = map_for(request, map_id)
            return Response(_item(spec, journey_map.id, parse_id(item_id, entity)))

        @extend_schema(tags=tag, operation_id=f"maps_{segment}_partial_update", parameters=[MAP_ID, ITEM_ID],
                       summary=f"Change a {entity}: an update op, plus a move op when its place changes",
                       request=shapes["update"], responses={200: shapes["item"], **errors(*WRITE_ERRORS)})
        def patch(self, request: Request, map_id: str, item_id: str) -> Response:
            journey_map, role = map_for(request, map_id, write=True)
            item_id = parse_id(item_id, entity)
            body = body_object(request)
            fields, move, if_version = _split(spec, body)
            ops: list[dict[str, Any]] = []
            extra = {} if if_version is None else {"if_version": if_version}
            if fields:
                ops.append({"op": "update", "entity": entity, "id": item_id, "fields": fields, **extra})
            if move:
                ops.append({"op": "move", "entity": entity, "id": item_id, "fields": move,
                            **({} if fields else extra)})
            if not ops:
                return Response(_item(spec, journey_map.id, item_id))
            committed_id = _write(request, journey_map, role, ops)
            return Response(_item(spec, journey_map.id, committed_id))

        @extend_schema(tags=tag, operation_id=f"maps_{segment}_destroy", parameters=[MAP_ID, ITEM_ID],
                       summary=f"Delete a {entity} (a tombstone; what it holds goes with it)",
                       responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE_ERRORS)})
        def delete(self, request: Request, map_id: str, item_id: str) -> Response:
            journey_map, role = map_for(request, map_id, write=True)
            item_id = parse_id(item_id, entity)
            _write(request, journey_map, role, [{"op": "delete", "entity": entity, "id": item_id}])
            return Response(status=status.HTTP_204_NO_CONTENT)

    camel = "".join(p.title() for p in segment.split("_"))
    ListView.__name__ = ListView.__qualname__ = f"Map{camel}ListView"
    DetailView.__name__ = DetailView.__qualname__ = f"Map{camel}DetailView"
    return ListView, DetailView
