"""Managing a map's share links, under /accounts/ beside the other pages of people
and access."""

from __future__ import annotations

from django.urls import path

from sharing import views

urlpatterns = [
    path("maps/<uuid:map_id>/share-links/", views.share_links, name="map_share_links"),
]
