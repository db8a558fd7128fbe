"""An editor open on a map learns at once that it was archived (and brought back):
the archive is a batch through the write path, broadcast on commit like any
edit. Real daphne, PostgreSQL and Redis; the owner archives over REST."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from maps.models import JourneyMap, Operation
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


async def test_an_open_editor_receives_the_archive_batch_and_the_way_back(live_map, daphne_server):
    # A long heartbeat: only the archive's own broadcast can tell the editor.
    server = daphne_server(HEARTBEAT_SECONDS="30")
    editor = MapClient(server.http_url, live_map.map_id, token=live_map.token(live_map.editors[0]))
    await editor.start()
    try:
        assert editor.document["map"]["archived"] is False
        owner_token = live_map.token(live_map.owner)

        status, _ = await asyncio.to_thread(rest, server, "DELETE", f"/api/v1/maps/{live_map.map_id}/", owner_token)
        assert status == 204
        archived = await sync_to_async(JourneyMap.objects.get)(id=live_map.map_id)
        await editor.wait_seq(archived.seq)
        assert editor.document["map"]["archived"] is True
        seq, batch_id = editor.history[-1]
        logged = await sync_to_async(Operation.objects.get)(map_id=live_map.map_id, seq=seq)
        assert (seq, batch_id) == (archived.seq, logged.batch_id)
        assert logged.ops[0]["fields"]["archived"] is True

        # Its next change is refused, as before; bringing the map back reaches it too.
        refused = await editor.wait_ack(editor.push([{"op": "update", "entity": "lane", "id": live_map.lanes[0],
                                                      "fields": {"title": "Late"}}]))
        assert refused["status"] == "rejected" and refused["error"]["code"] == "gone"
        status, body = await asyncio.to_thread(rest, server, "PATCH", f"/api/v1/maps/{live_map.map_id}/",
                                               owner_token, {"archived": False, "title": "Back again"})
        assert status == 200 and body["archived"] is False
        await editor.wait_seq(archived.seq + 1)
        assert (editor.document["map"]["archived"], editor.document["map"]["title"]) == (False, "Back again")
        taken = await editor.wait_ack(editor.push([{"op": "update", "entity": "lane", "id": live_map.lanes[0],
                                                    "fields": {"title": "On time"}}]))
        assert taken["status"] == "ok"
    finally:
        await editor.close()
