"""The map socket's Origin check compares scheme, host and port with where the
app is served (the socket's own Host, or CSRF_TRUSTED_ORIGINS), and the CSP lets
pages connect only to their own origin.

People: an editor signed in in a browser (session cookie); a page on another
port or scheme of the same host (another app, perhaps an attacker's) that rides
on that cookie.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from journeymap.asgi import application
from tests.servers import daphne_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def close_code_or_role(journey_map, headers, scheme: str = "ws") -> int | str:
    """The role in ``welcome`` when the socket is let in, else its close code."""
    socket = WebsocketCommunicator(application, f"/ws/maps/{journey_map.id}/", headers=headers)
    socket.scope["scheme"] = scheme
    connected, _ = await socket.connect()
    assert connected  # accepted first, so a refusal reaches the client as a close code
    await socket.send_json_to({"type": "hello", "client_id": "c-origin", "last_seq": None})
    while True:
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]
        frame = json.loads(output["text"])
        if frame["type"] == "welcome":
            await socket.disconnect()
            return frame["role"]


@pytest.mark.parametrize(("host", "origin", "expected"), [
    ("127.0.0.1:8000", "http://127.0.0.1:8000", "editor"),  # the page's own origin
    ("127.0.0.1:8000", "http://127.0.0.1:9999", 4403),  # another port: another app on the same host
    ("127.0.0.1:8000", "https://127.0.0.1:8000", 4403),  # another scheme
    ("127.0.0.1:8000", "http://127.0.0.1", 4403),  # port 80 is not port 8000
    ("127.0.0.1:8000", "http://localhost:8000", 4403),  # an allowed host, but not this socket's
    ("localhost", "http://localhost:80", "editor"),  # the default port, written out
    ("LOCALHOST", "http://localhost", "editor"),  # host names compare without case
    ("127.0.0.1:8000", "http://127.0.0.1:8000/page", 4403),  # not an origin
    ("127.0.0.1:8000", "null", 4403),
    ("evil.example", "http://evil.example", 4403),  # a Host outside ALLOWED_HOSTS
])
async def test_the_origin_must_be_the_sockets_own_scheme_host_and_port(grid, editor, host, origin, expected):
    cookie = await sync_to_async(session_cookie)(editor)
    headers = [(b"host", host.encode()), (b"cookie", f"sessionid={cookie}".encode()), (b"origin", origin.encode())]
    assert await close_code_or_role(grid.map, headers) == expected


async def test_over_tls_only_the_https_origin_is_the_pages_own(grid, editor):
    cookie = f"sessionid={await sync_to_async(session_cookie)(editor)}".encode()
    base = [(b"host", b"localhost"), (b"cookie", cookie)]
    assert await close_code_or_role(grid.map, [*base, (b"origin", b"https://localhost")], scheme="wss") == "editor"
    assert await close_code_or_role(grid.map, [*base, (b"origin", b"http://localhost")], scheme="wss") == 4403


async def test_behind_a_tls_proxy_the_forwarded_scheme_counts(grid, editor, settings):
    settings.ALLOWED_HOSTS = ["maps.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    cookie = f"sessionid={await sync_to_async(session_cookie)(editor)}".encode()
    base = [(b"host", b"maps.example.com"), (b"cookie", cookie), (b"x-forwarded-proto", b"https")]
    assert await close_code_or_role(grid.map, [*base, (b"origin", b"https://maps.example.com")]) == "editor"
    assert await close_code_or_role(grid.map, [*base, (b"origin", b"http://maps.example.com")]) == 4403
    assert await close_code_or_role(grid.map, [*base, (b"origin", b"https://maps.example.com:8443")]) == 4403


async def test_configured_trusted_origins_match_by_scheme_host_and_port(grid, editor, settings):
    # The app is reached under another name than the socket's Host (a proxy that rewrites it).
    settings.CSRF_TRUSTED_ORIGINS = ["https://maps.example.com", "https://*.cx.example.org:8443"]
    cookie = f"sessionid={await sync_to_async(session_cookie)(editor)}".encode()
    base = [(b"host", b"127.0.0.1:8000"), (b"cookie", cookie)]
    for origin, expected in [
        ("https://maps.example.com", "editor"),
        ("https://maps.example.com:443", "editor"),
        ("http://maps.example.com", 4403),
        ("https://maps.example.com:8443", 4403),
        ("https://team.cx.example.org:8443", "editor"),
        ("https://team.cx.example.org", 4403),
        ("https://evilcx.example.org:8443", 4403),
    ]:
        assert await close_code_or_role(grid.map, [*base, (b"origin", origin.encode())]) == expected, origin


async def test_a_real_daphne_refuses_the_session_cookie_from_another_port(daphne_server, grid, editor):  # noqa: F811
    server = await sync_to_async(daphne_server)()
    cookie = await sync_to_async(session_cookie)(editor)

    async def attempt(origin: str) -> int | str:
        async with websockets.connect(f"{server.ws_url}/ws/maps/{grid.map.id}/", origin=origin,
                                      additional_headers={"Cookie": f"sessionid={cookie}"}) as ws:
            try:
                await ws.send(json.dumps({"type": "hello", "client_id": "c-real", "last_seq": None}))
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if frame["type"] == "welcome":
                        return frame["role"]
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else -1
            except ConnectionResetError:  # refused while the hello was being written
                await ws.wait_closed()
                return ws.close_code or -1

    assert await attempt(server.http_url) == "editor"
    assert await attempt("http://127.0.0.1:9999") == 4403
    assert await attempt(f"https://127.0.0.1:{server.port}") == 4403


def test_pages_may_connect_only_to_their_own_origin(owner, grid):
    client = Client()
    client.force_login(owner)
    for path in ("/", f"/maps/{grid.map.id}/", "/accounts/login/"):
        csp = client.get(path)["Content-Security-Policy"]
        connect = next(part for part in csp.split("; ") if part.startswith("connect-src"))
        assert connect == "connect-src 'self'", path
