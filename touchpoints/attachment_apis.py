"""Files attached to a touchpoint: list, upload, describe, download, remove.

Thin: membership and role come from ``journeymap.api_common``; checking, storing and
listing the file from ``touchpoints.attachments`` (listing is one op through the
write path, so open editors see it at once). Downloads are for members of the
map's workspace only; share-link visitors get nothing (a share token is no API
credential).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiView,
    errors,
    map_for,
    parse_id,
    path_id,
)
from journeymap.downloads import content_disposition
from journeymap.strict_http import StrictFormParser, StrictMultiPartParser
from maps.errors import OpError
from touchpoints.attachments import (
    attachment_add,
    attachment_remove,
    attachment_to_serve,
    human_size,
    touchpoint_entries,
)
from touchpoints.byte_ranges import FileSlice, RangeNotSatisfiable, requested_range
from touchpoints.entries import public_entry
from touchpoints.filetypes import KINDS
from touchpoints.serializers import AttachmentSerializer, AttachmentUploadSerializer

TAG = ["attachments"]
TOUCHPOINT_ID = path_id("touchpoint_id", "The touchpoint.")
ATTACHMENT_ID = path_id("attachment_id", "The attachment.")
# A multipart body carries a little more than the file itself.
MULTIPART_OVERHEAD = 64 * 1024
# Opened in the browser: kinds that cannot run anything. PDFs (which may carry
# scripts and forms) and office files are downloaded.
INLINE_GROUPS = {"image", "audio", "video"}
# Every file is served sandboxed: were a browser to render one as a document,
# nothing in it may run, load, submit or frame.
ATTACHMENT_CSP = ("sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; "
                  "frame-ancestors 'self'")


def _urls(map_id: Any, touchpoint_id: Any, entry: dict[str, Any]) -> dict[str, Any]:
    url = reverse("api-touchpoint-attachment-download", args=[str(map_id), str(touchpoint_id), entry["id"]])
    image = KINDS.get(entry["content_type"]) and KINDS[entry["content_type"]].group == "image"
    return {**public_entry(entry), "url": url, "thumbnail_url": f"{url}?thumbnail=1" if image else None}


def _entry(journey_map: Any, touchpoint_id: str, attachment_id: str) -> dict[str, Any]:
    for entry in touchpoint_entries(journey_map=journey_map, touchpoint_id=touchpoint_id):
        if entry["id"] == attachment_id:
            return entry
    raise exceptions.NotFound("No such attachment on this touchpoint.")


class AttachmentListView(ApiView):
    parser_classes = [StrictMultiPartParser, StrictFormParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Refused before the body is read, naming the field, like any refusal of the write path.
        limit = settings.ATTACHMENT_MAX_BYTES
        self.max_body_bytes = limit + MULTIPART_OVERHEAD
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method == "POST" and length > self.max_body_bytes:
            # Authentication and role first: an outsider learns nothing, not even the limit.
            self.perform_authentication(request)
            self.check_permissions(request)
            map_for(request, kwargs["map_id"], write=True)
            raise OpError("too_large", f"file must be at most {human_size(limit)}", field="file")
        super().initial(request, *args, **kwargs)

    @extend_schema(tags=TAG, operation_id="maps_touchpoints_attachments_list", parameters=[MAP_ID, TOUCHPOINT_ID],
                   summary="The files a touchpoint shows, in order",
                   responses={200: AttachmentSerializer(many=True), **errors(*READ_ERRORS, 409)})
    def get(self, request: Request, map_id: str, touchpoint_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        touchpoint_id = parse_id(touchpoint_id, "touchpoint")
        entries = touchpoint_entries(journey_map=journey_map, touchpoint_id=touchpoint_id)
        return Response([_urls(journey_map.id, touchpoint_id, entry) for entry in entries])

    @extend_schema(
        tags=TAG, operation_id="maps_touchpoints_attachments_create", parameters=[MAP_ID, TOUCHPOINT_ID],
        summary="Attach a file (multipart/form-data, field `file`)",
        description="The content is checked against the declared type and the name's extension; over the "
                    "size limit answers 413, any other refusal 400, both naming the `file` field. The "
                    "touchpoint's `attachments` change through the write path (an `ops` frame to open editors).",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, map_id: str, touchpoint_id: str) -> Response:
        journey_map, role = map_for(request, map_id, write=True)
        touchpoint_id = parse_id(touchpoint_id, "touchpoint")
        unknown = sorted(set(request.data) - {"file"})
        if unknown:
            raise exceptions.ValidationError({key: ["Unknown field."] for key in unknown})
        entry = attachment_add(journey_map=journey_map, touchpoint_id=touchpoint_id,
                               upload=request.FILES.get("file"), user=request.user, role=role)
        return Response(_urls(journey_map.id, touchpoint_id, entry), status=status.HTTP_201_CREATED)


class AttachmentDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_touchpoints_attachments_retrieve",
                   parameters=[MAP_ID, TOUCHPOINT_ID, ATTACHMENT_ID],
                   responses={200: AttachmentSerializer, **errors(*READ_ERRORS, 409)})
    def get(self, request: Request, map_id: str, touchpoint_id: str, attachment_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        touchpoint_id = parse_id(touchpoint_id, "touchpoint")
        entry = _entry(journey_map, touchpoint_id, parse_id(attachment_id, "attachment"))
        return Response(_urls(journey_map.id, touchpoint_id, entry))

    @extend_schema(tags=TAG, operation_id="maps_touchpoints_attachments_destroy",
                   parameters=[MAP_ID, TOUCHPOINT_ID, ATTACHMENT_ID],
                   summary="Take a file off the touchpoint (deleted once no touchpoint lists it)",
                   responses={204: OpenApiResponse(description="Removed."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, map_id: str, touchpoint_id: str, attachment_id: str) -> Response:
        journey_map, role = map_for(request, map_id, write=True)
        attachment_remove(journey_map=journey_map, touchpoint_id=parse_id(touchpoint_id, "touchpoint"),
                          attachment_id=parse_id(attachment_id, "attachment"), user=request.user, role=role)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="maps_touchpoints_attachments_download",
        parameters=[MAP_ID, TOUCHPOINT_ID, ATTACHMENT_ID,
                    OpenApiParameter("thumbnail", OpenApiTypes.BOOL, description="A small preview (images)."),
                    OpenApiParameter("download", OpenApiTypes.BOOL, description="Save rather than open.")],
        summary="The file itself",
        description="Members of the map's workspace only, and only while a live touchpoint lists the file. "
                    "Served with the type read from its bytes, `X-Content-Type-Options: nosniff`, a sandboxing "
                    "Content-Security-Policy and a Content-Disposition carrying its name (RFC 6266: an ASCII "
                    "`filename` and the UTF-8 `filename*`); images, audio and video open inline, PDFs and "
                    "office files download. A `Range` header asking for one byte range "
                    "(`bytes=a-b`, `bytes=a-`, `bytes=-n`) is answered 206 with that part, one starting past "
                    "the end 416 with `Content-Range: bytes */size`; several ranges or a header that does not "
                    "parse get the whole file.",
        responses={(200, "application/octet-stream"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                                      description="The file"),
                   (206, "application/octet-stream"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                                      description="The range asked for"),
                   416: OpenApiResponse(description="The range starts past the end of the file "
                                                    "(code `range_not_satisfiable`)."),
                   **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str, touchpoint_id: str,
            attachment_id: str) -> FileResponse | Response:
        journey_map, _ = map_for(request, map_id)
        attachment = attachment_to_serve(journey_map=journey_map, touchpoint_id=parse_id(touchpoint_id, "touchpoint"),
                                         attachment_id=parse_id(attachment_id, "attachment"))
        if attachment is None:
            raise exceptions.NotFound("No such attachment on this touchpoint.")
        kind = KINDS.get(attachment.content_type)
        field, content_type = attachment.file, attachment.content_type
        if request.query_params.get("thumbnail") in ("1", "true") and attachment.thumbnail:
            field = attachment.thumbnail
            content_type = "image/png" if field.name.endswith(".png") else "image/jpeg"
        try:
            handle = field.open("rb")
            size = field.size
        except FileNotFoundError:
            raise exceptions.NotFound("The file of this attachment is missing.") from None
        # Checked only now, after membership and the live touchpoint: a range reveals nothing more.
        try:
            byte_range = requested_range(request.headers.get("Range"), size)
        except RangeNotSatisfiable:
            handle.close()
            return Response({"code": "range_not_satisfiable", "message": f"the file has {size} bytes",
                             "fields": {"range": [f"the file has {size} bytes"]}},
                            status=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
                            headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
        inline = bool(kind and kind.group in INLINE_GROUPS) and request.query_params.get("download") not in ("1",
                                                                                                        "true")
        if byte_range is None:
            response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                                    filename=attachment.name)
        else:
            response = FileResponse(FileSlice(handle, byte_range), status=status.HTTP_206_PARTIAL_CONTENT,
                                    content_type=content_type, as_attachment=not inline, filename=attachment.name)
            response["Content-Length"] = str(byte_range.length)
            response["Content-Range"] = byte_range.content_range(size)
        response["Accept-Ranges"] = "bytes"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=300"
        response["Content-Security-Policy"] = ATTACHMENT_CSP
        response["Content-Disposition"] = content_disposition(attachment.name, attachment=not inline)
        return response
