"""Maps: list, create (blank, from a template, future state), read, change,
archive, duplicate; the document snapshot and the op log."""

from __future__ import annotations

import json
import math
import uuid

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiView,
    Gone,
    body_object,
    errors,
    map_for,
    valid_body,
    workspace_for,
)
from journeymap.serializers import ErrorSerializer
from maps.entity_serializers import MapCreateSerializer, MapUpdateSerializer
from maps.models import JourneyMap, MapKind
from maps.operations import Ack, actor_for, apply
from maps.selectors import map_document, oldest_retained_seq, operations_since, snapshot_transaction
from maps.serializers import (
    AckSerializer,
    DocumentSerializer,
    MapDuplicateSerializer,
    MapSerializer,
    OperationsPageSerializer,
    OperationsRequestSerializer,
)
from maps.services import map_archive, map_create, map_update
from maps.services.copy import FUTURE_STATE_DEFAULT, map_duplicate, map_future_state
from reviews.services import REVIEW_SETTINGS, map_review_settings_update
from templates_lib.services import map_from_template, template_visible

TAG = ["maps"]
MAX_OPS_PAGE = 500

ACK_OR_ERROR = PolymorphicProxySerializer(component_name="AckOrError", serializers=[AckSerializer, ErrorSerializer],
                                          resource_type_field_name=None)


