"""Lossless: export -> import -> export gives the same file up to ids and
timestamps, for every built-in template in both languages and for a map that
uses every field (with its attachments and pictures, through the bundle)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from interchange.mermaid import mermaid_text
from maps.models import JourneyMap
from templates_lib.builtin import BUILTIN_TEMPLATES
from templates_lib.models import MapTemplate
from templates_lib.services import map_from_template
from tests.conftest import response_bytes
from tests.interchange.helpers import client_for, import_file
from tests.interchange.rich import rich_map

pytestmark = pytest.mark.django_db


def without_ids(document: dict[str, Any]) -> dict[str, Any]:
    """The file with every id replaced by where its item sits, and no export time."""
    names: dict[str, str] = {}
    for collection in ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "personas"):
        for index, item in enumerate(document[collection]):
            names[item["id"]] = f"{collection}[{index}]"
    for t_index, touchpoint in enumerate(document["touchpoints"]):
        for a_index, entry in enumerate(touchpoint["attachments"]):
            names[entry["id"]] = f"attachment[{t_index}.{a_index}]"
    names[document["map"]["id"]] = "map"

    def replace(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items() if k != "exported_at"}
        if isinstance(value, list):
            return [replace(v) for v in value]
        if isinstance(value, str):
            if value in names:
                return names[value]
            for old, new in names.items():
                if old in value and "/" in value:
                    value = value.replace(old, new)
        return value

    return replace(document)


def export(client, map_id: Any, *, bundle: bool = False) -> tuple[dict[str, Any], bytes]:
    response = client.get(f"/api/v1/maps/{map_id}/export.json" + ("?bundle=1" if bundle else ""))
    assert response.status_code == 200
    content = response_bytes(response)
    if bundle:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return json.loads(archive.read("map.journeymap.json")), content
    return json.loads(content), content


def round_trip(client, workspace, map_id: Any, *, bundle: bool = False) -> tuple[dict, dict]:
    first, content = export(client, map_id, bundle=bundle)
    response = import_file(client, workspace, content, "map.zip" if bundle else "map.json")
    assert response.status_code == 201, response.content
    second, _ = export(client, response.json()["map"]["id"], bundle=bundle)
    return first, second


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=lambda t: f"{t['key']}-{t['language']}")
def test_every_builtin_template_survives_a_round_trip(workspace, owner, template):
    row = MapTemplate.objects.get(workspace=None, key=template["key"], language=template["language"])
    journey_map = map_from_template(template=row, workspace=workspace, title=template["name"], actor_user=owner)
    first, second = round_trip(client_for(owner), workspace, journey_map.id)
    assert first["stages"] and first["lanes"]
    assert without_ids(second) == without_ids(first)
    assert second["map"]["id"] != first["map"]["id"]
    assert {s["id"] for s in second["stages"]}.isdisjoint({s["id"] for s in first["stages"]})


def test_a_map_using_every_field_survives_a_round_trip_through_the_bundle(workspace, owner, media):
    source = rich_map(workspace, owner)
    first, second = round_trip(client_for(owner), workspace, source.id, bundle=True)
    assert without_ids(second) == without_ids(first)
    assert first["map"]["review_every_months"] == 6
    # Every part of the format is exercised, so a field the importer forgets fails here.
    for collection in ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "personas",
                       "channels", "teams"):
        assert first[collection], collection
    assert any(t["attachments"] for t in second["touchpoints"])
    assert any(p["avatar"] for p in second["personas"])


def test_the_same_map_imported_into_another_workspace_is_the_same_file(workspace, owner, media):
    from tests.factories import MembershipFactory, WorkspaceFactory

    source = rich_map(workspace, owner)
    client = client_for(owner)
    first, content = export(client, source.id, bundle=True)
    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=owner, role="owner")
    response = import_file(client, other, content, "map.zip")
    assert response.status_code == 201, response.content
    second, _ = export(client, response.json()["map"]["id"], bundle=True)
    assert without_ids(second) == without_ids(first)


def test_our_mermaid_export_parses_back_to_the_same(workspace, owner, media):
    source = rich_map(workspace, owner)
    client = client_for(owner)
    text = response_bytes(client.get(f"/api/v1/maps/{source.id}/export.mmd")).decode()
    response = import_file(client, workspace, text, "map.mmd")
    assert response.status_code == 201, response.content
    again = response_bytes(client.get(f"/api/v1/maps/{response.json()['map']['id']}/export.mmd")).decode()
    diagram = [line for line in text.splitlines() if not line.startswith("%%")]
    assert [line for line in again.splitlines() if not line.startswith("%%")] == diagram
    assert JourneyMap.objects.get(id=response.json()["map"]["id"]).goal == source.goal


def test_mermaid_text_of_a_map_file_is_stable():
    from interchange.mermaid import read_mermaid

    text = """journey
  title A day
  section Morning
    Wake up: 2: Ana
    Wake up: 4: Bo
    Coffee: 5
"""
    document, _warnings = read_mermaid(text, max_rows=100)
    assert mermaid_text(document) == text
