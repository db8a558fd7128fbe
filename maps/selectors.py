"""Reads. The document snapshot is the one view of a map that REST, the socket
and exports share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from maps.entities import ENTITIES, serialize_rows, serialize_values, value_columns
from maps.models import JourneyMap, Lane, Membership, Operation, Team, Workspace
from personas.models import Persona
from touchpoints.models import Channel


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
    left out (see ``filter_document``).
    """
    return _filtered_document(map_id, frozenset(hidden_lanes))[0]


def _filtered_document(map_id: Any, hidden_lanes: frozenset[str]) -> tuple[dict[str, Any], bool]:
    """(``map_document``, whether the emotion curve is hidden), read at one ``seq``."""
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
            doc[spec.collection] = serialize_rows(spec, rows.order_by(*order))
        doc["stages"] = stages_in_display_order(doc["phases"], doc["stages"])
        doc["personas"] = _linked_personas(map_id)
        doc["teams"] = _teams(journey_map["workspace_id"])
        doc["channels"] = _channels(journey_map["workspace_id"])
        if not hidden_lanes:
            return doc, False
        hide_emotions = "emotion" in _hidden_lane_kinds(map_id, hidden_lanes).values()
    # Also the emotion curve when its lane is hidden, and references to hidden items.
    return filter_document(doc, hidden=hidden_lanes, hide_emotions=hide_emotions), hide_emotions


# --- what share viewers may see -------------------------------------------------------
# Whatever the link, a share viewer never gets touchpoints' ``attachments``: file
# names of research material are exactly what must not leave the team. Hidden lanes
# and everything in them never reach the viewer either. ``maps.live.visibility``
# applies the same rules to the ``ops`` frames of open sockets.

# Entities that sit in a lane (their container is (stage, lane)).
LANE_ITEMS = ("card", "touchpoint", "moment")
# Fields members see and share viewers never do (see above; and the metric series'
# latest readings: the series are the workspace's, a share link reads none of them).
MEMBERS_ONLY = {"touchpoint": ("attachments", "metrics")}


