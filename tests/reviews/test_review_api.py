"""``POST /api/v1/maps/<id>/review/``: who may, what it records (the time, the
reviewer, an automatic version with the note), what it answers, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from maps.models import JourneyMap
from notifications.models import Kind, Notification
from reviews.schedule import add_months
from tests.factories import MapFactory
from versions.models import Reason, Version

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def journey(workspace, owner):
    return MapFactory(workspace=workspace, title="Claims", owner=owner)


def review_url(journey_map) -> str:
    return f"/api/v1/maps/{journey_map.id}/review/"


def test_an_editor_marks_the_map_reviewed_and_a_version_is_saved(journey, editor):
    answer = as_user(editor).post(review_url(journey), {"note": "Checked with <b>Support</b>"}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    row = JourneyMap.objects.get(id=journey.id)
    assert row.reviewed_by_id == editor.pk and row.reviewed_at is not None and row.review_reminded_at is None
    assert body["reviewed_by"] == {"id": editor.pk, "name": editor.get_full_name() or editor.username}
    assert body["review_every_months"] == 4
    assert body["review_due_at"].startswith(add_months(row.reviewed_at, 4).date().isoformat())
    version = Version.objects.get(id=body["version"])
    assert (version.map_id, version.reason, version.auto, version.note, version.created_by_id) == (
        journey.id, Reason.REVIEW, True, "Checked with <b>Support</b>", editor.pk)
    # The map shows it, and the history lists the version.
    shown = as_user(editor).get(f"/api/v1/maps/{journey.id}/").json()
    assert shown["reviewed_by"] == editor.pk and shown["review_due_at"] == body["review_due_at"]
    listed = as_user(editor).get(f"/api/v1/maps/{journey.id}/versions/").json()
    assert [v["id"] for v in listed if v["reason"] == "review"] == [body["version"]]


def test_the_note_is_optional_and_an_empty_body_will_do(journey, owner):
    answer = as_user(owner).post(review_url(journey), {}, format="json")
    assert answer.status_code == 201 and Version.objects.get(id=answer.json()["version"]).note == ""


def test_a_review_moves_the_due_date_by_the_interval(journey, owner):
    as_user(owner).patch(f"/api/v1/maps/{journey.id}/", {"review_every_months": 1}, format="json")
    JourneyMap.objects.filter(id=journey.id).update(created_at=journey.created_at - timedelta(days=90))
    before = as_user(owner).get(f"/api/v1/maps/{journey.id}/").json()["review_due_at"]
    after = as_user(owner).post(review_url(journey), {}, format="json").json()["review_due_at"]
    assert before < after


def test_reviewing_answers_the_reminders_that_were_waiting(journey, owner, editor):
    from notifications.services import review_due_notify

    review_due_notify(map_id=journey.id, recipient_id=owner.pk)
    as_user(editor).post(review_url(journey), {}, format="json")
    assert Notification.objects.get(map=journey, kind=Kind.REVIEW_DUE).read_at is not None


@pytest.mark.parametrize("body, field", [
    ({"note": 12}, "note"),
    ({"note": None}, "note"),
    ({"note": "x" * 5001}, "note"),
    ({"note": "bad \x00 byte"}, "note"),
    ({"reviewed_at": "2020-01-01T00:00:00Z"}, "reviewed_at"),
    ({"note": ["a"]}, "note"),
])
def test_hostile_bodies_are_refused_naming_the_field_and_record_nothing(journey, owner, body, field):
    answer = as_user(owner).post(review_url(journey), body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid" and field in answer.json()["fields"]
    assert JourneyMap.objects.get(id=journey.id).reviewed_at is None and not Version.objects.exists()


def test_a_body_that_is_not_an_object_and_a_bad_id_are_refused(journey, owner):
    client = as_user(owner)
    assert client.post(review_url(journey), [1, 2], format="json").status_code == 400
    assert client.post(review_url(journey), "note", content_type="text/plain").status_code in (400, 415)
    assert client.post("/api/v1/maps/not-a-uuid/review/", {}, format="json").status_code in (400, 404)


def test_viewers_outsiders_and_archived_maps(journey, viewer, outsider, owner):
    assert as_user(viewer).post(review_url(journey), {}, format="json").status_code == 403
    assert as_user(outsider).post(review_url(journey), {}, format="json").status_code == 404
    assert APIClient().post(review_url(journey), {}, format="json").status_code == 401
    JourneyMap.objects.filter(id=journey.id).update(archived=True)
    answer = as_user(owner).post(review_url(journey), {}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "gone"
    assert not Version.objects.exists()
