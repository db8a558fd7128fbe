"""A map whose welcome snapshot is over 1 MiB (daphne's default message limit, which
applies to what it sends too) still opens live: daphne runs with a larger limit."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from maps.operations import actor_for, apply

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


def fill_with_long_cards(live, count: int) -> None:
    ops = [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": live.stages[i % 4], "lane": live.lanes[i % 3], "text": f"{i} " + "x" * 9_990}}
           for i in range(count)]
    ack = apply(map_id=live.map_id, actor=actor_for(live.owner, live.workspace.id), batch_id="fill", ops=ops,
                max_ops=None)
    assert ack.status == "ok", ack.error


async def test_a_welcome_over_one_mebibyte_reaches_the_client(live_map, daphne_server):
    await sync_to_async(fill_with_long_cards)(live_map, 130)  # about 1.3 MB of card text
    client = MapClient(daphne_server().http_url, live_map.map_id, token=live_map.token(live_map.editors[0]))
    await client.start(timeout=60)
    try:
        assert len(client.document["cards"]) == 130
        assert client.errors == []
    finally:
        await client.close()
