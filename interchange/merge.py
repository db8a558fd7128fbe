"""A touchpoint list merged into an existing map.

Touchpoints are matched by stage name and touchpoint name: matched ones take the
list's values (only the columns the list has), the others are created, stages
the map lacks are added at its end. One batch through the write path, after an
automatic version of the map (so the merge can be undone by restoring it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interchange.importer import _located
from interchange.names import match_names, name_key
from interchange.problems import ImportProblem
from interchange.reading import Reading
from maps.errors import OpError
from maps.models import JourneyMap
from maps.selectors import map_document
from maps.services import map_edit
from touchpoints.services import channel_add
from versions.services import version_create

# The touchpoint fields each list column writes.
COLUMN_FIELDS = {"channel": ("channel",), "evaluation": ("evaluation",), "volume_share": ("volume_share",),
                 "volume_count": ("volume_count",), "csat": ("csat",), "nps": ("nps",),
                 "evidence_url": ("evidence",)}


@dataclass
class MergeResult:
    counts: dict[str, int]
    warnings: list[str]
    seq: int | None


def map_merge_touchpoints(*, journey_map: JourneyMap, user: Any, reading: Reading, dry_run: bool = False,
                          role: str | None = None) -> MergeResult:
    if not reading.columns:
        raise ImportProblem(_("Only a touchpoint list (columns stage, name, channel, evaluation, ...) can be "
                              "merged into a map."))
    listed = reading.document
    current = map_document(map_id=journey_map.id)
    stages = {name_key(s["name"]): s["id"] for s in current["stages"]}
    lane = next((lane["id"] for lane in current["lanes"] if lane["kind"] == "touchpoints"), None)
    existing = {(t["stage"], name_key(t["title"])): t for t in current["touchpoints"]}
    names = match_names(journey_map.workspace, listed)
    new_channels = names.new_channels(listed)
    ops: list[dict[str, Any]] = []
    places: list[tuple[str, int]] = []
    counts = {"created": 0, "updated": 0, "unchanged": 0, "stages_created": 0}
    if lane is None:
        lane = str(uuid.uuid4())
        title = "Points de contact" if journey_map.language == "fr" else "Touchpoints"
        ops.append({"op": "create", "entity": "lane", "id": lane, "fields": {"kind": "touchpoints", "title": title}})
        places.append(("lanes", 0))
    stage_of = {}
    for index, stage in enumerate(listed["stages"]):
        key = name_key(stage["name"])
        if key not in stages:
            stages[key] = str(uuid.uuid4())
            ops.append({"op": "create", "entity": "stage", "id": stages[key], "fields": {"name": stage["name"]}})
            places.append(("stages", index))
            counts["stages_created"] += 1
        stage_of[stage["id"]] = stages[key]
    written = [f for column in reading.columns for f in COLUMN_FIELDS.get(column, ())]
    pending: list[tuple[int, dict[str, Any], dict[str, Any] | None]] = []
    for index, item in enumerate(listed["touchpoints"]):
        match = existing.get((stage_of[item["stage"]], name_key(item["title"])))
        pending.append((index, item, match))
    with transaction.atomic():
        for channel in new_channels if not dry_run else []:
            names.channels[name_key(channel["name"])] = str(channel_add(workspace=journey_map.workspace,
                                                                        data={"name": channel["name"]}).id)
        for index, item, match in pending:
            fields = {f: item[f] for f in written}
            if "channel" in fields and fields["channel"] is not None:
                fields["channel"] = names.channels.get(name_key(fields["channel"])) or str(uuid.uuid4())
            if match is None:
                fields = {k: v for k, v in fields.items() if v is not None}
                ops.append({"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                            "fields": {"stage": stage_of[item["stage"]], "lane": lane, "title": item["title"],
                                       **fields}})
                counts["created"] += 1
            else:
                changed = {k: v for k, v in fields.items() if match.get(k) != v}
                if not changed:
                    counts["unchanged"] += 1
                    continue
                ops.append({"op": "update", "entity": "touchpoint", "id": match["id"], "fields": changed})
                counts["updated"] += 1
            places.append(("touchpoints", index))
        warnings = []
        if new_channels:
            warnings.append(_("New channels for the workspace: %(names)s")
                            % {"names": ", ".join(c["name"] for c in new_channels[:10])})
        if counts["stages_created"]:
            warnings.append(ngettext("%(n)d stage was not on the map and is added at its end.",
                                     "%(n)d stages were not on the map and are added at its end.",
                                     counts["stages_created"]) % {"n": counts["stages_created"]})
        if dry_run or not ops:
            return MergeResult(counts, warnings, None)
        # The version is read under the map's row lock, which the batch takes
        # next in this transaction: no edit slips between the two.
        JourneyMap.objects.select_for_update().filter(id=journey_map.id).values_list("id", flat=True).first()
        version_create(journey_map=journey_map, user=user, reason="import")
        try:
            ack = map_edit(journey_map, user, ops, batch_id=f"import:{uuid.uuid4()}", role=role, max_ops=None,
                           bulk=True)
        except OpError as error:
            raise _located(error, places, reading) from None
    return MergeResult(counts, warnings, ack.seq)
