"""The grid shape of CSV and XLSX (see ``interchange.tabular``): stages across,
an optional ``phase:`` row, lanes down, cards (one per line) in the cells."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.utils.translation import gettext as _

from interchange.cells import ascii_fold, column_letter, parse_number, plain, touchpoint_fields
from interchange.format import empty_file
from interchange.problems import ImportProblem
from interchange.reading import Reading

PHASE_MARKERS = ("phase:", "phase :", "phases:", "phases :", "phase")
LANE_KINDS = (
    ("touchpoints", ("touchpoint", "point de contact", "points de contact", "canaux", "channels")),
    ("emotion", ("emotion", "émotion", "feeling", "ressenti", "courbe")),
    ("pain_points", ("pain point", "irritant", "point de douleur", "points de friction", "friction")),
    ("opportunities", ("opportunit",)),
    ("moments_of_truth", ("moment of truth", "moments of truth", "moment de vérité", "moments de vérité")),
)


def _lane_kind(title: str) -> str:
    words_of_title = plain(title)
    for kind, words in LANE_KINDS:
        if any(word in words_of_title or ascii_fold(word) in ascii_fold(words_of_title) for word in words):
            return kind
    return "text"


def read_grid(rows: list[list[str]], source: str, language: str) -> Reading:
    width = max(len(row) for row in rows)
    header = rows[0] + [""] * (width - len(rows[0]))
    stage_columns = [i for i in range(1, width) if header[i].strip()]
    if not stage_columns:
        raise ImportProblem(_("The first row must name the stages (from the second column on), or the file must be "
                              "a touchpoint list with “stage” and “name” columns."), row=1)
    document = empty_file(title=header[0].strip()[:200] or _("Imported map"), kind="current_state",
                          language=language)
    reading = Reading(document, source, default_title=not header[0].strip())
    stage_ids: dict[int, str] = {}
    for index in stage_columns:
        name = re.sub(r"\s+", " ", header[index]).strip()
        if len(name) > 200:
            raise ImportProblem(_("a stage name must be at most 200 characters"), row=1,
                                column=column_letter(index))
        stage_ids[index] = str(uuid.uuid4())
        document["stages"].append({"id": stage_ids[index], "name": name, "description": "", "phase": None})
        reading.origins[stage_ids[index]] = (1, column_letter(index))
    body = rows[1:]
    first_body_row = 2
    if body and plain(body[0][0] if body[0] else "") in PHASE_MARKERS:
        phase_row = body[0] + [""] * (width - len(body[0]))
        current: str | None = None
        titles: dict[str, str] = {}
        for index in range(1, width):
            title = re.sub(r"\s+", " ", phase_row[index]).strip()
            if title:
                if len(title) > 200:
                    raise ImportProblem(_("a phase name must be at most 200 characters"), row=2,
                                        column=column_letter(index))
                if title not in titles:
                    titles[title] = str(uuid.uuid4())
                    document["phases"].append({"id": titles[title], "title": title, "color": ""})
                current = titles[title]
            if index in stage_ids:
                document["stages"][list(stage_ids).index(index)]["phase"] = current
        body = body[1:]
        first_body_row = 3
    stages_by_phase = _ordered_by_phase(document)
    document["stages"] = stages_by_phase
    for offset, row in enumerate(body):
        number = first_body_row + offset
        row = row + [""] * (width - len(row))
        title = re.sub(r"\s+", " ", row[0]).strip()
        if not title and not any(cell.strip() for cell in row):
            continue
        if not title:
            raise ImportProblem(_("a lane needs a title in the first column"), row=number, column="A")
        if len(title) > 200:
            raise ImportProblem(_("a lane title must be at most 200 characters"), row=number, column="A")
        kind = _lane_kind(title)
        lane_id = str(uuid.uuid4())
        document["lanes"].append({"id": lane_id, "kind": kind, "title": title, "prompt": ""})
        reading.origins[lane_id] = (number, "A")
        for index, stage_id in stage_ids.items():
            cell = row[index].strip()
            if not cell:
                continue
            origin = (number, column_letter(index))
            if kind == "emotion":
                try:
                    score = parse_number(cell)
                except ValueError:
                    score = None
                if score is None or not float(score).is_integer() or not -3 <= score <= 3:
                    raise ImportProblem(_("an emotion lane holds a score from -3 to 3, not “%(value)s”")
                                        % {"value": cell[:40]}, row=number, column=column_letter(index))
                point_id = str(uuid.uuid4())
                document["emotions"].append({"id": point_id, "stage": stage_id, "persona": None,
                                             "score": int(score), "note": ""})
                reading.origins[point_id] = origin
                continue
            for line in (part.strip() for part in cell.splitlines()):
                if not line:
                    continue
                item_id = str(uuid.uuid4())
                reading.origins[item_id] = origin
                if kind == "touchpoints":
                    if len(line) > 200:
                        raise ImportProblem(_("a touchpoint's name must be at most 200 characters"), row=number,
                                            column=column_letter(index))
                    document["touchpoints"].append(touchpoint_fields(
                        {"name": line, "channel": "", "evaluation": "", "volume_share": None, "volume_count": None,
                         "csat": None, "nps": None, "evidence_url": ""}, stage=stage_id, lane=lane_id,
                        item_id=item_id))
                else:
                    document["cards"].append({"id": item_id, "stage": stage_id, "lane": lane_id, "text": line,
                                              "color": "", "team": None, "priority": "", "addresses": None})
    # Items in the order the map shows them: the order of the stages, then lanes.
    rank = {stage["id"]: i for i, stage in enumerate(document["stages"])}
    lane_rank = {lane["id"]: i for i, lane in enumerate(document["lanes"])}
    for collection in ("cards", "touchpoints"):
        document[collection].sort(key=lambda item: (rank[item["stage"]], lane_rank[item["lane"]]))
    document["emotions"].sort(key=lambda item: rank[item["stage"]])
    return reading


def _ordered_by_phase(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Stages as the map will show them (phase by phase, stages without one last)."""
    rank = {phase["id"]: i for i, phase in enumerate(document["phases"])}
    indexed = list(enumerate(document["stages"]))
    indexed.sort(key=lambda pair: (rank.get(pair[1]["phase"], len(rank)), pair[0]))
    return [stage for _index, stage in indexed]
