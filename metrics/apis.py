"""``/api/v1/maps/<id>/metrics/`` (a map's metric series: read, and points posted
as JSON or a CSV file) and ``/api/v1/workspaces/<id>/metric-keys/`` (a
workspace's own metrics)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
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
    valid_body,
    workspace_for,
)
from metrics.catalog import workspace_metrics
from metrics.csv_file import MAX_FILE_BYTES, read_points
from metrics.points import PointInvalid, TooManyPoints, TouchpointDirectory, check_points
from metrics.selectors import map_series
from metrics.serializers import (
    MapMetricsSerializer,
    MetricKeyCreateSerializer,
    MetricKeyUpdateSerializer,
    MetricSerializer,
    PointsErrorSerializer,
    PointsRequestSerializer,
    PointsUploadSerializer,
    RecordedSerializer,
)
from metrics.services import (
    KeyGone,
    KeyRefused,
    metric_key_create,
    metric_key_delete,
    metric_key_update,
    points_record,
)

TAG = ["metrics"]


def _refusal(problem: PointInvalid | TooManyPoints) -> Response:
    if isinstance(problem, TooManyPoints):
        return Response({"code": "too_large", "message": str(problem), "fields": {"points": [str(problem)]}},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return Response({"code": "invalid", "message": problem.sentence, "fields": {"points": problem.as_dict()}},
                    status=status.HTTP_400_BAD_REQUEST)


class MapMetricsView(ApiView):
    # 10,000 points named by stage and touchpoint name fit; a CSV file is at most 2 MiB.
    max_body_bytes = 4 * 1024 * 1024

    @extend_schema(
        tags=TAG, operation_id="maps_metrics_list", parameters=[
            MAP_ID,
            OpenApiParameter("touchpoint", OpenApiTypes.UUID, description="Only this touchpoint's series."),
            OpenApiParameter("metric", OpenApiTypes.STR, description="Only this metric's series.")],
        summary="The map's metric series (and the metrics its workspace knows)",
        responses={200: MapMetricsSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        touchpoint = request.query_params.get("touchpoint")
        metric = request.query_params.get("metric")
        metrics = workspace_metrics(journey_map.workspace_id)
        series = map_series(map_id=journey_map.id, touchpoint_id=parse_id(touchpoint, "touchpoint") if touchpoint
                            else None, metric=metric or None,
                            live_touchpoints=TouchpointDirectory(journey_map.id).ids)
        return Response({"metrics": [m.as_dict() for m in metrics.values()], "series": series})

    @extend_schema(
        tags=TAG, operation_id="maps_metrics_create", parameters=[MAP_ID],
        summary="Store metric points (JSON, or a CSV file): up to 10,000 per call, all or nothing; each "
                "touchpoint's latest values are written into its fields in one batch",
        request={"application/json": PointsRequestSerializer, "multipart/form-data": PointsUploadSerializer},
        responses={200: RecordedSerializer, 400: OpenApiResponse(PointsErrorSerializer, description=(
            "A bad point (code `invalid`): `fields.points` names its index (and CSV row), field and why; "
            "nothing was written.")),
            413: OpenApiResponse(PointsErrorSerializer, description="Over 10,000 points, or a body over 4 MiB."),
            **errors(401, 403, 404, 409)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, role = map_for(request, map_id, write=True)
        try:
            raw, rows = self._points(request)
            points = check_points(raw, directory=TouchpointDirectory(journey_map.id),
                                  metrics=workspace_metrics(journey_map.workspace_id), rows=rows)
        except (PointInvalid, TooManyPoints) as problem:
            return _refusal(problem)
        recorded = points_record(journey_map=journey_map, user=request.user, points=points, role=role)
        return Response({"points": recorded.points, "touchpoints": recorded.touchpoints, "seq": recorded.seq})

    @staticmethod
    def _points(request: Request) -> tuple[Any, Any]:
        if "file" in request.FILES or (request.content_type or "").startswith("multipart/"):
            data = valid_body(PointsUploadSerializer, request)
            content = data["file"].read(MAX_FILE_BYTES + 1)
            if len(content) > MAX_FILE_BYTES:
                raise exceptions.ValidationError({"file": [f"The file is larger than {MAX_FILE_BYTES} bytes."]})
            default = data.get("touchpoint")
            parsed = read_points(content, touchpoint=str(default) if default else None)
            return parsed.points, parsed.rows
        body = request.data
        if not isinstance(body, dict) or set(body) != {"points"}:
            raise exceptions.ValidationError({"points": ["The body must be {\"points\": [...]}."]})
        return body["points"], None


def _key_call(call: Any) -> Any:
    """A metric-key service's result, its refusals as the API's errors."""
    try:
        return call()
    except KeyGone:
        raise exceptions.NotFound("No such metric of this workspace's own.") from None
    except KeyRefused as refused:
        raise exceptions.ValidationError({refused.field: [refused.message]}) from None


class MetricKeysView(ApiView):
    @extend_schema(tags=TAG, operation_id="workspaces_metric_keys_list", parameters=[WORKSPACE_ID],
                   summary="The workspace's metrics: the built-in ones, then its own",
                   responses={200: MetricSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        return Response([m.as_dict() for m in workspace_metrics(workspace.id).values()])

    @extend_schema(tags=TAG, operation_id="workspaces_metric_keys_create", parameters=[WORKSPACE_ID],
                   summary="Declare a metric of the workspace's own (owners)", request=MetricKeyCreateSerializer,
                   responses={201: MetricSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        data = valid_body(MetricKeyCreateSerializer, request)
        metric = _key_call(lambda: metric_key_create(
            workspace=workspace, key=data["key"], label=data["label"], min_value=data.get("min"),
            max_value=data.get("max"), created_by=request.user))
        return Response(metric.as_dict(), status=status.HTTP_201_CREATED)


METRIC_KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH,
                              description="The key of one of the workspace's own metrics.")


class MetricKeyView(ApiView):
    @extend_schema(tags=TAG, operation_id="workspaces_metric_keys_update", parameters=[WORKSPACE_ID, METRIC_KEY],
                   summary="Rename one of the workspace's own metrics or change its range (owners)",
                   description="A range that readings already stored fall outside is refused (400, naming how "
                               "many). The key itself never changes: integrations post by it.",
                   request=MetricKeyUpdateSerializer, responses={200: MetricSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str, key: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        data = valid_body(MetricKeyUpdateSerializer, request)
        metric = _key_call(lambda: metric_key_update(workspace=workspace, key=key, changes=data))
        return Response(metric.as_dict())

    @extend_schema(tags=TAG, operation_id="workspaces_metric_keys_destroy", parameters=[WORKSPACE_ID, METRIC_KEY],
                   summary="Remove one of the workspace's own metrics with its readings (owners)",
                   description="Its series are deleted and its latest reading leaves every touchpoint through "
                               "the write path (live in open editors, in each map's op log).",
                   responses={204: None, **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, key: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        _key_call(lambda: metric_key_delete(workspace=workspace, key=key, user=request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
