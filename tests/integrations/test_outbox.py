"""The outbox: each event is written in the transaction of what it reports, one
row per interested hook; map.changed windows join up; 50 failed deliveries in a
row switch a hook off and mail its owners."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from discussion.services import comment_create
from integrations import delivery as sending
from integrations import outbox
from integrations.models import EVENTS, Delivery, DeliveryStatus, MapChangeFeed, Webhook
from integrations.services import webhook_create
from maps.services import map_create, map_update
from versions.services import version_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(owner, workspace, receiver, allow_private):
    return webhook_create(workspace=workspace, user=owner, url=receiver.url, events=EVENTS)


def bodies(event: str) -> list[dict]:
    return [json.loads(d.body) for d in Delivery.objects.filter(event=event).order_by("created_at")]


def test_each_event_is_in_the_outbox(hook, owner, workspace, grid):
    journey_map = map_create(workspace=workspace, title="Onboarding", actor_user=owner)
    grids, created = bodies("map.created")  # the grid's map (made after the hook), then this one
    assert grids["map"]["id"] == str(grid.map.id)
    assert created["map"] == {"id": str(journey_map.id), "title": "Onboarding"}
    assert created["workspace"] == str(workspace.id) and created["data"]["created_by"] == owner.pk
    assert Delivery.objects.get(id=created["id"]).webhook_id == hook.id

    card = grid.card(owner, text="Where is my parcel?")
    comment_create(journey_map=grid.map, user=owner, anchor={"type": "card", "id": card}, body="Still true?")
    (comment,) = bodies("comment.created")
    assert comment["data"]["body"] == "Still true?" and comment["map"]["id"] == str(grid.map.id)

    version = version_create(journey_map=grid.map, user=owner, name="Before the workshop")
    (saved,) = bodies("version.created")
    assert saved["data"]["version"] == str(version.id) and saved["data"]["name"] == "Before the workshop"

    map_update(journey_map=grid.map, user=owner, fields={"archived": True})
    (archived,) = bodies("map.archived")
    assert archived["map"]["id"] == str(grid.map.id)
    assert archived["data"]["actor"]["id"] == owner.pk


def test_nothing_is_reported_for_what_rolled_back(hook, owner, workspace):
    with pytest.raises(RuntimeError), transaction.atomic():
        map_create(workspace=workspace, title="Never", actor_user=owner)
        assert Delivery.objects.filter(event="map.created").count() == 1  # written with the map ...
        raise RuntimeError
    assert not Delivery.objects.exists()  # ... and gone with it


def test_hooks_hear_only_their_events_and_their_workspace(owner, workspace, receiver, allow_private, outsider):
    webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["version.created"])
    other = outsider.memberships.first().workspace
    webhook_create(workspace=other, user=outsider, url=receiver.url, events=EVENTS)
    map_create(workspace=workspace, title="Quiet", actor_user=owner)
    assert not Delivery.objects.exists()
    Webhook.objects.update(active=False)
    outbox.forget_interest()
    map_create(workspace=other, title="Switched off", actor_user=outsider)
    assert not Delivery.objects.exists()


def test_map_changed_windows_join_up(hook, owner, editor, grid, settings):
    Delivery.objects.all().delete()
    settings.WEBHOOK_COALESCE_SECONDS = 3600
    first = grid.card(owner)
    grid.card(editor)
    grid.push(owner, [{"op": "update", "entity": "card", "id": first, "fields": {"text": "changed"}}])
    assert outbox.flush_map_changes(grid.map.id) is not None  # the first window is due at once
    (one,) = bodies("map.changed")
    grid.map.refresh_from_db()
    assert one["data"]["from_seq"] == 1 and one["data"]["to_seq"] == grid.map.seq  # the grid's own batch too
    assert [a["id"] for a in one["data"]["actors"]] == [owner.pk, editor.pk]
    grid.card(editor)
    grid.card(editor)
    assert outbox.flush_map_changes(grid.map.id) is None  # the next waits for the window
    MapChangeFeed.objects.filter(map_id=grid.map.id).update(due_at=timezone.now())  # the window has passed
    assert outbox.flush_map_changes(grid.map.id) is not None
    one, two = bodies("map.changed")
    assert two["data"]["from_seq"] == one["data"]["to_seq"] + 1
    assert two["data"]["to_seq"] == one["data"]["to_seq"] + 2
    assert [a["id"] for a in two["data"]["actors"]] == [editor.pk]


def test_fifty_failures_in_a_row_switch_the_hook_off_and_mail_the_owners(hook, owner, receiver, settings,
                                                                          django_capture_on_commit_callbacks):
    owner.email = "owner@example.org"
    owner.save()
    settings.WEBHOOK_RETRY_SECONDS = 0  # the first failure is final
    receiver.statuses = [500] * 60
    rows = [Delivery.objects.create(webhook=hook, event="map.created", body="{}") for _ in range(50)]
    for row in rows[:49]:
        sending.attempt(row.id)
    hook.refresh_from_db()
    assert hook.active and hook.failures_in_a_row == 49 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        sending.attempt(rows[49].id)
    hook.refresh_from_db()
    assert not hook.active and hook.failures_in_a_row == 50
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 50
    (message,) = mail.outbox
    assert message.to == ["owner@example.org"] and receiver.url in message.body
    late = Delivery.objects.create(webhook=hook, event="map.created", body="{}")
    sending.attempt(late.id)
    assert len(receiver.received) == 50  # a switched-off hook calls nobody


def test_a_success_resets_the_count(hook, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = 0
    receiver.statuses = [500, 500]
    for _ in range(3):
        sending.attempt(Delivery.objects.create(webhook=hook, event="map.created", body="{}").id)
    hook.refresh_from_db()
    assert hook.failures_in_a_row == 0 and hook.active
