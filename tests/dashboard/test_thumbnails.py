"""The dashboard's picture of each map: drawn from its document, cached per version,
for members only; and the card's counts, touchpoints included."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client

from dashboard.thumbnails import map_thumbnail_svg, render_thumbnail
from maps.models import JourneyMap
from maps.operations import actor_for, apply
from maps.selectors import map_document
from templates_lib.models import MapTemplate
from templates_lib.services import map_from_template
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def filled(workspace, owner):
    """A current-state map: two Sales cards and a plain one in a cell, two touchpoints, a curve."""
    template = MapTemplate.objects.get(workspace=None, key="current_state", language="en")
    journey_map = map_from_template(template=template, workspace=workspace, title="Online order", actor_user=owner)
    doc = map_document(map_id=journey_map.id)
    sales = TeamFactory(workspace=workspace, name="Sales", color="#2563eb")
    stages = [s["id"] for s in doc["stages"]]
    text_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "text")
    tp_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints")
    ops = [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": stages[0], "lane": text_lane, "text": text, "team": team}}
           for text, team in (("<script>alert(1)</script> compares prices", str(sales.id)), ("Reads reviews", str(sales.id)),
                              ("Asks a friend", None))]
    ops += [{"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
             "fields": {"stage": stages[1], "lane": tp_lane, "title": title, "evaluation": evaluation}}
            for title, evaluation in (("Checkout", "irritant"), ("Reviews", "delight"))]
    ops += [{"op": "create", "entity": "emotion", "id": str(uuid.uuid4()), "fields": {"stage": s, "score": score}}
            for s, score in zip(stages, (1, -2, 2, -3, 0, 3), strict=True)]
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id="fill", ops=ops)
    assert ack.status in ("ok", "rebased"), ack.error
    journey_map.refresh_from_db()
    return journey_map


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_the_picture_draws_cards_in_team_colours_touchpoints_by_evaluation_and_the_curve(filled):
    svg = render_thumbnail(map_document(map_id=filled.id))
    root = parse(svg)
    fills = [node.get("fill") for node in root.iter(f"{SVG}rect")]
    assert fills.count("#2563eb") == 2 and "#cbd5e1" in fills  # two Sales cards, one without a team
    dots = [node.get("fill") for node in root.iter(f"{SVG}circle")]
    assert "#dc2626" in dots and "#16a34a" in dots  # the irritant and the delight
    (curve,) = root.iter(f"{SVG}polyline")
    assert len(curve.get("points").split()) == 6  # one point per stage
    # No words at all: nothing a card says reaches the picture.
    assert list(root.iter(f"{SVG}text")) == [] and "script" not in svg and "compares" not in svg


def test_an_edit_gives_a_new_picture_and_each_version_is_cached(filled, owner):
    cache.clear()
    first = map_thumbnail_svg(map_id=filled.id, seq=filled.seq)
    assert cache.get(f"map-thumbnail:v1:{filled.id}:{filled.seq}") == first
    doc = map_document(map_id=filled.id)
    lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "text")
    ack = apply(map_id=filled.id, actor=actor_for(owner, filled.workspace_id), batch_id="more",
                ops=[{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                      "fields": {"stage": doc["stages"][3]["id"], "lane": lane, "text": "Calls support"}}])
    assert ack.status == "ok"
    filled.refresh_from_db()
    second = map_thumbnail_svg(map_id=filled.id, seq=filled.seq)
    assert second != first
    assert parse(second) is not None


def test_an_empty_map_has_a_quiet_picture(workspace):
    from maps.services import map_create

    blank = map_create(workspace=workspace, title="Blank")
    root = parse(render_thumbnail(map_document(map_id=blank.id)))
    assert list(root.iter(f"{SVG}polyline")) == []


def test_members_get_the_picture_and_others_do_not(filled, owner, viewer, outsider):
    url = f"/maps/{filled.id}/thumbnail.svg"
    for person in (owner, viewer):
        client = Client()
        client.force_login(person)
        response = client.get(f"{url}?v={filled.seq}")
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert "immutable" in response["Cache-Control"]
        assert "no-cache" in client.get(url).headers["Cache-Control"]
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_the_dashboard_card_counts_touchpoints_and_shows_the_current_picture(filled, owner):
    client = Client()
    client.force_login(owner)
    page = client.get(f"/?workspace={filled.workspace_id}")
    (card,) = [c for c in page.context["cards"] if c["map"].id == filled.id]
    assert (card["stages"], card["cards"], card["touchpoints"]) == (6, 3, 2)
    body = page.content.decode()
    assert "2 touchpoints" in body and "3 cards" in body
    assert f"/maps/{filled.id}/thumbnail.svg?v={JourneyMap.objects.get(id=filled.id).seq}" in body
