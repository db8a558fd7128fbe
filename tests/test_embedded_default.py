"""The embedded default: no PostgreSQL, no Redis — SQLite in WAL mode.

Run in fresh processes with DATABASE_URL pointing at a throw-away SQLite file
(the default file would be the developer's own) and REDIS_URL unset.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "JOURNEYMAP_REQUIRE_SERVICES")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    env["DJANGO_SETTINGS_MODULE"] = "journeymap.settings"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True,
                   timeout=120)
    return env


def test_two_writer_threads_and_a_reader_never_hit_database_is_locked(embedded_env):
    script = textwrap.dedent(
        """
        import threading, uuid, django
        django.setup()
        from django.db import connection
        from maps.operations import actor_for, apply
        from maps.selectors import map_document
        from maps.services import map_create
        from workspaces.services import workspace_create
        from django.contrib.auth import get_user_model
        from django.conf import settings
        assert settings.DB_VENDOR == "sqlite" and not settings.REDIS_URL
        assert settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")
        user = get_user_model().objects.create(username="solo")
        ws = workspace_create(name="Embedded", owner=user)
        m = map_create(workspace=ws, title="Embedded", structure={"stages": [{"name": "S"}], "lanes": [{"title": "L"}]})
        doc = map_document(map_id=m.id)
        stage, lane = doc["stages"][0]["id"], doc["lanes"][0]["id"]
        errors = []
        def writer(i):
            try:
                for n in range(100):
                    ack = apply(map_id=m.id, actor=actor_for(user), batch_id=f"{i}:{n}",
                                ops=[{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                                      "fields": {"stage": stage, "lane": lane, "text": f"{i}-{n}"}}])
                    assert ack.status == "ok", ack.error
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()
        def reader():
            try:
                for _ in range(100):
                    map_document(map_id=m.id)
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)] + [threading.Thread(target=reader)]
        [t.start() for t in threads]; [t.join() for t in threads]
        assert not errors, errors
        doc = map_document(map_id=m.id)
        print("cards", len(doc["cards"]), "seq", doc["map"]["seq"])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=embedded_env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "database is locked" not in result.stderr
    assert "cards 200 seq 201" in result.stdout


def test_the_app_starts_under_daphne_and_reports_healthy(embedded_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "journeymap.asgi:application"],
        cwd=ROOT, env=embedded_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read().decode()
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None and '"database": "ok"' in body
    finally:
        server.terminate()
        server.wait(10)


def _http(method: str, url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict | bytes]:
    import json

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            kind = response.headers.get("Content-Type", "")
            return response.status, (json.loads(raw) if "json" in kind else raw)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_smoke_start_create_a_map_edit_it_over_a_socket_and_export_a_pdf(embedded_env):
    """The whole product on the embedded default: one daphne process, SQLite,
    in-memory channel layer, exports on the in-process thread."""
    import asyncio
    import json
    import urllib.error  # noqa: F401  (used by _http)
    import uuid

    import pypdfium2
    import websockets

    demo = subprocess.run([sys.executable, "manage.py", "demo", "--password", "smoke-test-password"], cwd=ROOT,
                          env=embedded_env, capture_output=True, text=True, timeout=120, check=True)
    assert "demo / smoke-test-password" in demo.stdout
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "journeymap.asgi:application"],
        cwd=ROOT, env=embedded_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        status, body = _http("POST", f"{base}/api/v1/auth/token/", body={"username": "demo",
                                                                           "password": "smoke-test-password"})
        assert status == 200, body
        token = body["token"]
        status, maps = _http("GET", f"{base}/api/v1/maps/", token)
        assert status == 200
        map_id = maps["results"][0]["id"] if isinstance(maps, dict) else maps[0]["id"]
        status, doc = _http("GET", f"{base}/api/v1/maps/{map_id}/document/", token)
        stage, lane = doc["stages"][0]["id"], doc["lanes"][0]["id"]
        status, ticket = _http("POST", f"{base}/api/v1/maps/{map_id}/ws-ticket/", token)
        assert status == 201, ticket
        card_id = str(uuid.uuid4())

        async def edit() -> dict:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/maps/{map_id}/?ticket={ticket['ticket']}") as ws:
                await ws.send(json.dumps({"type": "hello", "client_id": "c-smoke", "last_seq": None}))
                frames = []
                while not any(f.get("type") == "welcome" for f in frames):
                    frames.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
                await ws.send(json.dumps({"type": "push", "batch_id": "c-smoke:1", "ops": [
                    {"op": "create", "entity": "card", "id": card_id,
                     "fields": {"stage": stage, "lane": lane, "text": "Smoke-test card: parcel arrives late"}}]}))
                seen: dict[str, dict] = {}
                while not {"ack", "ops"} <= set(seen):
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if frame.get("batch_id") == "c-smoke:1":
                        seen[frame["type"]] = frame
                return seen

        seen = asyncio.run(edit())
        assert seen["ack"]["status"] == "ok"
        assert seen["ops"]["ops"][0]["id"] == card_id

        status, export = _http("POST", f"{base}/api/v1/maps/{map_id}/exports/", token, {"format": "pdf"})
        assert status in (200, 201, 202), export
        for _ in range(240):
            status, export = _http("GET", f"{base}/api/v1/exports/{export['id']}/", token)
            if export["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert export["status"] == "done", export
        status, pdf = _http("GET", f"{base}{export['download_url']}" if export["download_url"].startswith("/")
                            else export["download_url"], token)
        assert status == 200 and pdf[:4] == b"%PDF"
        document = pypdfium2.PdfDocument(pdf)
        text = "".join(page.get_textpage().get_text_range() for page in document)
        assert "Smoke-test card: parcel arrives late" in " ".join(text.replace("\r", " ").replace("\n", " ").split())
    finally:
        server.terminate()
        server.wait(10)
