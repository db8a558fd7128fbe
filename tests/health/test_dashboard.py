"""The health score on the dashboard's map cards: from the stored findings in
one query, coloured, with the counts in a tooltip; maps changed since their
last check get a chip the page fills in."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from health.models import MapHealth
from health.selectors import map_health

pytestmark = pytest.mark.django_db


def test_a_card_shows_the_stored_score_with_its_colour_and_tooltip(client, healthy, owner):
    m = healthy("en")
    map_health(journey_map=m.map)
    client.force_login(owner)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    badge = re.search(r'<span class="health-badge tone-(\w+)" title="([^"]+)">', html)
    assert badge, html[:500]
    assert badge.group(1) == "good"
    assert badge.group(2) == "Map health: 100 out of 100 · 0 to fix · 0 to look at"
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Santé de la carte\u00a0: 100 sur 100 · 0 à corriger · 0 à examiner" in french


def test_a_card_whose_map_changed_since_the_last_check_asks_the_page_to_fetch_it(client, healthy, owner):
    m = healthy("en")
    map_health(journey_map=m.map)
    m.push({"op": "update", "entity": "stage", "id": m.stages[0], "fields": {"name": "Onboarding"}})
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert f'data-health-url="/api/v1/maps/{m.map.id}/health/"' in html
    assert 'class="health-badge tone-' not in html


def test_the_dashboard_reads_every_cards_health_in_one_query(client, healthy, owner):
    maps = [healthy("en") for _ in range(3)]
    for m in maps:
        map_health(journey_map=m.map)
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    health_queries = [q for q in queries.captured_queries if MapHealth._meta.db_table in q["sql"]]
    assert len(health_queries) == 1
