"""Metric points posted over REST reach an open editor at once: the touchpoints'
latest readings are one batch through the write path, broadcast on commit. Real
daphne, PostgreSQL and Redis; an editor posts with a token, another watches."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from maps.models import JourneyMap, Operation
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


def _touchpoints(live_map, count: int) -> list[str]:
    from maps.models import JourneyMap as Map
    from maps.services import map_edit

    lane, ids = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(count)]
    ops = [{"op": "create", "entity": "lane", "id": lane, "fields": {"title": "Channels", "kind": "touchpoints"}}]
    ops += [{"op": "create", "entity": "touchpoint", "id": tp_id,
             "fields": {"stage": live_map.stages[n % len(live_map.stages)], "lane": lane, "title": f"Point {n}"}}
            for n, tp_id in enumerate(ids)]
    map_edit(Map.objects.get(id=live_map.map_id), live_map.owner, ops)
    return ids


async def test_an_open_editor_sees_posted_metrics_live_in_one_batch(live_map, daphne_server):
    server = daphne_server(HEARTBEAT_SECONDS="30")
    touchpoints = await sync_to_async(_touchpoints)(live_map, 3)
    watcher = MapClient(server.http_url, live_map.map_id, token=live_map.token(live_map.editors[1]))
    await watcher.start()
    try:
        points = [{"touchpoint": tp_id, "metric": metric, "period": period, "value": value + n}
                  for n, tp_id in enumerate(touchpoints)
                  for metric, period, value in (("csat", "2026-02", 70), ("csat", "2026-03", 80), ("nps", "2026-03", 10))]
        status, body = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live_map.map_id}/metrics/",
                                               live_map.token(live_map.editors[0]), {"points": points})
        assert status == 200, body
        assert body["points"] == 9 and body["touchpoints"] == 3
        await watcher.wait_seq(body["seq"])
        seen = {tp["id"]: tp for tp in watcher.document["touchpoints"]}
        for n, tp_id in enumerate(touchpoints):
            assert (seen[tp_id]["csat"], seen[tp_id]["nps"]) == (80 + n, 10 + n)
            assert seen[tp_id]["metrics"]["csat"] == {"value": 80 + n, "period": "2026-03"}
        logged = await sync_to_async(Operation.objects.get)(map_id=live_map.map_id, seq=body["seq"])
        assert len(logged.ops) == 3 and logged.actor_id == live_map.editors[0].id
        assert watcher.history[-1][0] == body["seq"]

        # A refused call writes nothing and broadcasts nothing.
        seq = (await sync_to_async(JourneyMap.objects.get)(id=live_map.map_id)).seq
        bad = [*points[:2], {"touchpoint": touchpoints[0], "metric": "csat", "period": "2026-04", "value": 101}]
        status, body = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live_map.map_id}/metrics/",
                                               live_map.token(live_map.editors[0]), {"points": bad})
        assert status == 400 and body["fields"]["points"]["index"] == 2
        assert (await sync_to_async(JourneyMap.objects.get)(id=live_map.map_id)).seq == seq
    finally:
        await watcher.close()
