"""A map's owner and review interval: set at creation, shown and changed over
REST by owners and editors, the owner a person of the workspace who can edit."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from integrations.models import ServiceToken
from maps.models import JourneyMap
from reviews.schedule import add_months, review_due_at
from tests.factories import MapFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    workspace: Any
    map: Any
    users: dict[str, Any]

    def client(self, role: str) -> APIClient:
        return as_user(self.users[role])


@pytest.fixture
def world(workspace, owner, editor, viewer, outsider) -> World:
    return World(workspace, MapFactory(workspace=workspace, title="Onboarding", owner=owner),
                 {"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider})


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_new_map_is_owned_by_its_creator_and_due_in_four_months(editor, workspace):
    answer = as_user(editor).post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Claims"},
                                  format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["owner"] == editor.pk and body["owner_name"] == (editor.get_full_name() or editor.username)
    assert body["review_every_months"] == 4 and body["reviewed_at"] is None and body["reviewed_by"] is None
    created = JourneyMap.objects.get(id=body["id"]).created_at
    assert body["review_due_at"].startswith(add_months(created, 4).date().isoformat())


def test_a_map_made_by_a_service_token_is_owned_by_the_workspace_owner(owner, workspace):
    token = as_user(owner).post(f"/api/v1/workspaces/{workspace.id}/tokens/", {"name": "CRM", "role": "editor"},
                                format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    answer = client.post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Synced"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["owner"] == owner.pk


def test_editors_change_owner_and_interval_viewers_cannot(world):
    url = f"/api/v1/maps/{world.map.id}/"
    editor, viewer = world.users["editor"], world.users["viewer"]
    answer = world.client("editor").patch(url, {"owner": editor.pk, "review_every_months": 6}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["owner"] == editor.pk and answer.json()["review_every_months"] == 6
    seq = JourneyMap.objects.get(id=world.map.id).seq
    assert world.client("viewer").patch(url, {"review_every_months": 2}, format="json").status_code == 403
    # Not content: no batch in the op log, and a title in the same request still is one.
    assert JourneyMap.objects.get(id=world.map.id).seq == seq
    answer = world.client("owner").patch(url, {"title": "Renamed", "owner": None}, format="json")
    assert answer.status_code == 200 and answer.json()["owner"] is None
    assert JourneyMap.objects.get(id=world.map.id).seq == seq + 1
    assert viewer.pk != editor.pk


@pytest.mark.parametrize("body, field", [
    ({"review_every_months": 0}, "review_every_months"),
    ({"review_every_months": 13}, "review_every_months"),
    ({"review_every_months": "often"}, "review_every_months"),
    ({"review_every_months": True}, "review_every_months"),
    ({"review_every_months": None}, "review_every_months"),
    ({"owner": "someone"}, "owner"),
    ({"owner": -1}, "owner"),
    ({"owner": 10**12}, "owner"),
    ({"owner": [1]}, "owner"),
])
def test_hostile_settings_are_refused_naming_the_field(world, body, field):
    answer = world.client("owner").patch(f"/api/v1/maps/{world.map.id}/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid" and field in answer.json()["fields"]


def test_the_owner_must_be_a_person_who_edits_this_workspace(world, owner, workspace):
    url = f"/api/v1/maps/{world.map.id}/"
    before = JourneyMap.objects.get(id=world.map.id)
    token = as_user(owner).post(f"/api/v1/workspaces/{workspace.id}/tokens/", {"name": "Bot", "role": "editor"},
                                format="json").json()
    token_user = ServiceToken.objects.get(id=token["id"]).user
    for candidate in (world.users["viewer"], world.users["outsider"], token_user):
        answer = world.client("owner").patch(url, {"owner": candidate.pk, "title": "Not applied"}, format="json")
        assert answer.status_code == 400 and list(answer.json()["fields"]) == ["owner"], answer.content
    after = JourneyMap.objects.get(id=world.map.id)
    assert (after.owner_id, after.title, after.seq) == (before.owner_id, before.title, before.seq)
    other_editor = MembershipFactory(workspace=workspace).user
    assert world.client("editor").patch(url, {"owner": other_editor.pk}, format="json").status_code == 200


def test_the_due_date_counts_calendar_months_from_the_last_review():
    created = datetime(2026, 1, 31, 9, tzinfo=UTC)
    assert review_due_at(reviewed_at=None, created_at=created, every_months=1) == datetime(2026, 2, 28, 9,
                                                                                           tzinfo=UTC)
    assert review_due_at(reviewed_at=datetime(2026, 11, 15, tzinfo=UTC), created_at=created,
                         every_months=4) == datetime(2027, 3, 15, tzinfo=UTC)
    assert add_months(created, 12) == datetime(2027, 1, 31, 9, tzinfo=UTC)


def test_the_data_migration_gives_existing_maps_their_creator_or_the_first_owner(owner, editor, viewer, workspace):
    from django.apps import apps

    set_owners = importlib.import_module("maps.migrations.0007_map_owner_and_reviews").set_owners
    by_editor = MapFactory(workspace=workspace, created_by=editor)
    by_nobody = MapFactory(workspace=workspace, created_by=None)
    by_departed = MapFactory(workspace=workspace, created_by=MembershipFactory().user)  # of another workspace
    set_owners(apps, None)
    owners = dict(JourneyMap.objects.filter(id__in=[by_editor.id, by_nobody.id, by_departed.id])
                  .values_list("id", "owner_id"))
    assert owners == {by_editor.id: editor.pk, by_nobody.id: owner.pk, by_departed.id: owner.pk}


def test_the_map_list_reads_owners_and_reviewers_without_a_query_per_map(owner, editor, workspace,
                                                                        django_assert_max_num_queries):
    for n in range(12):
        MapFactory(workspace=workspace, title=f"Map {n}", owner=owner if n % 2 else editor, reviewed_by=editor)
    client = as_user(owner)
    client.get("/api/v1/maps/")  # warm caches (content types, the session)
    with django_assert_max_num_queries(8):
        listed = client.get("/api/v1/maps/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == 12 and {r["reviewed_by_name"] for r in rows} == {editor.get_full_name() or editor.username}
