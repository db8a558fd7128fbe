"""The acceptance scenario of versions, over real daphne and Redis.

Two people edit a map for an hour and a quarter of simulated time (seeded random
edits, the clock moved by the test): automatic versions appear exactly where the
rule says (30 minutes after the last of some edits), restoring the third version
gives exactly its document (field by field, positions included), undoing the
restore gives back the state before it, and the editors open on the map converge
on each.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from journeymap.client import MapClient
from maps.models import JourneyMap, Operation, Role
from maps.operations import actor_for, apply
from maps.selectors import map_document
from tests.realtime.conftest import rest
from tests.versions.clock import install
from tests.versions.helpers import assert_same_content
from tests.versions.randomops import random_batch
from versions.models import Reason, Version
from versions.selectors import version_document
from versions.services import version_create, versions_autosave_idle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]

# (first minute, last minute) of each editing session; pauses of 30 minutes or
# more follow the first two.
SESSIONS = [(0, 6), (38, 42), (74, 78)]
SIMULATED_MINUTES = 80


def make_map():
    from rest_framework.authtoken.models import Token

    from maps.services import map_create
    from tests.factories import MembershipFactory, WorkspaceFactory

    workspace = WorkspaceFactory()
    alice = MembershipFactory(workspace=workspace, role=Role.EDITOR).user
    bob = MembershipFactory(workspace=workspace, role=Role.EDITOR).user
    structure = {"stages": [{"name": f"Stage {i}"} for i in range(4)],
                 "lanes": [{"title": "Thinks"}, {"title": "Does"}, {"title": "Where", "kind": "touchpoints"}],
                 "cards": [{"stage": i % 4, "lane": i % 2, "text": f"card {i}"} for i in range(8)]}
    journey_map = map_create(workspace=workspace, title="Returns", structure=structure, actor_user=alice)
    return journey_map, alice, bob, Token.objects.create(user=alice).key, Token.objects.create(user=bob).key


def simulate_hour(journey_map, people, clock):
    """Edit in sessions, sweep for automatic versions every simulated minute; return
    the versions in the order they were made and, for each automatic one, the
    document right after the last edit before its pause."""
    rng = random.Random(20261206)
    made = []
    last_edit_doc = None
    last_edit_at = None
    start = clock.now
    for minute in range(SIMULATED_MINUTES):
        clock.now = start + timedelta(minutes=minute)
        # The scheduler's tick at the start of the minute, then that minute's edits.
        for version in versions_autosave_idle():
            assert clock.now - last_edit_at >= timedelta(minutes=30)
            assert clock.now - last_edit_at < timedelta(minutes=31), "saved a minute late"
            made.append(("idle", version, last_edit_doc))
        if any(first <= minute <= last for first, last in SESSIONS):
            for _ in range(rng.randint(3, 8)):
                clock.advance(seconds=rng.randint(1, 7))
                person = rng.choice(people)
                doc = map_document(map_id=journey_map.id)
                apply(map_id=journey_map.id, actor=actor_for(person, journey_map.workspace_id),
                      batch_id=f"sim-{uuid.uuid4()}", ops=random_batch(rng, doc, journey_map.id))
            last_edit_doc = map_document(map_id=journey_map.id)
            last_edit_at = clock.now
            if minute == 3:
                made.append(("named", version_create(journey_map=journey_map, user=people[1],
                                                     name="Workshop notes"), map_document(map_id=journey_map.id)))
    return made


async def test_two_people_an_hour_of_edits_restore_the_third_version_undo_and_open_editors_converge(
        daphne_server, monkeypatch):
    journey_map, alice, bob, alice_token, bob_token = await sync_to_async(make_map)()
    server = daphne_server()
    editors = [MapClient(server.http_url, str(journey_map.id), token=alice_token),
               MapClient(server.http_url, str(journey_map.id), token=bob_token)]
    for editor in editors:
        await editor.start()
    try:
        # The simulated hour ends before the real now: the restore below, written
        # by daphne at the real time, comes after it.
        clock = install(monkeypatch, timezone.now() - timedelta(hours=3))
        made = await sync_to_async(simulate_hour)(journey_map, [alice, bob], clock)
        monkeypatch.undo()

        # Automatic versions exactly where the rule says: one per pause of 30
        # minutes after edits (the last session has not paused yet).
        assert [kind for kind, _v, _d in made] == ["named", "idle", "idle"]
        stored = await sync_to_async(lambda: list(Version.objects.filter(map=journey_map).order_by("created_at")))()
        assert [v.id for v in stored] == [v.id for _k, v, _d in made]
        assert [v.reason for v in stored] == [Reason.NAMED, Reason.IDLE, Reason.IDLE]
        for _kind, version, doc_then in made:
            assert_same_content(await sync_to_async(version_document)(version=version), doc_then)

        third = made[2][1]
        before = await sync_to_async(map_document)(map_id=journey_map.id)
        assert before["map"]["seq"] > third.seq  # the last session changed the map since
        status, ack = await sync_to_async(rest)(server, "POST", f"/api/v1/maps/{journey_map.id}/versions/"
                                                f"{third.id}/restore/", alice_token)
        assert status == 200 and ack["status"] in ("ok", "rebased"), ack
        assert len(ack["ops"]) >= 5  # the last session changed a good deal
        restored = await sync_to_async(map_document)(map_id=journey_map.id)
        assert_same_content(restored, made[2][2])
        assert restored["map"]["seq"] == before["map"]["seq"] + 1
        actors = await sync_to_async(lambda: list(Operation.objects.filter(
            map=journey_map, seq=ack["seq"]).values_list("actor_id", flat=True)))()
        assert actors == [alice.id]
        for editor in editors:
            await editor.wait_seq(restored["map"]["seq"], 20)
            assert_same_content(editor.document, restored)

        status, undone = await sync_to_async(rest)(server, "POST",
                                                   f"/api/v1/maps/{journey_map.id}/versions/undo-restore/", bob_token)
        assert status == 200 and undone["changed_since"] is False, undone
        after_undo = await sync_to_async(map_document)(map_id=journey_map.id)
        assert_same_content(after_undo, before)
        for editor in editors:
            await editor.wait_seq(after_undo["map"]["seq"], 20)
            assert_same_content(editor.document, after_undo)
        refreshed = await sync_to_async(JourneyMap.objects.get)(id=journey_map.id)
        assert refreshed.seq == after_undo["map"]["seq"]
    finally:
        for editor in editors:
            await editor.close()
