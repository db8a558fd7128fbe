"""``/api/v1/workspaces/<id>/tokens/``: owners create (the token shown once), list
and revoke service tokens."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from integrations.models import ServiceToken
from integrations.tokens import ROLES, token_create, token_revoke
from journeymap.api_common import (
    READ_ERRORS,
    WORKSPACE_ID,
    WRITE_ERRORS,
    ApiView,
    errors,
    path_id,
    row_or_404,
    valid_body,
    workspace_for,
)
from journeymap.serializers import StrictSerializer

TOKEN_ID = path_id("token_id", "The service token.")


class TokenCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, help_text="Shown in the activity as the writer.")
    role = serializers.ChoiceField(choices=ROLES)


class ServiceTokenSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    role = serializers.CharField()
    prefix = serializers.CharField(help_text="The token's first characters, to recognise it.")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class ServiceTokenCreatedSerializer(ServiceTokenSerializer):
    token = serializers.CharField(help_text="Shown this once; send it as `Authorization: Bearer <token>`.")


class ServiceTokenListView(ApiView):
    @extend_schema(tags=["tokens"], operation_id="workspaces_tokens_list", parameters=[WORKSPACE_ID],
                   summary="The workspace's service tokens (owners)",
                   responses={200: ServiceTokenSerializer(many=True), **errors(*READ_ERRORS, 403)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        rows = ServiceToken.objects.filter(workspace=workspace).order_by("created_at", "id")
        return Response(ServiceTokenSerializer(rows, many=True).data)

    @extend_schema(tags=["tokens"], operation_id="workspaces_tokens_create", parameters=[WORKSPACE_ID],
                   summary="Create a service token (owners); the answer holds it, shown this once",
                   request=TokenCreateSerializer,
                   responses={201: ServiceTokenCreatedSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        data = valid_body(TokenCreateSerializer, request)
        row, token = token_create(workspace=workspace, name=data["name"], role=data["role"],
                                  created_by=request.user)
        return Response({**ServiceTokenSerializer(row).data, "token": token}, status=status.HTTP_201_CREATED)


class ServiceTokenDetailView(ApiView):
    @extend_schema(tags=["tokens"], operation_id="workspaces_tokens_destroy", parameters=[WORKSPACE_ID, TOKEN_ID],
                   summary="Revoke a service token (owners): refused from the next request on",
                   responses={204: OpenApiResponse(description="Revoked."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, token_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        token_revoke(token=row_or_404(ServiceToken.objects.filter(workspace=workspace), token_id, "token"))
        return Response(status=status.HTTP_204_NO_CONTENT)
