"""Fixtures for socket tests: real daphne processes (``tests.servers``)."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from tests.servers import daphne_server, redis_server  # noqa: F401  (fixtures)


@pytest.fixture(scope="session", autouse=True)
def close_worker_connections(django_db_setup, django_db_blocker):
    """``database_sync_to_async`` keeps a persistent connection on its worker thread;
    close it before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())
