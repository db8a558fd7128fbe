"""Dots and the reveal. Called by ``workshops.services`` with the session row locked."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Q

from maps.models import Card
from maps.operations import actor_for, apply
from touchpoints.models import Touchpoint
from workshops.errors import SessionError
from workshops.models import Vote, WorkshopSession

VOTABLE = {"card": Card, "touchpoint": Touchpoint}


def place_dot(session: WorkshopSession, voter_id: Any, item: Any, place: bool) -> None:
    """Add (``place``) or take back one of this person's dots on an item."""
    if not session.voting_open or session.voting_revealed:
        raise SessionError("voting_closed", "voting is not open")
    if not isinstance(item, dict) or item.get("entity") not in VOTABLE or not isinstance(item.get("id"), str):
        raise SessionError("invalid", "item must be {entity: card|touchpoint, id}", "item")
    try:
        item_id = uuid.UUID(item["id"])
    except ValueError:
        raise SessionError("invalid", "item.id must be an id", "item") from None
    entity = item["entity"]
    mine = Vote.objects.filter(session=session, voter_id=voter_id)
    if not place:
        dot = mine.filter(entity=entity, item_id=item_id).order_by("-id").first()
        if dot is None:
            raise SessionError("not_found", "you have no dot on this item", "item")
        dot.delete()
        return
    lane = VOTABLE[entity].objects.filter(map_id=session.map_id, id=item_id, deleted_by_seq__isnull=True).values_list(
        "lane_id", flat=True).first()
    if lane is None:
        raise SessionError("not_found", "no such item on this map", "item")
    if str(lane) not in session.voting_lanes:
        raise SessionError("not_votable", "this item is not in a lane open to the vote", "item")
    if mine.count() >= session.votes_per_person:
        raise SessionError("no_votes_left", "you have placed all your dots")
    Vote.objects.create(session=session, voter_id=voter_id, entity=entity, item_id=item_id)


def reveal(session: WorkshopSession, conn: Any) -> list[dict[str, Any]]:
    """Count the dots and write them to the items' ``votes`` in one batch through the
    write path (live for every editor, in the op log as the facilitator's change).

    The items of the voted lanes that had dots from an earlier round and got none now
    are set back to 0, so the badges show this round. Deleted items are left out.
    Returns the results, most dots first."""
    tallies = {(row["entity"], str(row["item_id"])): row["dots"] for row in
               Vote.objects.filter(session=session).values("entity", "item_id").annotate(dots=Count("id"))}
    ops: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for entity, model in VOTABLE.items():
        voted = [item_id for (e, item_id) in tallies if e == entity]
        rows = model.objects.filter(Q(id__in=voted) | Q(lane_id__in=session.voting_lanes, votes__gt=0),
                                    map_id=session.map_id, deleted_by_seq__isnull=True)
        for item_id, current in rows.values_list("id", "votes"):
            dots = tallies.get((entity, str(item_id)), 0)
            if dots:
                results.append({"entity": entity, "id": str(item_id), "votes": dots})
            if dots != current:
                ops.append({"op": "update", "entity": entity, "id": str(item_id), "fields": {"votes": dots}})
    if ops:
        ack = apply(map_id=session.map_id, actor=actor_for(session.facilitator, conn.workspace_id),
                    batch_id=f"workshop:{session.id}:reveal:{session.voting_round}", ops=ops, max_ops=None)
        if ack.status not in ("ok", "rebased"):
            raise SessionError((ack.error or {}).get("code", "invalid"),
                               (ack.error or {}).get("message", "the results could not be written"))
    results.sort(key=lambda r: (-r["votes"], r["entity"], r["id"]))
    return results

