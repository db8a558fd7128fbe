"""HTTP and websocket entry point (daphne)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from maps.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin is checked by the consumer itself: browsers must send an allowed
        # Origin, API clients send none and must bring a one-use ticket instead.
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
