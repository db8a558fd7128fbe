"""Live co-editing over real daphne processes sharing PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import random
import time
import uuid

import pytest
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from maps.document import comparable
from maps.models import Operation
from maps.selectors import map_document
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


def new_card(live, stage: int = 0, lane: int = 0, text: str = "note") -> dict:
    return {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": live.stages[stage], "lane": live.lanes[lane], "text": text}}


async def document_now(live) -> dict:
    return await sync_to_async(map_document)(map_id=live.map_id)


async def op_log_counts(live) -> dict[str, int]:
    def read() -> dict[str, int]:
        counts: dict[str, int] = {}
        for batch_id in Operation.objects.filter(map_id=live.map_id).values_list("batch_id", flat=True):
            counts[batch_id] = counts.get(batch_id, 0) + 1
        return counts

    return await sync_to_async(read)()


async def settle(clients: list[MapClient], live, timeout: float = 30) -> dict:
    for client in clients:
        await client.wait_settled(timeout)
    doc = await document_now(live)
    for client in clients:
        await client.wait_seq(doc["map"]["seq"], timeout)
    return doc


async def close_all(clients: list[MapClient]) -> None:
    await asyncio.gather(*(client.close() for client in clients))


async def test_two_clients_on_two_processes_see_each_others_changes_in_the_same_order(live_map, daphne_server):
    first_server, second_server = daphne_server.many(2)
    alice = MapClient(first_server.http_url, live_map.map_id, token=live_map.token(live_map.editors[0]))
    bob = MapClient(second_server.http_url, live_map.map_id, token=live_map.token(live_map.editors[1]))
    await alice.start()
    await bob.start()
    try:
        card = new_card(live_map, text="from alice")
        card_id = card["id"]
        steps = [
            (alice, [card]),
            (bob, [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "bob edits"}}]),
            (alice, [{"op": "move", "entity": "card", "id": card_id,
                      "fields": {"stage": live_map.stages[2], "lane": live_map.lanes[1]}}]),
            (bob, [{"op": "delete", "entity": "card", "id": card_id}]),
            (alice, [{"op": "restore", "entity": "card", "id": card_id}]),
        ]
        for client, ops in steps:
            ack = await client.wait_ack(client.push(ops))
            assert ack["status"] in ("ok", "rebased"), ack
        # A REST write reaches both sockets through the same path.
        status, body = await asyncio.to_thread(
            rest, first_server, "POST", f"/api/v1/maps/{live_map.map_id}/operations/", live_map.token(live_map.owner),
            {"batch_id": "rest-1", "ops": [{"op": "update", "entity": "card", "id": card_id,
                                            "fields": {"text": "owner via REST"}}]},
        )
        assert status == 200 and body["status"] == "ok", body
        doc = await settle([alice, bob], live_map)
        assert alice.history == bob.history
        assert [batch_id for _, batch_id in alice.history][-1] == "rest-1"
        assert len(alice.history) == len(steps) + 1
        assert comparable(alice.document) == comparable(bob.document) == comparable(doc)
        cards = {c["id"]: c for c in doc["cards"]}
        assert cards[card_id]["text"] == "owner via REST" and cards[card_id]["stage"] == live_map.stages[2]
    finally:
        await close_all([alice, bob])


def random_batch(rng: random.Random, live, cards: list[str]) -> list[dict]:
    """Conflicting edits on a small shared set of targets."""
    roll = rng.random()
    card = rng.choice(cards)
    if roll < 0.30:
        return [{"op": "update", "entity": "card", "id": card, "fields": {"text": f"t{rng.randrange(1000)}"}}]
    if roll < 0.50:
        return [{"op": "move", "entity": "card", "id": card,
                 "fields": {"stage": rng.choice(live.stages[:3]), "lane": rng.choice(live.lanes)}}]
    if roll < 0.60:
        return [{"op": "delete", "entity": "card", "id": card}]
    if roll < 0.72:
        return [{"op": "restore", "entity": "card", "id": card}]
    if roll < 0.80:
        created = new_card(live, rng.randrange(3), rng.randrange(3), "new")
        cards.append(created["id"])
        return [created]
    if roll < 0.88:
        return [{"op": "delete", "entity": "stage", "id": live.stages[3]}]
    if roll < 0.96:
        return [{"op": "restore", "entity": "stage", "id": live.stages[3]}]
    return [{"op": "update", "entity": "stage", "id": live.stages[3], "fields": {"name": f"S{rng.randrange(99)}"}}]


async def test_eight_clients_on_two_processes_converge_despite_lost_frames_and_cut_connections(
        live_map, daphne_server, owner_cards=None):
    servers = daphne_server.many(2)
    rng = random.Random(20240611)
    # Shared targets, some in the stage that gets deleted and restored.
    seed_ops = [new_card(live_map, i % 4, i % 3, f"seed {i}") for i in range(8)]
    status, ack = await asyncio.to_thread(
        rest, servers[0], "POST", f"/api/v1/maps/{live_map.map_id}/operations/", live_map.token(live_map.owner),
        {"batch_id": "seed", "ops": seed_ops})
    assert status == 200, ack
    cards = [op["id"] for op in seed_ops]
    dropped = {"count": 0}

    def lossy(frame: dict) -> bool:
        if frame.get("type") == "ops" and rng.random() < 0.02:
            dropped["count"] += 1
            return False
        return True

    clients = [MapClient(servers[i % 2].http_url, live_map.map_id, token=live_map.token(live_map.editors[i]),
                         inbound_filter=lossy) for i in range(8)]
    await asyncio.gather(*(client.start() for client in clients))

    async def edit(i: int, until: float) -> None:
        local = random.Random(i)
        while time.monotonic() < until:
            clients[i].push(random_batch(local, live_map, cards))
            await asyncio.sleep(local.uniform(0.05, 0.25))

    async def chaos(until: float) -> None:
        for victim in rng.sample(clients, 3):
            await asyncio.sleep(rng.uniform(2, 5))
            await victim.cut()

    until = time.monotonic() + 20
    try:
        await asyncio.gather(*(edit(i, until) for i in range(8)), chaos(until))
        doc = await settle(clients, live_map, timeout=60)
        expected = comparable(doc)
        for client in clients:
            assert comparable(client.document) == expected
        counts = await op_log_counts(live_map)
        confirmed = 0
        for client in clients:
            for batch_id, ack in client.acks.items():
                if ack["status"] in ("ok", "rebased"):
                    confirmed += 1
                    assert counts.get(batch_id) == 1, (batch_id, ack)
        assert confirmed > 200
        assert dropped["count"] > 0
        assert sum(client.connections for client in clients) >= 8 + 3
        assert sum(client.resyncs for client in clients) > 0
    finally:
        await close_all(clients)


async def test_clients_of_a_killed_process_move_to_the_other_and_lose_no_acknowledged_edit(
        live_map, daphne_server):
    doomed, survivor = daphne_server.many(2)
    urls = [doomed.http_url, survivor.http_url]
    clients = [MapClient(urls if i < 3 else urls[::-1], live_map.map_id, token=live_map.token(live_map.editors[i]))
               for i in range(4)]
    await asyncio.gather(*(client.start() for client in clients))
    stop = asyncio.Event()

    async def edit(i: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            clients[i].push([new_card(live_map, n % 3, i % 3, f"{i}-{n}")])
            await asyncio.sleep(0.05)

    editors = [asyncio.ensure_future(edit(i)) for i in range(4)]
    try:
        await asyncio.sleep(2)
        await asyncio.to_thread(doomed.kill)
        await asyncio.sleep(4)
        stop.set()
        await asyncio.gather(*editors)
        doc = await settle(clients, live_map, timeout=60)
        for client in clients[:3]:
            assert client.connections >= 2
        expected = comparable(doc)
        counts = await op_log_counts(live_map)
        for client in clients:
            assert comparable(client.document) == expected
            for batch_id, ack in client.acks.items():
                assert ack["status"] == "ok", ack
                assert counts.get(batch_id) == 1
        texts = {card["text"] for card in doc["cards"]}
        pushed = sum(1 for client in clients for b in client.acks)
        assert len(texts) == pushed
    finally:
        await close_all(clients)


async def test_a_lost_last_frame_of_a_burst_is_healed_by_the_heartbeat_within_eleven_seconds(
        live_map, daphne_server):
    # The real 10 s heartbeat, not a shortened one.
    first, second = daphne_server.many(2)
    writer = MapClient(first.http_url, live_map.map_id, token=live_map.token(live_map.editors[0]))
    lost: set[str] = set()

    def lose_once(frame: dict) -> bool:
        if frame.get("type") == "ops" and frame.get("batch_id") in lost:
            lost.discard(frame["batch_id"])  # the resync's copy gets through
            return False
        return True

    reader = MapClient(second.http_url, live_map.map_id, token=live_map.token(live_map.editors[1]),
                       inbound_filter=lose_once)
    await writer.start()
    await reader.start()
    try:
        batch_ids = [f"burst-{i}" for i in range(5)]
        lost.add(batch_ids[-1])
        for batch_id in batch_ids:
            writer.push([new_card(live_map, text=batch_id)], batch_id=batch_id)
        acks = [await writer.wait_ack(batch_id) for batch_id in batch_ids]
        sent_at = time.monotonic()
        last_seq = acks[-1]["seq"]
        await reader.wait_seq(last_seq - 1, 5)
        assert reader.last_seq == last_seq - 1  # the gap nobody can see yet
        await reader.wait_seq(last_seq, 11)
        assert not lost  # the frame really was dropped once
        assert time.monotonic() - sent_at <= 11
        assert reader.resyncs >= 1
        assert comparable(reader.document) == comparable(await document_now(live_map))
    finally:
        await close_all([writer, reader])


async def test_a_redis_restart_mid_session_heals_and_clients_converge(live_map, daphne_server, redis_server):
    redis = redis_server()
    servers = daphne_server.many(2, REDIS_URL=redis.url, HEARTBEAT_SECONDS="2")
    clients = [MapClient(servers[i % 2].http_url, live_map.map_id, token=live_map.token(live_map.editors[i]))
               for i in range(4)]
    await asyncio.gather(*(client.start() for client in clients))
    stop = asyncio.Event()

    async def edit(i: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            clients[i].push([new_card(live_map, n % 3, i % 3, f"{i}-{n}")])
            await asyncio.sleep(0.1)

    editors = [asyncio.ensure_future(edit(i)) for i in range(4)]
    try:
        await asyncio.sleep(2)
        await asyncio.to_thread(redis.restart, 1.0)
        await asyncio.sleep(5)
        stop.set()
        await asyncio.gather(*editors)
        doc = await settle(clients, live_map, timeout=60)
        expected = comparable(doc)
        for client in clients:
            assert comparable(client.document) == expected
        # Edits keep flowing to everyone after the restart.
        ack = await clients[0].wait_ack(clients[0].push([new_card(live_map, text="after")]))
        for client in clients:
            await client.wait_seq(ack["seq"], 15)
    finally:
        await close_all(clients)
