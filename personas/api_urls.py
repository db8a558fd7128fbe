"""Persona routes under /api/v1/: a workspace's library, a persona's picture,
and the personas a map follows."""

from __future__ import annotations

from django.urls import path

from personas.apis import (
    MapPersonaDetailView,
    MapPersonaListView,
    PersonaAvatarView,
    PersonaDetailView,
    PersonaListView,
)

urlpatterns = [
    path("workspaces/<str:workspace_id>/personas/", PersonaListView.as_view(), name="api-personas"),
    path("workspaces/<str:workspace_id>/personas/<str:persona_id>/", PersonaDetailView.as_view(),
         name="api-persona"),
    path("workspaces/<str:workspace_id>/personas/<str:persona_id>/avatar/", PersonaAvatarView.as_view(),
         name="api-persona-avatar"),
    path("maps/<str:map_id>/personas/", MapPersonaListView.as_view(), name="api-map-personas"),
    path("maps/<str:map_id>/personas/<str:persona_id>/", MapPersonaDetailView.as_view(), name="api-map-persona"),
]
