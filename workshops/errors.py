from __future__ import annotations


class SessionError(Exception):
    """A ``session`` frame refused: answered on the sender's socket as an ``error``
    frame naming the action, the code and the field; the connection stays open."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def frame(self, action: object) -> dict[str, object]:
        return {"type": "error", "code": self.code, "message": self.message, "field": self.field,
                "frame": "session", "action": action if isinstance(action, str) else None}
