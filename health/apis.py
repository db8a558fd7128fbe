"""Health REST API: ``/api/v1/maps/<id>/health/`` (the README, "Map health").

Members read a map's health, viewers too; editors and owners accept findings;
owners edit the workspace's company words. Share-link visitors are no API users.
Thin views: the services and selectors do the work.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from health import selectors, services
from health.serializers import (
    AcceptanceSerializer,
    AcceptSerializer,
    HealthSerializer,
    WordsOutSerializer,
    WordsSerializer,
)
from health.words import builtin_words
from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WORKSPACE_ID,
    WRITE_ERRORS,
    ApiView,
    errors,
    map_for,
    path_id,
    valid_body,
    workspace_for,
)

TAGS = ["health"]
ACCEPTANCE_ID = path_id("acceptance_id", "The acceptance (the `acceptance` of an accepted item).")


class MapHealthView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="maps_health_retrieve", parameters=[MAP_ID],
        summary="The map's health: a score and the checks of good journey mapping",
        description="Each check says, in the reader's language, why it matters and how to fix it, and lists "
                    "the items it concerns. Computed once per `seq` of the map.",
        responses={200: HealthSerializer, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id)
        return Response(selectors.map_health(journey_map=journey_map))


class HealthAcceptView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="maps_health_accept", parameters=[MAP_ID], request=AcceptSerializer,
        summary="Accept a finding for one item, with a reason",
        description="The item stops counting in its check and the score; the panel shows who accepted it "
                    "and why. Only a current finding can be accepted; accepting again replaces the reason.",
        responses={201: AcceptanceSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        body = valid_body(AcceptSerializer, request)
        acceptance = services.health_accept(journey_map=journey_map, user=request.user, code=body["code"],
                                            entity=body["entity"], item_id=body["id"], reason=body["reason"])
        return Response(AcceptanceSerializer(acceptance).data, status=status.HTTP_201_CREATED)


class HealthAcceptanceView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="maps_health_unaccept", parameters=[MAP_ID, ACCEPTANCE_ID],
        summary="Undo an accepted finding", request=None,
        responses={204: OpenApiResponse(description="The finding counts again."), **errors(*WRITE_ERRORS)},
    )
    def delete(self, request: Request, map_id: str, acceptance_id: int) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        services.health_unaccept(journey_map=journey_map, acceptance_id=acceptance_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _words_answer(workspace_id: object) -> dict[str, list[str]]:
    from health.models import WorkspaceWords

    row = WorkspaceWords.objects.filter(workspace_id=workspace_id).first()
    return {"en": row.words_en if row else [], "fr": row.words_fr if row else [],
            "builtin_en": list(builtin_words("en")), "builtin_fr": list(builtin_words("fr"))}


class WorkspaceWordsView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="workspaces_health_words_retrieve", parameters=[WORKSPACE_ID],
        summary="The company words the voice check looks for",
        description="The built-in lists and the workspace's own additions, in English and French.",
        responses={200: WordsOutSerializer, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _role = workspace_for(request, workspace_id)
        return Response(_words_answer(workspace.id))

    @extend_schema(
        tags=TAGS, operation_id="workspaces_health_words_update", parameters=[WORKSPACE_ID],
        request=WordsSerializer, summary="Replace the workspace's own company words (owners)",
        description="Up to 300 words or phrases per language; case and accents are ignored when matching. "
                    "Every map of the workspace is checked again.",
        responses={200: WordsOutSerializer, **errors(*WRITE_ERRORS)},
    )
    def put(self, request: Request, workspace_id: str) -> Response:
        workspace, _role = workspace_for(request, workspace_id, owner=True)
        body = valid_body(WordsSerializer, request)
        services.workspace_words_set(workspace=workspace, user=request.user, words_en=body["en"],
                                     words_fr=body["fr"])
        return Response(_words_answer(workspace.id))
