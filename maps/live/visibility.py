"""What a share viewer's socket may receive: ``ops`` frames and presence filtered
through a visibility profile (the lanes a share link hides, and whether the link
shows who else is on the map). Snapshots are filtered by the same rules where they
are read (``maps.selectors.filter_document``).

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

from channels.db import database_sync_to_async

from maps import realtime
from maps.selectors import (
    LANE_ITEMS,
    live_item_fields,
    viewer_document,
    viewer_snapshot,
    without_members_only,
)

# Fields that point at another item: cleared when the item they name is hidden, so
# not even its id reaches the viewer.
REFERENCES = {"card": ("addresses",), "moment": ("touchpoint",)}

CACHE_SIZE = 512

ProfileKey = tuple[str, frozenset[str], bool]


def profile_key(map_id: Any, hidden_lanes: frozenset[str], people: bool = False) -> ProfileKey:
    return str(map_id), frozenset(str(lane) for lane in hidden_lanes), bool(people)


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
        shown = without_members_only(entity, fields)
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
                for index, entity, item_id in fetch:
                    fields = await database_sync_to_async(live_item_fields)(entity, item_id)
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
    profile = profile_of(conn)
    if profile is None:
        profile = Profile.acquire(conn.map_id, conn.hidden_lanes, conn.share_people)
        conn.visibility = profile
    doc, shadow, hide_emotions = await database_sync_to_async(viewer_snapshot)(conn.map_id, profile.hidden)
    profile.load(doc["map"]["seq"], shadow, hide_emotions)
    return {"type": "welcome", "seq": doc["map"]["seq"], "role": conn.role, "snapshot": doc}


async def ops_text(conn: Any, event: dict[str, Any]) -> str | None:
    """What one socket receives of a committed batch (its hub's ``hub.ops`` event)."""
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
    doc = viewer_document(map_id=conn.map_id, hidden_lanes=conn.hidden_lanes)
    return [realtime.dumps({"type": "welcome", "seq": doc["map"]["seq"], "role": conn.role, "snapshot": doc})]
