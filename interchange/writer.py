"""A map as a ``journeymap.map`` file (reads only: the document snapshot plus the
full profiles of its personas and the channels and teams it names)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from interchange.format import (
    CHANNEL_FIELDS,
    FIELDS,
    FORMAT,
    MAP_FIELDS,
    PERSONA_FIELDS,
    TEAM_FIELDS,
    VERSION,
)
from maps.models import JourneyMap, Team
from maps.selectors import map_document, snapshot_transaction
from personas.models import Persona
from touchpoints.models import Attachment, Channel

FILE_NAME_IN_BUNDLE = "map.journeymap.json"


@dataclass(frozen=True)
class BundleFile:
    """A file a bundle carries: where it goes in the zip, and where it is stored."""

    path: str
    storage_name: str


def attachment_path(attachment_id: str, name: str) -> str:
    return f"attachments/{attachment_id}/{name.replace('/', '_').replace(chr(92), '_')}"


def map_file(*, map_id: Any) -> tuple[dict[str, Any], list[BundleFile]]:
    """The file of a map, and the stored files a bundle of it carries.

    Items are listed in the order the map shows them (stages phase by phase,
    cards cell by cell), so two exports of one map are equal but for
    ``exported_at``, and an import that creates items in file order rebuilds
    the same order.
    """
    with snapshot_transaction():
        document = map_document(map_id=map_id)
        # The review interval is a setting of the map, not in the document (whose
        # ``map`` is what the op log edits): read it in the same snapshot.
        map_info = {**document["map"], **JourneyMap.objects.filter(id=map_id).values("review_every_months").get()}
        persona_ids = [p["id"] for p in document["personas"]]
        personas = {str(p.id): p for p in Persona.objects.filter(id__in=persona_ids)}
        workspace_id = document["map"]["workspace"]
        teams = {str(t.id): t for t in Team.objects.filter(workspace_id=workspace_id)}
        channels = {str(c.id): c for c in Channel.objects.filter(Q(workspace__isnull=True)
                                                                  | Q(workspace_id=workspace_id))}
        attachment_ids = [entry["id"] for tp in document["touchpoints"] for entry in tp.get("attachments") or []]
        stored = {str(a.id): a.file.name for a in Attachment.objects.filter(id__in=attachment_ids,
                                                                            workspace_id=workspace_id)}
    bundle: list[BundleFile] = []
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "generator": "Journeymap",
        "map": {"id": map_info["id"], **{k: map_info[k] for k in MAP_FIELDS}},
        "phases": [_item(p, "phases") for p in document["phases"]],
        "stages": [_item(s, "stages") for s in document["stages"]],
        "lanes": [_item(lane, "lanes") for lane in document["lanes"]],
    }
    stage_rank = {s["id"]: i for i, s in enumerate(document["stages"])}
    lane_rank = {lane["id"]: i for i, lane in enumerate(document["lanes"])}
    persona_rank = {pid: i for i, pid in enumerate(persona_ids)}

    def in_cell(item: dict[str, Any]) -> tuple[int, int, str, str]:
        return (stage_rank.get(item["stage"], 0), lane_rank.get(item.get("lane") or "", -1),
                item.get("position", ""), item["id"])

    team_names: list[str] = []
    channel_ids: list[str] = []

    def team_name(team_id: str | None) -> str | None:
        team = teams.get(team_id or "")
        if team is None:
            return None
        if team.name not in team_names:
            team_names.append(team.name)
        return team.name

    def channel_name(channel_id: str | None) -> str | None:
        channel = channels.get(channel_id or "")
        if channel is None:
            return None
        if channel_id not in channel_ids:
            channel_ids.append(channel_id)  # type: ignore[arg-type]
        return channel.name

    cards = []
    for card in sorted(document["cards"], key=in_cell):
        item = _item(card, "cards")
        item["team"] = team_name(card["team"])
        cards.append(item)
    out["cards"] = cards
    touchpoints = []
    for touchpoint in sorted(document["touchpoints"], key=in_cell):
        item = _item(touchpoint, "touchpoints")
        item["channel"] = channel_name(touchpoint["channel"])
        item["owner_team"] = team_name(touchpoint["owner_team"])
        item["attachments"] = []
        for entry in touchpoint.get("attachments") or []:
            path = attachment_path(entry["id"], entry["name"])
            item["attachments"].append({"id": entry["id"], "name": entry["name"],
                                        "content_type": entry["content_type"], "size": entry["size"],
                                        "file": path})
            if entry["id"] in stored:
                bundle.append(BundleFile(path, stored[entry["id"]]))
        touchpoints.append(item)
    out["touchpoints"] = touchpoints
    out["moments"] = [_item(m, "moments") for m in sorted(document["moments"], key=in_cell)]
    out["emotions"] = [
        _item(e, "emotions") for e in sorted(
            document["emotions"],
            key=lambda e: (stage_rank.get(e["stage"], 0), -1 if e["persona"] is None else persona_rank.get(
                e["persona"], len(persona_rank)), e["id"]))
    ]
    out["personas"] = []
    for persona_id in persona_ids:
        persona = personas[persona_id]
        profile = {"id": persona_id, **{k: getattr(persona, k) for k in PERSONA_FIELDS if k != "avatar"}}
        profile["avatar"] = None
        if persona.avatar:
            extension = persona.avatar.name.rsplit(".", 1)[-1].lower()
            profile["avatar"] = f"personas/{persona_id}.{extension}"
            bundle.append(BundleFile(profile["avatar"], persona.avatar.name))
        out["personas"].append(profile)
    out["channels"] = [{k: getattr(channels[cid], k) for k in CHANNEL_FIELDS} for cid in channel_ids]
    by_name = {t.name: t for t in teams.values()}
    out["teams"] = [{k: getattr(by_name[name], k) for k in TEAM_FIELDS} for name in team_names]
    return out, bundle


def _item(row: dict[str, Any], collection: str) -> dict[str, Any]:
    return {"id": row["id"], **{k: row.get(k) for k in FIELDS[collection]}}


def file_bytes(document: dict[str, Any]) -> bytes:
    """The file as UTF-8 JSON: readable, with the text as it was written."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def bundle_bytes(document: dict[str, Any], files: list[BundleFile]) -> bytes:
    """A zip of the file (``map.journeymap.json``) and the stored files it names.

    A stored file that has gone missing is left out of the zip; the entry stays
    in the file (an import then warns that it found no file for it).
    """
    from django.core.files.storage import default_storage

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(FILE_NAME_IN_BUNDLE, file_bytes(document))
        written: set[str] = set()
        for item in files:
            if item.path in written:
                continue
            try:
                with default_storage.open(item.storage_name, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            # Pictures and documents are mostly compressed already.
            archive.writestr(item.path, data, compress_type=zipfile.ZIP_STORED)
            written.add(item.path)
    return out.getvalue()
