"""Personas of a workspace (shared by its maps), their pictures, and the personas a
map follows (attach and detach are ``persona_link`` ops through the write path)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WORKSPACE_ID,
    WRITE_ERRORS,
    ApiView,
    errors,
    map_for,
    parse_id,
    path_id,
    workspace_for,
)
from journeymap.serializers import StrictSerializer
from journeymap.strict_http import StrictFormParser, StrictMultiPartParser
from maps.errors import OpError
from personas.models import Persona
from personas.selectors import map_persona_links, persona_get, persona_list
from personas.serializers import PersonaSerializer
from personas.services import (
    map_persona_attach,
    map_persona_detach,
    persona_archive,
    persona_clear_avatar,
    persona_create,
    persona_set_avatar,
    persona_update,
)
from personas.views import avatar_response

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


# --- avatars -------------------------------------------------------------------------------


class AvatarUploadSerializer(serializers.Serializer):
    avatar = serializers.FileField(help_text="PNG, JPEG, GIF or WebP; the content must be the declared type.")


class PersonaAvatarView(ApiView):
    parser_classes = [StrictMultiPartParser, StrictFormParser]

    @extend_schema(tags=TAG, operation_id="workspaces_personas_avatar_retrieve",
                   parameters=[WORKSPACE_ID, PERSONA_ID], summary="The persona's picture",
                   responses={(200, "image/*"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The image"),
                              **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str, persona_id: str) -> FileResponse:
        workspace, _ = workspace_for(request, workspace_id)
        persona = _persona(workspace.id, persona_id)
        if not persona.avatar:
            raise exceptions.NotFound("This persona has no picture.")
        return avatar_response(persona)

    @extend_schema(tags=TAG, operation_id="workspaces_personas_avatar_update", parameters=[WORKSPACE_ID, PERSONA_ID],
                   summary="Set the persona's picture (multipart/form-data, field `avatar`)",
                   request={"multipart/form-data": AvatarUploadSerializer},
                   responses={200: PersonaSerializer, **errors(*WRITE_ERRORS)})
    def put(self, request: Request, workspace_id: str, persona_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        persona = _persona(workspace.id, persona_id)
        unknown = sorted(set(request.data) - {"avatar"})
        if unknown:
            raise exceptions.ValidationError({key: ["Unknown field."] for key in unknown})
        upload = request.FILES.get("avatar")
        if upload is None:
            raise OpError("invalid", "avatar is required: send the image as multipart/form-data", field="avatar")
        persona = persona_set_avatar(persona=persona, upload=upload)
        return Response(PersonaSerializer(persona).data)

    @extend_schema(tags=TAG, operation_id="workspaces_personas_avatar_destroy", parameters=[WORKSPACE_ID, PERSONA_ID],
                   summary="Remove the persona's picture",
                   responses={204: OpenApiResponse(description="Removed."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, persona_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        persona_clear_avatar(persona=_persona(workspace.id, persona_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the personas a map follows ---------------------------------------------------------------


class MapPersonaSerializer(PersonaSerializer):
    """A followed persona as the map document shows it (``persona_item``), with its
    link: the persona's own fields, without its timestamps."""

    created_at = None
    updated_at = None
    avatar = serializers.BooleanField(read_only=True, help_text="Whether it has a picture (GET .../avatar/).")
    link = serializers.UUIDField(read_only=True, help_text="The persona_link entity of the protocol.")
    position = serializers.CharField(read_only=True)


class MapPersonaAttachSerializer(StrictSerializer):
    persona = serializers.UUIDField(help_text="A persona of the map's workspace.")
    after = serializers.UUIDField(required=False, allow_null=True,
                                  help_text="The link to follow in the strip (default: last).")


class MapPersonaListView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_personas_list", parameters=[MAP_ID],
                   summary="The personas the map follows, in strip order",
                   responses={200: MapPersonaSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        return Response(map_persona_links(map_id=journey_map.id))

    @extend_schema(tags=TAG, operation_id="maps_personas_attach", parameters=[MAP_ID],
                   summary="Follow a persona on the map (a persona_link create, or a restore of the old link "
                           "so its emotion curve comes back)",
                   request=MapPersonaAttachSerializer,
                   responses={201: MapPersonaSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, role = map_for(request, map_id, write=True)
        serializer = MapPersonaAttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = map_persona_attach(journey_map=journey_map, persona_id=serializer.validated_data["persona"],
                                  after=serializer.validated_data.get("after"), user=request.user, role=role)
        item = next(p for p in map_persona_links(map_id=journey_map.id) if p["link"] == link)
        return Response(item, status=status.HTTP_201_CREATED)


class MapPersonaDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_personas_detach", parameters=[MAP_ID, PERSONA_ID],
                   summary="Stop following a persona on the map (its emotion points are hidden with it)",
                   responses={204: OpenApiResponse(description="Detached."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, map_id: str, persona_id: str) -> Response:
        journey_map, role = map_for(request, map_id, write=True)
        map_persona_detach(journey_map=journey_map, persona_id=parse_id(persona_id, "persona"),
                           user=request.user, role=role)
        return Response(status=status.HTTP_204_NO_CONTENT)
