"""MapClient in a workshop session over a real daphne: a facilitator starts it and
opens a dot vote, a participant places dots (the one too many refused), the
facilitator reveals, and the counts reach both documents through the op log."""

from __future__ import annotations

import uuid

import pytest

from journeymap.client import MapClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


async def test_a_dot_vote_through_two_clients(live_map, daphne_server):
    server = daphne_server()
    facilitator = MapClient(server.http_url, live_map.map_id, token=live_map.token(live_map.editors[0]))
    voter = MapClient(server.http_url, live_map.map_id, token=live_map.token(live_map.editors[1]))
    await facilitator.start()
    await voter.start()
    try:
        assert facilitator.session is None and voter.session is None  # from the welcome
        card = str(uuid.uuid4())
        await facilitator.wait_ack(facilitator.push([{"op": "create", "entity": "card", "id": card, "fields": {
            "stage": live_map.stages[0], "lane": live_map.lanes[0], "text": "Vote for me"}}]))

        assert facilitator.session_action("start")
        await voter.wait_for(lambda: voter.session is not None)
        assert voter.session["facilitator"]["id"] == live_map.editors[0].pk
        facilitator.session_action("voting", command="open", lanes=[live_map.lanes[0]], votes_per_person=2)
        await voter.wait_for(lambda: (voter.session.get("voting") or {}).get("open") is True)
        assert voter.session["voting"]["my_remaining"] == 2

        for _ in range(3):
            voter.session_action("vote", item={"entity": "card", "id": card}, place=True)
        await voter.wait_for(lambda: any(e.get("code") == "no_votes_left" for e in voter.errors))
        assert voter.session["voting"]["my_votes"] == [{"entity": "card", "id": card, "dots": 2}]
        assert voter.session["voting"]["my_remaining"] == 0
        refused = [e for e in voter.errors if e.get("frame") == "session"]
        assert [e["code"] for e in refused] == ["no_votes_left"] and voter.connected
        await facilitator.wait_for(
            lambda: (facilitator.session["voting"] or {}).get("counts") == {"votes": 2, "voters": 1})
        assert "counts" not in voter.session["voting"]  # the facilitator's only

        facilitator.session_action("voting", command="reveal")
        await voter.wait_for(lambda: voter.session["voting"]["revealed"] is True)
        assert voter.session["voting"]["results"] == [{"entity": "card", "id": card, "votes": 2}]
        for client in (voter, facilitator):
            await client.wait_for(lambda c=client: next(
                x for x in c.document["cards"] if x["id"] == card).get("votes") == 2)

        # Not connected: nothing is sent, nothing queued.
        await voter.close()
        assert voter.session_action("vote", item={"entity": "card", "id": card}, place=False) is False
    finally:
        await voter.close()
        await facilitator.close()
