"""Webhooks over REST (owners only, the secret shown once), the SSRF checks at
creation and at delivery, and the signature a receiver verifies."""

from __future__ import annotations

import json
import re
import socket
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from integrations import delivery as sending
from integrations.models import Delivery, DeliveryStatus, Webhook
from integrations.services import webhook_create
from tests.integrations import verify

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def url(workspace, *rest: str) -> str:
    return "/".join([f"/api/v1/workspaces/{workspace.id}/webhooks", *rest, ""]).replace("//", "/")


def test_an_owner_adds_a_hook_and_sees_its_secret_once(owner, workspace, receiver, allow_private):
    answer = client(owner).post(url(workspace), {"url": receiver.url, "events": ["map.changed", "map.created"],
                                                 "description": "CRM"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 30
    assert body["events"] == ["map.changed", "map.created"] and body["active"] is True
    listed = client(owner).get(url(workspace)).json()
    assert [h["id"] for h in listed] == [body["id"]]
    assert "secret" not in listed[0] and body["secret"] not in json.dumps(listed)
    changed = client(owner).patch(url(workspace, body["id"]), {"events": ["map.archived"]}, format="json")
    assert changed.status_code == 200 and changed.json()["events"] == ["map.archived"]
    assert "secret" not in changed.json()
    assert client(owner).delete(url(workspace, body["id"])).status_code == 204
    assert not Webhook.objects.filter(id=body["id"]).exists()


def test_only_owners_manage_hooks(owner, editor, viewer, outsider, workspace, allow_private, receiver):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    for user, expected in ((editor, 403), (viewer, 403), (outsider, 404)):
        c = client(user)
        assert c.get(url(workspace)).status_code == expected
        assert c.post(url(workspace), {"url": receiver.url, "events": ["map.created"]},
                      format="json").status_code == expected
        assert c.patch(url(workspace, str(hook.id)), {"active": False}, format="json").status_code == expected
        assert c.get(url(workspace, str(hook.id), "deliveries")).status_code == expected
        assert c.delete(url(workspace, str(hook.id))).status_code == expected
    assert APIClient().get(url(workspace)).status_code == 401
    assert Webhook.objects.get(id=hook.id).active


@pytest.mark.parametrize("target", [
    "http://127.0.0.1/hook", "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/hook", "http://localhost/hook", "https://192.168.1.20/", "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/",
])
def test_private_addresses_are_refused_at_creation(owner, workspace, target):
    answer = client(owner).post(url(workspace), {"url": target, "events": ["map.created"]}, format="json")
    assert answer.status_code == 400, answer.content
    assert "url" in answer.json()["fields"]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("target", ["ftp://example.org/", "file:///etc/passwd", "gopher://example.org/",
                                    "http://user:pw@example.org/", "not a url", "http:///nohost"])
def test_only_plain_http_urls_are_accepted(owner, workspace, target):
    answer = client(owner).post(url(workspace), {"url": target, "events": ["map.created"]}, format="json")
    assert answer.status_code == 400, answer.content


def test_bad_bodies_answer_400(owner, workspace):
    for body in ({"url": "https://example.org/", "events": ["map.exploded"]},
                 {"url": "https://example.org/", "events": []},
                 {"url": "https://example.org/", "events": ["map.created"], "secret": "mine"},
                 {"url": 12, "events": ["map.created"]}, ["not", "an", "object"]):
        assert client(owner).post(url(workspace), body, format="json").status_code == 400


def fake_dns(monkeypatch, address: str) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.test":
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_resolves_to_loopback_only_at_delivery_is_not_called(owner, workspace, receiver, monkeypatch):
    port = receiver.url.split(":")[2].split("/")[0]
    fake_dns(monkeypatch, "93.184.216.34")  # public when the hook is created
    hook = webhook_create(workspace=workspace, user=owner, url=f"http://hooks.example.test:{port}/hook",
                          events=["map.created"])
    fake_dns(monkeypatch, "127.0.0.1")  # rebound to the receiver on loopback before the delivery
    row = Delivery.objects.create(webhook=hook, event="map.created", body='{"id": "x"}')
    sending.attempt(row.id)
    row.refresh_from_db()
    assert row.attempts == 1 and row.response_status is None
    assert "private, loopback or reserved" in row.error
    assert receiver.received == []  # never connected
    assert row.status == DeliveryStatus.PENDING and row.next_attempt_at is not None  # retried later, checked again


def test_a_delivery_is_signed_as_the_readme_says(owner, workspace, receiver, allow_private):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    body = json.dumps({"id": "d", "event": "map.created", "data": {"title": "Été"}}, ensure_ascii=False)
    row = Delivery.objects.create(webhook=hook, event="map.created", body=body)
    assert sending.attempt(row.id) is None
    (got,) = receiver.wait_for(1)
    assert got.headers["Journeymap-Event"] == "map.created"
    assert got.headers["Journeymap-Delivery"] == str(row.id)
    assert got.body == body.encode()
    assert verify.verify(hook.secret, got.headers["Journeymap-Signature"], got.body)
    assert not verify.verify(hook.secret, got.headers["Journeymap-Signature"], got.body + b" ")
    assert not verify.verify("whsec_other", got.headers["Journeymap-Signature"], got.body)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED and row.response_status == 200 and row.response_excerpt == "ok"
    assert row.duration_ms is not None and row.delivered_at is not None


def test_the_readme_recipe_is_the_one_tested():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(import hashlib\n.*?)```", readme, re.S)
    assert block, "the README has no signature recipe"
    assert block.group(1).strip() == (Path(__file__).parent / "verify.py").read_text().split('"""\n\n', 1)[1].strip()


def test_the_deliveries_log_and_redeliver(owner, workspace, receiver, allow_private):
    receiver.statuses = [500]
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    row = Delivery.objects.create(webhook=hook, event="map.created", body="{}")
    assert sending.attempt(row.id) is not None  # 500: a retry is planned
    log = client(owner).get(url(workspace, str(hook.id), "deliveries")).json()
    assert log[0]["id"] == str(row.id) and log[0]["response_status"] == 500
    assert log[0]["response_excerpt"] == "not now" and log[0]["status"] == "pending"
    again = client(owner).post(url(workspace, str(hook.id), "deliveries", str(row.id), "redeliver"))
    assert again.status_code == 202
    assert sending.attempt(row.id) is None
    assert [r.headers["Journeymap-Delivery"] for r in receiver.wait_for(2)] == [str(row.id)] * 2
    assert client(owner).post(url(workspace, str(hook.id), "deliveries", str(uuid.uuid4()),
                                  "redeliver")).status_code == 404


def test_redirects_are_not_followed(owner, workspace, receiver, allow_private):
    receiver.statuses = [302]
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    row = Delivery.objects.create(webhook=hook, event="map.created", body="{}")
    sending.attempt(row.id)
    row.refresh_from_db()
    assert row.response_status == 302 and row.status == DeliveryStatus.PENDING
    assert len(receiver.received) == 1
