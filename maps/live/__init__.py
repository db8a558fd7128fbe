"""The live wing: everything that keeps an open websocket to a map.

Consumers stay thin; the protocol (authentication, frames, writes and reads)
is in ``sockets`` (the Origin check in ``origins``), presence and heartbeats in
``hub``/``presence``, one-use tickets in ``tickets`` (Redis clients for both in
``redis_clients``), the per-profile frame filter of share viewers in
``visibility`` and the per-socket push allowance in ``bucket``. Writes go
through ``maps.operations.apply`` like REST; outgoing broadcasts through
``maps.realtime``.
"""
