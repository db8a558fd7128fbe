"""Reads. The document snapshot is the one view of a map that REST, the socket
and exports share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from maps.entities import ENTITIES, serialize_values, value_columns
from maps.models import JourneyMap, Membership, Operation


@contextmanager
def snapshot_transaction() -> Iterator[None]:
    """A read transaction that sees one committed state for all its queries.

    On PostgreSQL: REPEATABLE READ, so rows read later in the transaction cannot be
    newer than the ``seq`` read first. On SQLite (WAL) a DEFERRED transaction gives
    the same stable snapshot from its first read without taking the write lock
    (``atomic()`` there is BEGIN IMMEDIATE, which would queue readers behind writers).
    Inside an outer transaction (a test case, a caller's atomic block) the snapshot
    is the outer one's.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def map_document(*, map_id: Any, hidden_lanes: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The live content of a map at one ``seq``, in a constant number of queries.

    ``hidden_lanes``: lanes a share link hides; they and everything in them are
    left out.
    """
    with snapshot_transaction():
        journey_map = (
            JourneyMap.objects.filter(id=map_id)
            .values("id", "workspace_id", "title", "goal", "description", "kind", "language", "based_on_id",
                    "seq", "version", "archived", "created_at", "updated_at")
            .first()
        )
        if journey_map is None:
            raise JourneyMap.DoesNotExist
        doc: dict[str, Any] = {
            "map": {
                "id": str(journey_map["id"]),
                "workspace": str(journey_map["workspace_id"]),
                "title": journey_map["title"],
                "goal": journey_map["goal"],
                "description": journey_map["description"],
                "kind": journey_map["kind"],
                "language": journey_map["language"],
                "based_on": str(journey_map["based_on_id"]) if journey_map["based_on_id"] else None,
                "seq": journey_map["seq"],
                "version": journey_map["version"],
                "archived": journey_map["archived"],
                "updated_at": journey_map["updated_at"].isoformat(),
            }
        }
        for spec in ENTITIES.values():
            if spec.name == "map":
                continue
            rows = spec.model.objects.filter(map_id=map_id, deleted_by_seq__isnull=True)
            if hidden_lanes and "lane" in spec.fields:
                rows = rows.exclude(lane_id__in=hidden_lanes)
            if spec.name == "lane" and hidden_lanes:
                rows = rows.exclude(id__in=hidden_lanes)
            order = ("position", "id") if spec.ordered else ("id",)
            doc[spec.collection] = [
                serialize_values(spec, row) for row in rows.order_by(*order).values(*value_columns(spec))
            ]
        doc["stages"] = stages_in_display_order(doc["phases"], doc["stages"])
        doc["personas"] = _linked_personas(map_id)
        doc["teams"] = _teams(journey_map["workspace_id"])
        doc["channels"] = _channels(journey_map["workspace_id"])
        if hidden_lanes:
            # Also the emotion curve when its lane is hidden, and references to hidden items.
            from maps.visibility import hide_in_document

            doc = hide_in_document(doc, map_id=map_id, hidden=frozenset(hidden_lanes))
    return doc


def stages_in_display_order(phases: list[dict[str, Any]], stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stages as the map shows them: phase by phase (a stage's position orders it
    among the stages of its phase), stages without a phase last."""
    rank = {phase["id"]: i for i, phase in enumerate(phases)}
    return sorted(stages, key=lambda s: (rank.get(s["phase"], len(rank)), s["position"], s["id"]))


def _linked_personas(map_id: Any) -> list[dict[str, Any]]:
    from personas.models import Persona

    rows = (
        Persona.objects.filter(map_links__map_id=map_id, map_links__deleted_by_seq__isnull=True)
        .order_by("map_links__position", "id")
        .values("id", "name", "role", "quote", "goals", "needs", "frustrations", "behaviours",
                "preferred_channels", "demographics", "color", "avatar", "version")
    )
    return [{**row, "id": str(row["id"]), "avatar": bool(row["avatar"])} for row in rows]


def _teams(workspace_id: Any) -> list[dict[str, Any]]:
    from maps.models import Team

    return [
        {**row, "id": str(row["id"])}
        for row in Team.objects.filter(workspace_id=workspace_id).values("id", "name", "color")
    ]


def _channels(workspace_id: Any) -> list[dict[str, Any]]:
    from django.db.models import Q

    from touchpoints.models import Channel

    rows = Channel.objects.filter(Q(workspace__isnull=True) | Q(workspace_id=workspace_id), archived=False).values(
        "id", "key", "name", "name_fr", "kind", "brand_controlled", "icon", "position"
    )
    return [{**row, "id": str(row["id"])} for row in rows]


def operations_since(*, map_id: Any, since: int, limit: int) -> list[dict[str, Any]]:
    rows = (
        Operation.objects.filter(map_id=map_id, seq__gt=since)
        .order_by("seq")
        .values("seq", "batch_id", "actor_id", "actor_name", "actor_team", "ops")[:limit]
    )
    return [
        {
            "seq": row["seq"],
            "batch_id": row["batch_id"],
            "actor": {"id": row["actor_id"], "name": row["actor_name"], "team": row["actor_team"]},
            "ops": row["ops"],
        }
        for row in rows
    ]


def oldest_retained_seq(*, map_id: Any) -> int:
    """The op log keeps everything after this seq; a reader further behind must reload."""
    first = Operation.objects.filter(map_id=map_id).order_by("seq").values_list("seq", flat=True).first()
    current = JourneyMap.objects.filter(id=map_id).values_list("seq", flat=True).first() or 0
    return (first - 1) if first is not None else current


def membership_role(*, user: Any, workspace_id: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(workspace_id=workspace_id, user=user).values_list("role", flat=True).first()


def map_role(*, user: Any, map_id: Any) -> tuple[JourneyMap | None, str | None]:
    """The map and the user's role in its workspace; (None, None) for an outsider."""
    journey_map = JourneyMap.objects.filter(id=map_id).first()
    if journey_map is None:
        return None, None
    role = membership_role(user=user, workspace_id=journey_map.workspace_id)
    if role is None:
        return None, None
    return journey_map, role


__all__ = ["map_document", "operations_since", "oldest_retained_seq", "map_role", "membership_role", "settings"]
