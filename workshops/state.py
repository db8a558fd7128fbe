"""What a session looks like to each person (selectors and frames, no writes).

A change is broadcast once to the map's group as a ``map.session`` event carrying
the public state, each voter's own dots and the facilitator's counts; every socket
then keeps only what its person may see (``frame_text``): their own dots, counts
for the facilitator alone, results after the reveal, nothing of the vote for a
share-link visitor. The event travels between processes only, never to a browser
as it is.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Count
from django.utils import timezone

from maps import realtime
from workshops.models import Vote, WorkshopSession


def server_time_ms() -> int:
    return int(time.time() * 1000)


def epoch_ms(moment: Any) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def remaining_ms(session: WorkshopSession, now: Any | None = None) -> int | None:
    """Milliseconds left on the timer; None when it is not set."""
    if session.timer_paused_remaining_ms is not None:
        return session.timer_paused_remaining_ms
    if session.timer_started_at is None:
        return None
    elapsed = ((now or timezone.now()) - session.timer_started_at).total_seconds() * 1000
    return max(0, int(session.timer_duration_ms - elapsed))


def person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def describe(session: WorkshopSession) -> dict[str, Any]:
    """The state everyone on the map may know (per-person parts are added per socket)."""
    voting = None
    if session.voting_open:
        voting = {
            "open": True,
            "revealed": session.voting_revealed,
            "round": session.voting_round,
            "lanes": list(session.voting_lanes),
            "votes_per_person": session.votes_per_person,
            "results": list(session.results) if session.voting_revealed else [],
        }
    return {
        "id": str(session.id),
        "facilitator": person(session.facilitator),
        "timer": {
            "started_at": epoch_ms(session.timer_started_at),
            "duration_ms": session.timer_duration_ms,
            "paused_remaining_ms": session.timer_paused_remaining_ms,
        },
        "voting": voting,
        "follow": {"on": session.follow_on, "view": session.view},
        "present": {"on": session.present_on, "stage": str(session.present_stage) if session.present_stage else None},
    }


def dots_by_voter(session: WorkshopSession, voters: list[Any] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each voter's dots (or only these ``voters``'), grouped by item:
    ``{user id: [{entity, id, dots}]}``."""
    mine: dict[str, list[dict[str, Any]]] = {}
    votes = Vote.objects.filter(session=session)
    if voters is not None:
        votes = votes.filter(voter_id__in=voters)
    rows = (votes.values("voter_id", "entity", "item_id")
            .annotate(dots=Count("id")).order_by("voter_id", "entity", "item_id"))
    for row in rows:
        mine.setdefault(str(row["voter_id"]), []).append(
            {"entity": row["entity"], "id": str(row["item_id"]), "dots": row["dots"]})
    return mine


def state_event(session: WorkshopSession | None, *, only_users: list[Any] | None = None) -> dict[str, Any]:
    """The ``map.session`` event of a change (``session=None``: the session ended).
    ``only_users``: deliver to these people's sockets only (a vote is echoed to its
    voter and the facilitator, nobody else)."""
    if session is None:
        return {"type": "map.session", "kind": "state", "session": None}
    # A vote reaches two people: only their dots are read, and the counts in one query.
    votes = dots_by_voter(session, only_users) if session.voting_open else {}
    counts = {"votes": 0, "voters": 0}
    if session.voting_open:
        counts = Vote.objects.filter(session=session).aggregate(votes=Count("id"), voters=Count("voter", distinct=True))
    return {
        "type": "map.session",
        "kind": "state",
        "session": describe(session),
        "votes": votes,
        "counts": counts,
        "only_users": [str(u) for u in only_users] if only_users is not None else None,
    }


def view_event(view: dict[str, Any], present: bool, sender: str | None) -> dict[str, Any]:
    return {"type": "map.session", "kind": "view", "view": view, "present": present, "except_channel": sender}


def current_event(map_id: Any) -> dict[str, Any]:
    return state_event(WorkshopSession.objects.select_related("facilitator").filter(map_id=map_id).first())


# --- per socket -----------------------------------------------------------------------


def shown_view(conn: Any, view: dict[str, Any] | None) -> dict[str, Any] | None:
    """A view names a lane a share link may hide: that viewer gets ``lane: null``."""
    if view is None or not view.get("lane") or view["lane"] not in conn.hidden_lanes:
        return view
    return {**view, "lane": None}


def session_for(conn: Any, event: dict[str, Any]) -> dict[str, Any] | None:
    """The session as this socket's person may see it."""
    public = event.get("session")
    if public is None:
        return None
    session = {**public, "follow": {**public["follow"], "view": shown_view(conn, public["follow"]["view"])}}
    voting = public["voting"]
    if conn.user_id is None:
        session["voting"] = None  # a share visitor follows; the vote is the workspace's
    elif voting is not None:
        mine = event.get("votes", {}).get(str(conn.user_id), [])
        voting = {**voting, "my_votes": mine,
                  "my_remaining": max(0, voting["votes_per_person"] - sum(d["dots"] for d in mine))}
        if str(conn.user_id) == str(public["facilitator"]["id"]):
            voting["counts"] = event.get("counts")
        session["voting"] = voting
    return session


def frame_text(conn: Any, event: dict[str, Any], channel_name: str) -> str | None:
    """The frame one socket gets for a ``map.session`` event, or None."""
    if event.get("kind") == "view":
        if event.get("except_channel") == channel_name:
            return None
        return realtime.dumps({"type": "session", "event": "view", "view": shown_view(conn, event["view"]),
                               "present": event.get("present", False), "server_time": server_time_ms()})
    only = event.get("only_users")
    if only is not None and (conn.user_id is None or str(conn.user_id) not in only):
        return None
    return realtime.dumps({"type": "session", "event": "state", "session": session_for(conn, event),
                           "server_time": server_time_ms()})


def welcome_fields(conn: Any) -> dict[str, Any]:
    """What ``welcome`` carries about the session: the state and the server's clock."""
    return {"session": session_for(conn, current_event(conn.map_id)), "server_time": server_time_ms()}
