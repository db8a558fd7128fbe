"""Archiving a map is a map op through the write path: it takes a ``seq`` and an
op-log row like any edit, an archived map refuses content, and only a service
(not a client's batch) sets ``archived``."""

from __future__ import annotations

import pytest

from maps.errors import OpError
from maps.models import JourneyMap, Operation
from maps.services import map_archive, map_update

pytestmark = pytest.mark.django_db


def test_archiving_is_one_committed_batch_with_its_seq_and_op_log_row(grid, owner) -> None:
    before = JourneyMap.objects.get(id=grid.map.id).seq

    map_archive(journey_map=grid.map, user=owner)

    journey_map = JourneyMap.objects.get(id=grid.map.id)
    assert journey_map.archived and journey_map.seq == before + 1
    row = Operation.objects.get(map_id=grid.map.id, seq=before + 1)
    assert row.actor_id == owner.pk
    assert row.ops == [{"op": "update", "entity": "map", "id": str(grid.map.id),
                        "fields": {"archived": True, "version": journey_map.version}}]


def test_an_archived_map_refuses_content_until_it_is_brought_back(grid, owner) -> None:
    map_archive(journey_map=grid.map, user=owner)
    refused = grid.push(owner, [{"op": "update", "entity": "stage", "id": grid.stages[0], "fields": {"name": "x"}}])
    assert refused.status == "rejected" and refused.error["code"] == "gone" and refused.error["op_index"] is None

    map_archive(journey_map=grid.map, user=owner, archived=False)
    assert not JourneyMap.objects.get(id=grid.map.id).archived
    taken = grid.push(owner, [{"op": "update", "entity": "stage", "id": grid.stages[0], "fields": {"name": "x"}}])
    assert taken.status == "ok"


def test_bringing_back_and_renaming_is_one_batch_on_an_archived_map(grid, owner) -> None:
    map_archive(journey_map=grid.map, user=owner)
    seq = JourneyMap.objects.get(id=grid.map.id).seq

    journey_map = map_update(journey_map=grid.map, user=owner, fields={"title": "Back", "archived": False})

    assert (journey_map.title, journey_map.archived, journey_map.seq) == ("Back", False, seq + 1)


def test_asking_for_the_state_a_map_is_in_writes_nothing(grid, owner) -> None:
    seq = JourneyMap.objects.get(id=grid.map.id).seq
    map_archive(journey_map=grid.map, user=owner, archived=False)
    map_archive(journey_map=grid.map, user=owner)
    map_archive(journey_map=grid.map, user=owner)
    assert JourneyMap.objects.get(id=grid.map.id).seq == seq + 1


def test_a_clients_batch_cannot_archive(grid, owner) -> None:
    ack = grid.push(owner, [{"op": "update", "entity": "map", "id": str(grid.map.id), "fields": {"archived": True}}])
    assert ack.status == "rejected" and ack.error["field"] == "archived"
    assert not JourneyMap.objects.get(id=grid.map.id).archived


def test_a_viewer_cannot_archive_through_the_service(grid, viewer) -> None:
    with pytest.raises(OpError) as refused:
        map_archive(journey_map=grid.map, user=viewer)
    assert refused.value.code == "forbidden"
    assert not JourneyMap.objects.get(id=grid.map.id).archived
