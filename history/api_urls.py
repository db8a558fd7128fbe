from __future__ import annotations

from django.urls import path

from history.apis import MapActivityView

urlpatterns = [
    path("maps/<str:map_id>/activity/", MapActivityView.as_view(), name="api-map-activity"),
]
