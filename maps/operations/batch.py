"""The shape of a batch of ops, checked before any database work: op kinds,
entities, ids, which fields each kind of op may carry, and each field's value
(``maps.entities`` validators). A batch that fails here never takes the map's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fractional_indexing import FIError, validate_order_key

from journeymap import strict
from maps.entities import ENTITIES, EntitySpec
from maps.errors import FieldInvalid, OpError
from maps.validators import Flag, Validator, uuid_string

OP_KINDS = ("create", "update", "move", "delete", "restore")
OP_KEYS = {"op", "entity", "id", "fields", "if_version"}
MAX_OPS_PER_BATCH = 500
MAX_BATCH_ID = 100
PLACEMENT_KEYS = ("after", "before", "position")
# An explicit position longer than this is not a key at all (the server's own
# keys stay far shorter, ``placement.MAX_POSITION_LENGTH``).
MAX_POSITION_INPUT = 64

# Fields only services write (``service_fields=True``), never a client's batch:
# archiving a map also ends its share links, which ``maps.services.map_update``
# arranges around the op.
SERVICE_FIELDS: dict[str, dict[str, Validator]] = {"map": {"archived": Flag()}}


@dataclass
class ParsedOp:
    index: int
    op: str
    spec: EntitySpec
    id: str
    fields: dict[str, Any]
    placement: dict[str, Any]
    if_version: int | None


def parse_batch(batch_id: Any, ops: Any, *, max_ops: int | None = MAX_OPS_PER_BATCH,
                service_fields: bool = False) -> list[ParsedOp]:
    if not isinstance(batch_id, str) or not batch_id or len(batch_id) > MAX_BATCH_ID:
        raise OpError("invalid", f"batch_id must be a non-empty string of at most {MAX_BATCH_ID} characters",
                      field="batch_id")
    if (problem := strict.bad_text(batch_id)) is not None:
        raise OpError("invalid", f"batch_id {problem}", field="batch_id")
    if not isinstance(ops, list) or not ops:
        raise OpError("invalid", "ops must be a non-empty list", field="ops")
    if max_ops is not None and len(ops) > max_ops:
        raise OpError("invalid", f"a batch holds at most {max_ops} ops", field="ops")
    return [parse_op(index, raw, service_fields=service_fields) for index, raw in enumerate(ops)]


def parse_op(index: int, raw: Any, *, service_fields: bool = False) -> ParsedOp:
    def fail(message: str, field_name: str | None = None) -> OpError:
        return OpError("invalid", message, field=field_name, op_index=index)

    if not isinstance(raw, dict):
        raise fail("each op must be an object")
    unknown = set(raw) - OP_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r}", sorted(unknown)[0])
    kind = raw.get("op")
    if kind not in OP_KINDS:
        raise fail(f"op must be one of {', '.join(OP_KINDS)}", "op")
    spec = ENTITIES.get(raw.get("entity"))  # type: ignore[arg-type]
    if spec is None:
        raise fail(f"entity must be one of {', '.join(ENTITIES)}", "entity")
    try:
        entity_id = uuid_string(raw.get("id"))
    except FieldInvalid as exc:
        raise fail(f"id {exc}", "id") from None
    fields = raw.get("fields", {})
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise fail("fields must be an object", "fields")
    if_version = raw.get("if_version")
    if if_version is not None and (isinstance(if_version, bool) or not isinstance(if_version, int)):
        raise fail("if_version must be an integer", "if_version")

    if spec.name == "map" and kind != "update":
        raise fail("a map can only be updated through ops", "op")
    if spec.name == "persona_link" and kind in ("update", "move"):
        raise fail("a persona link can only be created, deleted or restored", "op")
    if spec.name == "emotion" and kind == "move":
        raise fail("an emotion point is not moved: update its score", "op")

    validators = {**spec.fields, **SERVICE_FIELDS.get(spec.name, {})} if service_fields else spec.fields
    allowed: set[str]
    if kind == "create":
        allowed = set(spec.fields) | (set(PLACEMENT_KEYS) if spec.ordered else set())
    elif kind == "update":
        allowed = set(validators) - set(spec.container)
    elif kind == "move":
        allowed = set(spec.container) | set(PLACEMENT_KEYS)
    else:
        allowed = set()
    for key in fields:
        if key not in allowed:
            if kind == "update" and key in spec.container:
                raise fail(f"{key} changes with a move op, not an update", key)
            raise fail(f"unknown field {key!r} for {kind} {spec.name}", key)

    clean: dict[str, Any] = {}
    placement: dict[str, Any] = {}
    for key, value in fields.items():
        try:
            if key in ("after", "before"):
                placement[key] = None if value is None else uuid_string(value)
            elif key == "position":
                placement[key] = check_position(value)
            else:
                clean[key] = validators[key](value)
        except FieldInvalid as exc:
            raise fail(f"{key} {exc}", key) from None
    if kind == "create":
        for key in spec.required:
            if key not in clean:
                raise fail(f"{key} is required to create a {spec.name}", key)
    if kind == "update" and not clean:
        raise fail("an update needs at least one field", "fields")
    return ParsedOp(index, kind, spec, entity_id, clean, placement, if_version)


def check_position(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_POSITION_INPUT:
        raise FieldInvalid("must be a fractional index string")
    try:
        validate_order_key(value)
    except (FIError, Exception):
        raise FieldInvalid("is not a valid fractional index") from None
    return value
