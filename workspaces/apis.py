"""Workspaces, their teams and members; the API token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

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
from maps.models import Membership, Team, Workspace
from maps.selectors import human_members
from workspaces.serializers import (
    MemberCreateSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    TeamSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    WorkspaceSerializer,
)
from workspaces.services import (
    member_add,
    member_remove,
    member_update,
    team_add,
    team_delete,
    team_update,
    workspace_create,
)

TEAM_ID = path_id("team_id", "The team.")
MEMBER_ID = path_id("member_id", "The membership.")


class TokenView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], operation_id="auth_token_create", auth=[],
                   summary="Exchange a username and password for an API token",
                   request=TokenRequestSerializer, responses={200: TokenSerializer, **errors(400, 413, 429)})
    def post(self, request: Request) -> Response:
        data = valid_body(TokenRequestSerializer, request)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": ["Unable to log in with these credentials."]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class WorkspaceListView(ApiView):
    @extend_schema(tags=["workspaces"], operation_id="workspaces_list",
                   responses={200: WorkspaceSerializer(many=True), **errors(401)})
    def get(self, request: Request) -> Response:
        roles = dict(Membership.objects.filter(user=request.user).values_list("workspace_id", "role"))
        rows = Workspace.objects.filter(id__in=roles).order_by("name", "id")
        return Response(WorkspaceSerializer(rows, many=True, context={"roles": roles}).data)

    @extend_schema(tags=["workspaces"], operation_id="workspaces_create", summary="Create a workspace; "
                   "the caller becomes its owner",
                   request=WorkspaceSerializer, responses={201: WorkspaceSerializer, **errors(400, 401, 413)})
    def post(self, request: Request) -> Response:
        workspace = workspace_create(name=valid_body(WorkspaceSerializer, request)["name"], owner=request.user)
        return Response(WorkspaceSerializer(workspace, context={"roles": {workspace.id: "owner"}}).data,
                        status=status.HTTP_201_CREATED)


class WorkspaceDetailView(ApiView):
    @extend_schema(tags=["workspaces"], operation_id="workspaces_retrieve", parameters=[WORKSPACE_ID],
                   responses={200: WorkspaceSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, role = workspace_for(request, workspace_id)
        return Response(WorkspaceSerializer(workspace, context={"roles": {workspace.id: role}}).data)

    @extend_schema(tags=["workspaces"], operation_id="workspaces_partial_update", parameters=[WORKSPACE_ID],
                   summary="Rename a workspace (owners)",
                   request=WorkspaceSerializer, responses={200: WorkspaceSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str) -> Response:
        workspace, role = workspace_for(request, workspace_id, owner=True)
        serializer = WorkspaceSerializer(workspace, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(WorkspaceSerializer(workspace, context={"roles": {workspace.id: role}}).data)


# --- teams ----------------------------------------------------------------------------


def _team(workspace: Workspace, team_id: Any) -> Team:
    return row_or_404(Team.objects.filter(workspace=workspace), team_id, "team")


class TeamListView(ApiView):
    @extend_schema(tags=["teams"], operation_id="workspaces_teams_list", parameters=[WORKSPACE_ID],
                   responses={200: TeamSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        return Response(TeamSerializer(Team.objects.filter(workspace=workspace).order_by("name", "id"),
                                       many=True).data)

    @extend_schema(tags=["teams"], operation_id="workspaces_teams_create", parameters=[WORKSPACE_ID],
                   request=TeamSerializer, responses={201: TeamSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        data = valid_body(TeamSerializer, request)
        team = team_add(workspace=workspace, name=data["name"], color=data.get("color"))
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class TeamDetailView(ApiView):
    @extend_schema(tags=["teams"], operation_id="workspaces_teams_retrieve", parameters=[WORKSPACE_ID, TEAM_ID],
                   responses={200: TeamSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str, team_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        return Response(TeamSerializer(_team(workspace, team_id)).data)

    @extend_schema(tags=["teams"], operation_id="workspaces_teams_partial_update",
                   parameters=[WORKSPACE_ID, TEAM_ID], summary="Rename or recolour a team (open maps follow)",
                   request=TeamSerializer, responses={200: TeamSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str, team_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        team = _team(workspace, team_id)
        team = team_update(team=team, data=dict(valid_body(TeamSerializer, request, instance=team, partial=True)))
        return Response(TeamSerializer(team).data)

    @extend_schema(tags=["teams"], operation_id="workspaces_teams_destroy", parameters=[WORKSPACE_ID, TEAM_ID],
                   summary="Delete a team; its cards and touchpoints lose it through the write path",
                   responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, team_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, write=True)
        team_delete(team=_team(workspace, team_id), actor_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- members --------------------------------------------------------------------------


def _member(workspace: Workspace, member_id: Any) -> Membership:
    # People only: a service token's membership is managed with its token (``tokens/``).
    return row_or_404(human_members(workspace_id=workspace.id).select_related("user"), member_id, "member")


class MemberListView(ApiView):
    @extend_schema(tags=["members"], operation_id="workspaces_members_list", parameters=[WORKSPACE_ID],
                   responses={200: MemberSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        rows = human_members(workspace_id=workspace.id).select_related("user").order_by("created_at", "id")
        return Response(MemberSerializer(rows, many=True).data)

    @extend_schema(tags=["members"], operation_id="workspaces_members_create", parameters=[WORKSPACE_ID],
                   summary="Add a person by username (owners)",
                   request=MemberCreateSerializer, responses={201: MemberSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        data = valid_body(MemberCreateSerializer, request)
        membership = member_add(workspace=workspace, user=data["username"], role=data["role"],
                                team_id=data.get("team"))
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(ApiView):
    @extend_schema(tags=["members"], operation_id="workspaces_members_retrieve",
                   parameters=[WORKSPACE_ID, MEMBER_ID], responses={200: MemberSerializer, **errors(*READ_ERRORS)})
    def get(self, request: Request, workspace_id: str, member_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id)
        return Response(MemberSerializer(_member(workspace, member_id)).data)

    @extend_schema(tags=["members"], operation_id="workspaces_members_partial_update",
                   parameters=[WORKSPACE_ID, MEMBER_ID], summary="Change a member's role or team (owners)",
                   request=MemberUpdateSerializer, responses={200: MemberSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str, member_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        membership = _member(workspace, member_id)
        membership = member_update(membership=membership, data=dict(valid_body(MemberUpdateSerializer, request)))
        return Response(MemberSerializer(membership).data)

    @extend_schema(tags=["members"], operation_id="workspaces_members_destroy",
                   parameters=[WORKSPACE_ID, MEMBER_ID], summary="Remove a member (owners)",
                   responses={204: OpenApiResponse(description="Removed."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, member_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        member_remove(membership=_member(workspace, member_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
