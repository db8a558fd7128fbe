"""Imports: a new map from a map file, a bundle, CSV, XLSX or Mermaid, through
the write path as one batch; personas, channels and teams matched by name."""

from __future__ import annotations

import pytest

from maps.models import JourneyMap, Operation, Team
from maps.selectors import map_document
from personas.models import Persona
from tests.factories import PersonaFactory
from tests.interchange.helpers import client_for, holdings, import_file, in_cells, upload, xlsx
from touchpoints.models import Channel

pytestmark = pytest.mark.django_db

FRENCH_LIST = ("\ufeffÉtape;Nom;Canal;Évaluation;Part;Volume;CSAT;NPS;Preuve\r\n"
               "Je compare les offres;Comparateur en ligne;Site web;Enchantement;62,5 %;12\u00a0000;80;-5;"
               "https://exemple.fr/étude\r\n"
               "Je compare les offres;Avis clients;Sites d’avis;satisfaction de base;;;;;\r\n"
               "J’appelle le support;Serveur vocal;Téléphone ou centre d’appels;Irritant;30;4500;41,5;-20;\r\n")


def test_a_french_touchpoint_list_imports_exactly(workspace, editor):
    response = import_file(client_for(editor), workspace, FRENCH_LIST.encode("utf-8"), "Parcours achat.csv")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counts"]["touchpoints"] == 3 and body["counts"]["stages"] == 2
    journey_map = JourneyMap.objects.get(id=body["map"]["id"])
    assert journey_map.title == "Parcours achat" and journey_map.language == "fr"
    document = map_document(map_id=journey_map.id)
    assert [s["name"] for s in document["stages"]] == ["Je compare les offres", "J’appelle le support"]
    assert [lane["title"] for lane in document["lanes"]] == ["Points de contact"]
    first, second, third = in_cells(document, "touchpoints")
    assert first["title"] == "Comparateur en ligne" and first["evaluation"] == "delight"
    assert first["volume_share"] == 62.5 and first["volume_count"] == 12000 and first["csat"] == 80
    assert first["nps"] == -5 and first["evidence"] == [{"url": "https://exemple.fr/étude", "label": ""}]
    assert second["evaluation"] == "neutral" and second["volume_share"] is None
    assert third["csat"] == 41.5 and third["evaluation"] == "irritant"
    # Channels matched by their French names, built in.
    channels = {c["id"]: c["key"] for c in document["channels"]}
    assert [channels[t["channel"]] for t in in_cells(document, "touchpoints")] == [
        "website", "review_sites", "call_centre"]
    # One batch in the op log: undone as one.
    assert Operation.objects.filter(map=journey_map).count() == 1


def test_a_grid_written_by_french_excel_imports_exactly(workspace, editor):
    grid = ("\ufeffRésiliation;Je cherche;Je compare;J’achète\r\n"
            "phase :;Avant l’achat;;Achat\r\n"
            "Pense & ressent;\"Où est l’offre ?\nC’est cher\";;Enfin\r\n"
            "Émotions;-1;2;3\r\n"
            "Points de contact;Site web;;\r\n")
    response = import_file(client_for(editor), workspace, grid.encode("utf-8"), "grille.csv")
    assert response.status_code == 201, response.content
    document = map_document(map_id=response.json()["map"]["id"])
    assert [p["title"] for p in document["phases"]] == ["Avant l’achat", "Achat"]
    phase_of = {p["id"]: p["title"] for p in document["phases"]}
    assert [(s["name"], phase_of[s["phase"]]) for s in document["stages"]] == [
        ("Je cherche", "Avant l’achat"), ("Je compare", "Avant l’achat"), ("J’achète", "Achat")]
    assert [(lane["title"], lane["kind"]) for lane in document["lanes"]] == [
        ("Pense & ressent", "text"), ("Émotions", "emotion"), ("Points de contact", "touchpoints")]
    stage_name = {s["id"]: s["name"] for s in document["stages"]}
    assert [(stage_name[c["stage"]], c["text"]) for c in in_cells(document, "cards")] == [
        ("Je cherche", "Où est l’offre ?"), ("Je cherche", "C’est cher"), ("J’achète", "Enfin")]
    assert sorted((stage_name[e["stage"]], e["score"]) for e in document["emotions"]) == [
        ("Je cherche", -1), ("Je compare", 2), ("J’achète", 3)]
    assert [t["title"] for t in document["touchpoints"]] == ["Site web"]
    assert JourneyMap.objects.get(id=response.json()["map"]["id"]).title == "Résiliation"


