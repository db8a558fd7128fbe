"""Commits of different maps on different write threads (``SOCKET_WRITE_THREADS``):
one map's commit waiting on PostgreSQL does not hold up another map's, through a
real daphne process and raw sockets."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import psycopg
import pytest
from asgiref.sync import sync_to_async

from maps.models import Operation
from tests.realtime.test_hub_fanout import card_update, connect, create_card, user_ticket
from tests.servers import database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


def second_map(live):
    from maps.selectors import map_document
    from maps.services import map_create

    other = map_create(workspace=live.workspace, title="Another workshop",
                       structure={"stages": [{"name": "Stage"}], "lanes": [{"title": "Lane"}]},
                       actor_user=live.owner)
    doc = map_document(map_id=other.id)
    return dataclasses.replace(live, map_id=str(other.id), stages=[s["id"] for s in doc["stages"]],
                               lanes=[lane["id"] for lane in doc["lanes"]])


async def ack_of(ws, batch_id: str) -> dict:
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "ack" and frame["batch_id"] == batch_id:
            return frame


async def waiting_for_a_lock(conn: psycopg.AsyncConnection) -> bool:
    # A row lock is waited for as the holder's transaction id, which names no
    # database: the waiting session does.
    cursor = await conn.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                "WHERE NOT l.granted AND a.datname = current_database()")
    return (await cursor.fetchone())[0] > 0


@pytest.mark.parametrize("write_threads", [2, 0])
async def test_a_map_waiting_on_its_lock_does_not_hold_up_another_maps_commit(live_map, daphne_server,
                                                                                 write_threads):
    server = daphne_server(SOCKET_WRITE_THREADS=str(write_threads))
    other = await sync_to_async(second_map)(live_map)
    blocked_card = await create_card(server, live_map, live_map.owner)
    free_card = await create_card(server, other, other.owner)
    blocked, _ = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[0]))
    free, _ = await connect(server, other, await user_ticket(server, other, other.editors[1]))
    # Another session holds the first map's row lock, as a long commit from another
    # process would: the push to it waits on PostgreSQL.
    holder = await psycopg.AsyncConnection.connect(database_url(), autocommit=False)
    watcher = await psycopg.AsyncConnection.connect(database_url(), autocommit=True)
    try:
        await holder.execute("SELECT 1 FROM maps_journeymap WHERE id = %s FOR UPDATE", [live_map.map_id])
        await blocked.send(json.dumps({"type": "push", "batch_id": "b1", "ops": [card_update(blocked_card, "late")]}))
        deadline = time.monotonic() + 10
        while not await waiting_for_a_lock(watcher):
            assert time.monotonic() < deadline, "the push never reached the lock"
            await asyncio.sleep(0.02)
        await free.send(json.dumps({"type": "push", "batch_id": "f1", "ops": [card_update(free_card, "on time")]}))
        try:
            free_ack = await asyncio.wait_for(ack_of(free, "f1"), 3)
        except TimeoutError:
            free_ack = None
        await holder.rollback()
        blocked_ack = await asyncio.wait_for(ack_of(blocked, "b1"), 20)
        if free_ack is None:
            free_ack = await asyncio.wait_for(ack_of(free, "f1"), 20)
            answered_while_blocked = False
        else:
            answered_while_blocked = True
    finally:
        await holder.close()
        await watcher.close()
        await blocked.close()
        await free.close()
    assert blocked_ack["status"] == "ok" and free_ack["status"] == "ok"
    # With write threads the other map commits while the first waits; on one shared
    # thread it waits its turn behind it.
    assert answered_while_blocked is (write_threads > 0)
    texts = await sync_to_async(lambda: sorted(
        Operation.objects.filter(batch_id__in=["b1", "f1"]).values_list("batch_id", "map_id")))()
    assert [(b, str(m)) for b, m in texts] == [("b1", live_map.map_id), ("f1", other.map_id)]