class MapListView(generics.GenericAPIView, ApiView):
    serializer_class = MapSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        rows = JourneyMap.objects.filter(workspace__memberships__user=self.request.user).select_related(
            "owner", "reviewed_by")
        params = self.request.query_params
        if params.get("workspace"):
            try:
                rows = rows.filter(workspace_id=uuid.UUID(params["workspace"]))
            except ValueError:
                raise exceptions.ValidationError({"workspace": ["Must be a UUID."]}) from None
        if params.get("kind"):
            if params["kind"] not in MapKind.values:
                raise exceptions.ValidationError({"kind": [f"Must be one of {', '.join(MapKind.values)}."]})
            rows = rows.filter(kind=params["kind"])
        archived = params.get("archived", "false").lower()
        if archived not in ("true", "false", "1", "0", "all"):
            raise exceptions.ValidationError({"archived": ["Must be true, false or all."]})
        if archived != "all":
            rows = rows.filter(archived=archived in ("true", "1"))
        if params.get("search"):
            term = params["search"][:200]
            rows = rows.filter(Q(title__icontains=term) | Q(goal__icontains=term))
        return rows.order_by("-updated_at", "id")

    @extend_schema(
        tags=TAG, operation_id="maps_list", summary="Maps of the caller's workspaces",
        parameters=[
            OpenApiParameter("workspace", OpenApiTypes.UUID, description="Only this workspace's maps."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(MapKind.values)),
            OpenApiParameter("archived", OpenApiTypes.STR, enum=["false", "true", "all"],
                             description="Default false."),
            OpenApiParameter("search", OpenApiTypes.STR, description="In the title and goal."),
        ],
        responses={200: MapSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MapSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG, operation_id="maps_create",
        summary="Create a map: blank, from a template, or as the future state of another map",
        request=MapCreateSerializer, responses={201: MapSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request) -> Response:
        data = valid_body(MapCreateSerializer, request)
        workspace, _ = workspace_for(request, data["workspace"], write=True)
        if data.get("template"):
            template = template_visible(user=request.user, template_id=data["template"], workspace_id=workspace.id)
            if template is None:
                raise exceptions.NotFound("No such template.")
            journey_map = map_from_template(template=template, workspace=workspace, title=data["title"],
                                            actor_user=request.user, goal=data.get("goal", ""))
        elif data.get("based_on"):
            source = JourneyMap.objects.filter(id=data["based_on"], workspace=workspace).first()
            if source is None:
                raise exceptions.NotFound("No such map to base the future state on.")
            journey_map = map_future_state(source=source, title=data["title"], actor_user=request.user,
                                           content=data.get("copy") or FUTURE_STATE_DEFAULT)
        else:
            journey_map = map_create(workspace=workspace, title=data["title"], actor_user=request.user,
                                     kind=data.get("kind", MapKind.CUSTOM), language=data.get("language", "en"),
                                     goal=data.get("goal", ""))
        return Response(MapSerializer(journey_map).data, status=status.HTTP_201_CREATED)


class MapDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_retrieve", parameters=[MAP_ID],
                   responses={200: MapSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        return Response(MapSerializer(journey_map).data)

    @extend_schema(
        tags=TAG, operation_id="maps_partial_update", parameters=[MAP_ID],
        summary="Change map fields (through the write path, so open editors see it)",
        request=MapUpdateSerializer, responses={200: MapSerializer, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        fields = dict(valid_body(MapUpdateSerializer, request))
        stewardship = {key: fields.pop(key) for key in REVIEW_SETTINGS if key in fields}
        with transaction.atomic():  # all of the request or none of it
            if stewardship:
                journey_map = map_review_settings_update(journey_map=journey_map, fields=stewardship)
            if fields or not stewardship:
                journey_map = map_update(journey_map=journey_map, user=request.user, fields=fields,
                                         batch_id=batch_id_for(request))
        return Response(MapSerializer(journey_map).data)

    @extend_schema(tags=TAG, operation_id="maps_destroy", parameters=[MAP_ID], summary="Archive a map",
                   responses={204: OpenApiResponse(description="Archived."), **errors(401, 403, 404)})
    def delete(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        map_archive(journey_map=journey_map, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MapDuplicateView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_duplicate", parameters=[MAP_ID],
                   summary="Copy a map and its content into a new map of the same workspace",
                   request=MapDuplicateSerializer, responses={201: MapSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        data = valid_body(MapDuplicateSerializer, request)
        copy = map_duplicate(source=journey_map, title=data.get("title"), actor_user=request.user)
        return Response(MapSerializer(copy).data, status=status.HTTP_201_CREATED)


class MapDocumentView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_document", parameters=[MAP_ID],
                   summary="The whole map at one seq (one consistent snapshot)",
                   responses={200: DocumentSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        # Serialised straight to bytes: the document is large and plain JSON, and
        # DRF's renderer costs about twice as much for the same output.
        body = json.dumps(map_document(map_id=journey_map.id), ensure_ascii=False, separators=(",", ":"),
                          default=str).encode()
        return HttpResponse(body, content_type="application/json")


class OperationsThrottle(UserRateThrottle):
    """Batches per user over REST: about 50 a second sustained (settings), kept in
    the shared cache so every process counts the same requests."""

    scope = "operations"


class MapOperationsView(ApiView):
    @extend_schema(
        tags=TAG, operation_id="maps_operations_list", parameters=[
            MAP_ID,
            OpenApiParameter("since", OpenApiTypes.INT, required=True,
                             description="Batches after this seq (0 for all)."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_OPS_PAGE}, default 100."),
        ],
        summary="Committed batches after a seq, in seq order, paged",
        responses={200: OperationsPageSerializer, **errors(400, 401, 404, 410)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        since = _int_param(request, "since", required=True, lo=0, hi=2**63 - 1)
        limit = _int_param(request, "limit", default=100, lo=1, hi=MAX_OPS_PAGE)
        with snapshot_transaction():
            current = JourneyMap.objects.filter(id=journey_map.id).values_list("seq", flat=True).first() or 0
            if since < oldest_retained_seq(map_id=journey_map.id):
                raise Gone("The op log no longer holds batches this old: reload the document.")
            batches = operations_since(map_id=journey_map.id, since=since, limit=limit)
        last = batches[-1]["seq"] if batches else since
        return Response({"seq": current, "batches": batches, "next": last if last < current else None})

    @extend_schema(
        tags=TAG, operation_id="maps_operations_create", parameters=[MAP_ID],
        summary="Apply one batch of ops (as a socket push); answers with the ack frame",
        request=OperationsRequestSerializer,
        responses={
            200: AckSerializer,
            # A refused batch answers with its ack; a refused request (no such map,
            # a body that is not a batch) with the error object.
            400: ACK_OR_ERROR, 403: AckSerializer, 404: ACK_OR_ERROR, 409: AckSerializer,
            429: AckSerializer,
            **errors(401, 413),
        },
    )
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, role = map_for(request, map_id)
        body = body_object(request)
        unknown = sorted(set(body) - {"batch_id", "ops"})
        if unknown:
            raise exceptions.ValidationError({key: ["Unknown field."] for key in unknown})
        throttle = OperationsThrottle()
        if not throttle.allow_request(request, self):
            # The socket's answer to a push beyond the bucket, with the HTTP status
            # of the error table and a Retry-After header.
            wait = max(1, math.ceil(throttle.wait() or 1))
            batch_id = body.get("batch_id") if isinstance(body.get("batch_id"), str) else ""
            frame = Ack(batch_id=batch_id[:100], status="retry", retry_after_ms=wait * 1000,
                        error={"code": "rate_limited", "message": "too many batches, retry later",
                               "op_index": None, "field": None}).as_frame()
            return Response(frame, status=429, headers={"Retry-After": str(wait)})
        ack = apply(map_id=journey_map.id, actor=actor_for(request.user, journey_map.workspace_id),
                    batch_id=body.get("batch_id"), ops=body.get("ops"), role=role)
        return Response(ack.as_frame(), status=ack.http_status)


def _int_param(request: Request, name: str, *, required: bool = False, default: int = 0, lo: int | None = None,
               hi: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise exceptions.ValidationError({name: ["This parameter is required."]})
        return default
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: ["Must be an integer."]}) from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise exceptions.ValidationError({name: [f"Must be between {lo} and {hi}."]})
    return value


def batch_id_for(request: Request) -> str:
    """REST writes are batches too; ``Idempotency-Key`` makes a retry safe."""
    return request.headers.get("Idempotency-Key") or f"rest:{uuid.uuid4()}"