def without_members_only(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    private = MEMBERS_ONLY.get(entity, ())
    if not any(key in fields for key in private):
        return fields
    return {key: value for key, value in fields.items() if key not in private}


def _hidden_lane_kinds(map_id: Any, hidden: frozenset[str]) -> dict[str, str]:
    return {str(i): k for i, k in Lane.objects.filter(map_id=map_id, id__in=hidden).values_list("id", "kind")}


def _hidden_items(map_id: Any, hidden: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Live items of the hidden lanes, as the document would show them."""
    shadow: dict[str, dict[str, Any]] = {}
    for name in LANE_ITEMS:
        spec = ENTITIES[name]
        rows = spec.model.objects.filter(map_id=map_id, lane_id__in=hidden, deleted_by_seq__isnull=True)
        for row in rows.values(*value_columns(spec)):
            item = serialize_values(spec, row)
            shadow[item.pop("id")] = {"entity": name, "fields": item}
    return shadow


def filter_document(doc: dict[str, Any], *, hidden: frozenset[str], hide_emotions: bool) -> dict[str, Any]:
    """Remove from a snapshot what the profile hides, references included, and
    what share viewers never see.

    The queries of ``map_document(hidden_lanes=...)`` already leave out hidden
    lanes and their items; this also drops the emotion curve when its lane is
    hidden and clears references to hidden items.
    """
    doc = dict(doc)
    for name in MEMBERS_ONLY:
        collection = ENTITIES[name].collection
        doc[collection] = [without_members_only(name, item) for item in doc.get(collection, [])]
    if not hidden:
        return doc
    doc["lanes"] = [lane for lane in doc.get("lanes", []) if lane["id"] not in hidden]
    visible: dict[str, set[str]] = {}
    for name in LANE_ITEMS:
        collection = ENTITIES[name].collection
        doc[collection] = [item for item in doc.get(collection, []) if item.get("lane") not in hidden]
        visible[name] = {item["id"] for item in doc[collection]}
    if hide_emotions:
        doc["emotions"] = []
    doc["cards"] = [_clear_ref(item, "addresses", visible["card"]) for item in doc["cards"]]
    doc["moments"] = [_clear_ref(item, "touchpoint", visible["touchpoint"]) for item in doc["moments"]]
    return doc


def _clear_ref(item: dict[str, Any], key: str, visible: set[str]) -> dict[str, Any]:
    if item.get(key) and item[key] not in visible:
        return {**item, key: None}
    return item


def viewer_snapshot(map_id: Any, hidden: frozenset[str]) -> tuple[dict[str, Any], dict[str, dict[str, Any]], bool]:
    """(filtered snapshot, shadow of hidden items, whether emotions are hidden), all
    read at one ``seq``: what a share viewer's socket starts from."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # SQLite's snapshot helper cannot nest; one short write-locked transaction
        # gives the same single state.
        context = transaction.atomic()
    else:
        context = snapshot_transaction()
    with context:
        doc, hide_emotions = _filtered_document(map_id, hidden)
        shadow = _hidden_items(map_id, hidden)
    if not hidden:
        # With hidden lanes the document is filtered already; without, the
        # members-only fields still have to go.
        doc = filter_document(doc, hidden=hidden, hide_emotions=False)
    return doc, shadow, hide_emotions


def viewer_document(*, map_id: Any, hidden_lanes: frozenset[str]) -> dict[str, Any]:
    """The snapshot a share viewer with these hidden lanes may see (pages, resync)."""
    return viewer_snapshot(map_id, frozenset(hidden_lanes))[0]


def live_item_fields(entity: str, item_id: str) -> dict[str, Any] | None:
    """Every document field of one live item (for a move out of a hidden lane)."""
    spec = ENTITIES[entity]
    row = spec.model.objects.filter(id=item_id, deleted_by_seq__isnull=True).values(*value_columns(spec)).first()
    if row is None:
        return None
    item = serialize_values(spec, row)
    item.pop("id")
    return item


def stages_in_display_order(phases: list[dict[str, Any]], stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stages as the map shows them: phase by phase (a stage's position orders it
    among the stages of its phase), stages without a phase last."""
    rank = {phase["id"]: i for i, phase in enumerate(phases)}
    return sorted(stages, key=lambda s: (rank.get(s["phase"], len(rank)), s["position"], s["id"]))


def _linked_personas(map_id: Any) -> list[dict[str, Any]]:
    rows = (
        Persona.objects.filter(map_links__map_id=map_id, map_links__deleted_by_seq__isnull=True)
        .order_by("map_links__position", "id")
        .values("id", "name", "role", "quote", "goals", "needs", "frustrations", "behaviours",
                "preferred_channels", "demographics", "color", "avatar", "version")
    )
    return [{**row, "id": str(row["id"]), "avatar": bool(row["avatar"])} for row in rows]


def _teams(workspace_id: Any) -> list[dict[str, Any]]:
    return [
        {**row, "id": str(row["id"])}
        for row in Team.objects.filter(workspace_id=workspace_id).values("id", "name", "color")
    ]


def _channels(workspace_id: Any) -> list[dict[str, Any]]:
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


def workspace_role(*, user: Any, workspace_id: Any) -> tuple[Workspace | None, str | None]:
    """The workspace and the user's role in it; (None, None) for an outsider."""
    role = membership_role(user=user, workspace_id=workspace_id)
    workspace = Workspace.objects.filter(id=workspace_id).first() if role else None
    return (workspace, role) if workspace is not None else (None, None)


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


def workspace_map_ids(workspace_id: Any) -> list[Any]:
    """Maps that may show a team or channel of the workspace (archived ones are not edited)."""
    return list(JourneyMap.objects.filter(workspace_id=workspace_id, archived=False).values_list("id", flat=True))


def human_members(*, workspace_id: Any):  # type: ignore[no-untyped-def]
    """Memberships of people, not of integrations: a service token acts through an
    account of its own (``integrations.ServiceToken.user``), which can neither own a
    map nor be reminded of anything."""
    return Membership.objects.filter(workspace_id=workspace_id, user__service_token__isnull=True)


def default_map_owner(*, workspace_id: Any, creator: Any) -> Any:
    """Who owns a new map: its creator when a person of the workspace, else (a
    service token, the system) the workspace's first owner; ``None`` if none."""
    members = human_members(workspace_id=workspace_id)
    if creator is not None and getattr(creator, "pk", None) and members.filter(user=creator).exists():
        return creator
    first = members.filter(role="owner").select_related("user").order_by("created_at", "id").first()
    return first.user if first else None
