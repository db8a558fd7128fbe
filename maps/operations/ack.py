"""Who writes a batch and what the write path answers: ``Actor`` and ``Ack``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maps.models import Membership


@dataclass
class Ack:
    batch_id: str
    status: str  # ok | rebased | rejected | retry
    seq: int | None = None
    ops: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    retry_after_ms: int | None = None
    http_status: int = 200

    def as_frame(self) -> dict[str, Any]:
        return {
            "type": "ack",
            "batch_id": self.batch_id,
            "seq": self.seq,
            "status": self.status,
            "ops": self.ops,
            "error": self.error,
            "retry_after_ms": self.retry_after_ms,
        }


@dataclass
class Actor:
    """Who writes. ``user=None`` is the system (template instantiation, imports)."""

    user: Any = None
    name: str = ""
    team: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        return {"id": self.user.pk if self.user else None, "name": self.name, "team": self.team}


def actor_for(user: Any, workspace_id: Any = None) -> Actor:
    if user is None:
        return Actor(None, "Journeymap", "")
    name = (user.get_full_name() or user.get_username()) if hasattr(user, "get_full_name") else str(user)
    team = ""
    if workspace_id is not None:
        membership = Membership.objects.filter(workspace_id=workspace_id, user=user).select_related("team").first()
        if membership and membership.team:
            team = membership.team.name
    return Actor(user, name, team)


