"""The activity of a map: its op log told as sentences, newest first.

Consecutive batches of one person doing the same thing to the same thing (typing
into one card, dragging cards into one stage) fold into one entry, so the list
reads like what people did rather than like the log. Folding runs over the
batches the filters keep, and only across gaps of at most ``FOLD_WINDOW``.

Paging is by ``seq``: a page answers ``next``, the ``before`` of the next page.
An entry cut by a page boundary continues, as its own entry, on the next page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from history import phrases
from history.things import IN_STAGE, Things
from maps.models import Operation

FOLD_WINDOW = timedelta(minutes=15)
# At most this many batches are read for one page, however much they fold, so a
# page costs the same on a map with a million batches of one person typing.
SCAN_LIMIT = 2000
TARGETS_SHOWN = 20


@dataclass
class Batch:
    seq: int
    at: datetime
    actor: tuple[Any, str, str]  # user id, name, team as recorded in the log
    ops: list[dict[str, Any]]
    verb: str
    entity: str  # "" when the batch touched several kinds of things
    ids: list[tuple[str, str]]
    scope: Any
    to_stage: str | None = None


@dataclass
class Entry:
    newest: Batch
    verb: str
    oldest_seq: int = 0
    oldest_at: datetime | None = None
    ids: list[tuple[str, str]] = field(default_factory=list)
    ops_count: int = 0
    batches: int = 0

    @classmethod
    def start(cls, batch: Batch) -> Entry:
        entry = cls(newest=batch, verb=batch.verb)
        entry.add(batch)
        return entry

    def add(self, batch: Batch) -> None:
        self.oldest_seq, self.oldest_at = batch.seq, batch.at
        for key in batch.ids:
            if key not in self.ids:
                self.ids.append(key)
        self.ops_count += len(batch.ops)
        self.batches += 1

    def absorbs(self, batch: Batch) -> bool:
        """Whether ``batch`` (older) is more of the same as this entry."""
        first = self.newest
        if batch.actor[:2] != first.actor[:2] or batch.entity != first.entity or batch.scope != first.scope:
            return False
        if batch.verb in ("mixed", "archive", "unarchive") or self.oldest_at - batch.at > FOLD_WINDOW:
            return False
        if batch.verb == self.verb:
            return True
        # Created, then typed into: one "added".
        if self.verb == "update" and batch.verb == "create" and set(self.ids) <= set(batch.ids):
            self.verb = "create"
            return True
        return False


def _classify(row: dict[str, Any], things: Things) -> Batch:
    ops = [op for op in row["ops"] if isinstance(op, dict)] if isinstance(row["ops"], list) else []
    verbs = {str(op.get("op")) for op in ops}
    entities = {str(op.get("entity")) for op in ops}
    ids: list[tuple[str, str]] = []
    for op in ops:
        key = (str(op.get("entity")), str(op.get("id")))
        if key not in ids:
            ids.append(key)
    entity = entities.pop() if len(entities) == 1 else ""
    verb = (verbs.pop() if len(verbs) == 1 else "changed" if entity else "mixed") if ops else "mixed"
    if verb not in ("create", "update", "move", "delete", "restore", "changed", "mixed"):
        verb = "changed"
    if entity == "map" and verb == "update" and len(ops) == 1 and "archived" in (ops[0].get("fields") or {}):
        verb = "archive" if ops[0]["fields"]["archived"] else "unarchive"

    scope: Any = ("batch", row["seq"])  # several kinds of things: never folded
    to_stage = None
    if entity in IN_STAGE:
        stages = {things.stage_of(entity, op) for op in ops}
        only = stages.pop() if len(stages) == 1 else None
        scope = ("stage", only) if only else ("ids", frozenset(ids))
        if verb == "move":
            to_stage = only
    elif entity:
        scope = ("ids", frozenset(ids))
    actor = (row["actor_id"], row["actor_name"], row["actor_team"])
    return Batch(row["seq"], row["created_at"], actor, ops, verb, entity, ids, scope, to_stage)


def _summary(entry: Entry, things: Things) -> str:
    first = entry.newest
    actor = first.actor[1] or "Journeymap"
    verb, entity, count = entry.verb, first.entity, len(entry.ids)
    if verb in ("archive", "unarchive"):
        return phrases.sentence(verb, actor, "")
    if not entity:
        if verb == "mixed":
            return phrases.sentence("mixed", actor, "", count=entry.ops_count)
        kinds: dict[str, int] = {}
        for kind, _item in entry.ids:
            kinds[kind] = kinds.get(kind, 0) + 1
        return phrases.sentence(verb, actor, phrases.listing([phrases.many_things(k, n) for k, n in kinds.items()]))
    stage = things.get("stage", first.scope[1]) if first.scope[0] == "stage" else None
    if count == 1:
        thing = things.get(*entry.ids[0])
        if verb == "move" and first.to_stage:
            # "Ana moved « Appelle le support » to Purchase": the destination says what it is.
            return phrases.sentence("move", actor, f"« {thing.label or '…'} »",
                                    to_stage=things.get("stage", first.to_stage).label)
        return phrases.sentence(verb, actor, phrases.one_thing(entity, thing.label))
    many = phrases.many_things(entity, count)
    if verb == "move" and first.to_stage:
        return phrases.sentence("move", actor, many, to_stage=things.get("stage", first.to_stage).label)
    if stage is not None:
        many = phrases.in_stage(many, stage.label)
    return phrases.sentence(verb, actor, many)


def _as_dict(entry: Entry, things: Things) -> dict[str, Any]:
    first = entry.newest
    targets = [things.get(*key) for key in entry.ids[:TARGETS_SHOWN]]
    stage_id = first.to_stage or (first.scope[1] if first.scope[0] == "stage" else None)
    stage = things.get("stage", stage_id) if stage_id else None
    return {
        "seq": first.seq,
        "first_seq": entry.oldest_seq,
        "at": first.at,
        "actor": {"id": first.actor[0], "name": first.actor[1], "team": first.actor[2]},
        "summary": _summary(entry, things),
        "verb": entry.verb,
        "entity": first.entity,
        "ops_count": entry.ops_count,
        "batches": entry.batches,
        "targets": [{"entity": t.entity, "id": t.id, "label": t.label, "exists": t.exists} for t in targets],
        "targets_count": len(entry.ids),
        "stage": {"id": stage.id, "label": stage.label, "exists": stage.exists} if stage else None,
    }


def map_activity(*, map_id: Any, before: int | None = None, limit: int = 30, actor_id: int | None = None,
                 team_name: str | None = None) -> dict[str, Any]:
    """``{entries, next}``: up to ``limit`` entries of batches below ``before``,
    newest first, told in the active language; ``next`` is null at the log's start."""
    rows = Operation.objects.filter(map_id=map_id).order_by("-seq")
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if team_name is not None:
        rows = rows.filter(actor_team=team_name)
    things = Things(map_id)
    chunk_size = min(500, max(50, 2 * (limit + 1)))
    entries: list[Entry] = []
    cursor, scanned, exhausted = before, 0, False
    while len(entries) <= limit and not exhausted and scanned < SCAN_LIMIT:
        page = rows if cursor is None else rows.filter(seq__lt=cursor)
        chunk = list(page.values("seq", "actor_id", "actor_name", "actor_team", "ops", "created_at")[:chunk_size])
        exhausted = len(chunk) < chunk_size
        things.load({(str(op.get("entity")), str(op.get("id"))) for row in chunk
                     if isinstance(row["ops"], list) for op in row["ops"] if isinstance(op, dict)})
        for row in chunk:
            cursor, scanned = row["seq"], scanned + 1
            batch = _classify(row, things)
            if entries and entries[-1].absorbs(batch):
                entries[-1].add(batch)
                continue
            entries.append(Entry.start(batch))
            if len(entries) > limit:
                # The entry after the last one has begun: the last one is complete.
                exhausted = False
                break
    if len(entries) > limit:
        entries = entries[:limit]
        next_before = entries[-1].oldest_seq
    elif not exhausted and entries:
        next_before = entries[-1].oldest_seq  # the scan limit: go on from here
    else:
        next_before = None
    # The stages entries name (where cards went) that no row read so far sat in.
    things.load({("stage", stage) for entry in entries for stage in (entry.newest.to_stage,
                 entry.newest.scope[1] if entry.newest.scope[0] == "stage" else None) if stage})
    return {"entries": [_as_dict(entry, things) for entry in entries], "next": next_before}
