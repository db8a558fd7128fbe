"""What the map socket does, apart from the socket itself.

The consumer (``maps.live.consumers``) stays thin: it authenticates through
``authenticate``, parses with ``parse_frame`` and calls the functions here. The
synchronous functions touch the database: the commits run on the write
threads (``maps.live.committer``), the reads (who a socket is, welcome, resync)
on the read threads (``maps.live.reads``); each is one short transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.auth import get_user_model

from journeymap import strict
from maps import realtime
from maps.errors import OpError
from maps.live import reads, tickets
from maps.live.origins import header, origin_allowed
from maps.models import JourneyMap, Membership
from maps.operations import (
    MAX_BATCH_ID,
    WRITE_ROLES,
    Ack,
    Actor,
    ParsedOp,
    Submitted,
    actor_for,
    apply,
    apply_group,
)
from maps.selectors import map_document, map_role, operations_since, snapshot_transaction

# Close codes (the HTTP status they stand for, plus 4000).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

FRAME_TYPES = ("hello", "push", "presence", "resync", "session")
MAX_PRESENCE_BYTES = 2048


@dataclass
class Connection:
    """Who is on one socket, decided at connect and re-checked with each heartbeat."""

    map_id: str
    workspace_id: str
    role: str
    user_id: Any = None
    actor: Actor | None = None
    share_link_id: str | None = None
    # Lanes a share link hides. A share-page socket always gets filtered snapshots
    # (never raw catch-up batches): see ``maps.live.visibility``.
    hidden_lanes: frozenset[str] = field(default_factory=frozenset)
    # Whether the share link shows who else is on the map.
    share_people: bool = False

    @property
    def can_write(self) -> bool:
        return self.user_id is not None and self.role in WRITE_ROLES

    @property
    def person(self) -> dict[str, Any]:
        if self.actor is None:
            return {"id": None, "name": "Guest", "team": ""}
        return self.actor.summary


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# --- authentication -----------------------------------------------------------------


def ticket_from(scope: dict[str, Any]) -> str | None:
    """The ``ticket`` of the query string; a ticket that is not plain text is refused
    here, before it could reach Redis."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("ticket")
    if not values:
        return None
    if strict.bad_text(values[0]) is not None:
        raise Refused(CLOSE_UNAUTHENTICATED, "invalid or expired ticket")
    return values[0]


async def authenticate(scope: dict[str, Any], map_id: str) -> Connection:
    """Decide who this socket is, or raise ``Refused`` with the close code.

    A browser brings its session cookie and the Origin the app is served on
    (``origin_allowed``); an API client brings a one-use ticket and usually no Origin. A
    foreign Origin is refused even with a ticket.
    """
    origin = header(scope, b"origin")
    if origin is not None and not origin_allowed(origin, scope):
        raise Refused(CLOSE_FORBIDDEN, "origin not allowed")
    ticket = ticket_from(scope)
    if ticket is not None:
        payload = await tickets.consume(ticket)
        if payload is None or payload.get("map_id") != map_id:
            raise Refused(CLOSE_UNAUTHENTICATED, "invalid or expired ticket")
        return await reads.read(connection_for_ticket)(payload)
    if origin is None:
        raise Refused(CLOSE_UNAUTHENTICATED, "a ticket is required without an Origin")
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        raise Refused(CLOSE_UNAUTHENTICATED, "not signed in")
    return await reads.read(connection_for_user)(user, map_id)


def connection_for_user(user: Any, map_id: str) -> Connection:
    journey_map, role = map_role(user=user, map_id=map_id)
    if journey_map is None or role is None:
        raise Refused(CLOSE_NOT_FOUND, "no such map")
    return Connection(
        map_id=str(journey_map.id),
        workspace_id=str(journey_map.workspace_id),
        role=role,
        user_id=user.pk,
        actor=actor_for(user, journey_map.workspace_id),
    )


def connection_for_ticket(payload: dict[str, Any]) -> Connection:
    map_id = payload["map_id"]
    if payload.get("user_id") is not None:
        user = get_user_model().objects.filter(pk=payload["user_id"], is_active=True).first()
        if user is None:
            raise Refused(CLOSE_UNAUTHENTICATED, "unknown user")
        return connection_for_user(user, map_id)
    # A share-link ticket: read-only, possibly with hidden lanes. The share-link
    # endpoint decides the payload; the socket only honours it.
    if payload.get("share_link_id") is None:
        raise Refused(CLOSE_UNAUTHENTICATED, "invalid ticket")
    workspace_id = JourneyMap.objects.filter(id=map_id).values_list("workspace_id", flat=True).first()
    if workspace_id is None:
        raise Refused(CLOSE_NOT_FOUND, "no such map")
    return Connection(
        map_id=str(map_id),
        workspace_id=str(workspace_id),
        role="viewer",
        share_link_id=payload["share_link_id"],
        hidden_lanes=frozenset(payload.get("hidden_lanes") or ()),
        share_people=bool(payload.get("show_presence")),
    )


