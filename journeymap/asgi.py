"""HTTP and websocket entry point (daphne)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.core.signals import request_finished  # noqa: E402
from django.db import connections  # noqa: E402

from journeymap.periodic import start_in_process  # noqa: E402
from maps.live.reads import AuthMiddlewareOnReadThreads  # noqa: E402
from maps.live.routing import websocket_urlpatterns as map_sockets  # noqa: E402
from notifications.routing import websocket_urlpatterns as notification_sockets  # noqa: E402


def close_request_connections(**kwargs: object) -> None:
    """Under ASGI the synchronous part of each HTTP request runs on a thread of
    its own, which ends with the request: a connection kept for ``CONN_MAX_AGE``
    would never be used again, yet stay open in PostgreSQL until it is collected
    (a burst of requests held dozens). Closed at the end of the request instead.
    The socket's database threads live as long as the process and keep theirs."""
    for connection in connections.all(initialized_only=True):
        connection.close()


# Only this handler's requests: the test client's run in a test's own transaction.
request_finished.connect(close_request_connections, sender=type(django_asgi_app))

# Without Redis there is no Celery beat: this process runs the periodic jobs.
start_in_process()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin is checked by the consumer itself: browsers must send an allowed
        # Origin, API clients send none and must bring a one-use ticket instead.
        "websocket": CookieMiddleware(SessionMiddleware(AuthMiddlewareOnReadThreads(
            URLRouter(map_sockets + notification_sockets)))),
    }
)
