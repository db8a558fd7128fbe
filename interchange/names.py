"""Personas, channels and teams of a file matched by name in a workspace."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from maps.models import Team, Workspace
from personas.models import Persona
from touchpoints.models import Channel


def name_key(name: str) -> str:
    """Names match whatever their case, spacing and Unicode form."""
    text = unicodedata.normalize("NFC", name).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class Names:
    """What each name of the file is in the workspace: an existing row's id, or
    None for one the import creates."""

    teams: dict[str, str | None] = field(default_factory=dict)
    channels: dict[str, str | None] = field(default_factory=dict)
    personas: dict[str, str | None] = field(default_factory=dict)  # file persona id -> persona id
    differing_personas: list[str] = field(default_factory=list)

    def new_teams(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        return [t for t in document["teams"] if self.teams.get(name_key(t["name"])) is None]

    def new_channels(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for c in document["channels"] if self.channels.get(name_key(c["name"])) is None]

    def new_personas(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        return [p for p in document["personas"] if self.personas.get(p["id"]) is None]


PROFILE = ("role", "quote", "goals", "needs", "frustrations", "behaviours", "preferred_channels", "demographics")


def match_names(workspace: Workspace, document: dict[str, Any]) -> Names:
    names = Names()
    teams = {name_key(t.name): str(t.id) for t in Team.objects.filter(workspace=workspace)}
    for team in document["teams"]:
        names.teams[name_key(team["name"])] = teams.get(name_key(team["name"]))
    channels: dict[str, str] = {}
    # Workspace channels first, so they win over a built-in one of the same name.
    for channel in Channel.objects.filter(Q(workspace=workspace) | Q(workspace__isnull=True), archived=False
                                          ).order_by("workspace_id", "position"):
        for alias in (channel.key, channel.name, channel.name_fr):
            if alias:
                channels.setdefault(name_key(alias), str(channel.id))
    for channel in document["channels"]:
        found = channels.get(name_key(channel["name"]))
        if found is None and channel.get("key"):
            found = channels.get(name_key(channel["key"]))
        if found is None and channel.get("name_fr"):
            found = channels.get(name_key(channel["name_fr"]))
        names.channels[name_key(channel["name"])] = found
    personas: dict[str, Persona] = {}
    for persona in Persona.objects.filter(workspace=workspace, archived=False).order_by("created_at", "id"):
        personas.setdefault(name_key(persona.name), persona)
    for profile in document["personas"]:
        existing = personas.get(name_key(profile["name"]))
        names.personas[profile["id"]] = str(existing.id) if existing else None
        if existing is not None and any(
                key in profile and profile[key] not in ("", [], {}, None) and profile[key] != getattr(existing, key)
                for key in PROFILE):
            names.differing_personas.append(existing.name)
    return names
