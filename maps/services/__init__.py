"""Writes of maps themselves (create, edit, archive); workspaces, teams and
members are in ``workspaces.services``, channels in ``touchpoints.services``.

Map *content* changes only through ``maps.operations.apply``; services that build
ops call it through ``map_edit``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from maps.errors import OpError
from maps.models import JourneyMap, MapKind, Role, Workspace
from maps.operations import MAX_OPS_PER_BATCH, Ack, Actor, actor_for, apply, new_id
from maps.selectors import default_map_owner
from sharing import links as sharing


def map_edit(journey_map: JourneyMap, user: Any, ops: list[dict[str, Any]], *, batch_id: str | None = None,
             role: str | None = None, max_ops: int | None = MAX_OPS_PER_BATCH, service_fields: bool = False,
             bulk: bool = False) -> Ack:
    """Apply ``ops`` to the map as ``user`` (``None``: the system) through the write
    path; the committed ack, or the refusal raised as an ``OpError``.

    For callers that build ops themselves (REST item views, services): a refusal
    there is an error to report, not an ack to forward (the socket and
    ``operations/`` forward acks, so they call ``apply``). ``role``: the caller's
    already checked role, if any; ``max_ops=None`` for whole-map batches;
    ``service_fields`` lets the batch set what only services set (``archived``);
    ``bulk`` writes runs of creates together (whole-map batches, see ``maps.bulk``).
    """
    actor = actor_for(user, journey_map.workspace_id) if user is not None else Actor()
    ack = apply(map_id=journey_map.id, actor=actor, batch_id=batch_id or f"edit:{uuid.uuid4()}", ops=ops,
                role=role, max_ops=max_ops, service_fields=service_fields, bulk=bulk)
    if ack.status == "rejected" and ack.error:
        raise OpError(ack.error["code"], ack.error["message"], field=ack.error.get("field"),
                      op_index=ack.error.get("op_index"))
    return ack


def map_create(
    *,
    workspace: Workspace,
    title: str,
    actor_user: Any = None,
    kind: str = MapKind.CUSTOM,
    language: str = "en",
    goal: str = "",
    structure: dict[str, Any] | None = None,
    based_on: JourneyMap | None = None,
) -> JourneyMap:
    """Create a map, and its initial content through the write path as one batch.

    ``structure`` uses the template format (phases, stages, lanes, cards with
    indexes into the lists).
    """
    # One transaction: the map, its first content and what reports it (the
    # webhooks' outbox) commit together or not at all.
    with transaction.atomic():
        journey_map = JourneyMap.objects.create(
            workspace=workspace,
            title=title,
            kind=kind,
            language=language,
            goal=goal,
            based_on=based_on,
            created_by=actor_user,
            last_edited_by=actor_user,
            owner=default_map_owner(workspace_id=workspace.id, creator=actor_user),
        )
        if structure:
            ops = structure_ops(structure)
            if ops:
                map_edit(journey_map, actor_user, ops, batch_id=f"init:{journey_map.id}", role=Role.OWNER,
                         max_ops=None)
    journey_map.refresh_from_db()
    return journey_map


def structure_ops(structure: dict[str, Any]) -> list[dict[str, Any]]:
    """Create ops for a template-format structure; ids are fresh, order is kept."""
    ops: list[dict[str, Any]] = []
    phase_ids: list[str] = []
    for phase in structure.get("phases", []):
        phase_ids.append(new_id())
        ops.append({"op": "create", "entity": "phase", "id": phase_ids[-1],
                    "fields": {k: v for k, v in phase.items() if k in ("title", "color")}})
    stage_ids: list[str] = []
    for stage in structure.get("stages", []):
        stage_ids.append(new_id())
        fields = {"name": stage["name"], "description": stage.get("description", "")}
        if stage.get("phase") is not None:
            fields["phase"] = phase_ids[stage["phase"]]
        ops.append({"op": "create", "entity": "stage", "id": stage_ids[-1], "fields": fields})
    lane_ids: list[str] = []
    for lane in structure.get("lanes", []):
        lane_ids.append(new_id())
        ops.append({"op": "create", "entity": "lane", "id": lane_ids[-1],
                    "fields": {"kind": lane.get("kind", "text"), "title": lane["title"],
                               "prompt": lane.get("prompt", "")}})
    for card in structure.get("cards", []):
        fields = {k: v for k, v in card.items() if k in ("text", "color", "priority")}
        fields.update(stage=stage_ids[card["stage"]], lane=lane_ids[card["lane"]])
        ops.append({"op": "create", "entity": "card", "id": new_id(), "fields": fields})
    return ops


def map_update(*, journey_map: JourneyMap, user: Any, fields: dict[str, Any],
               batch_id: str | None = None) -> JourneyMap:
    """Change a map's own fields, ``archived`` among them, as one map op through
    the write path: the archive gets a ``seq`` and an op-log row like any edit, and
    open editors receive it at once.

    An archived map takes only an op that brings it back (with other fields or
    not); asking for the state the map is already in writes nothing. Archiving ends
    the map's share links: once committed, every share socket open on it closes, as
    on revocation.
    """
    with transaction.atomic():
        # Read under the row lock ``apply`` takes next in this transaction, so
        # no other archive slips between this read and the write.
        archived_now = (JourneyMap.objects.select_for_update().filter(id=journey_map.id)
                        .values_list("archived", flat=True).first())
        if fields and fields != {"archived": archived_now}:
            map_edit(journey_map, user, [{"op": "update", "entity": "map", "id": str(journey_map.id),
                                          "fields": fields}], batch_id=batch_id, service_fields=True)
        if fields.get("archived") is True:
            link_ids = sharing.share_link_ids_of_map(map_id=journey_map.id)
            transaction.on_commit(lambda: [sharing.notify_closed(link_id) for link_id in link_ids])
    journey_map.refresh_from_db()
    return journey_map


def map_archive(*, journey_map: JourneyMap, user: Any = None, archived: bool = True) -> JourneyMap:
    """Archive (or bring back) a map as ``user`` (``None``: the system)."""
    return map_update(journey_map=journey_map, user=user, fields={"archived": archived})
