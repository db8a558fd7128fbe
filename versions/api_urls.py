"""/api/v1/ routes of versions and compare."""

from __future__ import annotations

from django.urls import path

from versions.apis import (
    CompareView,
    UndoRestoreView,
    VersionDetailView,
    VersionDocumentView,
    VersionListView,
    VersionRestoreView,
)

urlpatterns = [
    path("maps/<str:map_id>/versions/", VersionListView.as_view(), name="api-map-versions"),
    # Before <version_id>/, which would take "undo-restore" for an id.
    path("maps/<str:map_id>/versions/undo-restore/", UndoRestoreView.as_view(), name="api-map-versions-undo"),
    path("maps/<str:map_id>/versions/<str:version_id>/", VersionDetailView.as_view(), name="api-map-version"),
    path("maps/<str:map_id>/versions/<str:version_id>/document/", VersionDocumentView.as_view(),
         name="api-map-version-document"),
    path("maps/<str:map_id>/versions/<str:version_id>/restore/", VersionRestoreView.as_view(),
         name="api-map-version-restore"),
    path("maps/<str:map_id>/compare/", CompareView.as_view(), name="api-map-compare"),
]
