"""Workshop sessions over real daphne processes, PostgreSQL and Redis, with raw
websocket clients: who may do what, the secrecy of votes, reconnects and restarts,
the timer's agreement across screens and the reveal through the write path.

People: the owner facilitates; an editor and a viewer take part; a share-link
visitor watches; an owner of another workspace tries to get in.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async

from maps.models import Card, Operation
from maps.operations import actor_for, apply
from tests.workshops.conftest import Peer, member, visitor
from workshops.models import Vote

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


def add_cards(live, lane_index: int, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    ops = [{"op": "create", "entity": "card", "id": card_id,
            "fields": {"stage": live.stages[i % len(live.stages)], "lane": live.lanes[lane_index], "text": f"Idea {i}"}}
           for i, card_id in enumerate(ids)]
    ack = apply(map_id=live.map_id, actor=actor_for(live.owner, live.workspace.id), batch_id=f"cards-{lane_index}",
                ops=ops)
    assert ack.status == "ok", ack.error
    return ids


async def open_round(facilitator: Peer, lanes: list[str], per_person: int) -> dict:
    await facilitator.send("start")
    await facilitator.state(lambda s: s is not None)
    await facilitator.send("voting", command="open", lanes=lanes, votes_per_person=per_person)
    return await facilitator.state(lambda s: s and s["voting"] and s["voting"]["open"])


async def test_roles_viewers_vote_share_visitors_only_follow_outsiders_are_refused(live_map, daphne_server, share_path):
    server = daphne_server()
    cards = await sync_to_async(add_cards)(live_map, 1, 2)
    owner = await member(server, live_map, live_map.owner, "owner")
    viewer = await member(server, live_map, live_map.viewer, "viewer")
    guest = await visitor(server, live_map, share_path)
    try:
        assert owner.welcome["session"] is None and isinstance(owner.welcome["server_time"], int)

        # A viewer cannot start or run a session...
        await viewer.send("start")
        assert (await viewer.error())["code"] == "forbidden"
        await open_round(owner, [live_map.lanes[1]], 2)
        await viewer.send("timer", command="start", seconds=60)
        refused = await viewer.error()
        assert (refused["code"], refused["action"]) == ("forbidden", "timer")
        # ...but votes, and the socket stays open for it.
        await viewer.send("vote", item={"entity": "card", "id": cards[0]}, place=True)
        mine = await viewer.state(lambda s: s["voting"]["my_votes"])
        assert mine["voting"]["my_votes"] == [{"entity": "card", "id": cards[0], "dots": 1}]
        assert mine["voting"]["my_remaining"] == 1 and "counts" not in mine["voting"]

        # The share visitor sees the session without any of the vote, and cannot vote.
        seen = await guest.state(lambda s: s is not None and s["voting"] is None and s["facilitator"]["id"])
        assert seen["facilitator"]["id"] == live_map.owner.pk
        await guest.send("vote", item={"entity": "card", "id": cards[1]}, place=True)
        assert (await guest.error())["code"] == "forbidden"
        assert await sync_to_async(Vote.objects.count)() == 1

        # Bad input is named and the connection kept.
        await viewer.send("vote", item={"entity": "lane", "id": live_map.lanes[1]}, place=True)
        assert (await viewer.error())["field"] == "item"
        await viewer.send("vote", item={"entity": "card", "id": cards[1]}, place="yes")
        assert (await viewer.error())["field"] == "place"
        await viewer.send("dance")
        assert (await viewer.error())["field"] == "action"
        await viewer.send("vote", item={"entity": "card", "id": cards[1]}, place=True)
        await viewer.state(lambda s: s["voting"]["my_remaining"] == 0)
        await viewer.send("vote", item={"entity": "card", "id": cards[1]}, place=True)
        assert (await viewer.error())["code"] == "no_votes_left"

        # An owner of another workspace cannot get in, even holding a ticket.
        from maps.live import tickets
        ticket = await sync_to_async(tickets.issue)(
            tickets.make_payload(map_id=live_map.map_id, user_id=live_map.outsider.pk, role="owner"))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await Peer.connect(server, live_map.map_id, ticket, "outsider")
        assert closed.value.rcvd.code in (4403, 4404)
    finally:
        for peer in (owner, viewer, guest):
            await peer.close()


async def test_votes_stay_secret_until_the_reveal_which_writes_once_through_apply(live_map, daphne_server, share_path):
    server = daphne_server()
    cards = await sync_to_async(add_cards)(live_map, 1, 3)
    outside_the_vote = (await sync_to_async(add_cards)(live_map, 2, 1))[0]
    owner = await member(server, live_map, live_map.owner, "owner")
    editor = await member(server, live_map, live_map.editors[0], "editor")
    viewer = await member(server, live_map, live_map.viewer, "viewer")
    guest = await visitor(server, live_map, share_path)
    try:
        seq_before = await sync_to_async(lambda: Operation.objects.filter(map_id=live_map.map_id).count())()
        await open_round(owner, [live_map.lanes[1]], 3)
        for peer in (editor, viewer, guest):
            await peer.state(lambda s: s is not None and s["voting"] is None or (s and s["voting"]["open"]))
        await asyncio.sleep(0.3)
        for peer in (editor, viewer, guest):
            await peer.quiet(0.1)

        await editor.send("vote", item={"entity": "card", "id": cards[0]}, place=True)
        await editor.send("vote", item={"entity": "card", "id": cards[0]}, place=True)
        await editor.send("vote", item={"entity": "card", "id": outside_the_vote}, place=True)
        assert (await editor.error())["code"] == "not_votable"
        await viewer.send("vote", item={"entity": "card", "id": cards[1]}, place=True)

        # The voter sees their own dots at once; the facilitator only counts.
        mine = await editor.state(lambda s: sum(d["dots"] for d in s["voting"]["my_votes"]) == 2)
        assert mine["voting"]["results"] == [] and "counts" not in mine["voting"]
        counted = await owner.state(lambda s: s["voting"]["counts"] == {"votes": 3, "voters": 2})
        assert counted["voting"]["my_votes"] == [] and counted["voting"]["results"] == []
        # Nobody else hears of anyone's vote, not even as a frame without content.
        viewer_frames = await viewer.quiet()
        assert all(sum(d["dots"] for d in f["session"]["voting"]["my_votes"]) <= 1 for f in viewer_frames)
        assert not any(cards[0] in str(f) for f in viewer_frames)
        assert await guest.quiet() == []
        # Taking a dot back.
        await editor.send("vote", item={"entity": "card", "id": cards[0]}, place=False)
        await owner.state(lambda s: s["voting"]["counts"] == {"votes": 2, "voters": 2})
        # Votes are outside the op log: no batch was written for them.
        assert await sync_to_async(lambda: Operation.objects.filter(map_id=live_map.map_id).count())() == seq_before

        await owner.send("voting", command="reveal")
        for peer in (owner, editor, viewer):
            revealed = await peer.state(lambda s: s["voting"]["revealed"])
            assert revealed["voting"]["results"] == sorted(
                [{"entity": "card", "id": cards[0], "votes": 1}, {"entity": "card", "id": cards[1], "votes": 1}],
                key=lambda r: r["id"])
        shown = await guest.state(lambda s: True)
        assert shown["voting"] is None
        # One batch through apply: the votes field, live in everyone's ops frames.
        batches = await sync_to_async(list)(Operation.objects.filter(map_id=live_map.map_id, batch_id__startswith="workshop:"))
        assert len(batches) == 1
        assert sorted((op["id"], op["fields"]["votes"]) for op in batches[0].ops) == sorted([(cards[0], 1), (cards[1], 1)])
        assert [f["seq"] for f in viewer.log if f["type"] == "ops" and f["batch_id"] == batches[0].batch_id] == [
            batches[0].seq]
        votes = await sync_to_async(lambda: dict(Card.objects.filter(id__in=cards).values_list("id", "votes")))()
        assert {str(k): v for k, v in votes.items()} == {cards[0]: 1, cards[1]: 1, cards[2]: 0}

        # A second reveal of the same round is refused: the results are written once.
        await owner.send("voting", command="reveal")
        assert (await owner.error())["code"] == "voting_closed"
        await owner.send("voting", command="close")
        closed = await viewer.state(lambda s: s["voting"] is None)
        assert closed["facilitator"]["id"] == live_map.owner.pk
        assert await sync_to_async(Vote.objects.count)() == 0
    finally:
        for peer in (owner, editor, viewer, guest):
            await peer.close()


async def test_a_voter_who_reconnects_and_a_restarted_daphne_keep_the_session(live_map, daphne_server):
    server = daphne_server()
    cards = await sync_to_async(add_cards)(live_map, 0, 2)
    owner = await member(server, live_map, live_map.owner, "owner")
    editor = await member(server, live_map, live_map.editors[0], "editor")
    await open_round(owner, [live_map.lanes[0]], 3)
    await owner.send("timer", command="start", seconds=600)
    await owner.state(lambda s: s["timer"]["started_at"] is not None)
    await editor.send("vote", item={"entity": "card", "id": cards[1]}, place=True)
    await editor.state(lambda s: s["voting"]["my_votes"])
    await editor.close()

    again = await member(server, live_map, live_map.editors[0], "editor-again")
    assert again.welcome["session"]["voting"]["my_votes"] == [{"entity": "card", "id": cards[1], "dots": 1}]
    assert again.welcome["session"]["voting"]["my_remaining"] == 2
    await again.close()
    await owner.close()

    server.stop()
    fresh = daphne_server()
    back = await member(fresh, live_map, live_map.editors[0], "after-restart")
    facilitator = await member(fresh, live_map, live_map.owner, "owner-after-restart")
    try:
        session = back.welcome["session"]
        assert session["facilitator"]["id"] == live_map.owner.pk
        assert session["voting"]["my_votes"] == [{"entity": "card", "id": cards[1], "dots": 1}]
        assert 0 < back.remaining_ms() <= 600_000
        assert facilitator.welcome["session"]["voting"]["counts"] == {"votes": 1, "voters": 1}
        await back.send("vote", item={"entity": "card", "id": cards[0]}, place=True)
        await facilitator.state(lambda s: s["voting"]["counts"] == {"votes": 2, "voters": 1})
    finally:
        await back.close()
        await facilitator.close()


async def test_every_screen_computes_the_same_remaining_time(live_map, daphne_server, share_path):
    first, second = daphne_server(), daphne_server()
    owner = await member(first, live_map, live_map.owner, "owner")
    viewer = await member(second, live_map, live_map.viewer, "viewer")
    guest = await visitor(second, live_map, share_path)
    try:
        await owner.send("start")
        await owner.send("timer", command="start", seconds=300)
        for peer in (owner, viewer, guest):
            await peer.state(lambda s: s and s["timer"]["started_at"] is not None)
        readings = [peer.remaining_ms() for peer in (owner, viewer, guest)]
        assert max(readings) - min(readings) < 200, readings
        assert 299_000 < min(readings) <= 300_000

        await owner.send("timer", command="pause")
        paused = [(await peer.state(lambda s: s["timer"]["paused_remaining_ms"] is not None))["timer"]
                  for peer in (owner, viewer, guest)]
        assert len({t["paused_remaining_ms"] for t in paused}) == 1
        await owner.send("timer", command="add", seconds=60)
        added = await viewer.state(lambda s: s["timer"]["paused_remaining_ms"] > paused[0]["paused_remaining_ms"])
        assert added["timer"]["paused_remaining_ms"] == paused[0]["paused_remaining_ms"] + 60_000
        await owner.send("timer", command="resume")
        for peer in (owner, viewer, guest):
            await peer.state(lambda s: s["timer"]["started_at"] is not None)
        readings = [peer.remaining_ms() for peer in (owner, viewer, guest)]
        assert max(readings) - min(readings) < 200, readings
        await owner.send("timer", command="reset")
        assert (await guest.state(lambda s: s["timer"]["started_at"] is None))["timer"]["paused_remaining_ms"] is None
    finally:
        for peer in (owner, viewer, guest):
            await peer.close()


async def test_follow_and_present_moves_reach_members_and_share_visitors(live_map, daphne_server, share_path):
    server = daphne_server()
    owner = await member(server, live_map, live_map.owner, "owner")
    viewer = await member(server, live_map, live_map.viewer, "viewer")
    guest = await visitor(server, live_map, share_path)
    try:
        await owner.send("start")
        await owner.send("follow", on=True)
        await guest.state(lambda s: s and s["follow"]["on"])
        await owner.send("view", view={"stage": live_map.stages[2], "lane": live_map.lanes[1], "zoom": "normal"})
        for peer in (viewer, guest):
            moved = await peer.wait(lambda f: f["type"] == "session" and f["event"] == "view")
            assert moved["view"] == {"stage": live_map.stages[2], "lane": live_map.lanes[1], "zoom": "normal"}
        assert not any(f.get("event") == "view" for f in await owner.quiet(0.3))
        await owner.send("view", view={"stage": live_map.stages[2], "zoom": "x" * 40})
        assert (await owner.error())["field"] == "view.zoom"
        await owner.send("present", on=True, stage=live_map.stages[1])
        shown = await guest.state(lambda s: s["present"]["on"])
        assert shown["present"]["stage"] == live_map.stages[1]
        await viewer.send("present", on=False)
        assert (await viewer.error())["code"] == "forbidden"
    finally:
        for peer in (owner, viewer, guest):
            await peer.close()
