from __future__ import annotations

from typing import Any

from maps.models import JourneyMap, Workspace
from maps.services import map_create
from templates_lib.builtin import BUILTIN_TEMPLATES
from templates_lib.models import MapTemplate


def ensure_builtin_templates() -> int:
    """Create or refresh the four built-in templates in every language (idempotent).

    The data migration and the test fixtures both call it, so transactional tests
    that flush the database get them back. Also seeds the channel catalogue.
    """
    from touchpoints.services import ensure_builtin_channels

    for template in BUILTIN_TEMPLATES:
        MapTemplate.objects.update_or_create(
            workspace=None,
            key=template["key"],
            language=template["language"],
            defaults={k: template[k] for k in ("name", "description", "kind", "structure")},
        )
    ensure_builtin_channels()
    return len(BUILTIN_TEMPLATES)


def map_from_template(*, template: MapTemplate, workspace: Workspace, title: str, actor_user: Any = None,
                      goal: str = "") -> JourneyMap:
    return map_create(
        workspace=workspace,
        title=title,
        actor_user=actor_user,
        kind=template.kind,
        language=template.language,
        goal=goal,
        structure=template.structure,
    )


def template_from_map(*, journey_map: JourneyMap, name: str, description: str = "",
                      include_cards: bool = False) -> MapTemplate:
    """Save any map's structure (phases, stages, lanes and their guiding questions,
    optionally its cards) as a template of its workspace."""
    from django.utils.text import slugify

    from maps.selectors import map_document

    document = map_document(map_id=journey_map.id)
    phase_index = {p["id"]: i for i, p in enumerate(document["phases"])}
    stage_index = {s["id"]: i for i, s in enumerate(document["stages"])}
    lane_index = {lane["id"]: i for i, lane in enumerate(document["lanes"])}
    structure: dict = {
        "phases": [{"title": p["title"], **({"color": p["color"]} if p["color"] else {})} for p in document["phases"]],
        "stages": [
            {"name": s["name"], "phase": phase_index.get(s["phase"]), "description": s["description"]}
            for s in document["stages"]
        ],
        "lanes": [{"kind": lane["kind"], "title": lane["title"], "prompt": lane["prompt"]}
                  for lane in document["lanes"]],
        "cards": [],
    }
    if include_cards:
        structure["cards"] = [
            {"stage": stage_index[c["stage"]], "lane": lane_index[c["lane"]], "text": c["text"],
             **({"color": c["color"]} if c["color"] else {}), **({"priority": c["priority"]} if c["priority"] else {})}
            for c in document["cards"]
            if c["stage"] in stage_index and c["lane"] in lane_index
        ]
    return MapTemplate.objects.create(
        workspace_id=journey_map.workspace_id,
        key=(slugify(name)[:50] or "custom"),
        language=journey_map.language,
        name=name,
        description=description,
        kind=journey_map.kind,
        structure=structure,
    )


def templates_for(*, user, language: str | None = None, workspace_id=None):  # type: ignore[no-untyped-def]
    """Built-in templates plus those of the user's workspaces (or of one of them)."""
    from django.db.models import Q

    from maps.models import Membership

    workspaces = Membership.objects.filter(user=user).values_list("workspace_id", flat=True)
    if workspace_id is not None:
        workspaces = workspaces.filter(workspace_id=workspace_id)
    rows = MapTemplate.objects.filter(Q(workspace__isnull=True) | Q(workspace_id__in=workspaces))
    if language:
        rows = rows.filter(language=language)
    from django.db.models import F

    return rows.order_by(F("workspace_id").asc(nulls_first=True), "key", "language", "name")


def template_visible(*, user, template_id, workspace_id) -> MapTemplate | None:  # type: ignore[no-untyped-def]
    """A template a new map of ``workspace_id`` may start from: built-in or that workspace's."""
    from django.db.models import Q

    return MapTemplate.objects.filter(Q(workspace__isnull=True) | Q(workspace_id=workspace_id),
                                      id=template_id).first()
