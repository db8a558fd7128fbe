"""What a share viewer may see: snapshots, ``ops`` frames and presence filtered
through a visibility profile (the lanes a share link hides, and whether the link
shows who else is on the map).

Whatever the link, a share viewer never gets touchpoints' ``attachments``: file
names of research material (interviews, recordings) are exactly what must not
leave the team, and the viewer could not open the files anyway. Not even a count
travels: the field is absent, as if the touchpoint had none.

Hidden lanes and everything in them never reach the viewer. A move of an item
into a hidden lane reaches the viewer as a ``delete``; a move out of one as a
``create`` with every field, so the viewer's document stays equal to the
filtered snapshot.

Frames are filtered once per profile per process, not once per viewer: all the
sockets of one process that share a profile share one ``Profile``, which keeps
the filtered text of recent batches by ``seq``. To know which items sit in hidden
lanes (an ``update`` carries no lane), the profile keeps a shadow of those items,
loaded in the same read transaction as the first viewer's snapshot and then kept
current by the batches themselves.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from typing import Any

from django.db import connection, transaction

from maps import realtime
from maps.entities import ENTITIES, serialize_values, value_columns
from maps.selectors import map_document, snapshot_transaction

# Entities that sit in a lane (their container is (stage, lane)).
LANE_ITEMS = ("card", "touchpoint", "moment")
# Fields that point at another item: cleared when the item they name is hidden, so
# not even its id reaches the viewer.
REFERENCES = {"card": ("addresses",), "moment": ("touchpoint",)}
# Fields members see and share viewers never do (see the module docstring).
MEMBERS_ONLY = {"touchpoint": ("attachments",)}
CACHE_SIZE = 512

ProfileKey = tuple[str, frozenset[str], bool]


def profile_key(map_id: Any, hidden_lanes: frozenset[str], people: bool = False) -> ProfileKey:
    return str(map_id), frozenset(str(lane) for lane in hidden_lanes), bool(people)


def _without_members_only(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    private = MEMBERS_ONLY.get(entity, ())
    if not any(key in fields for key in private):
        return fields
    return {key: value for key, value in fields.items() if key not in private}


# --- snapshots ----------------------------------------------------------------------


def _hidden_lane_kinds(map_id: Any, hidden: frozenset[str]) -> dict[str, str]:
    from maps.models import Lane

    return {str(i): k for i, k in Lane.objects.filter(map_id=map_id, id__in=hidden).values_list("id", "kind")}


def _hidden_items(map_id: Any, hidden: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Live items of the hidden lanes, as the document would show them."""
    shadow: dict[str, dict[str, Any]] = {}
    for name in LANE_ITEMS:
        spec = ENTITIES[name]
        rows = spec.model.objects.filter(map_id=map_id, lane_id__in=hidden, deleted_by_seq__isnull=True)
        for row in rows.values(*value_columns(spec)):
            item = serialize_values(spec, row)
            shadow[item.pop("id")] = {"entity": name, "fields": item}
    return shadow


def filter_document(doc: dict[str, Any], *, hidden: frozenset[str], hide_emotions: bool) -> dict[str, Any]:
    """Remove from a snapshot what the profile hides, references included, and
    what share viewers never see.

    ``map_document(hidden_lanes=...)`` already leaves out hidden lanes and their
    items; this also drops the emotion curve when its lane is hidden and clears
    references to hidden items, and is safe to apply twice.
    """
    doc = dict(doc)
    for name in MEMBERS_ONLY:
        collection = ENTITIES[name].collection
        doc[collection] = [_without_members_only(name, item) for item in doc.get(collection, [])]
    if not hidden:
        return doc
    doc["lanes"] = [lane for lane in doc.get("lanes", []) if lane["id"] not in hidden]
    visible: dict[str, set[str]] = {}
    for name in LANE_ITEMS:
        collection = ENTITIES[name].collection
        doc[collection] = [item for item in doc.get(collection, []) if item.get("lane") not in hidden]
        visible[name] = {item["id"] for item in doc[collection]}
    if hide_emotions:
        doc["emotions"] = []
    doc["cards"] = [_clear_ref(item, "addresses", visible["card"]) for item in doc["cards"]]
    doc["moments"] = [_clear_ref(item, "touchpoint", visible["touchpoint"]) for item in doc["moments"]]
    return doc


