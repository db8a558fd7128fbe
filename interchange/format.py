"""The map file format, ``journeymap.map``: its name, version, schema and fields.

What the file holds is listed here once: the writer (``interchange.writer``) and
the importer (``interchange.importer``) both follow these tables, and a test
compares them with the models so that a field added to a model and not to the
format (nor to ``NOT_IN_FORMAT`` with a reason) fails.

Versioning rule: ``version`` is a whole number raised whenever the format changes.
A reader accepts its own version and every older one (``upgrade`` brings an older
file up to date before it is read); a file of a newer version is refused, naming
both versions. Unknown fields are refused: a field the reader does not know would
otherwise be dropped without a word.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = "journeymap.map"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "map-format.schema.json"

# The collections of a file, in the order an import creates them (parents first).
COLLECTIONS = ("phases", "stages", "lanes", "personas", "cards", "touchpoints", "moments", "emotions")

# Per collection: the entity of the write path and the fields the file carries
# (besides ``id``). A field named in REFS points at another item of the file by id;
# in BY_NAME at a workspace channel or team by name.
ENTITY = {"phases": "phase", "stages": "stage", "lanes": "lane", "cards": "card", "touchpoints": "touchpoint",
          "moments": "moment", "emotions": "emotion"}
# ``review_every_months`` is the team's habit for the journey (how often it is checked),
# so it travels; who owns and who reviewed it, and when, stay with the source workspace.
MAP_FIELDS = ("title", "goal", "description", "kind", "language", "review_every_months")
FIELDS: dict[str, tuple[str, ...]] = {
    "phases": ("title", "color"),
    "stages": ("name", "description", "phase"),
    "lanes": ("kind", "title", "prompt"),
    "cards": ("stage", "lane", "text", "color", "team", "priority", "addresses", "votes"),
    "touchpoints": ("stage", "lane", "title", "description", "channel", "owner_team", "evaluation", "volume_share",
                    "volume_count", "volume_period", "csat", "nps", "ces", "metrics", "evidence", "attachments",
                    "votes"),
    "moments": ("stage", "lane", "touchpoint", "title", "rationale", "importance", "impact", "valence"),
    "emotions": ("stage", "persona", "score", "note"),
}
PERSONA_FIELDS = ("name", "role", "quote", "goals", "needs", "frustrations", "behaviours", "preferred_channels",
                  "demographics", "color", "avatar")
CHANNEL_FIELDS = ("name", "name_fr", "key", "kind", "brand_controlled", "icon")
TEAM_FIELDS = ("name", "color")
REFS: dict[str, dict[str, str]] = {
    "stages": {"phase": "phases"},
    "cards": {"stage": "stages", "lane": "lanes", "addresses": "cards"},
    "touchpoints": {"stage": "stages", "lane": "lanes"},
    "moments": {"stage": "stages", "lane": "lanes", "touchpoint": "touchpoints"},
    "emotions": {"stage": "stages", "persona": "personas"},
}
BY_NAME: dict[str, dict[str, str]] = {
    "cards": {"team": "teams"},
    "touchpoints": {"channel": "channels", "owner_team": "teams"},
}

# Model columns the file leaves out, and why. A column in neither list fails
# tests/interchange/test_format.py: decide where it goes.
NOT_IN_FORMAT: dict[str, dict[str, str]] = {
    "common": {
        "id": "the file has ids of its own (stable inside the file); an import makes new ones",
        "map": "the file is one map",
        "version": "edit counters of the write path",
        "deleted_by_seq": "deleted items are not exported",
        "created_at": "timestamps are not part of the content",
        "updated_at": "timestamps are not part of the content",
        "position": "items are listed in the order the map shows them",
    },
    "map": {
        "workspace": "the importer chooses the workspace",
        "based_on": "a link to another map of the source workspace",
        "seq": "the op log's counter",
        "archived": "an imported map is live",
        "created_by": "people are not exported",
        "last_edited_by": "people are not exported",
        "owner": "people are not exported (an imported map gets the importing workspace's default owner)",
        "reviewed_by": "people are not exported",
        "reviewed_at": "an imported map has not been reviewed where it lands; its review clock starts at the import",
        "review_reminded_at": "reminders belong to the source workspace's owner",
    },
    "card": {"author": "people are not exported"},
    "persona": {
        "workspace": "personas are matched by name in the importer's workspace",
        "archived": "only personas a map follows are exported",
    },
    "channel": {"workspace": "channels are matched by name", "position": "the workspace's catalogue order",
                "archived": "channels are matched by name"},
    "team": {"workspace": "teams are matched by name"},
    "persona_link": {"persona": "the file's personas are the ones the map follows, in order"},
}


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the current version, as kept in the repository."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def validator() -> Any:
    """A validator of the schema with its ``$ref`` written out in place: the same
    rules, checked several times faster on files of thousands of items."""
    import jsonschema

    definitions = schema()["$defs"]

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
                return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            return {k: inline(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return jsonschema.Draft202012Validator(inline(schema()))


def upgrade(document: dict[str, Any]) -> dict[str, Any]:
    """An older file brought up to the current version (version 1 is the first:
    nothing to do yet). Each future version adds one step here."""
    return document


def empty_file(**map_fields: Any) -> dict[str, Any]:
    """A file with no content: what readers of other formats fill in."""
    return {"format": FORMAT, "version": VERSION, "map": dict(map_fields), "phases": [], "stages": [], "lanes": [],
            "cards": [], "touchpoints": [], "moments": [], "emotions": [], "personas": [], "channels": [],
            "teams": []}
