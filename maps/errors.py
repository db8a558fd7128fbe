"""Domain errors shared by REST and the websocket (one table for both transports:
the README, "Live co-editing: the realtime protocol")."""

from __future__ import annotations

from typing import Any

HTTP_STATUS = {
    "invalid": 400,
    "not_found": 404,
    "gone": 409,
    "parent_deleted": 409,
    "version_conflict": 409,
    "batch_id_reused": 409,
    "forbidden": 403,
    "too_large": 413,
    "rate_limited": 429,
    "unauthenticated": 401,
}


class FieldInvalid(ValueError):
    """A value that does not fit its field; the message names the problem. Raised
    by the field validators (``maps.validators``); the write path turns it into an
    ``invalid`` OpError naming the op and the field."""


class OpError(Exception):
    """A refusal with a code from the error table, the op and field it concerns."""

    def __init__(self, code: str, message: str, *, field: str | None = None, op_index: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.op_index = op_index

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "op_index": self.op_index, "field": self.field}