def test_xlsx_grid_and_touchpoint_sheet(workspace, editor):
    client = client_for(editor)
    grid = xlsx({"Carte": [["", "Étape A", "Étape B"], ["Actions", "Clique\nAttend", None],
                           ["Irritants", None, "Lent"]]})
    response = import_file(client, workspace, grid, "carte.xlsx")
    assert response.status_code == 201, response.content
    document = map_document(map_id=response.json()["map"]["id"])
    assert [c["text"] for c in in_cells(document, "cards")] == ["Clique", "Attend", "Lent"]
    assert [lane["kind"] for lane in document["lanes"]] == ["text", "pain_points"]
    listed = xlsx({"Notes": [["ignored"]], "Touchpoints": [
        ["stage", "name", "channel", "evaluation", "volume_share", "volume_count", "csat", "nps", "evidence_url"],
        ["Buy", "Checkout", "Website", "irritant", 55.5, 1200, 61, -12, "https://example.org/x"]]})
    response = import_file(client, workspace, listed, "list.xlsx")
    assert response.status_code == 201, response.content
    touchpoint = map_document(map_id=response.json()["map"]["id"])["touchpoints"][0]
    assert (touchpoint["title"], touchpoint["evaluation"], touchpoint["volume_share"], touchpoint["volume_count"],
            touchpoint["csat"], touchpoint["nps"]) == ("Checkout", "irritant", 55.5, 1200, 61, -12)


MERMAID_DOCS = """journey
    title My working day
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me
"""


def test_the_example_of_mermaids_documentation_imports(workspace, editor):
    response = import_file(client_for(editor), workspace, MERMAID_DOCS, "day.mmd")
    assert response.status_code == 201, response.content
    document = map_document(map_id=response.json()["map"]["id"])
    assert JourneyMap.objects.get(id=response.json()["map"]["id"]).title == "My working day"
    assert [p["title"] for p in document["phases"]] == ["Go to work", "Go home"]
    assert [s["name"] for s in document["stages"]] == ["Make tea", "Go upstairs", "Do work", "Go downstairs",
                                                       "Sit down"]
    persona = {p["id"]: p["name"] for p in document["personas"]}
    assert sorted(persona.values()) == ["Cat", "Me"]
    stage = {s["id"]: s["name"] for s in document["stages"]}
    points = sorted((stage[e["stage"]], persona[e["persona"]], e["score"]) for e in document["emotions"])
    assert points == [("Do work", "Cat", -3), ("Do work", "Me", -3), ("Go downstairs", "Me", 3),
                      ("Go upstairs", "Me", 0), ("Make tea", "Me", 3), ("Sit down", "Me", 3)]


def test_mermaid_accessibility_lines_comments_and_actorless_tasks(workspace, editor):
    text = """%% a comment
journey
  title Onboarding
  accTitle: Get new users going
  accDescr {
    Two steps
    and a wait
  }
  Sign up: 4
  section Week one
    Sign up again: 2: Ana # a comment
    Sign up again: 4: Bo
"""
    response = import_file(client_for(editor), workspace, text)
    assert response.status_code == 201, response.content
    journey_map = JourneyMap.objects.get(id=response.json()["map"]["id"])
    assert (journey_map.title, journey_map.goal, journey_map.description) == (
        "Onboarding", "Get new users going", "Two steps\nand a wait")
    document = map_document(map_id=journey_map.id)
    # A task before any section has no phase: the map shows such stages last.
    assert [s["name"] for s in document["stages"]] == ["Sign up again", "Sign up"]
    assert document["stages"][1]["phase"] is None
    persona = {p["id"]: p["name"] for p in document["personas"]}
    assert sorted((persona.get(e["persona"]), e["score"]) for e in document["emotions"]
                  if e["stage"] == document["stages"][0]["id"]) == [("Ana", -2), ("Bo", 2)]
    assert [e["score"] for e in document["emotions"] if e["persona"] is None] == [2]