def _clear_ref(item: dict[str, Any], key: str, visible: set[str]) -> dict[str, Any]:
    if item.get(key) and item[key] not in visible:
        return {**item, key: None}
    return item


def hide_in_document(doc: dict[str, Any], *, map_id: Any, hidden: frozenset[str]) -> dict[str, Any]:
    """``filter_document`` for a snapshot being read (inside its read transaction)."""
    kinds = _hidden_lane_kinds(map_id, hidden)
    return filter_document(doc, hidden=hidden, hide_emotions="emotion" in kinds.values())


def load_snapshot(map_id: Any, hidden: frozenset[str]) -> tuple[dict[str, Any], dict[str, dict[str, Any]], bool]:
    """(filtered snapshot, shadow of hidden items, whether emotions are hidden), all
    read at one ``seq``."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # SQLite's snapshot helper cannot nest; one short write-locked transaction
        # gives the same single state.
        context = transaction.atomic()
    else:
        context = snapshot_transaction()
    with context:
        doc = map_document(map_id=map_id, hidden_lanes=hidden)
        kinds = _hidden_lane_kinds(map_id, hidden)
        shadow = _hidden_items(map_id, hidden)
    hide_emotions = "emotion" in kinds.values()
    return filter_document(doc, hidden=hidden, hide_emotions=hide_emotions), shadow, hide_emotions


def snapshot_for(*, map_id: Any, hidden_lanes: frozenset[str]) -> dict[str, Any]:
    """The snapshot a viewer with this profile may see (pages, resync, exports)."""
    return load_snapshot(map_id, frozenset(hidden_lanes))[0]


def item_fields(entity: str, item_id: str) -> dict[str, Any] | None:
    """Every document field of one live item (for a move out of a hidden lane)."""
    spec = ENTITIES[entity]
    row = spec.model.objects.filter(id=item_id, deleted_by_seq__isnull=True).values(*value_columns(spec)).first()
    if row is None:
        return None
    item = serialize_values(spec, row)
    item.pop("id")
    return item


# --- the profile --------------------------------------------------------------------


class Profile:
    """One visibility profile of one map in this process."""

    profiles: dict[ProfileKey, Profile] = {}

    @classmethod
    def acquire(cls, map_id: Any, hidden_lanes: frozenset[str], people: bool = False) -> Profile:
        key = profile_key(map_id, hidden_lanes, people)
        profile = cls.profiles.get(key)
        if profile is None:
            profile = cls.profiles[key] = cls(*key)
        profile.users += 1
        return profile

    def release(self) -> None:
        self.users -= 1
        key = (self.map_id, self.hidden, self.people)
        if self.users <= 0 and Profile.profiles.get(key) is self:
            del Profile.profiles[key]

    def __init__(self, map_id: str, hidden: frozenset[str], people: bool = False) -> None:
        self.map_id = map_id
        self.hidden = hidden
        # Whether the link shows who else is on the map (names in presence and in
        # the ``actor`` of each batch); off by default.
        self.people = people
        self.users = 0
        self.loaded = False
        self.seq = 0
        self.hide_emotions = False
        # id -> {"entity", "fields" (None when unknown: moved in from a visible lane)}
        self.shadow: dict[str, dict[str, Any]] = {}
        self.cache: OrderedDict[int, str | None] = OrderedDict()
        self.lock = asyncio.Lock()
        self._presence: tuple[str, str] | None = None

    def load(self, seq: int, shadow: dict[str, dict[str, Any]], hide_emotions: bool) -> None:
        if self.loaded:
            return
        self.loaded = True
        self.seq = seq
        self.shadow = shadow
        self.hide_emotions = hide_emotions

    # -- ops -------------------------------------------------------------------------

    def is_hidden_item(self, item_id: Any) -> bool:
        return item_id in self.shadow or item_id in self.hidden

    def _scrub(self, op: dict[str, Any]) -> dict[str, Any]:
        entity = op.get("entity", "")
        fields = op.get("fields")
        if not fields:
            return op
        shown = _without_members_only(entity, fields)
        refs = [key for key in REFERENCES.get(entity, ()) if shown.get(key) in self.shadow]
        if not refs and shown is fields:
            return op
        return {**op, "fields": {**shown, **{key: None for key in refs}}}

    def _cascade(self, op: dict[str, Any]) -> list[dict[str, Any]]:
        """The cascade of a delete/restore of a visible parent, minus hidden children."""
        kept = []
        for child in op.get("cascade", []):
            entity, child_id = child.get("entity"), child.get("id")
            if entity == "emotion" and self.hide_emotions:
                continue
            if entity in LANE_ITEMS:
                if op["op"] == "delete" and child_id in self.shadow:
                    continue  # stays in the shadow, tombstoned with its parent
                fields = child.get("fields") or {}
                if op["op"] == "restore" and fields.get("lane") in self.hidden:
                    self.shadow[child_id] = {"entity": entity, "fields": dict(fields)}
                    continue
            kept.append(self._scrub(child) if "fields" in child else child)
        return kept

    def process(self, ops: list[dict[str, Any]]) -> tuple[list[dict[str, Any] | None], list[tuple[int, str, str]]]:
        """Filter one committed batch; returns the ops to send (None marks a hole to
        fill from the database) and those holes as (index, entity, id)."""
        out: list[dict[str, Any] | None] = []
        fetch: list[tuple[int, str, str]] = []
        for op in ops:
            entity, item_id, kind = op.get("entity"), op.get("id"), op.get("op")
            fields = op.get("fields") or {}
            if entity == "lane" and item_id in self.hidden:
                if kind == "delete":
                    for child in op.get("cascade", []):
                        self.shadow.pop(child.get("id"), None)
                elif kind == "restore":
                    for child in op.get("cascade", []):
                        if child.get("entity") in LANE_ITEMS:
                            self.shadow[child["id"]] = {"entity": child["entity"],
                                                        "fields": dict(child.get("fields") or {})}
                continue
            if entity == "emotion" and self.hide_emotions:
                continue
            if entity in LANE_ITEMS:
                entry = self.shadow.get(item_id)
                if kind in ("create", "restore"):
                    if fields.get("lane") in self.hidden:
                        self.shadow[item_id] = {"entity": entity, "fields": dict(fields)}
                        continue
                    self.shadow.pop(item_id, None)
                elif kind == "update":
                    if entry is not None:
                        if entry["fields"] is not None:
                            entry["fields"].update(fields)
                        continue
                elif kind == "delete":
                    if entry is not None:
                        del self.shadow[item_id]
                        continue
                elif kind == "move":
                    lane = fields.get("lane")
                    into_hidden = lane in self.hidden if lane is not None else entry is not None
                    if into_hidden:
                        if entry is not None:
                            if entry["fields"] is not None:
                                entry["fields"].update(fields)
                            continue
                        # Leaving the viewer's sight: a removal, fields unknown from here on.
                        self.shadow[item_id] = {"entity": entity, "fields": None}
                        out.append({"op": "delete", "entity": entity, "id": item_id,
                                    "fields": {"version": fields.get("version")}})
                        continue
                    if entry is not None:
                        del self.shadow[item_id]
                        if entry["fields"] is None:
                            fetch.append((len(out), entity, item_id))
                            out.append(None)
                        else:
                            full = {**entry["fields"], **{k: v for k, v in fields.items()
                                                         if k not in ("after", "before")}}
                            out.append(self._scrub({"op": "create", "entity": entity, "id": item_id,
                                                    "fields": full}))
                        continue
            if "cascade" in op:
                op = {**op, "cascade": self._cascade(op)}
            out.append(self._scrub(op))
        return out, fetch

    async def filter_event(self, event: dict[str, Any]) -> str | None:
        """The ``ops`` frame text for this profile (None: nothing to send)."""
        seq = event.get("seq")
        async with self.lock:
            if seq in self.cache:
                return self.cache[seq]
            if not self.loaded or seq is None or seq <= self.seq:
                # Older than the snapshot this profile started from: every viewer
                # of it already has that state.
                return None
            frame = json.loads(event["text"])
            ops, fetch = self.process(frame.get("ops", []))
            if fetch:
                from channels.db import database_sync_to_async

                for index, entity, item_id in fetch:
                    fields = await database_sync_to_async(item_fields)(entity, item_id)
                    if fields is not None and fields.get("lane") not in self.hidden:
                        ops[index] = self._scrub({"op": "create", "entity": entity, "id": item_id, "fields": fields})
            frame["ops"] = [op for op in ops if op is not None]
            if not self.people:
                frame["actor"] = None
            # The frame keeps its seq even when empty, so the viewer's sequence has no gap.
            text = realtime.dumps(frame)
            self.cache[seq] = text
            while len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
            self.seq = max(self.seq, seq)
            return text

    # -- presence --------------------------------------------------------------------

    def presence_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        focus, cursor = entry.get("focus"), entry.get("cursor")
        changed = dict(entry)
        if isinstance(focus, dict) and self.is_hidden_item(focus.get("id")):
            changed["focus"] = None
        if isinstance(cursor, dict) and cursor.get("lane") in self.hidden:
            changed["cursor"] = None
        return changed

    def presence_text(self, text: str) -> str | None:
        """A presence frame without focus or cursor inside hidden lanes (one parse per
        text); None when the link shows nobody."""
        if not self.people:
            return None
        if self._presence is not None and self._presence[0] == text:
            return self._presence[1]
        try:
            frame = json.loads(text)
        except ValueError:
            return text
        if frame.get("type") != "presence":
            return text
        frame["changes"] = [self.presence_entry(e) for e in frame.get("changes", [])]
        filtered = realtime.dumps(frame)
        self._presence = (text, filtered)
        return filtered


# --- the consumer's side ------------------------------------------------------------


def profile_of(conn: Any) -> Profile | None:
    return getattr(conn, "visibility", None)


def filtered(conn: Any) -> bool:
    """Whether this socket's frames go through a visibility profile: every share
    viewer's (attachments, presence), and any with hidden lanes."""
    return conn is not None and (conn.share_link_id is not None or bool(conn.hidden_lanes))


