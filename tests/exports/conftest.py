from __future__ import annotations

from tests.workers import celery_worker, worker_factory  # noqa: F401 - fixtures for these tests
