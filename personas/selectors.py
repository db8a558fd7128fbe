from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from maps.models import MapPersona
from personas.models import Persona


def persona_list(*, workspace_id: Any, include_archived: bool = False) -> QuerySet[Persona]:
    rows = Persona.objects.filter(workspace_id=workspace_id)
    if not include_archived:
        rows = rows.filter(archived=False)
    return rows.order_by("name", "id")


def persona_get(*, workspace_id: Any, persona_id: Any) -> Persona | None:
    return Persona.objects.filter(workspace_id=workspace_id, id=persona_id).first()


def maps_following(*, persona_id: Any) -> list[Any]:
    """Open-able maps whose document shows this persona."""
    return list(
        MapPersona.objects.filter(persona_id=persona_id, deleted_by_seq__isnull=True, map__archived=False)
        .values_list("map_id", flat=True)
        .distinct()
    )


def persona_item(persona: Persona) -> dict[str, Any]:
    """The persona as the map document shows it (``maps.selectors._linked_personas``)."""
    return {
        "id": str(persona.id), "name": persona.name, "role": persona.role, "quote": persona.quote,
        "goals": persona.goals, "needs": persona.needs, "frustrations": persona.frustrations,
        "behaviours": persona.behaviours, "preferred_channels": persona.preferred_channels,
        "demographics": persona.demographics, "color": persona.color, "avatar": bool(persona.avatar),
        "version": persona.version, "archived": persona.archived,
    }


def map_persona_links(*, map_id: Any) -> list[dict[str, Any]]:
    """The personas a map follows, in strip order, each with its link (the
    ``persona_link`` entity) -- one query."""
    rows = (MapPersona.objects.filter(map_id=map_id, deleted_by_seq__isnull=True)
            .select_related("persona").order_by("position", "id"))
    return [{**persona_item(row.persona), "link": str(row.id), "position": row.position} for row in rows]
