"""Security headers and rate limits on the endpoints that take secrets.

The pages load every script from our own origin as an ES module and pass data to
them in ``<script type="application/json">`` blocks, which the browser never runs,
so the CSP needs no ``'unsafe-inline'`` for scripts. Templates set a few CSS
custom properties in ``style`` attributes (team colours), hence
``style-src-attr 'unsafe-inline'`` while style sheets stay same-origin.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from journeymap import ratelimit

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    # 'self' covers the app's own ws:/wss: origin (CSP3, checked in Chromium by the
    # browser tests); a bare ws: would let a page script talk to any host.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# The Swagger UI page (served from our own static files, started by a script
# file, no CDN) sets inline styles on its elements; it shows no user content, so
# it alone may use them.
DOCS_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
])
DOCS_PATH = "/api/v1/docs/"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = DOCS_CSP if request.path.startswith(DOCS_PATH) else CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.path.startswith("/s/"):
            # The share token is in the URL: never hand it on, never cache the page.
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
        return response


# (path, failure test): attempts are counted per client address when they fail.
def _login_failed(response: HttpResponse) -> bool:
    # The login form answers a failed attempt by showing itself again (200).
    return response.status_code == 200


def _token_failed(response: HttpResponse) -> bool:
    return response.status_code >= 400


LIMITED_POSTS: dict[str, Callable[[HttpResponse], bool]] = {
    "/accounts/login/": _login_failed,
    "/api/v1/auth/token/": _token_failed,
}


class LoginRateLimitMiddleware:
    """Failed sign-ins and token requests, per client address, before any password check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        failed = LIMITED_POSTS.get(request.path) if request.method == "POST" else None
        if failed is None:
            return self.get_response(request)
        limit = int(getattr(settings, "LOGIN_RATE_LIMIT", 10))
        window = int(getattr(settings, "LOGIN_RATE_WINDOW_SECONDS", 300))
        key = "login:" + ratelimit.client_address(request.META)
        wait = ratelimit.blocked(key, limit, window)
        if wait is not None:
            response = JsonResponse(
                {"code": "rate_limited", "message": "Too many attempts; try again later.", "fields": {}},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        response = self.get_response(request)
        if failed(response):
            ratelimit.add(key, window)
        return response


# --- no tokens in logs -------------------------------------------------------------------

_SECRET_PATHS = re.compile(r"(/s/|/accounts/invite/|/accounts/reset/[^/]+/|[?&]ticket=)[A-Za-z0-9_\-]{8,}")


def redact(text: str) -> str:
    """Share, invitation and reset tokens and socket tickets, replaced by ``***``."""
    return _SECRET_PATHS.sub(lambda m: m.group(1) + "***", text)


class RedactTokensFilter(logging.Filter):
    """Django logs the path of every 4xx/5xx answer (``django.request``): a share or
    invitation path would put a live token in the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


for _name in ("django.request", "django.server", "daphne", "daphne.server", "django.channels.server"):
    logging.getLogger(_name).addFilter(RedactTokensFilter())
