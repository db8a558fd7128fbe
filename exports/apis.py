"""REST for exports: thin views over exports.services and exports.selectors."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from exports.models import Export, ExportFormat, ExportStatus
from exports.options import PAPER_CHOICES
from exports.selectors import export_for_member, exports_for_map
from exports.services.files import file_path
from exports.services.progress import download_path, failure_message
from exports.services.render import CONTENT_TYPES
from exports.services.request import export_request
from journeymap.downloads import content_disposition, safe_file_name
from maps.selectors import map_role

ERROR = inline_serializer(
    "ExportError",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


class ExportCreateSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.values, default="pdf")
    paper = serializers.ChoiceField(choices=list(PAPER_CHOICES), default="A3",
                                    help_text="A4, A3, A2 or A1 landscape, or fit: the whole map on one page.")
    # A plain string (checked below) rather than a second en/fr enum in the schema.
    language = serializers.CharField(required=False, max_length=8,
                                     help_text="en or fr: language of the printed labels; the map's by default.")
    lanes = serializers.ListField(child=serializers.UUIDField(), required=False, allow_null=True,
                                  help_text="Lanes to include; all lanes when left out.")
    personas = serializers.BooleanField(default=True, help_text="Add a personas page (PDF) or slide (PPTX).")
    dpi = serializers.IntegerField(min_value=72, max_value=300, default=150,
                                   help_text="PNG resolution; lowered for huge maps to stay under 50 megapixels.")

    def validate_language(self, value: str) -> str:
        if value not in ("en", "fr"):
            raise serializers.ValidationError("must be en or fr")
        return value


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    map = serializers.UUIDField(source="map_id", read_only=True)
    error = serializers.SerializerMethodField(help_text="Why it failed, in the request's language; empty otherwise.")

    class Meta:
        model = Export
        fields = ["id", "map", "format", "status", "progress", "download_url", "options", "info", "error",
                  "file_size", "snapshot_seq", "created_at", "finished_at"]
        read_only_fields = fields

    def get_error(self, export: Export) -> str:
        return failure_message(export.error)

    def get_download_url(self, export: Export) -> str | None:
        if export.status != ExportStatus.DONE:
            return None
        request = self.context.get("request")
        path = download_path(export)
        return request.build_absolute_uri(path) if request else path


def _member_map(request: Request, map_id: Any) -> Any:
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None or role is None:
        raise Http404
    return journey_map


class MapExportsApi(APIView):
    @extend_schema(
        tags=["exports"],
        operation_id="map_exports_list",
        summary="Exports of a map",
        responses={200: ExportSerializer(many=True), 401: ERROR, 404: ERROR},
    )
    def get(self, request: Request, map_id: Any) -> Response:
        journey_map = _member_map(request, map_id)
        rows = exports_for_map(map_id=journey_map.id)[:100]
        return Response(ExportSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        tags=["exports"],
        operation_id="map_exports_create",
        summary="Ask for a PDF, PNG, PPTX or CSV export",
        description="Rendered by a worker; progress frames `{type: export, ...}` go to the requester's sockets. "
        "The same content, visibility and options reuse the earlier file at once. Viewers may export. "
        "`pptx`: a cover, a slide per band of stages, the priorities and the personas, all editable text. "
        "`csv`: the touchpoint list (evaluation, volumes, metrics, moments of truth, priority rank), UTF-8 with a "
        "byte-order mark; `;` and decimal commas in French. `paper` and `dpi` apply to PDF and PNG only.",
        request=ExportCreateSerializer,
        responses={202: ExportSerializer, 200: ExportSerializer, 400: ERROR, 401: ERROR, 404: ERROR, 429: ERROR},
    )
    def post(self, request: Request, map_id: Any) -> Response:
        journey_map = _member_map(request, map_id)
        serializer = ExportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = dict(serializer.validated_data)
        if options.get("lanes") is not None:
            options["lanes"] = [str(lane) for lane in options["lanes"]]
        export = export_request(map=journey_map, user=request.user, options=options)
        export.refresh_from_db()
        code = status.HTTP_200_OK if export.status == ExportStatus.DONE else status.HTTP_202_ACCEPTED
        return Response(ExportSerializer(export, context={"request": request}).data, status=code)


class ExportDetailApi(APIView):
    @extend_schema(
        tags=["exports"],
        operation_id="exports_retrieve",
        summary="An export's status and progress",
        responses={200: ExportSerializer, 401: ERROR, 404: ERROR},
    )
    def get(self, request: Request, export_id: Any) -> Response:
        export = export_for_member(user=request.user, export_id=export_id)
        if export is None:
            raise Http404
        return Response(ExportSerializer(export, context={"request": request}).data)


class ExportDownloadApi(APIView):
    @extend_schema(
        tags=["exports"],
        operation_id="exports_download",
        summary="Download the rendered file",
        description="Members of the map's workspace only; files are never served from a public folder.",
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The PDF"),
            (200, "image/png"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The PNG"),
            (200, CONTENT_TYPES["pptx"]): OpenApiResponse(response=OpenApiTypes.BINARY, description="The slides"),
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The touchpoint list"),
            401: ERROR, 404: ERROR, 409: ERROR, 410: ERROR,
        },
    )
    def get(self, request: Request, export_id: Any) -> FileResponse:
        export = export_for_member(user=request.user, export_id=export_id)
        if export is None:
            raise Http404
        return file_response(export)


class NotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The export is not finished yet."


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "The export file is no longer available; ask for a new one."


def file_response(export: Export) -> FileResponse:
    """The export's file as an attachment (also for the share page's own view)."""
    if export.status == ExportStatus.EXPIRED:
        raise Gone("This export was removed after the retention period; ask for a new one.")
    if export.status != ExportStatus.DONE or not export.file:
        raise NotReady()
    path = file_path(export.file)
    if not path.exists():
        raise Gone()
    title = safe_file_name(export.map.title if export.map_id else "", default="journey-map")
    name = f"{title[:80].rstrip()}.{export.format}"
    content_type = CONTENT_TYPES.get(export.format, "application/octet-stream")
    handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "private, no-store"
    return response