# --- frames -------------------------------------------------------------------------


def error_frame(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, **extra}


def refusal(error: strict.InvalidInput) -> dict[str, Any]:
    """The answer to a frame ``journeymap.strict`` refused: a ``rejected`` ack when it
    is a push whose ``batch_id`` can be read (so the client drops that batch rather
    than resending it), else an ``error`` frame. Both name the field."""
    document = error.document
    if isinstance(document, dict) and document.get("type") == "push":
        batch_id = document.get("batch_id")
        if isinstance(batch_id, str) and batch_id:
            return invalid_ack(batch_id[:MAX_BATCH_ID], error.message, error.field).as_frame()
    return error_frame("invalid", f"{error.field} {error.message}" if error.field else f"frame {error.message}",
                       field=error.field or None)


def invalid_ack(batch_id: str, message: str, field_name: str | None) -> Ack:
    return Ack(batch_id=batch_id, status="rejected", http_status=400,
               error={"code": "invalid", "message": f"{field_name} {message}" if field_name else message,
                      "op_index": None, "field": field_name})


def parse_frame(text: str | None, data: bytes | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(frame, None) for a well-formed frame, (None, the frame that answers it) otherwise.

    Frames are read by ``journeymap.strict``: valid UTF-8 text without lone
    surrogates, NUL or control characters, at most 64 levels deep."""
    if text is None:
        if data is None:
            return None, error_frame("invalid", "empty frame")
        size = len(data)
    else:
        # A character is at most 4 bytes: only encode when the length is in doubt.
        size = len(text) if len(text) * 4 <= settings.WS_MAX_FRAME_BYTES else len(text.encode())
    if size > settings.WS_MAX_FRAME_BYTES:
        return None, error_frame("too_large", f"frames are limited to {settings.WS_MAX_FRAME_BYTES} bytes")
    try:
        frame = strict.loads(text if text is not None else data)  # type: ignore[arg-type]
    except strict.InvalidInput as error:
        return None, refusal(error)
    if not isinstance(frame, dict):
        return None, error_frame("invalid", "frames are JSON objects")
    kind = frame.get("type")
    if kind not in FRAME_TYPES:
        return None, error_frame("invalid", f"unknown frame type {kind!r}", field="type")
    if kind == "push":
        for key in ("batch_id", "ops"):
            if key not in frame:
                return None, error_frame("invalid", f"a push needs {key}", field=key)
        if not isinstance(frame["batch_id"], str) or not frame["batch_id"]:
            return None, error_frame("invalid", "batch_id must be a non-empty string", field="batch_id")
    elif kind == "hello":
        last_seq = frame.get("last_seq")
        if last_seq is not None and (isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0):
            return None, error_frame("invalid", "last_seq must be null or a non-negative integer", field="last_seq")
        client_id = frame.get("client_id")
        if not isinstance(client_id, str) or not client_id or len(client_id) > 100:
            return None, error_frame("invalid", "client_id must be a string of 1-100 characters", field="client_id")
    elif kind == "resync":
        from_seq = frame.get("from_seq")
        if isinstance(from_seq, bool) or not isinstance(from_seq, int) or from_seq < 0:
            return None, error_frame("invalid", "from_seq must be a non-negative integer", field="from_seq")
    elif kind == "presence":
        for key in ("focus", "cursor"):
            value = frame.get(key)
            if value is not None and not isinstance(value, dict):
                return None, error_frame("invalid", f"{key} must be an object or null", field=key)
        if len(json.dumps([frame.get("focus"), frame.get("cursor")])) > MAX_PRESENCE_BYTES:
            return None, error_frame("invalid", "presence is limited to small focus/cursor objects")
    return frame, None


# --- reads --------------------------------------------------------------------------


def welcome(conn: Connection, last_seq: int | None) -> dict[str, Any]:
    """The welcome frame (without presence): catch-up batches when the client is
    close enough behind, else a fresh snapshot. Call after joining the group."""
    if last_seq is not None and not conn.hidden_lanes and conn.share_link_id is None:
        caught = catch_up(conn.map_id, last_seq)
        if caught is not None:
            seq, batches = caught
            return {"type": "welcome", "seq": seq, "role": conn.role, "ops": batches}
    return snapshot_frame(conn)


def snapshot_frame(conn: Connection) -> dict[str, Any]:
    doc = map_document(map_id=conn.map_id, hidden_lanes=conn.hidden_lanes)
    return {"type": "welcome", "seq": doc["map"]["seq"], "role": conn.role, "snapshot": doc}


def catch_up(map_id: str, since: int) -> tuple[int, list[dict[str, Any]]] | None:
    """(current seq, batches after ``since``) read in one snapshot, or None when the
    client is too far behind, ahead of us, or before the retained log."""
    limit = settings.CATCHUP_MAX_BATCHES
    with snapshot_transaction():
        seq = JourneyMap.objects.filter(id=map_id).values_list("seq", flat=True).first()
        if seq is None or since > seq or seq - since > limit:
            return None
        batches = operations_since(map_id=map_id, since=since, limit=limit)
    # A pruned log leaves a hole: only a complete run of batches will do.
    if len(batches) != seq - since or (batches and batches[0]["seq"] != since + 1):
        return None
    return seq, batches


def resync(conn: Connection, from_seq: int) -> list[str]:
    """The frames that bring a client from ``from_seq`` to now, serialised."""
    if not conn.hidden_lanes and conn.share_link_id is None:
        caught = catch_up(conn.map_id, from_seq)
        if caught is not None:
            return [realtime.dumps({"type": "ops", **batch}) for batch in caught[1]]
    return [realtime.dumps(snapshot_frame(conn))]


def map_state(map_id: str, user_ids: list[Any]) -> tuple[int | None, dict[Any, str]]:
    """The map's seq and the current role of each user (absent: no longer a member)."""
    row = JourneyMap.objects.filter(id=map_id).values_list("seq", "workspace_id").first()
    if row is None:
        return None, {}
    seq, workspace_id = row
    roles: dict[Any, str] = {}
    if user_ids:
        roles = dict(
            Membership.objects.filter(workspace_id=workspace_id, user_id__in=user_ids).values_list("user_id", "role")
        )
    return seq, roles


# --- writes -------------------------------------------------------------------------


def forbidden_ack(batch_id: str) -> Ack:
    return Ack(batch_id=batch_id[:100], status="rejected", http_status=403,
               error={"code": "forbidden", "message": "viewers cannot change this map", "op_index": None,
                      "field": None})


def retry_ack(batch_id: str, retry_after_ms: int) -> Ack:
    return Ack(batch_id=batch_id[:100], status="retry", retry_after_ms=retry_after_ms, http_status=429,
               error={"code": "rate_limited", "message": "too many pushes, retry later", "op_index": None,
                      "field": None})


def rejected_ack(batch_id: str, error: OpError) -> Ack:
    return Ack(batch_id=batch_id[:MAX_BATCH_ID], status="rejected", error=error.as_dict(),
               http_status=error.http_status)


def failed_ack(batch_id: str) -> Ack:
    """A push that failed for a reason other than its content or a passing condition
    (a bug): ``rejected``, never ``retry``, since resending it would fail the same way."""
    return Ack(batch_id=batch_id[:MAX_BATCH_ID], status="rejected", http_status=500,
               error={"code": "server_error", "message": "this change could not be saved", "op_index": None,
                      "field": None})


def push(conn: Connection, batch_id: str, ops: Any, parsed: list[ParsedOp] | None = None) -> Ack:
    """One batch through the single write path. The role is read again inside the
    write transaction (``role=None``), so a member removed a moment ago cannot write.
    ``parsed``: the batch as ``parse_batch`` already read it."""
    if not conn.can_write or conn.actor is None:
        return forbidden_ack(batch_id)
    return apply(map_id=conn.map_id, actor=conn.actor, batch_id=batch_id, ops=ops, parsed=parsed)


def push_group(map_id: str, pushes: list[tuple[Connection, str, Any, list[ParsedOp] | None]]) -> list[Ack | Exception]:
    """Several sockets' batches for one map in one transaction (``apply_group``):
    the answer of each, in order, as ``push`` gives it (or what failed it alone)."""
    answers: list[Ack | Exception | None] = [None] * len(pushes)
    batches: list[Submitted] = []
    places: list[int] = []
    for index, (conn, batch_id, ops, parsed) in enumerate(pushes):
        if not conn.can_write or conn.actor is None:
            answers[index] = forbidden_ack(batch_id)
            continue
        places.append(index)
        batches.append(Submitted(actor=conn.actor, batch_id=batch_id, ops=ops, parsed=parsed))
    for index, answer in zip(places, apply_group(map_id=map_id, batches=batches), strict=True):
        answers[index] = answer
    return answers  # type: ignore[return-value]
