"""The ``review`` frame through real daphne, PostgreSQL and Redis: a review and a
new interval reach the map's open editors at once; a share-link visitor on the
same map hears none of it."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from tests.discussion.test_live import share_ticket_fetcher
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


class Recorder:
    def __init__(self) -> None:
        self.frames: list[dict] = []

    def __call__(self, frame: dict) -> bool:
        if frame.get("type") == "review":
            self.frames.append(frame)
        return True

    async def wait(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.frames) < count:
            assert time.monotonic() < deadline, f"{len(self.frames)} review frames, expected {count}"
            await asyncio.sleep(0.01)
        return self.frames


async def test_reviews_reach_open_editors_and_never_a_share_visitor(live_map, daphne_server):
    from maps.models import JourneyMap
    from sharing import links as sharing

    server = daphne_server()
    ana, leo = live_map.editors[0], live_map.editors[1]
    journey_map = await sync_to_async(JourneyMap.objects.get)(id=live_map.map_id)
    share = await sync_to_async(sharing.share_link_create)(map=journey_map, created_by=live_map.owner,
                                                           label="for Support")
    heard_by_leo, heard_by_visitor = Recorder(), Recorder()
    leo_client = MapClient(server.http_url, live_map.map_id, token=live_map.token(leo), inbound_filter=heard_by_leo)
    visitor = MapClient(server.http_url, live_map.map_id, ticket_fetcher=share_ticket_fetcher(server, share.token),
                        inbound_filter=heard_by_visitor)
    for client in (leo_client, visitor):
        await client.start()
    try:
        started = time.monotonic()
        status, review = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live_map.map_id}/review/",
                                                 live_map.token(ana), {"note": "Checked"})
        assert status == 201, review
        frame = (await heard_by_leo.wait(1))[0]
        assert time.monotonic() - started < 2.0
        assert frame["review"]["reviewed_by"] == ana.pk and frame["review"]["reviewed_at"] == review["reviewed_at"]
        assert frame["review"]["review_due_at"] == review["review_due_at"]

        status, _ = await asyncio.to_thread(rest, server, "PATCH", f"/api/v1/maps/{live_map.map_id}/",
                                            live_map.token(ana), {"review_every_months": 9})
        assert status == 200
        assert (await heard_by_leo.wait(2))[1]["review"]["review_every_months"] == 9

        # The visitor is connected (it gets the map's batches) but no review frame.
        marker = visitor.last_seq
        edit = leo_client.push([{"op": "update", "entity": "lane", "id": live_map.lanes[0],
                                 "fields": {"title": "Renamed"}}])
        await leo_client.wait_ack(edit)
        await visitor.wait_seq(marker + 1)
        assert heard_by_visitor.frames == []
    finally:
        for client in (leo_client, visitor):
            await client.close()
