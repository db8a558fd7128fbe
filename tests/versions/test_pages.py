"""The compare page and its PDF: for members only, both sides and the changes shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from maps.services.copy import map_future_state
from tests.conftest import artifact
from versions.services import version_create


@pytest.mark.django_db
def test_the_compare_page_shows_counts_curves_and_both_grids(client, grid, owner, viewer):
    version = version_create(journey_map=grid.map, user=owner, name="Workshop")
    grid.card(owner, text="Calls the courier")
    grid.push(owner, [{"op": "create", "entity": "emotion", "id": "0b7c9a56-8f51-4ad0-9a43-5f0b4a5b2c11",
                       "fields": {"stage": grid.stages[0], "score": -2}}])
    client.force_login(viewer)
    page = client.get(f"/maps/{grid.map.id}/compare/?from={version.id}&to=current")
    assert page.status_code == 200
    html = page.content.decode()
    Path(artifact("versions/compare-page.html")).write_text(html)
    assert "2 changes" in html and "Calls the courier" in html and "mark-added" in html
    assert "curve-to" in html and "Workshop" in html
    pdf = client.get(f"/maps/{grid.map.id}/compare.pdf?from={version.id}&to=current")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_compare_page_is_in_french_and_compares_with_the_future_state(client, grid, owner):
    future = map_future_state(source=grid.map, actor_user=owner, content="everything")
    client.force_login(owner)
    page = client.get(f"/maps/{grid.map.id}/compare/?from=current&to=map:{future.id}",
                      HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Comparer" in html and "0 modification" in html


@pytest.mark.django_db
def test_outsiders_and_bad_sides(client, grid, outsider, owner):
    client.force_login(outsider)
    assert client.get(f"/maps/{grid.map.id}/compare/").status_code == 404
    client.force_login(owner)
    page = client.get(f"/maps/{grid.map.id}/compare/?from=nope&to=current")
    assert page.status_code == 200 and "compare-error" in page.content.decode()
    assert client.get(f"/maps/{grid.map.id}/compare.pdf?from=nope").status_code == 404
