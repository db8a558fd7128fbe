"""Workspace writes (the workspace, its teams and members) and their live fan-out.

Teams, like channels (``touchpoints.services``) and personas, are not map content
(they live in the workspace and are shared by its maps), so they do not go through
the op log; but open editors show their names and colours, so every change is
pushed to the maps that use them once it is committed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maps import realtime
from maps.errors import OpError
from maps.models import Card, JourneyMap, Membership, Role, Team, Workspace
from maps.selectors import workspace_map_ids
from maps.services import map_edit
from touchpoints.models import Touchpoint


def workspace_create(*, name: str, owner: Any) -> Workspace:
    with transaction.atomic():
        workspace = Workspace.objects.create(name=name)
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def team_item(team: Team, *, deleted: bool = False) -> dict[str, Any]:
    item = {"id": str(team.id), "name": team.name, "color": team.color}
    if deleted:
        item["deleted"] = True
    return item


def _check_team_name(workspace: Workspace, name: str, exclude: Any = None) -> None:
    rows = Team.objects.filter(workspace=workspace, name=name)
    if exclude is not None:
        rows = rows.exclude(id=exclude)
    if rows.exists():
        raise OpError("invalid", _("A team with this name already exists."), field="name")


def team_add(*, workspace: Workspace, name: str, color: str | None = None) -> Team:
    with transaction.atomic():
        _check_team_name(workspace, name)
        team = Team.objects.create(workspace=workspace, name=name, **({"color": color} if color else {}))
        realtime.broadcast_workspace_item(workspace_map_ids(workspace.id), "team", team_item(team))
    return team


def team_update(*, team: Team, data: dict[str, Any]) -> Team:
    with transaction.atomic():
        if "name" in data:
            _check_team_name(team.workspace, data["name"], exclude=team.id)
        for key in ("name", "color"):
            if key in data:
                setattr(team, key, data[key])
        team.save()
        realtime.broadcast_workspace_item(workspace_map_ids(team.workspace_id), "team", team_item(team))
    return team


def team_delete(*, team: Team, actor_user: Any) -> None:
    """Remove a team. Live cards and touchpoints that carry it are cleared through
    the write path first, so the op log (and open editors) follow."""
    clear_references(
        workspace_id=team.workspace_id,
        actor_user=actor_user,
        rows=[(Card, "card", "team"), (Touchpoint, "touchpoint", "owner_team")],
        value=team.id,
    )
    with transaction.atomic():
        item = team_item(team, deleted=True)
        workspace_id = team.workspace_id
        team.delete()
        realtime.broadcast_workspace_item(workspace_map_ids(workspace_id), "team", item)


def clear_references(*, workspace_id: Any, actor_user: Any, rows: list[tuple[Any, str, str]], value: Any) -> None:
    by_map: dict[Any, list[dict[str, Any]]] = {}
    for model, entity, field_name in rows:
        live = model.objects.filter(map__workspace_id=workspace_id, map__archived=False, deleted_by_seq__isnull=True,
                                    **{f"{field_name}_id": value}).values_list("map_id", "id")
        for map_id, item_id in live:
            by_map.setdefault(map_id, []).append(
                {"op": "update", "entity": entity, "id": str(item_id), "fields": {field_name: None}}
            )
    for map_id, ops in by_map.items():
        map_edit(JourneyMap(id=map_id, workspace_id=workspace_id), actor_user, ops,
                 batch_id=f"clear:{uuid.uuid4()}", role=Role.OWNER, max_ops=None)


# --- members ------------------------------------------------------------------------


def _team_of(workspace: Workspace, team_id: Any) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(id=team_id, workspace=workspace).first()
    if team is None:
        raise OpError("not_found", _("There is no such team in this workspace."), field="team")
    return team


def is_only_owner(membership: Membership) -> bool:
    """Whether this member is the workspace's one owner (who may be neither
    removed nor made anything else: nobody could manage the workspace after)."""
    if membership.role != Role.OWNER:
        return False
    others = Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.OWNER).exclude(id=membership.id)
    return not others.exists()


def _ensure_an_owner_stays(membership: Membership, new_role: str | None) -> None:
    if new_role == Role.OWNER or not is_only_owner(membership):
        return
    if new_role is None:
        message = _("%(name)s is the only owner of this workspace and cannot be removed: make someone else "
                    "an owner first.")
    else:
        message = _("%(name)s is the only owner of this workspace and stays one: make someone else an owner "
                    "first.")
    raise OpError("invalid", message % {"name": membership.user.get_full_name() or membership.user.get_username()},
                  field="member" if new_role is None else "role")


def member_add(*, workspace: Workspace, user: Any, role: str, team_id: Any = None) -> Membership:
    team = _team_of(workspace, team_id)
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise OpError("invalid", _("This person is already a member."), field="username")
    return Membership.objects.create(workspace=workspace, user=user, role=role, team=team)


def member_update(*, membership: Membership, data: dict[str, Any]) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(id=membership.id)
        if "role" in data:
            _ensure_an_owner_stays(membership, data["role"])
            membership.role = data["role"]
        if "team" in data:
            membership.team = _team_of(membership.workspace, data["team"])
        membership.save()
    return membership


def member_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(id=membership.id)
        _ensure_an_owner_stays(membership, None)
        membership.delete()
