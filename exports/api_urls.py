from __future__ import annotations

from django.urls import path

from exports.apis import ExportDetailApi, ExportDownloadApi, MapExportsApi

urlpatterns = [
    path("maps/<uuid:map_id>/exports/", MapExportsApi.as_view(), name="map-exports"),
    path("exports/<uuid:export_id>/", ExportDetailApi.as_view(), name="export-detail"),
    path("exports/<uuid:export_id>/download/", ExportDownloadApi.as_view(), name="export-download"),
]
