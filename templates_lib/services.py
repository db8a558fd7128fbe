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
