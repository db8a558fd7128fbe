"""Reads over the rich lanes: the emotion curve derived from the touchpoints, and
the priorities (moments of truth and irritants, ranked). Thin: the document from
the selector, the numbers from pure functions; nothing here writes (applying a
proposal is an ordinary batch to ``operations/``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import MAP_ID, READ_ERRORS, ApiView, errors, map_for, parse_id
from maps.selectors import map_document
from touchpoints.emotions import derive_emotions, derive_ops
from touchpoints.priorities import rank_priorities
from touchpoints.serializers import DerivedEmotionsSerializer, PrioritiesSerializer


class DerivedEmotionsView(ApiView):
    @extend_schema(
        tags=["emotions"], operation_id="maps_emotions_derive", parameters=[
            MAP_ID, OpenApiParameter("persona", OpenApiTypes.UUID,
                                     description="Whose curve (a persona the map follows); default the shared one."),
        ],
        summary="Propose each stage's score from its touchpoints' evaluations, weighted by volume",
        description="Delight counts +3, basic satisfaction 0, irritant -3; a touchpoint weighs its volume "
                    "(share, or count per month against the busiest), 50 when unmeasured. `ops` apply the "
                    "proposal as one batch.",
        responses={200: DerivedEmotionsSerializer, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        doc = map_document(map_id=journey_map.id)
        persona = request.query_params.get("persona") or None
        if persona is not None:
            persona = parse_id(persona, "persona")
            if persona not in {p["id"] for p in doc.get("personas", [])}:
                raise exceptions.NotFound("This map does not follow that persona.")
        proposals = derive_emotions(doc, persona=persona)
        return Response({"seq": doc["map"]["seq"], "persona": persona, "proposals": proposals,
                         "ops": derive_ops(proposals, persona=persona)})


class PrioritiesView(ApiView):
    @extend_schema(
        tags=["moments"], operation_id="maps_priorities", parameters=[
            MAP_ID, OpenApiParameter("by", OpenApiTypes.STR, enum=["weight", "volume"],
                                     description="weight: importance x impact first (default); volume: busiest first."),
        ],
        summary="What to fix first: moments of truth and irritant touchpoints, ranked",
        responses={200: PrioritiesSerializer, **errors(400, *READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        by = request.query_params.get("by") or "weight"
        if by not in ("weight", "volume"):
            raise exceptions.ValidationError({"by": ["Must be weight or volume."]})
        doc = map_document(map_id=journey_map.id)
        return Response({"seq": doc["map"]["seq"], "by": by, "entries": rank_priorities(doc, by=by)})
