"""/api/v1/ routes of reviews."""

from __future__ import annotations

from django.urls import path

from reviews.apis import MapReviewView

urlpatterns = [
    path("maps/<str:map_id>/review/", MapReviewView.as_view(), name="api-map-review"),
]
