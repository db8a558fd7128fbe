"""Template routes under /api/v1/: the templates one may start from, and saving a
map as a template of its workspace."""

from __future__ import annotations

from django.urls import path

from templates_lib.apis import SaveAsTemplateView, TemplateListView

urlpatterns = [
    path("templates/", TemplateListView.as_view(), name="api-templates"),
    path("maps/<str:map_id>/save-as-template/", SaveAsTemplateView.as_view(), name="api-map-save-as-template"),
]
