from __future__ import annotations

from django.urls import path

from health.apis import HealthAcceptanceView, HealthAcceptView, MapHealthView, WorkspaceWordsView

urlpatterns = [
    path("maps/<str:map_id>/health/", MapHealthView.as_view(), name="api-map-health"),
    path("maps/<str:map_id>/health/accept/", HealthAcceptView.as_view(), name="api-map-health-accept"),
    path("maps/<str:map_id>/health/accept/<int:acceptance_id>/", HealthAcceptanceView.as_view(),
         name="api-map-health-acceptance"),
    path("workspaces/<str:workspace_id>/health-words/", WorkspaceWordsView.as_view(), name="api-workspace-health-words"),
]
