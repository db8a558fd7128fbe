"""Workspace routes under /api/v1/: the API token, workspaces, their teams and
members."""

from __future__ import annotations

from django.urls import path

from workspaces.apis import (
    MemberDetailView,
    MemberListView,
    TeamDetailView,
    TeamListView,
    TokenView,
    WorkspaceDetailView,
    WorkspaceListView,
)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("workspaces/", WorkspaceListView.as_view(), name="api-workspaces"),
    path("workspaces/<str:workspace_id>/", WorkspaceDetailView.as_view(), name="api-workspace"),
    path("workspaces/<str:workspace_id>/teams/", TeamListView.as_view(), name="api-teams"),
    path("workspaces/<str:workspace_id>/teams/<str:team_id>/", TeamDetailView.as_view(), name="api-team"),
    path("workspaces/<str:workspace_id>/members/", MemberListView.as_view(), name="api-members"),
    path("workspaces/<str:workspace_id>/members/<str:member_id>/", MemberDetailView.as_view(), name="api-member"),
]
