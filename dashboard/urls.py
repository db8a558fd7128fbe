from __future__ import annotations

from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("workspaces/new/", views.workspace_new, name="workspace_new"),
    path("maps/new/", views.map_new, name="map_new"),
    path("maps/<uuid:map_id>/thumbnail.svg", views.map_thumbnail, name="map_thumbnail"),
    path("maps/<uuid:map_id>/duplicate/", views.map_duplicate, name="map_duplicate"),
    path("maps/<uuid:map_id>/future-state/", views.map_future_state, name="map_future_state"),
    path("maps/<uuid:map_id>/archive/", views.map_archive_toggle, name="map_archive"),
]