def test_personas_channels_and_teams_are_matched_by_name_else_created(workspace, editor, owner, media):
    from interchange.writer import file_bytes, map_file
    from tests.interchange.rich import rich_map

    source = rich_map(workspace, owner)
    document, _files = map_file(map_id=source.id)
    from tests.factories import MembershipFactory, WorkspaceFactory

    other = WorkspaceFactory()
    MembershipFactory(workspace=other, user=editor, role="editor")
    PersonaFactory(workspace=other, name="léa")  # matched whatever the case
    Team.objects.create(workspace=other, name="Support")
    response = import_file(client_for(editor), other, file_bytes(document), "map.json")
    assert response.status_code == 201, response.content
    assert Persona.objects.filter(workspace=other).count() == 2  # léa matched, Marc created
    assert Persona.objects.get(workspace=other, name="Marc")
    assert set(Team.objects.filter(workspace=other).values_list("name", flat=True)) == {"Support"}
    assert Channel.objects.get(workspace=other, name="Borne").name_fr == "Borne en agence"
    warnings = response.json()["warnings"]
    assert any("Léa" in w or "léa" in w for w in warnings)  # the existing profile differs and was kept
    assert any("attachment" in w for w in warnings)  # a plain file carries no attachment


def test_a_dry_run_previews_and_writes_nothing(workspace, editor):
    before = holdings(workspace)
    response = import_file(client_for(editor), workspace, MERMAID_DOCS, dry_run="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["map"] is None
    assert body["counts"]["stages"] == 5 and body["counts"]["personas"] == 2
    assert [s["name"] for s in body["preview"]["stages"]][:2] == ["Make tea", "Go upstairs"]
    assert body["preview"]["stages"][0]["phase"] == "Go to work"
    assert holdings(workspace) == before


def test_viewers_cannot_import_and_outsiders_see_no_workspace(workspace, viewer, outsider):
    assert import_file(client_for(viewer), workspace, MERMAID_DOCS).status_code == 403
    assert import_file(client_for(outsider), workspace, MERMAID_DOCS).status_code == 404


def test_merging_a_touchpoint_list_updates_matches_and_creates_the_rest(workspace, editor):
    created = import_file(client_for(editor), workspace, FRENCH_LIST.encode(), "a.csv").json()["map"]["id"]
    update = ("stage,name,csat\n"
              "je compare les offres,comparateur en ligne,90\n"
              "Je compare les offres,Forum,\n"
              "Je paie,Caisse,50\n")
    url = f"/api/v1/maps/{created}/imports/"
    dry = upload(client_for(editor), url, update, "u.csv", dry_run="1")
    assert dry.status_code == 200 and dry.json()["seq"] is None
    response = upload(client_for(editor), url, update, "u.csv")
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"created": 2, "updated": 1, "unchanged": 0, "stages_created": 1}
    document = map_document(map_id=created)
    by_title = {t["title"]: t for t in document["touchpoints"]}
    assert by_title["Comparateur en ligne"]["csat"] == 90
    # Columns the list does not have are left as they were.
    assert by_title["Comparateur en ligne"]["evaluation"] == "delight"
    assert by_title["Caisse"]["csat"] == 50 and "Forum" in by_title
    assert [s["name"] for s in document["stages"]][-1] == "Je paie"
    assert Operation.objects.filter(map_id=created).count() == 2  # the import, then the merge: one batch each
    from versions.models import Version

    saved = Version.objects.get(map_id=created)
    assert saved.reason == "import" and saved.seq == 1  # the map as it was before the merge


def test_viewers_cannot_merge(workspace, editor, viewer):
    created = import_file(client_for(editor), workspace, FRENCH_LIST.encode(), "a.csv").json()["map"]["id"]
    assert upload(client_for(viewer), f"/api/v1/maps/{created}/imports/", "stage,name\nA,B\n").status_code == 403
