"""The editor page (the other pages around it are in ``dashboard``)."""

from __future__ import annotations

from django.urls import path

from maps import views

urlpatterns = [
    path("maps/<uuid:map_id>/", views.map_editor, name="map_editor"),
]
