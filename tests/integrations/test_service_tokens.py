"""Service tokens: owners create them (shown once, stored hashed), they act with
their role, their writes carry the token's name, and a revoked token gets 401
from the next request on."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from rest_framework.test import APIClient

from integrations.models import ServiceToken
from maps.models import Operation

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def bearer(token: str) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return c


def create(owner, workspace, role: str, name: str = "CRM sync") -> dict:
    answer = as_user(owner).post(f"/api/v1/workspaces/{workspace.id}/tokens/", {"name": name, "role": role},
                                 format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def card_op(grid, text: str) -> dict:
    return {"batch_id": f"svc-{uuid.uuid4()}", "ops": [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": text}}]}


def test_an_editor_token_writes_under_its_name_and_is_stored_hashed(owner, workspace, grid):
    created = create(owner, workspace, "editor")
    token = created["token"]
    row = ServiceToken.objects.get(id=created["id"])
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(row.__dict__)
    listed = as_user(owner).get(f"/api/v1/workspaces/{workspace.id}/tokens/").json()
    assert [t["id"] for t in listed] == [created["id"]] and "token" not in listed[0]
    assert listed[0]["last_used_at"] is None
    client = bearer(token)
    assert client.get(f"/api/v1/maps/{grid.map.id}/").status_code == 200
    answer = client.post(f"/api/v1/maps/{grid.map.id}/operations/", card_op(grid, "From the CRM"), format="json")
    assert answer.status_code == 200, answer.content
    assert Operation.objects.filter(map=grid.map).order_by("-seq").first().actor_name == "CRM sync"
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_viewer_token_reads_but_cannot_write(owner, workspace, grid):
    client = bearer(create(owner, workspace, "viewer", "Dashboard")["token"])
    assert client.get(f"/api/v1/maps/{grid.map.id}/").status_code == 200
    assert client.post(f"/api/v1/maps/{grid.map.id}/operations/", card_op(grid, "no"),
                       format="json").status_code == 403


def test_a_token_sees_only_its_workspace(owner, workspace, outsider):
    client = bearer(create(owner, workspace, "editor")["token"])
    other = outsider.memberships.first().workspace
    assert client.get(f"/api/v1/workspaces/{other.id}/").status_code == 404
    assert client.get(f"/api/v1/workspaces/{workspace.id}/tokens/").status_code == 403  # not an owner


def test_a_revoked_token_gets_401_at_once(owner, workspace, grid):
    created = create(owner, workspace, "editor")
    client = bearer(created["token"])
    assert client.get(f"/api/v1/maps/{grid.map.id}/").status_code == 200
    assert as_user(owner).delete(f"/api/v1/workspaces/{workspace.id}/tokens/{created['id']}/").status_code == 204
    assert client.get(f"/api/v1/maps/{grid.map.id}/").status_code == 401
    assert bearer("jms_" + "x" * 43).get("/api/v1/maps/").status_code == 401
    assert not ServiceToken.objects.exists()


def test_only_owners_manage_tokens(owner, editor, viewer, workspace):
    url = f"/api/v1/workspaces/{workspace.id}/tokens/"
    for user in (editor, viewer):
        assert as_user(user).get(url).status_code == 403
        assert as_user(user).post(url, {"name": "x", "role": "editor"}, format="json").status_code == 403
    assert as_user(owner).post(url, {"name": "x", "role": "owner"}, format="json").status_code == 400
    assert APIClient().get(url).status_code == 401


def test_personal_tokens_keep_working(owner, grid):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=owner).key
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert c.get(f"/api/v1/maps/{grid.map.id}/").status_code == 200
