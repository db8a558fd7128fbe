"""Comments reach open editors live as ``comment`` frames, through real daphne,
PostgreSQL and Redis: two people's clients see each other's threads, replies and
resolutions at once; a share-link visitor on the same map gets none of it."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request

import pytest
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


class Recorder:
    """Keeps the ``comment`` frames a client receives (and lets every frame through)."""

    def __init__(self) -> None:
        self.frames: list[dict] = []

    def __call__(self, frame: dict) -> bool:
        if frame.get("type") == "comment":
            self.frames.append(frame)
        return True

    async def wait(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.frames) < count:
            assert time.monotonic() < deadline, f"{len(self.frames)} comment frames, expected {count}"
            await asyncio.sleep(0.01)
        return self.frames


def share_ticket_fetcher(server, token: str):
    def fetch() -> str:
        request = urllib.request.Request(f"{server.http_url}/s/{token}/ws-ticket/", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["ticket"]
    return fetch


async def test_two_people_see_each_others_comments_live_and_a_share_visitor_sees_none(live_map, daphne_server):
    from sharing import links as sharing

    server = daphne_server()
    ana, leo = live_map.editors[0], live_map.editors[1]
    share = await sync_to_async(sharing.share_link_create)(map=await _map(live_map),
                                                           created_by=live_map.owner, label="for Support")
    heard_by_ana, heard_by_leo, heard_by_visitor = Recorder(), Recorder(), Recorder()
    ana_client = MapClient(server.http_url, live_map.map_id, token=live_map.token(ana), inbound_filter=heard_by_ana)
    leo_client = MapClient(server.http_url, live_map.map_id, token=live_map.token(leo), inbound_filter=heard_by_leo)
    visitor = MapClient(server.http_url, live_map.map_id, ticket_fetcher=share_ticket_fetcher(server, share.token),
                        inbound_filter=heard_by_visitor)
    for client in (ana_client, leo_client, visitor):
        await client.start()
    comments = f"/api/v1/maps/{live_map.map_id}/comments/"
    try:
        # Ana starts a thread on a cell, mentioning Leo.
        started = time.monotonic()
        status, thread = await asyncio.to_thread(
            rest, server, "POST", comments, live_map.token(ana),
            {"anchor": {"type": "cell", "stage": live_map.stages[1], "lane": live_map.lanes[0]},
             "body": f"@{leo.username} is this still true?"})
        assert status == 201, thread
        frame = (await heard_by_leo.wait(1))[0]
        assert time.monotonic() - started < 1.0
        assert frame["event"] == "created" and frame["comment"]["id"] == thread["id"]
        assert frame["comment"]["mentions"] == [leo.pk] and frame["comment"]["author"]["id"] == ana.pk
        assert (await heard_by_ana.wait(1))[0]["comment"]["id"] == thread["id"]

        # Leo replies; Ana sees it.
        status, reply = await asyncio.to_thread(rest, server, "POST", comments, live_map.token(leo),
                                                {"parent": thread["id"], "body": "Yes, checked today"})
        assert status == 201
        frame = (await heard_by_ana.wait(2))[1]
        assert frame["event"] == "created" and frame["comment"]["parent"] == thread["id"]
        assert frame["comment"]["body"] == "Yes, checked today"

        # Ana resolves; Leo sees the thread's new status.
        status, _ = await asyncio.to_thread(rest, server, "PATCH", f"{comments}{thread['id']}/",
                                            live_map.token(ana), {"status": "resolved"})
        assert status == 200
        frame = (await heard_by_leo.wait(3))[2]
        assert (frame["event"], frame["comment"]["status"]) == ("updated", "resolved")
        assert frame["comment"]["resolved_by"]["id"] == ana.pk

        # The viewer comments too, and deletes it: a placeholder-free deleted frame.
        status, by_viewer = await asyncio.to_thread(rest, server, "POST", comments, live_map.token(live_map.viewer),
                                                    {"anchor": {"type": "map"}, "body": "From support"})
        assert status == 201
        status, _ = await asyncio.to_thread(rest, server, "DELETE", f"{comments}{by_viewer['id']}/",
                                            live_map.token(live_map.viewer))
        assert status == 204
        frames = await heard_by_ana.wait(5)
        assert [f["event"] for f in frames] == ["created", "created", "updated", "created", "deleted"]
        assert frames[4]["comment"]["deleted"] is True and frames[4]["comment"]["body"] == ""

        # The visitor is on the map and gets its batches, but never a comment.
        marker = visitor.last_seq
        edit = ana_client.push([{"op": "update", "entity": "lane", "id": live_map.lanes[0],
                                 "fields": {"title": "Renamed"}}])
        await ana_client.wait_ack(edit)
        await visitor.wait_seq(marker + 1)
        assert heard_by_visitor.frames == []
        assert heard_by_leo.frames == heard_by_ana.frames
    finally:
        for client in (ana_client, leo_client, visitor):
            await client.close()


async def _map(live_map):
    from maps.models import JourneyMap

    return await sync_to_async(JourneyMap.objects.get)(id=live_map.map_id)
