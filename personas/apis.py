"""Personas of a workspace (shared by its maps)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from maps.apis.common import (
    READ_ERRORS,
    WORKSPACE_ID,
    WRITE_ERRORS,
    ApiView,
    errors,
    parse_id,
    path_id,
    workspace_for,
)
from maps.serializers import PersonaSerializer
from personas.models import Persona
from personas.selectors import persona_get, persona_list
from personas.services import persona_archive, persona_create, persona_update

TAG = ["personas"]
PERSONA_ID = path_id("persona_id", "The persona.")


def _persona(workspace_id: Any, persona_id: str) -> Persona:
    persona = persona_get(workspace_id=workspace_id, persona_id=parse_id(persona_id, "persona"))
    if persona is None:
        raise exceptions.NotFound("No such persona.")
    return persona


class PersonaListView(ApiView):
    @extend_schema(tags=TAG, operation_id="workspaces_personas_list", parameters=[
        WORKSPACE_ID, OpenApiParameter("archived", OpenApiTypes.BOOL, description="Include archived ones."),
    ], responses={200: PersonaSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        include = request.query_params.get("archived", "").lower() in ("true", "1")
        return Response(PersonaSerializer(persona_list(workspace_id=workspace.id, include_archived=include),
                                          many=True).data)

    @extend_schema(tags=TAG, operation_id="workspaces_personas_create", parameters=[WORKSPACE_ID],
                   request=PersonaSerializer, responses={201: PersonaSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        serializer = PersonaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        persona = persona_create(workspace=workspace, data=dict(serializer.validated_data))
        return Response(PersonaSerializer(persona).data, status=status.HTTP_201_CREATED)


class PersonaDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="workspaces_personas_retrieve", parameters=[WORKSPACE_ID, PERSONA_ID],
                   responses={200: PersonaSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str, persona_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        return Response(PersonaSerializer(_persona(workspace.id, persona_id)).data)

    @extend_schema(tags=TAG, operation_id="workspaces_personas_partial_update",
                   parameters=[WORKSPACE_ID, PERSONA_ID], summary="Change a persona (open maps that follow it "
                   "are told)", request=PersonaSerializer, responses={200: PersonaSerializer,
                                                                       **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str, persona_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        persona = _persona(workspace.id, persona_id)
        serializer = PersonaSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        persona = persona_update(persona=persona, data=dict(serializer.validated_data))
        return Response(PersonaSerializer(persona).data)

    @extend_schema(tags=TAG, operation_id="workspaces_personas_destroy", parameters=[WORKSPACE_ID, PERSONA_ID],
                   summary="Archive a persona", responses={204: OpenApiResponse(description="Archived."),
                                                           **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, persona_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        persona_archive(persona=_persona(workspace.id, persona_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
