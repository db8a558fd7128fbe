from __future__ import annotations

from django.urls import path

from interchange.apis import (
    MapExportJsonView,
    MapExportMermaidView,
    MapFormatSchemaView,
    MapImportView,
    WorkspaceImportView,
)

urlpatterns = [
    path("schema/map-format.json", MapFormatSchemaView.as_view(), name="api-schema-map-format"),
    path("maps/<str:map_id>/export.json", MapExportJsonView.as_view(), name="api-map-export-json"),
    path("maps/<str:map_id>/export.mmd", MapExportMermaidView.as_view(), name="api-map-export-mermaid"),
    path("maps/<str:map_id>/imports/", MapImportView.as_view(), name="api-map-imports"),
    path("workspaces/<str:workspace_id>/imports/", WorkspaceImportView.as_view(), name="api-workspace-imports"),
]
