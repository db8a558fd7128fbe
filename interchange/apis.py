"""REST for the map file format: the schema, exports (JSON, bundle, Mermaid) and
imports. Thin: parse, check the caller's role, call a reader or a service."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from interchange.format import SCHEMA_PATH
from interchange.importer import map_import
from interchange.merge import map_merge_touchpoints
from interchange.mermaid import mermaid_text
from interchange.problems import ImportProblem
from interchange.readers import read_upload
from interchange.serializers import (
    ImportErrorSerializer,
    ImportRequestSerializer,
    ImportResultSerializer,
    MergeRequestSerializer,
    MergeResultSerializer,
)
from interchange.writer import bundle_bytes, file_bytes, map_file
from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WORKSPACE_ID,
    ApiView,
    errors,
    map_for,
    valid_body,
    workspace_for,
)
from journeymap.downloads import content_disposition, safe_file_name
from journeymap.strict_http import StrictFormParser, StrictMultiPartParser
from maps.serializers import MapSerializer

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


# --- imports ------------------------------------------------------------------------------------


class ImportThrottle(UserRateThrottle):
    """Imports per user: reading a file is work; a loop of them should not be."""

    scope = "imports"


def _problem_response(problem: ImportProblem) -> Response:
    status_code = 413 if problem.code == "too_large" else 400
    return Response({"code": problem.code, "message": problem.located(), "fields": problem.as_fields()},
                    status=status_code)


def _upload_bytes(data: dict, limit: int) -> tuple[bytes, str]:
    upload = data["file"]
    content = upload.read(limit + 1)
    return content, str(upload.name or "")


class ImportView(ApiView):
    parser_classes = [StrictMultiPartParser, StrictFormParser]
    max_body_bytes = settings.IMPORT_MAX_BUNDLE_BYTES + 64 * 1024

    def get_throttles(self) -> list:
        return [ImportThrottle()] if self.request.method == "POST" else []


class WorkspaceImportView(ImportView):
    @extend_schema(
        tags=TAG, operation_id="workspaces_imports_create", parameters=[WORKSPACE_ID],
        summary="Import a file as a new map (map file, bundle, CSV, XLSX or Mermaid)",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={201: ImportResultSerializer, 200: ImportResultSerializer,
                   400: ImportErrorSerializer, 413: ImportErrorSerializer, **errors(401, 403, 404, 429)},
    )
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, role = workspace_for(request, workspace_id, write=True)
        data = valid_body(ImportRequestSerializer, request)
        content, name = _upload_bytes(data, settings.IMPORT_MAX_BUNDLE_BYTES)
        try:
            reading = read_upload(content, name=name, file_format=data["format"], language=get_language()[:2])
            result = map_import(workspace=workspace, user=request.user, reading=reading,
                                title=data.get("title") or None, dry_run=data["dry_run"], role=role)
        except ImportProblem as problem:
            return _problem_response(problem)
        body = {"map": MapSerializer(result.journey_map).data if result.journey_map else None,
                "counts": result.counts, "warnings": result.warnings, "preview": result.preview}
        return Response(body, status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED)


class MapImportView(ImportView):
    @extend_schema(
        tags=TAG, operation_id="maps_imports_create", parameters=[MAP_ID],
        summary="Merge a touchpoint list into the map (matched by stage and name: updated; others created)",
        request={"multipart/form-data": MergeRequestSerializer},
        responses={200: MergeResultSerializer, 400: ImportErrorSerializer, 413: ImportErrorSerializer,
                   **errors(401, 403, 404, 409, 429)},
    )
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, role = map_for(request, map_id, write=True)
        data = valid_body(MergeRequestSerializer, request)
        content, name = _upload_bytes(data, settings.IMPORT_MAX_BYTES)
        try:
            reading = read_upload(content, name=name, file_format=data["format"], language=journey_map.language)
            result = map_merge_touchpoints(journey_map=journey_map, user=request.user, reading=reading,
                                           dry_run=data["dry_run"], role=role)
        except ImportProblem as problem:
            return _problem_response(problem)
        return Response({"counts": result.counts, "warnings": result.warnings, "seq": result.seq})
