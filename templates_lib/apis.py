"""Templates: the built-in four (per language) beside the workspaces' own."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import MAP_ID, WRITE_ERRORS, ApiView, errors, map_for, parse_id, workspace_for
from journeymap.serializers import LANGUAGES
from templates_lib.serializers import SaveAsTemplateSerializer, TemplateSerializer
from templates_lib.services import template_from_map, templates_for

TAG = ["templates"]


class TemplateListView(ApiView):
    @extend_schema(tags=TAG, operation_id="templates_list", parameters=[
        OpenApiParameter("language", OpenApiTypes.STR, enum=[code for code, _ in LANGUAGES]),
        OpenApiParameter("workspace", OpenApiTypes.UUID, description="Only built-in ones and this workspace's."),
    ], responses={200: TemplateSerializer(many=True), **errors(400, 401, 404)})
    def get(self, request: Request) -> Response:
        language = request.query_params.get("language") or None
        if language is not None and language not in dict(LANGUAGES):
            raise exceptions.ValidationError({"language": [f"Must be one of {', '.join(dict(LANGUAGES))}."]})
        workspace_id = None
        if request.query_params.get("workspace"):
            workspace, _ = workspace_for(request, parse_id(request.query_params["workspace"], "workspace"))
            workspace_id = workspace.id
        rows = templates_for(user=request.user, language=language, workspace_id=workspace_id)
        return Response(TemplateSerializer(rows, many=True).data)


class SaveAsTemplateView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_save_as_template", parameters=[MAP_ID],
                   summary="Save a map's structure as a template of its workspace",
                   request=SaveAsTemplateSerializer, responses={201: TemplateSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        serializer = SaveAsTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = template_from_map(journey_map=journey_map, name=data["name"],
                                     description=data.get("description", ""), include_cards=data["include_cards"])
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)
