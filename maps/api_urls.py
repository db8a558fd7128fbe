"""Map routes under /api/v1/: maps, their document, op log and nested content.

Ids in paths are plain strings checked by the views, so a malformed id answers
with the API's JSON 404 rather than the HTML page of an unmatched URL.
"""

from __future__ import annotations

from django.urls import path

from maps.apis.deleted import MapDeletedView
from maps.apis.entities import NESTED, entity_views
from maps.apis.maps import (
    MapDetailView,
    MapDocumentView,
    MapDuplicateView,
    MapListView,
    MapOperationsView,
)
from maps.apis.tickets import WsTicketApi

urlpatterns = [
    path("maps/", MapListView.as_view(), name="api-maps"),
    path("maps/<str:map_id>/", MapDetailView.as_view(), name="api-map"),
    path("maps/<str:map_id>/document/", MapDocumentView.as_view(), name="api-map-document"),
    path("maps/<str:map_id>/operations/", MapOperationsView.as_view(), name="api-map-operations"),
    path("maps/<str:map_id>/duplicate/", MapDuplicateView.as_view(), name="api-map-duplicate"),
    path("maps/<str:map_id>/deleted/", MapDeletedView.as_view(), name="api-map-deleted"),
]

for _segment in NESTED:
    _list, _detail = entity_views(_segment)
    urlpatterns += [
        path(f"maps/<str:map_id>/{_segment}/", _list.as_view(), name=f"api-map-{_segment}"),
        path(f"maps/<str:map_id>/{_segment}/<str:item_id>/", _detail.as_view(), name=f"api-map-{_segment}-item"),
    ]

# The REST side of the socket: a one-use ticket for API clients (see maps.live.tickets).
urlpatterns.append(path("maps/<str:map_id>/ws-ticket/", WsTicketApi.as_view(), name="map-ws-ticket"))
