from __future__ import annotations

from django.urls import path

from maps.live.consumers import MapConsumer

websocket_urlpatterns: list = [
    path("ws/maps/<uuid:map_id>/", MapConsumer.as_asgi()),
]
