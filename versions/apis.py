"""Versions and compare over REST: viewers list, open and compare; editors save,
rename, restore and undo a restore. Share-link visitors have no access."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
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
    path_id,
    row_or_404,
    valid_body,
)
from maps.serializers import DocumentSerializer
from versions.models import Reason
from versions.restoring import RestoreResult, restore_undo, version_restore
from versions.selectors import version_document, versions_of_map
from versions.serializers import (
    CompareSerializer,
    RestoreAckSerializer,
    VersionCreateSerializer,
    VersionSerializer,
    VersionUpdateSerializer,
)
from versions.services import version_create, version_rename
from versions.sides import compare_sides

TAG = ["versions"]
VERSION_ID = path_id("version_id", "The version.")
MAX_LIST = 500


def _version(journey_map: Any, version_id: str) -> Any:
    return row_or_404(versions_of_map(map_id=journey_map.id), version_id, "version")


class VersionListView(ApiView):
    @extend_schema(tags=TAG, operation_id="versions_list", parameters=[MAP_ID],
                   summary="The map's versions, newest first (named and automatic)",
                   responses={200: VersionSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id)
        return Response(VersionSerializer(versions_of_map(map_id=journey_map.id)[:MAX_LIST], many=True).data)

    @extend_schema(tags=TAG, operation_id="versions_create", parameters=[MAP_ID], request=VersionCreateSerializer,
                   summary="Save the map as it is now as a named version (editors)",
                   responses={201: VersionSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        data = valid_body(VersionCreateSerializer, request)
        version = version_create(journey_map=journey_map, user=request.user, reason=Reason.NAMED,
                                 name=data["name"], note=data["note"])
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="versions_get", parameters=[MAP_ID, VERSION_ID],
                   responses={200: VersionSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str, version_id: str) -> Response:
        journey_map, _role = map_for(request, map_id)
        return Response(VersionSerializer(_version(journey_map, version_id)).data)

    @extend_schema(tags=TAG, operation_id="versions_update", parameters=[MAP_ID, VERSION_ID],
                   request=VersionUpdateSerializer, summary="Name or rename a version, change its note (editors); "
                                                            "a named automatic version is never thinned",
                   responses={200: VersionSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, map_id: str, version_id: str) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        version = _version(journey_map, version_id)
        data = valid_body(VersionUpdateSerializer, request)
        version = version_rename(version=version, name=data.get("name"), note=data.get("note"))
        return Response(VersionSerializer(version).data)


class VersionDocumentView(ApiView):
    @extend_schema(tags=TAG, operation_id="versions_document", parameters=[MAP_ID, VERSION_ID],
                   summary="The map's document as it was at this version (the shape of `/document/`)",
                   responses={200: DocumentSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str, version_id: str) -> HttpResponse:
        journey_map, _role = map_for(request, map_id)
        doc = version_document(version=_version(journey_map, version_id), journey_map=journey_map)
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        return HttpResponse(body, content_type="application/json")


def _restore_answer(result: RestoreResult) -> Response:
    return Response({**result.ack.as_frame(), "before": VersionSerializer(result.before).data,
                     "changed_since": result.changed_since})


class VersionRestoreView(ApiView):
    @extend_schema(tags=TAG, operation_id="versions_restore", parameters=[MAP_ID, VERSION_ID], request=None,
                   summary="Make the map equal to this version in one batch (editors)",
                   description="Saves the current state as an automatic version first, then applies one batch "
                               "through the write path: open editors receive it live, it is in the op log, and "
                               "`POST .../versions/undo-restore/` brings back what it replaced.",
                   responses={200: RestoreAckSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str, version_id: str) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        version = _version(journey_map, version_id)
        return _restore_answer(version_restore(journey_map=journey_map, version=version, user=request.user))


class UndoRestoreView(ApiView):
    @extend_schema(tags=TAG, operation_id="versions_undo_restore", parameters=[MAP_ID], request=None,
                   summary="Undo the map's latest restore (editors)",
                   description="Restores the automatic version saved just before the latest restore. "
                               "`changed_since` is true when the map was edited after that restore: those "
                               "edits are replaced too (and kept in the version saved before this undo).",
                   responses={200: RestoreAckSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        result = restore_undo(journey_map=journey_map, user=request.user)
        if result is None:
            raise exceptions.NotFound(_("This map has not been restored: there is nothing to undo."))
        return _restore_answer(result)


SIDE_HELP = "A version id, `current` (the map now) or `map:<id>` (the map this one was made from, or one made from it)."


class CompareView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_compare", parameters=[
        MAP_ID,
        OpenApiParameter("from", OpenApiTypes.STR, required=True, description=SIDE_HELP),
        OpenApiParameter("to", OpenApiTypes.STR, required=True, description=SIDE_HELP),
    ], summary="What changed from one side to the other", responses={200: CompareSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, map_id: str) -> HttpResponse:
        journey_map, _role = map_for(request, map_id)
        result = compare_sides(journey_map=journey_map, user=request.user,
                               from_side=request.query_params.get("from") or "",
                               to_side=request.query_params.get("to") or "")
        body = json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        return HttpResponse(body, content_type="application/json")