async def welcome(conn: Any) -> dict[str, Any]:
    """The welcome frame (without presence) of a filtered socket: always a
    snapshot, and the profile is attached to the connection."""
    from channels.db import database_sync_to_async

    profile = profile_of(conn)
    if profile is None:
        profile = Profile.acquire(conn.map_id, conn.hidden_lanes, conn.share_people)
        conn.visibility = profile
    doc, shadow, hide_emotions = await database_sync_to_async(load_snapshot)(conn.map_id, profile.hidden)
    profile.load(doc["map"]["seq"], shadow, hide_emotions)
    return {"type": "welcome", "seq": doc["map"]["seq"], "role": conn.role, "snapshot": doc}


async def ops_text(conn: Any, event: dict[str, Any]) -> str | None:
    """What one socket receives for a ``map.ops`` event."""
    profile = profile_of(conn)
    if not filtered(conn):
        return event["text"]
    if profile is None:  # not welcomed yet: the welcome snapshot will cover it
        return None
    return await profile.filter_event(event)


def presence_text(conn: Any, text: str) -> str | None:
    """What one socket receives of a presence frame (None: nothing)."""
    profile = profile_of(conn) if conn is not None else None
    if profile is None:
        # A share viewer not yet welcomed gets its roster with the welcome.
        return None if filtered(conn) else text
    return profile.presence_text(text)


def roster(conn: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    profile = profile_of(conn)
    if profile is None:
        return [] if filtered(conn) else entries
    if not profile.people:
        return []
    return [profile.presence_entry(e) for e in entries]


def release(conn: Any) -> None:
    profile = profile_of(conn)
    if profile is not None:
        conn.visibility = None
        profile.release()


def resync_frames(conn: Any) -> list[str]:
    """A share viewer always resyncs from a filtered snapshot (the op log holds
    every field of every lane)."""
    doc = snapshot_for(map_id=conn.map_id, hidden_lanes=conn.hidden_lanes)
    return [realtime.dumps({"type": "welcome", "seq": doc["map"]["seq"], "role": conn.role, "snapshot": doc})]
