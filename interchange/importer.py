"""Import: a map file (from any reader) becomes a new map of a workspace.

New ids throughout; personas, channels and teams are matched by name in the
workspace, else created; the map's content is written through the write path as
one batch (one op-log row, undone as one). Everything happens in one
transaction: a refusal anywhere leaves nothing behind, stored files included.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interchange.format import FIELDS
from interchange.names import Names, match_names, name_key
from interchange.problems import ImportProblem
from interchange.reading import Reading
from maps.errors import OpError
from maps.models import JourneyMap, Workspace
from maps.selectors import default_map_owner
from maps.services import map_edit
from personas.services import persona_create, persona_set_avatar
from touchpoints.models import Attachment
from touchpoints.services import channel_add
from workspaces.services import team_add

COUNTED = ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "personas")


@dataclass
class ImportResult:
    journey_map: JourneyMap | None
    counts: dict[str, int]
    warnings: list[str]
    preview: dict[str, Any]
    created: dict[str, list[str]] = field(default_factory=dict)


def map_import(*, workspace: Workspace, user: Any, reading: Reading, title: str | None = None,
               dry_run: bool = False, role: str | None = None) -> ImportResult:
    """Import ``reading`` as a new map of ``workspace`` (or, with ``dry_run``, only
    say what it would make). Raises ``ImportProblem`` naming where the file is wrong."""
    document = reading.document
    info = document["map"]
    title = (title or info.get("title") or _("Imported map")).strip()[:200]
    names = match_names(workspace, document)
    warnings = list(reading.warnings) + _warnings(reading, names)
    counts = {c: len(document[c]) for c in COUNTED}
    preview = {
        "format": reading.source_format, "title": title, "kind": info.get("kind", "custom"),
        "language": info.get("language", "en"),
        "phases": [p["title"] for p in document["phases"]],
        "stages": [{"name": s["name"], "phase": next((p["title"] for p in document["phases"]
                                                       if p["id"] == s.get("phase")), None)}
                   for s in document["stages"]],
        "lanes": [{"title": lane["title"], "kind": lane.get("kind", "text")} for lane in document["lanes"]],
        "personas": [{"name": p["name"], "new": names.personas.get(p["id"]) is None} for p in document["personas"]],
        "new_channels": [c["name"] for c in names.new_channels(document)],
        "new_teams": [t["name"] for t in names.new_teams(document)],
    }
    if dry_run:
        return ImportResult(None, counts, warnings, preview)
    stored: list[Any] = []
    try:
        with transaction.atomic():
            journey_map = JourneyMap.objects.create(
                workspace=workspace, title=title, kind=info.get("kind", "custom"), language=info.get("language", "en"),
                goal=info.get("goal", ""), description=info.get("description", ""), created_by=user,
                last_edited_by=user, owner=default_map_owner(workspace_id=workspace.id, creator=user),
                **({"review_every_months": info["review_every_months"]} if "review_every_months" in info else {}))
            _create_names(workspace, document, names, reading, stored)
            ops, places = build_ops(document, names, reading, journey_map, user, stored)
            if ops:
                try:
                    map_edit(journey_map, user, ops, batch_id=f"import:{journey_map.id}", role=role, max_ops=None,
                             bulk=True)
                except OpError as error:
                    raise _located(error, places, reading) from None
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    journey_map.refresh_from_db()
    return ImportResult(journey_map, counts, warnings, preview)


def _warnings(reading: Reading, names: Names) -> list[str]:
    document = reading.document
    warnings: list[str] = []
    for persona in names.differing_personas:
        warnings.append(_("The workspace already has a persona named “%(name)s”: the map follows it, and its "
                          "profile was left as it is.") % {"name": persona})
    missing = [entry for tp in document["touchpoints"] for entry in tp.get("attachments") or []
               if entry["file"] not in reading.files]
    if missing:
        warnings.append(ngettext("%(n)d attachment is not in the file and was left out (import the bundle, "
                                 "export.json?bundle=1, to bring files along).",
                                 "%(n)d attachments are not in the file and were left out (import the bundle, "
                                 "export.json?bundle=1, to bring files along).", len(missing)) % {"n": len(missing)})
    pictures = [p for p in document["personas"] if p.get("avatar") and p["avatar"] not in reading.files
                and names.personas.get(p["id"]) is None]
    if pictures:
        warnings.append(ngettext("%(n)d persona picture is not in the file and was left out.",
                                 "%(n)d persona pictures are not in the file and were left out.", len(pictures))
                        % {"n": len(pictures)})
    for kind, items in (("channel", names.new_channels(document)), ("team", names.new_teams(document))):
        if items:
            listed = ", ".join(item["name"] for item in items[:10])
            warnings.append((_("New channels for the workspace: %(names)s") if kind == "channel"
                             else _("New teams for the workspace: %(names)s")) % {"names": listed})
    return warnings


def _create_names(workspace: Workspace, document: dict[str, Any], names: Names, reading: Reading,
                  stored: list[Any]) -> None:
    for team in names.new_teams(document):
        names.teams[name_key(team["name"])] = str(team_add(workspace=workspace, name=team["name"],
                                                           color=team.get("color")).id)
    for channel in names.new_channels(document):
        data = {k: channel[k] for k in ("name", "name_fr", "kind", "brand_controlled", "icon") if k in channel}
        if channel.get("key"):
            data["key"] = channel["key"]
        names.channels[name_key(channel["name"])] = str(channel_add(workspace=workspace, data=data).id)
    for profile in names.new_personas(document):
        data = {k: v for k, v in profile.items() if k not in ("id", "avatar")}
        persona = persona_create(workspace=workspace, data=data)
        names.personas[profile["id"]] = str(persona.id)
        picture = reading.files.get(profile.get("avatar") or "")
        if picture is not None:
            try:
                persona_set_avatar(persona=persona, upload=SimpleUploadedFile(profile["avatar"], picture,
                                                                                  content_type=""))
            except OpError as error:
                raise ImportProblem(error.message, column=profile["avatar"]) from None
            stored.append((persona.avatar.storage, persona.avatar.name))
    # Two personas of the file with one name follow one persona.
    seen: dict[str, str] = {}
    for profile in document["personas"]:
        seen.setdefault(name_key(profile["name"]), names.personas[profile["id"]])  # type: ignore[arg-type]
        names.personas[profile["id"]] = seen[name_key(profile["name"])]


def build_ops(document: dict[str, Any], names: Names, reading: Reading, journey_map: JourneyMap, user: Any,
              stored: list[Any]) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    """Create ops for the file's content under new ids, parents first; and for
    each op, the (collection, index) of the file item it comes from."""
    ids: dict[str, str] = {}
    ops: list[dict[str, Any]] = []
    places: list[tuple[str, int]] = []
    later: list[tuple[str, str, int]] = []

    def add(op: dict[str, Any], collection: str, index: int) -> None:
        ops.append(op)
        places.append((collection, index))

    linked: set[str] = set()
    for collection in ("phases", "stages", "lanes", "personas", "cards", "touchpoints", "moments", "emotions"):
        for index, item in enumerate(document[collection]):
            new = str(uuid.uuid4())
            if collection == "personas":
                persona_id = names.personas[item["id"]]
                if persona_id not in linked:
                    linked.add(persona_id)  # type: ignore[arg-type]
                    add({"op": "create", "entity": "persona_link", "id": new, "fields": {"persona": persona_id}},
                        collection, index)
                continue
            ids[item["id"]] = new
            fields: dict[str, Any] = {}
            for key in FIELDS[collection]:
                if key not in item or item[key] is None:
                    continue
                value = item[key]
                if key in ("phase", "stage", "lane", "touchpoint"):
                    value = ids[value]
                elif key == "addresses":
                    if value not in ids:
                        later.append((new, value, index))
                        continue
                    value = ids[value]
                elif key == "persona":
                    value = names.personas[value]
                elif key in ("team", "owner_team"):
                    value = names.teams[name_key(value)]
                elif key == "channel":
                    value = names.channels[name_key(value)]
                elif key == "attachments":
                    value = _attachments(value, reading, journey_map, new, user, stored)
                    if not value:
                        continue
                fields[key] = value
            add({"op": "create", "entity": collection[:-1] if collection != "emotions" else "emotion", "id": new,
                 "fields": fields}, collection, index)
    for card_id, target, index in later:
        add({"op": "update", "entity": "card", "id": card_id, "fields": {"addresses": ids[target]}}, "cards", index)
    return ops, places


def _attachments(entries: list[dict[str, Any]], reading: Reading, journey_map: JourneyMap, touchpoint_id: str,
                 user: Any, stored: list[Any]) -> list[dict[str, Any]]:
    """Store a bundle's files for a new touchpoint; their entries, signed for it."""
    from touchpoints.attachments import checked_upload, clean_name, make_entry

    out = []
    for entry in entries:
        data = reading.files.get(entry["file"])
        if data is None:
            continue
        upload = SimpleUploadedFile(entry["name"], data, content_type=entry.get("content_type") or "")
        try:
            kind = checked_upload(upload)
        except OpError as error:
            raise ImportProblem(error.message, column=entry["file"]) from None
        attachment = Attachment(id=uuid.uuid4(), workspace_id=journey_map.workspace_id, map_id=journey_map.id,
                                touchpoint_id=touchpoint_id, name=clean_name(entry["name"], kind),
                                content_type=kind.content_type, size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(),
                                uploaded_by=user if getattr(user, "pk", None) else None)
        attachment.file.save(f"{secrets.token_hex(16)}.{kind.extensions[0]}", ContentFile(data), save=False)
        stored.append((attachment.file.storage, attachment.file.name))
        # The touchpoint is created later in this transaction: the foreign key is checked at commit.
        attachment.save(force_insert=True)
        out.append(make_entry(attachment))
    return out


def _located(error: OpError, places: list[tuple[str, int]], reading: Reading) -> ImportProblem:
    """A refusal of the write path, told as a place in the file."""
    if error.op_index is None or error.op_index >= len(places):
        return ImportProblem(error.message)
    collection, index = places[error.op_index]
    item = reading.document[collection][index]
    row, column = reading.origins.get(item.get("id", ""), (None, None))
    if row is not None:
        return ImportProblem(error.message, row=row, column=column or error.field)
    return ImportProblem(error.message, column=f"{collection}[{index}]" + (f".{error.field}" if error.field else ""))
