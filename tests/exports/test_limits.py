"""The pending-export limit holds under concurrent requests by one person."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from exports.models import Export, ExportStatus
from exports.services.request import MAX_PENDING_PER_USER
from tests.exports.helpers import build_map
from tests.workers import SESSION_QUEUE, _purge_queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queue_nobody_consumes(settings, tmp_path, require_postgres, require_redis):
    """Exports go to Redis as in production, on this session's own queue with no
    worker on it: every accepted export stays queued while the test counts."""
    settings.EXPORTS_IN_PROCESS = False
    settings.CELERY_TASK_DEFAULT_QUEUE = SESSION_QUEUE
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    _purge_queue()


def test_ten_concurrent_export_requests_by_one_person_accept_exactly_the_limit(queue_nobody_consumes, workspace,
                                                                               owner):
    journey_map, _doc = build_map(workspace, owner, stages=3)
    start = threading.Barrier(10)

    def ask(dpi: int) -> tuple[int, dict]:
        client = APIClient()
        client.force_authenticate(owner)
        try:
            start.wait(timeout=30)  # all ten requests leave together
            response = client.post(f"/api/v1/maps/{journey_map.id}/exports/",
                                   {"format": "png", "dpi": dpi}, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()  # each thread has its own database connection

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(ask, range(100, 110)))

    codes = sorted(code for code, _body in answers)
    assert codes.count(202) == MAX_PENDING_PER_USER, answers
    assert codes.count(429) == 10 - MAX_PENDING_PER_USER, answers
    refused = [body for code, body in answers if code == 429]
    assert all(body["code"] == "rate_limited" and "Too many exports in progress" in body["message"]
               for body in refused), refused
    pending = Export.objects.filter(requested_by=owner, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    assert pending.count() == MAX_PENDING_PER_USER


def test_the_limit_counts_one_persons_exports_only(queue_nobody_consumes, workspace, owner, editor):
    journey_map, _doc = build_map(workspace, owner, stages=2)
    owner_client, editor_client = APIClient(), APIClient()
    owner_client.force_authenticate(owner)
    editor_client.force_authenticate(editor)
    for dpi in range(100, 100 + MAX_PENDING_PER_USER):
        assert owner_client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "png", "dpi": dpi},
                                 format="json").status_code == 202
    refused = owner_client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "png", "dpi": 99},
                                format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited" and "Trop d’exports en cours" in refused.json()["message"]
    assert editor_client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "png", "dpi": 99},
                              format="json").status_code == 202
