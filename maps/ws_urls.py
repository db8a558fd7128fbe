from __future__ import annotations

from django.urls import path

from maps.ws_apis import WsTicketApi

urlpatterns: list = [
    path("maps/<str:map_id>/ws-ticket/", WsTicketApi.as_view(), name="map-ws-ticket"),
]
