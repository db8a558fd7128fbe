"""The writes of a workshop session: one function per action of a ``session`` frame.

Each runs in one transaction holding the session row's lock (``select_for_update``),
so two facilitators' clicks or two people's last dots are judged one after the other,
in whichever daphne process they arrive. The change reaches the map's sockets on
commit through ``maps.realtime``; ``workshops.state`` decides what each may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from maps import realtime
from maps.models import Lane, Membership, Role, Stage
from maps.operations import WRITE_ROLES
from workshops import voting
from workshops.errors import SessionError
from workshops.models import Vote, WorkshopSession
from workshops.state import remaining_ms, state_event, view_event

MAX_TIMER_SECONDS = 10 * 3600
MAX_LANES = 50


@dataclass
class Act:
    """One session frame being handled."""

    conn: Any
    role: str
    session: WorkshopSession | None
    frame: dict[str, Any]
    channel: str | None

    @property
    def user_id(self) -> Any:
        return self.conn.user_id

    def running(self) -> WorkshopSession:
        if self.session is None:
            raise SessionError("no_session", "no workshop session is running on this map")
        return self.session

    def facilitating(self) -> WorkshopSession:
        """The session, when this person runs it (and may still edit the map)."""
        session = self.running()
        if str(session.facilitator_id) != str(self.user_id) or self.role not in WRITE_ROLES:
            raise SessionError("forbidden", "only the facilitator can do this")
        return session


def act(conn: Any, frame: dict[str, Any], channel: str | None = None) -> None:
    """Handle one ``session`` frame; raise ``SessionError`` to refuse it."""
    action = frame.get("action")
    handler = ACTIONS.get(action) if isinstance(action, str) else None
    if handler is None:
        raise SessionError("invalid", f"unknown session action {action!r}", "action")
    if conn.user_id is None:
        raise SessionError("forbidden", "share-link visitors can only follow a session")
    with transaction.atomic():
        # Read inside the transaction: a member removed a moment ago cannot act.
        role = Membership.objects.filter(workspace_id=conn.workspace_id, user_id=conn.user_id).values_list(
            "role", flat=True).first()
        if role is None:
            raise SessionError("forbidden", "you are no longer a member of this workspace")
        # The facilitator comes with the row (their name is in every state), unlocked.
        session = (WorkshopSession.objects.select_for_update(of=("self",)).select_related("facilitator")
                   .filter(map_id=conn.map_id).first())
        handler(Act(conn, role, session, frame, channel))


def handle(conn: Any, frame: dict[str, Any], channel: str | None = None) -> dict[str, Any] | None:
    """The socket's entry point: None when done (the change is broadcast on commit),
    else the ``error`` frame for the sender."""
    try:
        act(conn, frame, channel)
    except SessionError as error:
        return error.frame(frame.get("action"))
    return None


def broadcast(map_id: Any, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: realtime.send_to_map(map_id, event))


def broadcast_state(session: WorkshopSession | None, map_id: Any, **options: Any) -> None:
    """The state is read after commit, outside the row lock: the next action on this
    session does not wait for it, and it can only be as new as or newer than this one."""
    transaction.on_commit(lambda: realtime.send_to_map(map_id, state_event(session, **options)))


# --- starting, ending, handing over ---------------------------------------------------


def start(a: Act) -> None:
    if a.role not in WRITE_ROLES:
        raise SessionError("forbidden", "only owners and editors can start a session")
    if a.session is not None:
        raise SessionError("session_running", "a session is already running on this map")
    session = WorkshopSession.objects.create(map_id=a.conn.map_id, facilitator_id=a.user_id)
    broadcast_state(session, a.conn.map_id)


def end(a: Act) -> None:
    if a.role not in WRITE_ROLES:
        raise SessionError("forbidden", "only owners and editors can end a session")
    a.running().delete()
    broadcast_state(None, a.conn.map_id)


def handover(a: Act) -> None:
    session = a.running()
    if str(session.facilitator_id) != str(a.user_id) and a.role != Role.OWNER:
        raise SessionError("forbidden", "only the facilitator or an owner can hand the session over")
    target = a.frame.get("to")
    if isinstance(target, bool) or not isinstance(target, (int, str)):
        raise SessionError("invalid", "to must be a user id", "to")
    role = Membership.objects.filter(workspace_id=a.conn.workspace_id, user_id=target).values_list(
        "role", flat=True).first() if str(target).isdigit() else None
    if role not in WRITE_ROLES:
        raise SessionError("invalid", "the new facilitator must be an owner or editor of this workspace", "to")
    session.facilitator = get_user_model().objects.get(pk=int(target))
    session.save(update_fields=["facilitator"])
    broadcast_state(session, a.conn.map_id)


# --- the timer ------------------------------------------------------------------------


def seconds(frame: dict[str, Any], lo: int, hi: int, default: int | None = None) -> int:
    value = frame.get("seconds", default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise SessionError("invalid", f"seconds must be an integer between {lo} and {hi}", "seconds")
    return value


def timer(a: Act) -> None:
    session = a.facilitating()
    command = a.frame.get("command")
    now = timezone.now()
    left = remaining_ms(session, now)
    paused = session.timer_paused_remaining_ms is not None
    if command == "start":
        session.timer_duration_ms = seconds(a.frame, 1, MAX_TIMER_SECONDS) * 1000
        session.timer_started_at, session.timer_paused_remaining_ms = now, None
    elif command == "pause":
        if session.timer_started_at is None:
            raise SessionError("invalid", "the timer is not running", "command")
        session.timer_started_at, session.timer_paused_remaining_ms = None, left
    elif command == "resume":
        if not paused:
            raise SessionError("invalid", "the timer is not paused", "command")
        session.timer_started_at, session.timer_duration_ms = now, session.timer_paused_remaining_ms
        session.timer_paused_remaining_ms = None
    elif command == "add":
        extra = seconds(a.frame, -3600, 3600, 60) * 1000
        if left is None:
            raise SessionError("invalid", "the timer is not set", "command")
        if paused:
            session.timer_paused_remaining_ms = max(0, left + extra)
        else:
            # Restart the stretch from now with what is left: a clamp at zero stays exact.
            session.timer_started_at, session.timer_duration_ms = now, max(0, left + extra)
    elif command == "reset":
        session.timer_started_at, session.timer_paused_remaining_ms = None, None
    else:
        raise SessionError("invalid", "command must be start, pause, resume, add or reset", "command")
    session.save()
    broadcast_state(session, a.conn.map_id)


# --- dot voting -----------------------------------------------------------------------


def voting_round(a: Act) -> None:
    session = a.facilitating()
    command = a.frame.get("command")
    if command == "open":
        session.voting_lanes = live_lanes(a.conn.map_id, a.frame.get("lanes"))
        per_person = a.frame.get("votes_per_person")
        if isinstance(per_person, bool) or not isinstance(per_person, int) or not 1 <= per_person <= 20:
            raise SessionError("invalid", "votes_per_person must be an integer between 1 and 20", "votes_per_person")
        Vote.objects.filter(session=session).delete()
        session.votes_per_person = per_person
        session.voting_open, session.voting_revealed, session.results = True, False, []
        session.voting_round += 1
    elif command == "reveal":
        if not session.voting_open or session.voting_revealed:
            raise SessionError("voting_closed", "no vote is waiting to be revealed", "command")
        session.results = voting.reveal(session, a.conn)
        session.voting_revealed = True
    elif command == "close":
        if not session.voting_open:
            raise SessionError("voting_closed", "no vote is open", "command")
        Vote.objects.filter(session=session).delete()
        session.voting_open, session.voting_revealed, session.voting_lanes, session.results = False, False, [], []
    else:
        raise SessionError("invalid", "command must be open, reveal or close", "command")
    session.save()
    broadcast_state(session, a.conn.map_id)


def live_lanes(map_id: Any, lanes: Any) -> list[str]:
    if not isinstance(lanes, list) or not 1 <= len(lanes) <= MAX_LANES:
        raise SessionError("invalid", f"lanes must be a list of 1 to {MAX_LANES} lane ids", "lanes")
    ids = [parse_uuid(lane, "lanes") for lane in lanes]
    found = {str(i) for i in Lane.objects.filter(map_id=map_id, id__in=ids, deleted_by_seq__isnull=True)
             .values_list("id", flat=True)}
    if len(found) != len(set(ids)):
        raise SessionError("not_found", "every lane must be a lane of this map", "lanes")
    return [str(i) for i in dict.fromkeys(ids)]


def parse_uuid(value: Any, field: str) -> uuid.UUID:
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise SessionError("invalid", f"{field} must hold ids", field)


def vote(a: Act) -> None:
    session = a.running()
    place = a.frame.get("place")
    if not isinstance(place, bool):
        raise SessionError("invalid", "place must be true or false", "place")
    voting.place_dot(session, a.user_id, a.frame.get("item"), place)
    broadcast_state(session, a.conn.map_id, only_users=[a.user_id, session.facilitator_id])


# --- follow me and present mode -------------------------------------------------------


def follow(a: Act) -> None:
    session = a.facilitating()
    if not isinstance(a.frame.get("on"), bool):
        raise SessionError("invalid", "on must be true or false", "on")
    session.follow_on = a.frame["on"]
    session.save(update_fields=["follow_on"])
    broadcast_state(session, a.conn.map_id)


def view(a: Act) -> None:
    session = a.facilitating()
    session.view = checked_view(a.conn.map_id, a.frame.get("view"))
    fields = ["view"]
    if session.present_on and session.view["stage"]:
        session.present_stage = uuid.UUID(session.view["stage"])
        fields.append("present_stage")
    session.save(update_fields=fields)
    if session.follow_on or session.present_on:
        broadcast(a.conn.map_id, view_event(session.view, session.present_on, a.channel))


def checked_view(map_id: Any, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) - {"stage", "lane", "zoom"}:
        raise SessionError("invalid", "view must be {stage, lane, zoom}", "view")
    out: dict[str, Any] = {"stage": None, "lane": None, "zoom": value.get("zoom", "normal")}
    for key, model in (("stage", Stage), ("lane", Lane)):
        if value.get(key) is not None:
            item = parse_uuid(value[key], f"view.{key}")
            if not model.objects.filter(map_id=map_id, id=item, deleted_by_seq__isnull=True).exists():
                raise SessionError("not_found", f"no such {key} on this map", f"view.{key}")
            out[key] = str(item)
    zoom = out["zoom"]
    named = isinstance(zoom, str) and 1 <= len(zoom) <= 20 and zoom.isalpha()
    scaled = isinstance(zoom, (int, float)) and not isinstance(zoom, bool) and 0.25 <= zoom <= 4
    if not (named or scaled):
        raise SessionError("invalid", "zoom must be a named level or a scale between 0.25 and 4", "view.zoom")
    return out


def present(a: Act) -> None:
    session = a.facilitating()
    on = a.frame.get("on")
    if not isinstance(on, bool):
        raise SessionError("invalid", "on must be true or false", "on")
    stage = a.frame.get("stage")
    if stage is not None:
        stage = checked_view(a.conn.map_id, {"stage": stage})["stage"]
    elif on:
        stage = (session.view or {}).get("stage") or first_stage(a.conn.map_id)
    session.present_on = on
    session.present_stage = uuid.UUID(stage) if on and stage else None
    if on and stage:
        session.view = {**(session.view or {"lane": None, "zoom": "normal"}), "stage": stage}
    session.save(update_fields=["present_on", "present_stage", "view"])
    broadcast_state(session, a.conn.map_id)


def first_stage(map_id: Any) -> str | None:
    stage = Stage.objects.filter(map_id=map_id, deleted_by_seq__isnull=True).order_by("position", "id").first()
    return str(stage.id) if stage else None


ACTIONS: dict[str, Callable[[Act], None]] = {
    "start": start, "end": end, "handover": handover, "timer": timer, "voting": voting_round, "vote": vote,
    "follow": follow, "view": view, "present": present,
}
