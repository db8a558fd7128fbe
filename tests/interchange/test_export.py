"""The map file format and the exports: every field, the schema, the bundle, Mermaid."""

from __future__ import annotations

import io
import json
import zipfile

import jsonschema
import pytest
from django.apps import apps
from rest_framework.test import APIClient

from interchange.format import (
    CHANNEL_FIELDS,
    FIELDS,
    MAP_FIELDS,
    NOT_IN_FORMAT,
    PERSONA_FIELDS,
    TEAM_FIELDS,
    schema,
)
from interchange.mermaid import mermaid_text
from interchange.writer import map_file
from maps.entities import ENTITIES
from tests.conftest import response_bytes
from tests.interchange.rich import rich_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(workspace, owner, media):
    return rich_map(workspace, owner)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_every_model_field_is_in_the_format_or_left_out_with_a_reason():
    """A field added to a model and not to the format (nor to NOT_IN_FORMAT) fails here."""
    in_format = {"map": MAP_FIELDS, **{ENTITIES[spec].name: FIELDS[c] for c, spec in
                                        {"phases": "phase", "stages": "stage", "lanes": "lane", "cards": "card",
                                         "touchpoints": "touchpoint", "moments": "moment",
                                         "emotions": "emotion"}.items()},
                 "persona": PERSONA_FIELDS, "channel": CHANNEL_FIELDS, "team": TEAM_FIELDS, "persona_link": ()}
    models = {name: ENTITIES[name].model for name in ENTITIES}
    models.update(persona=apps.get_model("personas.Persona"), channel=apps.get_model("touchpoints.Channel"),
                  team=apps.get_model("maps.Team"))
    missing = []
    for name, model in models.items():
        left_out = {**NOT_IN_FORMAT["common"], **NOT_IN_FORMAT.get(name, {})}
        for model_field in model._meta.concrete_fields:
            if model_field.name not in in_format[name] and model_field.name not in left_out:
                missing.append(f"{name}.{model_field.name}")
    assert not missing, (f"fields neither in the map file format nor in NOT_IN_FORMAT: {missing}; add them to "
                         "interchange/format.py (and the schema, the writer and the importer) or say why not")


def test_the_export_of_a_map_using_every_field_fits_the_schema(rich):
    document, files = map_file(map_id=rich.id)
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["format"] == "journeymap.map" and document["version"] == 1
    assert document["map"]["review_every_months"] == 6
    assert not {"owner", "reviewed_at", "reviewed_by", "review_reminded_at"} & set(document["map"])
    assert [s["name"] for s in document["stages"]] == ["Je cherche comment résilier", "J’appelle", "Sans phase"]
    assert {c["team"] for c in document["cards"]} == {"Support", None}
    addressed = next(c for c in document["cards"] if c["addresses"])
    assert next(c for c in document["cards"] if c["id"] == addressed["addresses"])["text"] == "Attente 20 min"
    call = next(t for t in document["touchpoints"] if t["title"] == "Appel au 3900")
    assert call["channel"] == "Phone or call centre" and call["owner_team"] == "Support" and call["nps"] == -20
    assert call["attachments"][0]["name"] == "notes.pdf"
    assert [p["name"] for p in document["personas"]] == ["Léa", "Marc"]
    assert document["personas"][0]["demographics"] == {"âge": "34"}
    assert document["personas"][0]["avatar"].startswith("personas/")
    assert {c["name"] for c in document["channels"]} == {"Phone or call centre", "Borne"}
    assert [t["name"] for t in document["teams"]] == ["Support"]
    assert {f.path for f in files} == {call["attachments"][0]["file"], document["personas"][0]["avatar"]}


def test_export_json_answers_members_with_the_file(rich, owner, viewer):
    response = client_for(viewer).get(f"/api/v1/maps/{rich.id}/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "filename*=UTF-8''R%C3%A9siliation" in response["Content-Disposition"]
    document = json.loads(response_bytes(response))
    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["map"]["title"] == "Résiliation d’abonnement"


def test_bundle_holds_the_file_the_attachments_and_the_pictures(rich, owner):
    response = client_for(owner).get(f"/api/v1/maps/{rich.id}/export.json?bundle=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response_bytes(response))) as archive:
        names = set(archive.namelist())
        document = json.loads(archive.read("map.journeymap.json"))
        attachment = document["touchpoints"][0]["attachments"] or document["touchpoints"][1]["attachments"]
        assert attachment[0]["file"] in names
        assert archive.read(attachment[0]["file"]).startswith(b"%PDF")
        assert archive.read(document["personas"][0]["avatar"]).startswith(b"\x89PNG")


def test_outsiders_and_anonymous_callers_get_no_export(rich, outsider):
    assert client_for(outsider).get(f"/api/v1/maps/{rich.id}/export.json").status_code == 404
    assert APIClient().get(f"/api/v1/maps/{rich.id}/export.mmd").status_code == 401
    assert client_for(outsider).get("/api/v1/maps/not-a-uuid/export.json").status_code == 404


def test_schema_is_served_as_kept_in_the_repository():
    response = APIClient().get("/api/v1/schema/map-format.json")
    assert response.status_code == 200
    assert json.loads(response.content) == schema()
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_mermaid_export_follows_the_contracts_mapping(rich, owner):
    response = client_for(owner).get(f"/api/v1/maps/{rich.id}/export.mmd")
    assert response.status_code == 200
    text = response_bytes(response).decode()
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "journey"
    assert lines[1] == "title Résiliation d’abonnement"
    assert "section Avant" in lines and "section Pendant" in lines
    # Léa -1 -> 2, Marc +2 -> 4: one line per distinct score, same name.
    assert "Je cherche comment résilier: 2: Léa" in lines
    assert "Je cherche comment résilier: 4: Marc" in lines
    # The shared curve at -3 and Léa at -3 share the score: the shared point has its own line.
    assert "J’appelle: 1: Léa" in lines and "J’appelle: 1" in lines
    # A stage without a phase goes under a section named after the map.
    assert lines.index("section Résiliation d’abonnement") < lines.index("Sans phase: 3")
    note = next(line for line in lines if line.startswith("%%"))
    assert "4 cards" in note and "2 touchpoints" in note and "2 moments of truth" in note


def test_mermaid_writer_keeps_names_inside_the_grammar():
    from interchange.format import empty_file

    document = empty_file(title="A #1; test", goal="", description="")
    document["stages"].append({"id": "s", "name": "Step: one; two #3", "description": "", "phase": None})
    text = mermaid_text(document)
    task = [line for line in text.splitlines() if line.startswith("    ")][0].strip()
    name, score = task.rsplit(": ", 1)
    assert score == "3" and ":" not in name and ";" not in name and "#" not in name
