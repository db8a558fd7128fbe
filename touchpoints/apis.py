"""Channels: the built-in catalogue plus a workspace's own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import (
    READ_ERRORS,
    WORKSPACE_ID,
    WRITE_ERRORS,
    ApiView,
    errors,
    parse_id,
    path_id,
    workspace_for,
)
from touchpoints.models import Channel
from touchpoints.serializers import ChannelSerializer, ChannelUpdateSerializer
from touchpoints.services import channel_add, channel_archive, channel_update

TAG = ["channels"]
CHANNEL_ID = path_id("channel_id", "The channel.")


def _visible(workspace_id: Any):  # type: ignore[no-untyped-def]
    return Channel.objects.filter(Q(workspace__isnull=True) | Q(workspace_id=workspace_id))


def _channel(workspace_id: Any, channel_id: str, *, write: bool = False) -> Channel:
    channel = _visible(workspace_id).filter(id=parse_id(channel_id, "channel")).first()
    if channel is None:
        raise exceptions.NotFound("No such channel.")
    if write and channel.workspace_id is None:
        raise exceptions.PermissionDenied("Built-in channels cannot be changed; add a channel of your own.")
    return channel


class ChannelListView(ApiView):
    @extend_schema(tags=TAG, operation_id="workspaces_channels_list", parameters=[WORKSPACE_ID],
                   summary="Built-in channels and the workspace's own",
                   responses={200: ChannelSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        rows = _visible(workspace.id).filter(archived=False).order_by("position", "name", "id")
        return Response(ChannelSerializer(rows, many=True).data)

    @extend_schema(tags=TAG, operation_id="workspaces_channels_create", parameters=[WORKSPACE_ID],
                   request=ChannelSerializer, responses={201: ChannelSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        serializer = ChannelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = channel_add(workspace=workspace, data=dict(serializer.validated_data))
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)


class ChannelDetailView(ApiView):
    @extend_schema(tags=TAG, operation_id="workspaces_channels_retrieve", parameters=[WORKSPACE_ID, CHANNEL_ID],
                   responses={200: ChannelSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str, channel_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        return Response(ChannelSerializer(_channel(workspace.id, channel_id)).data)

    @extend_schema(tags=TAG, operation_id="workspaces_channels_partial_update",
                   parameters=[WORKSPACE_ID, CHANNEL_ID], summary="Change one of the workspace's channels",
                   request=ChannelUpdateSerializer, responses={200: ChannelSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str, channel_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        channel = _channel(workspace.id, channel_id, write=True)
        serializer = ChannelUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        channel = channel_update(channel=channel, data=dict(serializer.validated_data))
        return Response(ChannelSerializer(channel).data)

    @extend_schema(tags=TAG, operation_id="workspaces_channels_destroy", parameters=[WORKSPACE_ID, CHANNEL_ID],
                   summary="Archive one of the workspace's channels",
                   responses={204: OpenApiResponse(description="Archived."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, channel_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        channel_archive(channel=_channel(workspace.id, channel_id, write=True))
        return Response(status=status.HTTP_204_NO_CONTENT)
