"""Security headers, CSRF on session writes, and rate limits that see through
exactly the trusted proxies."""

from __future__ import annotations

import pytest
from django.test import Client

from journeymap import ratelimit

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_csp_and_a_referrer_policy(client: Client, owner, grid):
    client.force_login(owner)
    for path in ("/accounts/login/", "/", f"/maps/{grid.map.id}/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        script = next(part for part in csp.split("; ") if part.startswith("script-src"))
        assert script == "script-src 'self'", path
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
        assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client: Client, owner, grid):
    import re

    client.force_login(owner)
    for path in ("/accounts/login/", "/", f"/maps/{grid.map.id}/", f"/accounts/workspaces/{grid.map.workspace_id}/members/"):
        html = client.get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_session_writes_need_the_csrf_token(owner, grid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(f"/api/v1/maps/{grid.map.id}/share-links/", {"label": "x"},
                           content_type="application/json")
    assert response.status_code == 403
    response = client.post(f"/accounts/workspaces/{grid.map.workspace_id}/members/", {"action": "team_create"})
    assert response.status_code == 403


def test_cookies_are_secure_when_debug_is_off():
    import subprocess
    import sys

    code = ("import django,os;os.environ['DJANGO_SETTINGS_MODULE']='journeymap.settings';django.setup();"
            "from django.conf import settings as s;print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert out.stdout.split() == ["True", "True"], out.stderr


@pytest.mark.parametrize("hops,forwarded,remote,expected", [
    (0, "6.6.6.6", "10.0.0.1", "10.0.0.1"),  # no proxy: the header is the client's lie
    (1, "6.6.6.6, 203.0.113.7", "10.0.0.1", "203.0.113.7"),  # one proxy appended the real address
    (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "10.0.0.1", "203.0.113.7"),
    (1, "", "10.0.0.1", "10.0.0.1"),  # did not come through the proxy
    (1, "not-an-ip", "10.0.0.1", "10.0.0.1"),
])
def test_the_client_address_trusts_only_the_configured_proxies(settings, hops, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert ratelimit.client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}) == expected


def test_failed_logins_are_limited_per_address_behind_a_proxy(settings, owner):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_RATE_LIMIT = 3
    client = Client()
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.9"}
    for n in range(3):
        # Changing the spoofable left part of the header does not help.
        headers = {**attacker, "HTTP_X_FORWARDED_FOR": f"9.9.9.{n}, 198.51.100.9"}
        assert client.post("/accounts/login/", {"username": owner.username, "password": "wrong"}, **headers
                           ).status_code == 200
    blocked = client.post("/accounts/login/", {"username": owner.username, "password": "correct horse battery"},
                          **attacker)
    assert blocked.status_code == 429 and blocked["Retry-After"]
    # Someone else behind the same proxy still signs in.
    other = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.10"}
    assert client.post("/accounts/login/", {"username": owner.username, "password": "correct horse battery"},
                       **other).status_code == 302


def test_the_token_endpoint_is_limited_too(settings, owner):
    settings.LOGIN_RATE_LIMIT = 2
    client = Client()
    for _ in range(2):
        assert client.post("/api/v1/auth/token/", {"username": owner.username, "password": "nope"},
                           content_type="application/json").status_code == 400
    response = client.post("/api/v1/auth/token/", {"username": owner.username, "password": "correct horse battery"},
                           content_type="application/json")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"


def test_share_tokens_never_reach_the_logs(client: Client, caplog, owner, grid):
    import logging

    from sharing import links as sharing

    created = sharing.share_link_create(map=grid.map, created_by=owner)
    with caplog.at_level(logging.DEBUG):
        client.get(created.path)
        client.post(f"{created.path}ws-ticket/")
        client.get(f"/s/{sharing.new_token()}/")
    assert created.token not in caplog.text
