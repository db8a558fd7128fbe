from __future__ import annotations

from django.urls import path

from touchpoints import views

urlpatterns = [
    path("workspaces/<uuid:workspace_id>/channels/", views.catalogue, name="channel_catalogue"),
]
