"""A Python client for live map editing (asyncio + ``websockets``).

    from journeymap.client import MapClient

    async with MapClient("https://maps.example.org", map_id, token="<API token>") as client:
        batch = client.push([{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "Hi"}}])
        ack = await client.wait_ack(batch)          # {"status": "ok", "seq": ..., ...}
        print(client.document["cards"])              # the confirmed document at client.last_seq

It follows the client rules of the realtime protocol: a *confirmed* document (the
state at ``last_seq``) plus a queue of *pending* batches; ``ops`` frames applied
strictly in ``seq`` order (older ones ignored, early ones buffered, a ``resync``
when a gap stays open ~250 ms or a heartbeat shows a newer ``seq``); your own
batch is confirmed by its ``ops`` frame (an ``ack`` never moves ``last_seq``);
``rejected`` drops the batch, ``retry`` waits and resends; on a lost connection it
reconnects with exponential backoff and jitter, a fresh one-use ticket, ``hello``
with ``last_seq``, then resends every pending batch (the server's idempotency by
``batch_id`` makes resending safe).

Tickets come from ``POST /api/v1/maps/<id>/ws-ticket/`` with ``Authorization:
Token <token>``, or from your own ``ticket_fetcher`` (sync or async callable).

The client is one object split by concern: ``map_client.py`` (state, lifecycle and
what a user does), ``connection.py`` (the socket, tickets, reconnecting, sending)
and ``frames.py`` (what the server sends, applied in ``seq`` order).
"""

from __future__ import annotations

from journeymap.client.errors import MapClientError
from journeymap.client.map_client import MapClient, Pending

__all__ = ["MapClient", "MapClientError", "Pending"]
