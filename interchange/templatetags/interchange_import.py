"""What the dashboard's Import dialog shows in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from maps.models import LaneKind

register = template.Library()


@register.simple_tag
def import_labels() -> dict[str, Any]:
    """Labels the dialog's script puts beside what the server counts and names
    (the script writes them with textContent: data, never markup)."""
    return {
        "counts": {"phases": _("Phases"), "stages": _("Stages"), "lanes": _("Lanes"), "cards": _("Cards"),
                   "touchpoints": _("Touchpoints"), "moments": _("Moments of truth"),
                   "emotions": _("Points on the emotion curves"), "personas": _("Personas")},
        "kinds": {value: str(label) for value, label in LaneKind.choices},
        "no_phase": _("no phase"),
        "new": _("new"),
        "reading": _("Reading %(name)s…"),
        "creating": _("Creating the map…"),
        "failed": _("The import failed. Please try again."),
        "formats": {"journeymap": _("Journeymap map file"), "bundle": _("Journeymap bundle (map and files)"),
                    "csv": _("CSV spreadsheet"), "xlsx": _("Excel workbook"), "mermaid": _("Mermaid user journey")},
    }
