"""A token bucket per socket: pushes beyond it get ``retry``, never silent loss.

Not ``journeymap.ratelimit``: that one counts requests per client address in fixed
windows shared through Redis (logins, tokens, share links) and refuses. This one
lives in one socket's memory and smooths a burst of pushes into a steady rate,
telling the client how long to wait, with no round trip per frame.
"""

from __future__ import annotations

import math
import time


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate = float(rate)
        self.burst = float(burst)
        self.tokens = float(burst)
        self.clock = clock
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self) -> int | None:
        """Spend one token; None when allowed, else the milliseconds to wait."""
        self._refill()
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        missing = 1.0 - self.tokens
        return max(1, math.ceil(missing / self.rate * 1000)) if self.rate > 0 else 1000
