"""What an owner controls on a hook besides its URL and events: actors it does
not hear about (``exclude_actors``), a new secret with an overlap, a test event.
Bad values answer 400 naming the field."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from integrations import delivery as sending
from integrations import outbox
from integrations.models import Delivery, DeliveryStatus, MapChangeFeed, Webhook
from integrations.services import webhook_create
from integrations.tokens import token_create
from maps.services import map_create
from tests.integrations import verify

pytestmark = pytest.mark.django_db


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def hooks_url(workspace, *rest: str) -> str:
    return "/".join([f"/api/v1/workspaces/{workspace.id}/webhooks", *rest, ""])


def bodies(event: str) -> list[dict]:
    return [json.loads(d.body) for d in Delivery.objects.filter(event=event).order_by("created_at")]


# --- exclude_actors -----------------------------------------------------------------


def test_exclude_actors_takes_members_and_tokens_and_names_the_unknown(owner, editor, outsider, workspace,
                                                                     receiver, allow_private):
    token, _ = token_create(workspace=workspace, name="CRM sync", role="editor", created_by=owner)
    other_token, _ = token_create(workspace=outsider.memberships.first().workspace, name="Theirs", role="editor",
                                  created_by=outsider)
    good = client(owner).post(hooks_url(workspace), {
        "url": receiver.url, "events": ["map.created"],
        "exclude_actors": [{"type": "user", "id": editor.pk}, {"type": "service_token", "id": str(token.id)},
                           {"type": "user", "id": token.user_id}],  # the token's account: the token
    }, format="json")
    assert good.status_code == 201, good.content
    assert good.json()["exclude_actors"] == [{"type": "user", "id": editor.pk},
                                             {"type": "service_token", "id": str(token.id)}]
    bad = client(owner).patch(hooks_url(workspace, good.json()["id"]), {"exclude_actors": [
        {"type": "user", "id": outsider.pk}, {"type": "service_token", "id": str(other_token.id)},
        {"type": "user", "id": editor.pk}]}, format="json")
    assert bad.status_code == 400
    message = bad.json()["fields"]["exclude_actors"][0]
    assert f"user:{outsider.pk}" in message and f"service_token:{other_token.id}" in message
    assert f"user:{editor.pk}" not in message
    assert len(Webhook.objects.get().exclude_actors) == 2  # unchanged


@pytest.mark.parametrize("entries", [
    "everyone", [{"type": "robot", "id": 1}], [{"type": "user", "id": "ana"}], [{"type": "user", "id": True}],
    [{"type": "service_token", "id": "not-a-uuid"}], [{"type": "user"}], [{"type": "user", "id": 1, "x": 2}],
    [{"type": "user", "id": i} for i in range(51)],
])
def test_malformed_exclusions_answer_400_naming_the_field(owner, workspace, entries):
    answer = client(owner).post(hooks_url(workspace), {"url": "https://example.org/", "events": ["map.created"],
                                                       "exclude_actors": entries}, format="json")
    assert answer.status_code == 400, answer.content
    assert "exclude_actors" in answer.json()["fields"]


def test_events_whose_actor_is_excluded_are_not_sent(owner, editor, workspace, receiver, allow_private):
    token, _ = token_create(workspace=workspace, name="CRM sync", role="editor", created_by=owner)
    quiet = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"],
                           exclude_actors=[{"type": "service_token", "id": str(token.id)}])
    loud = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    map_create(workspace=workspace, title="By the CRM", actor_user=token.user)
    assert [d.webhook_id for d in Delivery.objects.all()] == [loud.id]
    Delivery.objects.all().delete()
    map_create(workspace=workspace, title="By a person", actor_user=editor)
    assert {d.webhook_id for d in Delivery.objects.all()} == {quiet.id, loud.id}


def test_comments_and_versions_by_an_excluded_person_are_not_sent(owner, editor, workspace, grid, receiver,
                                                                  allow_private):
    from discussion.services import comment_create
    from versions.services import version_create

    quiet = webhook_create(workspace=workspace, user=owner, url=receiver.url,
                           events=["comment.created", "version.created"],
                           exclude_actors=[{"type": "user", "id": editor.pk}])
    comment_create(journey_map=grid.map, user=editor, anchor={"type": "map"}, body="Mine")
    version_create(journey_map=grid.map, user=editor, name="By the editor")
    assert not Delivery.objects.filter(webhook=quiet).exists()
    comment_create(journey_map=grid.map, user=owner, anchor={"type": "map"}, body="Theirs")
    version_create(journey_map=grid.map, user=owner, name="By the owner")
    assert sorted(Delivery.objects.filter(webhook=quiet).values_list("event", flat=True)) == [
        "comment.created", "version.created"]


def test_map_changed_leaves_excluded_actors_out_and_ranges_still_join_up(owner, editor, workspace, grid, receiver,
                                                                        allow_private, settings):
    """A window whose only actors are excluded is held back for that hook: its
    next window starts where the held one did, so from_seq is always the previous
    to_seq + 1 and every seq is covered, the excluded writes included."""
    settings.WEBHOOK_COALESCE_SECONDS = 3600
    token, _ = token_create(workspace=workspace, name="CRM sync", role="editor", created_by=owner)
    quiet = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.changed"],
                           exclude_actors=[{"type": "service_token", "id": str(token.id)}])
    loud = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.changed"])
    grid.map.refresh_from_db()
    start = grid.map.seq

    def window() -> None:
        MapChangeFeed.objects.filter(map_id=grid.map.id).update(due_at=timezone.now())
        outbox.flush_map_changes(grid.map.id)

    grid.card(token.user)  # 1: the CRM alone
    window()
    grid.card(token.user)  # 2: the CRM and a person
    grid.card(editor)
    window()
    grid.card(token.user)  # 3: the CRM alone again, then nothing more for a while
    window()
    grid.card(owner)  # 4: a person
    window()
    by_hook = {hook.id: [json.loads(d.body)["data"] for d in Delivery.objects.filter(webhook=hook)
                         .order_by("created_at")] for hook in (quiet, loud)}
    assert [(w["from_seq"], w["to_seq"]) for w in by_hook[loud.id]] == [
        (start + 1, start + 1), (start + 2, start + 3), (start + 4, start + 4), (start + 5, start + 5)]
    assert [(w["from_seq"], w["to_seq"]) for w in by_hook[quiet.id]] == [
        (start + 1, start + 3), (start + 4, start + 5)]  # held windows fold into the next
    assert [[a["id"] for a in w["actors"]] for w in by_hook[quiet.id]] == [[editor.pk], [owner.pk]]
    crm = {"type": "service_token", "id": str(token.id), "name": "CRM sync"}
    assert by_hook[loud.id][0]["actors"] == [crm]


# --- rotation -------------------------------------------------------------------------


def test_a_rotated_secret_signs_with_both_during_the_overlap_and_only_the_new_after(owner, workspace, receiver,
                                                                                    allow_private):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    old = hook.secret
    answer = client(owner).post(hooks_url(workspace, str(hook.id), "rotate-secret"), {"overlap_hours": 2},
                                format="json")
    assert answer.status_code == 200, answer.content
    new = answer.json()["secret"]
    assert new != old and new.startswith("whsec_")
    assert "secret" not in client(owner).get(hooks_url(workspace)).json()[0]
    sending.attempt(Delivery.objects.create(webhook=hook, event="map.created", body='{"n":1}').id)
    during = receiver.wait_for(1)[0]
    header = during.headers["Journeymap-Signature"]
    assert header.count("v1=") == 2
    assert verify.verify(old, header, during.body) and verify.verify(new, header, during.body)
    assert not verify.verify("whsec_someone_else", header, during.body)
    Webhook.objects.filter(id=hook.id).update(previous_secret_until=timezone.now() - dt.timedelta(seconds=1))
    sending.attempt(Delivery.objects.create(webhook=hook, event="map.created", body='{"n":2}').id)
    after = receiver.wait_for(2)[1]
    assert after.headers["Journeymap-Signature"].count("v1=") == 1
    assert verify.verify(new, after.headers["Journeymap-Signature"], after.body)
    assert not verify.verify(old, after.headers["Journeymap-Signature"], after.body)


def test_rotation_without_overlap_and_twice_in_a_row(owner, workspace, receiver, allow_private):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    first = hook.secret
    second = client(owner).post(hooks_url(workspace, str(hook.id), "rotate-secret"), {}, format="json").json()
    assert second["previous_secret_until"] is not None  # the default overlap (24 h)
    third = client(owner).post(hooks_url(workspace, str(hook.id), "rotate-secret"), {}, format="json").json()
    hook.refresh_from_db()
    assert hook.secret == third["secret"] and hook.previous_secret == second["secret"] != first
    sending.attempt(Delivery.objects.create(webhook=hook, event="map.created", body="{}").id)
    got = receiver.wait_for(1)[0]
    assert not verify.verify(first, got.headers["Journeymap-Signature"], got.body)  # two secrets at most
    none = client(owner).post(hooks_url(workspace, str(hook.id), "rotate-secret"), {"overlap_hours": 0},
                              format="json").json()
    hook.refresh_from_db()
    assert hook.previous_secret == "" and none["previous_secret_until"] is None


@pytest.mark.parametrize("value", [-1, 169, 1.5, "24", True, None, [24]])
def test_bad_overlaps_answer_400_naming_the_field(owner, workspace, value, allow_private, receiver):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    answer = client(owner).post(hooks_url(workspace, str(hook.id), "rotate-secret"), {"overlap_hours": value},
                                format="json")
    assert answer.status_code == 400, answer.content
    assert "overlap_hours" in answer.json()["fields"]
    assert Webhook.objects.get().secret == hook.secret


# --- the test event ---------------------------------------------------------------------


def test_a_test_event_goes_through_the_log_once_even_to_a_switched_off_hook(owner, workspace, receiver,
                                                                            allow_private):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    sent = client(owner).post(hooks_url(workspace, str(hook.id), "test"))
    assert sent.status_code == 202, sent.content
    row = Delivery.objects.get(id=sent.json()["id"])
    assert row.event == "ping" and row.webhook_id == hook.id
    assert sending.attempt(row.id) is None
    got = receiver.wait_for(1)[0]
    assert got.headers["Journeymap-Event"] == "ping" and json.loads(got.body)["data"]["webhook"] == str(hook.id)
    assert verify.verify(hook.secret, got.headers["Journeymap-Signature"], got.body)
    log = client(owner).get(hooks_url(workspace, str(hook.id), "deliveries")).json()
    assert log[0]["id"] == str(row.id) and log[0]["status"] == "delivered"

    client(owner).patch(hooks_url(workspace, str(hook.id)), {"active": False}, format="json")
    hook.refresh_from_db()
    assert hook.disabled_reason == "owner" and hook.disabled_at is not None
    receiver.statuses = [500]
    again = client(owner).post(hooks_url(workspace, str(hook.id), "test")).json()
    assert sending.attempt(again["id"]) is None  # no retry for a test event: it failed
    row = Delivery.objects.get(id=again["id"])
    assert row.status == DeliveryStatus.FAILED and row.response_status == 500 and row.attempts == 1
    hook.refresh_from_db()
    assert hook.failures_in_a_row == 0  # a test does not count towards switching a hook off


def test_hostile_descriptions_and_events(owner, workspace):
    for body, field in (({"description": "x" * 201}, "description"), ({"description": "a\x00b"}, "description"),
                        ({"description": "line\nbreak"}, "description"), ({"events": ["map.*"]}, "events"),
                        ({"events": "map.created"}, "events"), ({"events": ["ping"]}, "events"),
                        ({"url": "javascript:alert(1)"}, "url")):
        full = {"url": "https://example.org/", "events": ["map.created"], **body}
        answer = client(owner).post(hooks_url(workspace), full, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert field in answer.json()["fields"], (body, answer.json())
    missing = client(owner).post(hooks_url(workspace, str(uuid.uuid4()), "test"))
    assert missing.status_code == 404
