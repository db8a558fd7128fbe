from __future__ import annotations

from django.urls import path

from sharing.apis import ShareLinkDetailView, ShareLinkListView

urlpatterns = [
    path("maps/<str:map_id>/share-links/", ShareLinkListView.as_view(), name="api-map-share-links"),
    path("maps/<str:map_id>/share-links/<str:link_id>/", ShareLinkDetailView.as_view(),
         name="api-map-share-link"),
]
