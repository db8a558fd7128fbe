"""Where an ordered item goes among its siblings: fractional-index keys, chosen
only by the server from the neighbours an op names."""

from __future__ import annotations

from typing import Any

from fractional_indexing import generate_key_between

from maps.entities import EntitySpec
from maps.errors import OpError
from maps.rows import rows_for

# Keys longer than this are replaced by a fresh, shorter one (``rebased``).
MAX_POSITION_LENGTH = 48


def place(spec: EntitySpec, obj: Any, placement: dict[str, Any], *, map_id: Any) -> tuple[str, bool]:
    """Choose the fractional key of ``obj`` among its live siblings.

    Only the server computes keys: the client names neighbours (after/before)
    or, rarely, an explicit position. An explicit position that collides with
    a sibling or is over-long is replaced (the op is then ``rebased``);
    siblings never move.
    """
    group = {f"{key}_id": getattr(obj, spec.attname(key)) for key in spec.container}
    siblings = rows_for(spec.model).live_siblings(map_id, group, obj.id)
    positions = [pos for _, pos in siblings]
    index_of = {pk: i for i, (pk, _) in enumerate(siblings)}

    def between(lo: str | None, hi: str | None) -> str:
        if lo is not None and hi is not None and lo >= hi:
            # Equal keys (a collision left by old data): go after every copy.
            greater = [p for p in positions if p > lo]
            hi = greater[0] if greater else None
        return generate_key_between(lo, hi)

    def sibling(key: str) -> int:
        ref = placement[key]
        if ref not in index_of:
            raise OpError("invalid", f"{key} must name a live sibling in the same place", field=key)
        return index_of[ref]

    wanted = placement.get("position")
    if wanted is not None:
        if wanted not in positions and len(wanted) <= MAX_POSITION_LENGTH:
            return wanted, False
        lower = [p for p in positions if p <= wanted]
        upper = [p for p in positions if p > wanted]
        return between(lower[-1] if lower else None, upper[0] if upper else None), True
    after = placement.get("after")
    before = placement.get("before")
    if after is not None:
        i = sibling("after")
        hi = positions[i + 1] if i + 1 < len(positions) else None
        if before is not None:
            j = sibling("before")
            if j > i:
                hi = positions[j] if j == i + 1 else positions[i + 1]
        return between(positions[i], hi), False
    if before is not None:
        j = sibling("before")
        return between(positions[j - 1] if j > 0 else None, positions[j]), False
    return between(positions[-1] if positions else None, None), False
