"""REST for the map file format: the schema, exports (JSON, bundle, Mermaid) and
imports. Thin: parse, check the caller's role, call a reader or a service."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from interchange.format import SCHEMA_PATH
from interchange.mermaid import mermaid_text
from interchange.writer import bundle_bytes, file_bytes, map_file
from journeymap.downloads import content_disposition, safe_file_name
from maps.apis.common import MAP_ID, READ_ERRORS, ApiView, errors, map_for

TAG = ["interchange"]


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    # The file is the map as it is now; a cache must not answer with an older one.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class MapFormatSchemaView(ApiView):
    # The format is public: anyone may read how a file is written.
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=TAG, operation_id="schema_map_format", summary="JSON Schema (2020-12) of the map file format",
                   responses={(200, "application/schema+json"): OpenApiResponse(
                       response=OpenApiTypes.OBJECT, description="The schema of journeymap.map, version 1.")})
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(SCHEMA_PATH.read_bytes(), content_type="application/schema+json")
        response["Cache-Control"] = "public, max-age=3600"
        return response


class MapExportJsonView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="maps_export_json", parameters=[
            MAP_ID,
            OpenApiParameter("bundle", OpenApiTypes.BOOL,
                             description="1: a zip of the file plus the touchpoints' attachments and the personas' "
                                         "pictures."),
        ],
        summary="The map as a journeymap.map file (or a zip bundle)",
        responses={(200, "application/json"): OpenApiResponse(response=OpenApiTypes.OBJECT,
                                                              description="The file; see /api/v1/schema/map-format.json"),
                   (200, "application/zip"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                             description="The bundle (?bundle=1)"),
                   **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str) -> HttpResponse:
        journey_map, _ = map_for(request, map_id)
        bundle = request.query_params.get("bundle", "0").lower()
        if bundle not in ("0", "1", "true", "false", ""):
            from rest_framework import exceptions

            raise exceptions.ValidationError({"bundle": ["Must be 0 or 1."]})
        document, files = map_file(map_id=journey_map.id)
        name = safe_file_name(journey_map.title, default="map")
        if bundle in ("1", "true"):
            return _download(bundle_bytes(document, files), "application/zip", f"{name}.journeymap.zip")
        return _download(file_bytes(document), "application/json; charset=utf-8", f"{name}.journeymap.json")


class MapExportMermaidView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="maps_export_mermaid", parameters=[MAP_ID],
        summary="The map as a Mermaid user journey (sections, tasks, actors, scores)",
        responses={(200, "text/vnd.mermaid"): OpenApiResponse(response=OpenApiTypes.STR,
                                                              description="Mermaid journey text"),
                   **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str) -> HttpResponse:
        journey_map, _ = map_for(request, map_id)
        document, _files = map_file(map_id=journey_map.id)
        name = safe_file_name(journey_map.title, default="map")
        return _download(mermaid_text(document).encode("utf-8"), "text/vnd.mermaid; charset=utf-8", f"{name}.mmd")
