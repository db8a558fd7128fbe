"""The write path's UPDATEs and INSERTs sent together (``maps.rows.deferred_writes``):
whatever reads next, the write path's own statements or the ORM, sees them first,
and an error among them fails the batch inside its transaction."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from maps.models import Card, Stage
from maps.rows import deferred_writes, rows_for

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="writes are held back on PostgreSQL only")


def new_card(grid, text: str, card_id: uuid.UUID | None = None) -> Card:
    return Card(id=card_id or uuid.uuid4(), map_id=grid.map.id, stage_id=grid.stages[0], lane_id=grid.lanes[0],
                position="a0", text=text)


@pytest.mark.django_db
def test_held_writes_are_sent_before_the_orm_reads(grid):
    card = new_card(grid, "held")
    with transaction.atomic(), deferred_writes():
        rows_for(Card).insert(card)
        assert connection.deferred_writes  # held, not sent yet
        assert Card.objects.filter(id=card.id, text="held").exists()
        assert not connection.deferred_writes
        card.text = "changed"
        rows_for(Card).update(card, ["text"])
        assert Card.objects.get(id=card.id).text == "changed"


@pytest.mark.django_db
def test_held_writes_are_sent_before_the_write_paths_own_reads_and_at_the_end(grid):
    stage = Stage.objects.get(id=grid.stages[0])
    stage.name = "Renamed"
    with transaction.atomic():
        with deferred_writes():
            rows_for(Stage).update(stage, ["name"])
            assert rows_for(Stage).get(stage.id).name == "Renamed"
            stage.name = "Again"
            rows_for(Stage).update(stage, ["name"])
        assert not connection.deferred_writes  # the block's end sent it
        assert Stage.objects.get(id=stage.id).name == "Again"


@pytest.mark.django_db
def test_a_held_write_that_fails_fails_at_the_next_read_and_nothing_of_it_stays(grid):
    taken = new_card(grid, "first")
    rows_for(Card).insert(taken)
    with pytest.raises(IntegrityError), transaction.atomic(), deferred_writes():
        rows_for(Card).insert(new_card(grid, "other"))
        rows_for(Card).insert(new_card(grid, "same id", card_id=taken.id))
        Card.objects.count()
    assert connection.deferred_writes is None
    assert list(Card.objects.filter(map=grid.map).values_list("text", flat=True)) == ["first"]
