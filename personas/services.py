"""Persona writes. A persona is shared by the maps of a workspace: a change is
pushed, on commit, to every map that follows it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from maps.models import Workspace
from maps.services.workspace import broadcast_workspace_item
from personas.models import Persona
from personas.selectors import maps_following, persona_item

WRITABLE = ("name", "role", "quote", "goals", "needs", "frustrations", "behaviours", "preferred_channels",
            "demographics", "color")


def persona_create(*, workspace: Workspace, data: dict[str, Any]) -> Persona:
    return Persona.objects.create(workspace=workspace, **{k: v for k, v in data.items() if k in WRITABLE})


def persona_update(*, persona: Persona, data: dict[str, Any]) -> Persona:
    with transaction.atomic():
        fields = [k for k in data if k in WRITABLE]
        for key in fields:
            setattr(persona, key, data[key])
        persona.version = F("version") + 1
        persona.save(update_fields=[*fields, "version", "updated_at"])
        persona.refresh_from_db()
        broadcast_workspace_item(maps_following(persona_id=persona.id), "persona", persona_item(persona))
    return persona


def persona_archive(*, persona: Persona) -> Persona:
    """Archived, not deleted: maps that followed the persona keep their emotion curves."""
    with transaction.atomic():
        persona.archived = True
        persona.version = F("version") + 1
        persona.save(update_fields=["archived", "version", "updated_at"])
        persona.refresh_from_db()
        broadcast_workspace_item(maps_following(persona_id=persona.id), "persona", persona_item(persona))
    return persona
