"""Where a browser's socket may come from: the Origin check.

Browsers send the cookie of the app with every socket, whoever's page opens it,
so the Origin decides (as Django's CSRF check does for forms): the socket's own
origin or one of ``CSRF_TRUSTED_ORIGINS``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def allowed_hosts() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return hosts


DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # (scheme, host, port), the port always explicit


def origin_parts(value: str) -> Origin | None:
    """``scheme://host[:port]`` as a comparable triple, or None when it is not a
    web origin (other schemes, paths, credentials, a bad port)."""
    try:
        parsed = urlparse(value)
        port = parsed.port
    except ValueError:
        return None
    scheme = parsed.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parsed.hostname or parsed.username is not None:
        return None
    if parsed.path not in ("", "/") or parsed.query or parsed.params or parsed.fragment:
        return None
    return scheme, parsed.hostname.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


def request_scheme(scope: dict[str, Any]) -> str:
    """http or https, as Django's ``request.is_secure()`` would say for this socket
    (``SECURE_PROXY_SSL_HEADER`` when a TLS-terminating proxy is configured)."""
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        meta_name, secure_value = proxy
        name = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
        forwarded = header(scope, name)
        if forwarded is not None:
            return "https" if forwarded.split(",", 1)[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def served_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin this socket was opened on: its scheme and its Host (which must be
    one of ALLOWED_HOSTS), as Django's CSRF check computes the page's own origin."""
    host = header(scope, b"host")
    if host is None:
        server = scope.get("server")
        if not server or server[0] is None:
            return None
        host = f"{server[0]}:{server[1]}"
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, allowed_hosts()):
        return None
    return origin_parts(f"{request_scheme(scope)}://{host}")


def _trusted(origin: Origin) -> bool:
    """CSRF_TRUSTED_ORIGINS, read as Django reads them (``https://*.example.com``
    covers subdomains), with scheme and port compared too."""
    scheme, host, port = origin
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        wildcard = "://*." in entry
        trusted = origin_parts(entry.replace("://*.", "://", 1) if wildcard else entry)
        if trusted is None or trusted[0] != scheme or trusted[2] != port:
            continue
        if host == trusted[1] or (wildcard and is_same_domain(host, "." + trusted[1])):
            return True
    return False


def origin_allowed(origin: str, scope: dict[str, Any]) -> bool:
    """A browser's Origin must be exactly where the app is served: the socket's
    own scheme, host and port (the page that opened it is same-origin), or an
    origin configured in CSRF_TRUSTED_ORIGINS. Another port or scheme on the same
    host is another origin (another app, perhaps an attacker's)."""
    parts = origin_parts(origin)
    if parts is None:
        return False
    return parts == served_origin(scope) or _trusted(parts)
