"""Webhooks through a real Celery worker (``celery -A journeymap worker``) on
Redis: a receiver on loopback that answers 500 twice gets the same delivery a
third time, each attempt signed afresh; map.changed windows arrive joined up; a
worker SIGKILLed mid-delivery does not lose the delivery."""

from __future__ import annotations

import json
import time

import pytest

from integrations import tasks
from integrations.models import Delivery, DeliveryStatus
from integrations.services import webhook_create
from maps.services import map_create
from tests.integrations import verify
from tests.workers import worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hook_env(monkeypatch, settings):
    """Set before the worker fixture reads the environment."""
    values = {"WEBHOOK_BACKOFF_SECONDS": 0.5, "WEBHOOK_COALESCE_SECONDS": 2.0, "WEBHOOK_LEASE_SECONDS": 3.0}
    for name, value in values.items():
        monkeypatch.setenv(name, str(value))
        setattr(settings, name, value)
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def hook_worker(hook_env, worker_factory):  # noqa: F811
    return worker_factory()


def test_a_delivery_answered_500_twice_comes_again_with_the_same_id(hook_worker, owner, workspace, receiver):
    receiver.statuses = [500, 500]
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    journey_map = map_create(workspace=workspace, title="Returns", actor_user=owner)
    received = receiver.wait_for(3, timeout=60)
    ids = {r.headers["Journeymap-Delivery"] for r in received}
    assert len(ids) == 1
    (delivery_id,) = ids
    for r in received:
        assert r.headers["Journeymap-Event"] == "map.created"
        assert verify.verify(hook.secret, r.headers["Journeymap-Signature"], r.body)
        body = json.loads(r.body)
        assert body["id"] == delivery_id and body["map"]["id"] == str(journey_map.id)
    row = wait_for_status(delivery_id, DeliveryStatus.DELIVERED)
    assert row.attempts == 3 and row.response_status == 200
    time.sleep(2)
    assert len(receiver.received) == 3  # delivered: not sent again


def test_map_changed_arrives_coalesced_and_joined_up(hook_worker, owner, editor, workspace, grid, receiver):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.changed"])
    for _ in range(3):
        grid.card(owner)
    first = receiver.wait_for(1, timeout=30)[0]
    for _ in range(4):
        grid.card(editor)
    received = receiver.wait_for(2, timeout=30)
    time.sleep(3)
    # At least once: a receiver keeps the first of each delivery id (README).
    bodies = list({b["id"]: b for b in reversed([json.loads(r.body) for r in receiver.received])}.values())[::-1]
    assert all(verify.verify(hook.secret, r.headers["Journeymap-Signature"], r.body) for r in receiver.received)
    assert json.loads(first.body)["event"] == "map.changed"
    grid.map.refresh_from_db()
    assert bodies[0]["data"]["from_seq"] == 2  # the hook came after the grid's first batch
    for earlier, later in zip(bodies, bodies[1:], strict=False):
        assert later["data"]["from_seq"] == earlier["data"]["to_seq"] + 1, [(b["id"][:6], b["data"]["from_seq"], b["data"]["to_seq"]) for b in bodies]
    assert bodies[-1]["data"]["to_seq"] == grid.map.seq
    assert len(received) <= 4  # 7 batches, a window every 2 s
    assert editor.pk in [a["id"] for b in bodies for a in b["data"]["actors"]]

def test_a_hook_does_not_hear_its_own_token_and_its_ranges_still_join_up(hook_worker, owner, editor, workspace,
                                                                         grid, receiver):
    from integrations.tokens import token_create

    token, _ = token_create(workspace=workspace, name="CRM sync", role="editor", created_by=owner)
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.changed"],
                          exclude_actors=[{"type": "service_token", "id": str(token.id)}])
    grid.map.refresh_from_db()
    start = grid.map.seq
    for _ in range(3):
        grid.card(token.user)  # the integration's own writes: nothing is sent for them alone
    time.sleep(3)  # a window (2 s) passes with only excluded actors
    assert receiver.received == []
    grid.card(editor)
    first = receiver.wait_for(1, timeout=30)[0]
    data = json.loads(first.body)["data"]
    assert verify.verify(hook.secret, first.headers["Journeymap-Signature"], first.body)
    assert data["from_seq"] == start + 1 and data["to_seq"] == start + 4  # the held window folded in
    assert [a["id"] for a in data["actors"]] == [editor.pk]
    grid.card(token.user)
    grid.card(owner)
    second = receiver.wait_for(2, timeout=30)[1]
    data = json.loads(second.body)["data"]
    assert data["from_seq"] == start + 5 and [a["id"] for a in data["actors"]] == [owner.pk]


def test_a_worker_killed_mid_delivery_does_not_lose_it(hook_env, worker_factory, owner, workspace):  # noqa: F811
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got: list[str] = []
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            got.append(self.headers["Journeymap-Delivery"])
            if len(got) == 1:
                release.wait(20)  # the first attempt hangs until its worker is dead
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        webhook_create(workspace=workspace, user=owner, url=f"http://127.0.0.1:{server.server_address[1]}/in",
                       events=["map.created"])
        first = worker_factory()
        map_create(workspace=workspace, title="Lost?", actor_user=owner)
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got, "the first attempt never arrived"
        first.kill()
        release.set()
        worker_factory()
        # The lease (3 s) runs out; the sweep (Celery beat's job) hands it to the new worker.
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            tasks.send_due()
            row = Delivery.objects.get(id=got[0])
            if row.status == DeliveryStatus.DELIVERED:
                break
            time.sleep(1)
        assert row.status == DeliveryStatus.DELIVERED, (row.status, row.attempts, row.error)
        assert got[1:] and set(got) == {str(row.id)}  # the same delivery, sent again
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def wait_for_status(delivery_id: str, status: str, timeout: float = 20) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = Delivery.objects.get(id=delivery_id)
        if row.status == status:
            return row
        time.sleep(0.1)
    raise AssertionError(f"delivery {delivery_id} is {row.status}, not {status}")
