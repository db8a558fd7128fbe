"""Socket tests here reuse the realtime fixtures (real daphne, a live map)."""

from __future__ import annotations

from tests.realtime.conftest import close_worker_connections, live_map, services  # noqa: F401  (fixtures)
from tests.servers import daphne_server, redis_server  # noqa: F401  (fixtures)
