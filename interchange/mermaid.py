"""Mermaid ``journey`` diagrams: a map file as one, and one as a map file.

Written against the diagram's published grammar (``journey.jison``): a
``journey`` header, ``title``, ``accTitle:``, ``accDescr:`` or ``accDescr { ... }``,
``section`` lines and task lines ``name: score: actor, actor``; ``%%`` and ``#``
start comments. A title cannot hold ``#`` or ``;``, a section or task name cannot
hold ``#``, ``:`` or ``;`` either, so the writer replaces those characters with
look-alikes that the grammar accepts.

The contract's mapping: ``section`` -> phase, task -> stage named after it, each
actor a persona with an emotion point on that stage; a score 1..5 maps to the
emotion scale (1 -> -3, 2 -> -2, 3 -> 0, 4 -> 2, 5 -> 3) and back (scores between
the points go to the nearest: -1 -> 2, +1 -> 4); a task with no actor scores the
shared curve. Actors of one task share its score, so a stage whose personas
differ is written as one task line per distinct score, and the reader merges
consecutive same-name tasks of a section into one stage.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interchange.format import empty_file
from interchange.problems import ImportProblem

SCORE_TO_EMOTION = {1: -3, 2: -2, 3: 0, 4: 2, 5: 3}
EMOTION_TO_SCORE = {-3: 1, -2: 2, -1: 2, 0: 3, 1: 4, 2: 4, 3: 5}
_LOOKALIKES = str.maketrans({":": "\ua789", ";": "\uff1b", "#": "\uff03", "\n": " ", "\r": " ", ",": "\u201a"})
_TITLE_LOOKALIKES = str.maketrans({";": "\uff1b", "#": "\uff03", "\n": " ", "\r": " "})


def _name(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_LOOKALIKES)).strip()


def _actor(text: str) -> str:
    return _name(text)


def mermaid_text(document: dict[str, Any]) -> str:
    """A map file as a Mermaid ``journey`` diagram, with a ``%%`` note of what a
    journey diagram cannot hold (cards, touchpoints, moments, lanes)."""
    info = document["map"]
    lines = ["journey", f"  title {re.sub(r'[ ]+', ' ', (info.get('title') or '').translate(_TITLE_LOOKALIKES))}"]
    if info.get("goal"):
        lines.append(f"  accTitle: {(info['goal']).translate(_TITLE_LOOKALIKES)}")
    if info.get("description"):
        description = info["description"].replace("}", ")")
        lines.append("  accDescr {")
        lines.extend(f"    {line}" for line in description.splitlines() if line.strip())
        lines.append("  }")
    personas = {p["id"]: _actor(p["name"]) for p in document["personas"]}
    points: dict[str, list[dict[str, Any]]] = {}
    for point in document["emotions"]:
        points.setdefault(point["stage"], []).append(point)
    phases = {p["id"]: p for p in document["phases"]}
    current: str | None = "\0"
    for stage in document["stages"]:
        section = stage.get("phase")
        if section != current:
            current = section
            title = phases[section]["title"] if section in phases else info.get("title") or "Journey"
            lines.append(f"  section {_name(title)}")
        by_score: dict[int, list[str]] = {}
        for point in points.get(stage["id"], []):
            actor = personas.get(point["persona"]) if point["persona"] else ""
            by_score.setdefault(EMOTION_TO_SCORE[point["score"]], []).append(actor or "")
        if not by_score:
            by_score = {3: [""]}
        for score, actors in by_score.items():
            named = [a for a in actors if a]
            line = f"    {_name(stage['name'])}: {score}"
            if named:
                line += ": " + ", ".join(named)
            lines.append(line)
            if "" in actors and named:
                # The shared curve and personas agree on this score: the shared
                # point needs a line of its own (a task with no actor).
                lines.append(f"    {_name(stage['name'])}: {score}")
    left_out = _left_out(document)
    if left_out:
        lines.append(f"%% {_('Not in this diagram (a Mermaid journey holds stages, sections and scores only)')}: "
                     f"{left_out}")
    return "\n".join(lines) + "\n"


def _left_out(document: dict[str, Any]) -> str:
    counts = [
        (len(document["cards"]), lambda n: ngettext("%(n)d card", "%(n)d cards", n)),
        (len(document["touchpoints"]), lambda n: ngettext("%(n)d touchpoint", "%(n)d touchpoints", n)),
        (len(document["moments"]), lambda n: ngettext("%(n)d moment of truth", "%(n)d moments of truth", n)),
        # The emotion lane is what the diagram draws; other lanes are left out.
        (sum(1 for lane in document["lanes"] if lane.get("kind") != "emotion"),
         lambda n: ngettext("%(n)d lane", "%(n)d lanes", n)),
    ]
    notes = [text(n) % {"n": n} for n, text in counts if n]
    notes += [_("notes on the emotion curve")] if any(e.get("note") for e in document["emotions"]) else []
    unscored = sum(1 for s in document["stages"] if not any(e["stage"] == s["id"] for e in document["emotions"]))
    if unscored:
        notes.append(ngettext("%(n)d stage without a point on the curve (written with score 3)",
                              "%(n)d stages without a point on the curve (written with score 3)", unscored)
                     % {"n": unscored})
    return "; ".join(notes)


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class _Task:
    name: str
    line: int
    points: dict[str | None, int] = field(default_factory=dict)  # actor (None: shared) -> emotion score


def looks_like_mermaid(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%%") or stripped.startswith("#"):
            continue
        return stripped.lower() == "journey" or stripped.lower().startswith("journey ")
    return False


def read_mermaid(text: str, *, max_rows: int) -> tuple[dict[str, Any], list[str]]:
    """A Mermaid ``journey`` diagram as a map file (new ids) and warnings.

    Raises ``ImportProblem`` naming the line of anything the grammar refuses.
    """
    lines = text.splitlines()
    if len(lines) > max_rows:
        raise ImportProblem(_("The diagram has more than %(limit)d lines.") % {"limit": max_rows})
    title = ""
    acc_title = ""
    descr: list[str] = []
    sections: list[tuple[str | None, list[_Task]]] = []
    warnings: list[str] = []
    seen_header = False
    in_descr = False
    for number, raw in enumerate(lines, start=1):
        if in_descr:
            if "}" in raw:
                before = raw.split("}", 1)[0].strip()
                if before:
                    descr.append(before)
                in_descr = False
            elif raw.strip():
                descr.append(raw.strip())
            continue
        line = re.sub(r"%%.*$", "", raw)
        line = re.sub(r"#.*$", "", line).strip()
        if not line:
            continue
        if not seen_header:
            if line.lower() != "journey":
                raise ImportProblem(_("A Mermaid user journey starts with the word journey."), row=number)
            seen_header = True
            continue
        lower = line.lower()
        if lower.startswith("title ") or lower == "title":
            title = line[6:].split(";")[0].strip()
        elif lower.startswith("acctitle"):
            match = re.match(r"acctitle\s*:\s*(.*)$", line, re.IGNORECASE)
            if not match:
                raise ImportProblem(_("accTitle needs a colon: accTitle: text"), row=number)
            acc_title = match.group(1).strip()
        elif lower.startswith("accdescr"):
            match = re.match(r"accdescr\s*(?::\s*(.*)|\{(.*))$", line, re.IGNORECASE)
            if not match:
                raise ImportProblem(_("accDescr needs a colon or a brace: accDescr: text"), row=number)
            if match.group(1) is not None:
                descr.append(match.group(1).strip())
            else:
                rest = match.group(2) or ""
                if "}" in rest:
                    descr.append(rest.split("}", 1)[0].strip())
                else:
                    if rest.strip():
                        descr.append(rest.strip())
                    in_descr = True
        elif lower.startswith("section ") or lower == "section":
            name = line[8:].strip()
            if not name or ":" in name or ";" in name:
                raise ImportProblem(_("A section needs a name without a colon."), row=number)
            sections.append((name, []))
        else:
            _read_task(line, number, sections)
    if not seen_header:
        raise ImportProblem(_("The file holds no Mermaid user journey."))
    if in_descr:
        raise ImportProblem(_("accDescr { is never closed with }."), row=len(lines))
    if not any(tasks for _name_, tasks in sections):
        raise ImportProblem(_("The journey has no task: write tasks as name: score: actors."))
    return _as_file(title, acc_title, "\n".join(descr), sections), warnings


def _read_task(line: str, number: int, sections: list[tuple[str | None, list[_Task]]]) -> None:
    parts = line.split(":")
    name = parts[0].strip()
    if len(parts) < 2 or not name:
        raise ImportProblem(_("A task is written name: score: actors (here: %(line)s).") % {"line": line[:80]},
                            row=number)
    if len(parts) > 3:
        raise ImportProblem(_("A task name cannot hold a colon (here: %(line)s).") % {"line": line[:80]},
                            row=number)
    try:
        score = int(parts[1].strip())
    except ValueError:
        raise ImportProblem(_("The score must be a whole number from 1 to 5, not “%(value)s”.")
                            % {"value": parts[1].strip()[:40]}, row=number, column="score") from None
    if score not in SCORE_TO_EMOTION:
        raise ImportProblem(_("The score must be a whole number from 1 to 5, not “%(value)s”.")
                            % {"value": score}, row=number, column="score")
    actors = [a.strip() for a in parts[2].split(",")] if len(parts) == 3 else []
    actors = [a for a in actors if a]
    if not sections:
        sections.append((None, []))
    tasks = sections[-1][1]
    if not tasks or tasks[-1].name != name:
        tasks.append(_Task(name, number))
    task = tasks[-1]
    for actor in actors or [None]:
        task.points[actor] = SCORE_TO_EMOTION[score]


def _as_file(title: str, acc_title: str, descr: str, sections: list[tuple[str | None, list[_Task]]]
             ) -> dict[str, Any]:
    document = empty_file(title=title or acc_title or _("Imported journey"), goal=acc_title if title else "",
                          description=descr, kind="current_state")
    personas: dict[str, str] = {}
    for section, tasks in sections:
        phase_id = None
        if section is not None:
            phase_id = str(uuid.uuid4())
            document["phases"].append({"id": phase_id, "title": section[:200], "color": ""})
        for task in tasks:
            stage_id = str(uuid.uuid4())
            document["stages"].append({"id": stage_id, "name": task.name[:200], "description": "",
                                       "phase": phase_id})
            for actor, score in task.points.items():
                persona_id = None
                if actor is not None:
                    if actor not in personas:
                        personas[actor] = str(uuid.uuid4())
                        document["personas"].append({"id": personas[actor], "name": actor[:200]})
                    persona_id = personas[actor]
                document["emotions"].append({"id": str(uuid.uuid4()), "stage": stage_id, "persona": persona_id,
                                             "score": score, "note": ""})
    document["lanes"].append({"id": str(uuid.uuid4()), "kind": "emotion", "title": _("Emotions"), "prompt": ""})
    return document
