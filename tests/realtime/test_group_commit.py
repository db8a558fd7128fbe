"""Group commit through real sockets: many pushes at once on one map, from two
daphne processes, commit together where they queue (``maps.live.committer``)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async

from maps.models import Operation
from tests.realtime.test_hub_fanout import Collector, connect, create_card, user_ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


async def test_many_concurrent_pushes_each_commit_once_with_consecutive_seqs(live_map, daphne_server):
    servers = daphne_server.many(2, GROUP_COMMIT_MAX_BATCHES="32")
    card_id = await create_card(servers[0], live_map, live_map.owner)
    writers = []
    for i in range(8):
        server = servers[i % 2]
        ws, welcome = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[i]))
        writers.append(ws)
    start = welcome["seq"]
    acks: dict[str, list[dict]] = {}

    async def read(ws) -> None:
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] == "ack":
                acks.setdefault(frame["batch_id"], []).append(frame)

    listeners = [asyncio.ensure_future(read(ws)) for ws in writers]
    watcher, _ = await connect(servers[1], live_map, await user_ticket(servers[1], live_map, live_map.editors[9]))
    seen = Collector(watcher)
    per_writer = 20
    sent: dict[str, list[dict]] = {}
    try:
        async def pushes(i: int, ws) -> None:
            for n in range(per_writer):
                batch_id = f"w{i}:{n}"
                ops = [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": f"w{i} n{n}"}}]
                if n == 3 and i % 2:
                    # Every other writer also sends a batch that cannot commit.
                    ops = [{"op": "update", "entity": "card", "id": str(uuid.uuid4()), "fields": {"text": "x"}}]
                sent[batch_id] = ops
                await ws.send(json.dumps({"type": "push", "batch_id": batch_id, "ops": ops}))
            # A resend of the first batch (a lost ack): answered from the op log.
            await ws.send(json.dumps({"type": "push", "batch_id": f"w{i}:0", "ops": sent[f"w{i}:0"]}))

        await asyncio.gather(*(pushes(i, ws) for i, ws in enumerate(writers)))
        expected = len(sent)
        for _ in range(600):
            if sum(len(a) for a in acks.values()) >= expected + len(writers):
                break
            await asyncio.sleep(0.05)
        rejected = {f"w{i}:3" for i in range(len(writers)) if i % 2}
        for batch_id in sent:
            answers = acks.get(batch_id, [])
            if batch_id in rejected:
                assert [a["status"] for a in answers] == ["rejected"], answers
                assert answers[0]["error"]["code"] == "not_found"
            elif batch_id.endswith(":0"):
                assert [a["status"] for a in answers] == ["ok", "ok"], answers
                assert answers[0]["seq"] == answers[1]["seq"]
            else:
                assert [a["status"] for a in answers] == ["ok"], answers
        committed = {batch_id: answers[0]["seq"] for batch_id, answers in acks.items() if answers[0]["status"] == "ok"}
        assert len(committed) == expected - len(rejected)
        log = await sync_to_async(lambda: list(
            Operation.objects.filter(map_id=live_map.map_id, seq__gt=start).order_by("seq")
            .values_list("seq", "batch_id")))()
        # Every acked batch in the op log exactly once, under its acked seq, and
        # the seqs with no gap (the rejected ones took none).
        assert sorted(committed.items(), key=lambda item: item[1]) == [(b, s) for s, b in log]
        assert [s for s, _ in log] == list(range(start + 1, start + 1 + len(committed)))
        await seen.until(len(committed))
        assert seen.seqs == [s for s, _ in log]
    finally:
        for task in listeners:
            task.cancel()
        for ws in [*writers, watcher]:
            await ws.close()
