"""PPTX and CSV exports: rendered from a document, opened again with python-pptx and
the csv module; then through REST and a real Celery worker, hostile text included.

People: the owner of a workspace (may export), a viewer (may export: a read), an
outsider (sees nothing).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from pptx import Presentation
from rest_framework.test import APIClient

from exports.options import ExportOptions, clean_options
from exports.services.render import render
from exports.services.touchpoint_table import COLUMNS, cell_text
from tests.exports.helpers import build_map, squash, synthetic_document, wait_until_finished

HOSTILE_MARKUP = '<script>alert("x")</script> & <b>bold</b> ]]> =HYPERLINK("http://evil.example","clic")'
# Control characters never reach the map through the write path; a document may
# still hold them (older rows): the renderers must survive them.
HOSTILE = HOSTILE_MARKUP.replace("]]> ", "]]> \x1b\x00 ")


def slide_texts(data: bytes) -> list[str]:
    """Every slide's text: text frames, table cells and grouped shapes."""
    deck = Presentation(io.BytesIO(data))
    out = []
    for slide in deck.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        out.append("\n".join(parts))
    return out


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]], str]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(reader.fieldnames or []), list(reader), delimiter


# ----------------------------------------------------------------------------- PPTX


def test_a_deck_has_a_cover_a_slide_per_band_the_priorities_and_the_personas_with_every_word_as_text():
    doc = synthetic_document(stages=9, lanes=6, cards=60)
    data, info = render(doc, ExportOptions(format="pptx", language="en"))
    texts = slide_texts(data)
    deck = Presentation(io.BytesIO(data))
    assert deck.slide_width > deck.slide_height  # 16:9
    assert len(texts) == info["slides"]
    assert doc["map"]["title"] in texts[0] and "The journey at a glance".upper() in texts[0]
    bands = [t for t in texts if "Stages " in t and " of 9" in t]
    assert len(bands) >= info["bands"] >= 2
    everything = squash(" ".join(texts))
    expected = [s["name"] for s in doc["stages"]] + [c["text"] for c in doc["cards"]]
    expected += [t["title"] for t in doc["touchpoints"]] + [lane["title"] for lane in doc["lanes"]]
    missing = [item for item in expected if squash(item) not in everything]
    assert not missing, missing[:5]
    # Every stage name sits on a band slide (not only on the cover).
    band_text = squash(" ".join(bands))
    assert all(squash(s["name"]) in band_text for s in doc["stages"])
    assert any("Priorities" in t and "Importance × impact".upper() in t for t in texts)
    assert any("Camille, busy parent" in t and "I just want to know when it arrives." in t for t in texts)
    # The emotion curve is a drawn line (a freeform shape) on the band slides.
    freeforms = [shape for slide in deck.slides for shape in slide.shapes
                 if shape.shape_type is not None and shape.shape_type == 5]  # MSO_SHAPE_TYPE.FREEFORM
    assert freeforms


def test_a_deck_speaks_the_export_language_and_tags_the_maps_words_with_the_maps():
    doc = synthetic_document(stages=4, lanes=4, cards=12, language="en")
    data, _info = render(doc, ExportOptions(format="pptx", language="fr"))
    texts = slide_texts(data)
    assert "Étapes 1" in " ".join(texts) or "Étapes\u00a01" in " ".join(texts)
    xml = b"".join(part.blob for part in Presentation(io.BytesIO(data)).part.package.iter_parts()
                   if part.partname.startswith("/ppt/slides/slide"))
    assert b'lang="fr-FR"' in xml and b'lang="en-US"' in xml


def test_hostile_card_text_stays_text_in_the_deck():
    doc = synthetic_document(stages=3, lanes=4, cards=9)
    doc["cards"][0]["text"] = HOSTILE
    doc["stages"][0]["name"] = "<i>Stage</i> & \x07 co"
    doc["map"]["title"] = "Title <svg onload=alert(1)>"
    data, _info = render(doc, ExportOptions(format="pptx"))
    text = " ".join(slide_texts(data))
    # Markup is kept as the characters typed; characters XML cannot hold are dropped.
    assert '<script>alert("x")</script> & <b>bold</b> ]]>' in text
    assert "=HYPERLINK(" in text and "\x1b" not in text and "\x00" not in text
    assert "<i>Stage</i> &  co" in text and "Title <svg onload=alert(1)>" in text


# ----------------------------------------------------------------------------- CSV


def test_the_touchpoint_list_parses_back_with_evaluations_volumes_moments_and_ranks():
    doc = synthetic_document(stages=8, lanes=6, cards=20)
    tp = doc["touchpoints"][0]
    tp.update(evaluation="irritant", csat=72.5, nps=-20, evidence=[{"url": "https://example.com/a", "label": "a"}])
    doc["moments"].append({"id": "m-1", "stage": tp["stage"], "lane": None, "touchpoint": tp["id"],
                           "title": "Le colis n’arrive pas", "rationale": "", "importance": 5, "impact": 5,
                           "valence": "negative", "position": "a9", "version": 1})
    data, info = render(doc, ExportOptions(format="csv", language="en"))
    header, rows, delimiter = read_csv(data)
    assert delimiter == "," and header == list(COLUMNS) and info["rows"] == len(rows) == len(doc["touchpoints"])
    first = next(row for row in rows if row["name"] == tp["title"])
    assert first["evaluation"] == "irritant" and first["csat"] == "72.5" and first["nps"] == "-20"
    assert first["evidence_url"] == "https://example.com/a"
    assert first["moments_of_truth"] == "Le colis n’arrive pas" and first["moment_weight"] == "25"
    assert first["priority_rank"] == "1"  # importance 5 x impact 5 ranks first
    ranked = [int(row["priority_rank"]) for row in rows if row["priority_rank"]]
    assert len(ranked) == len(set(ranked))
    assert [int(row["stage_number"]) for row in rows] == sorted(int(row["stage_number"]) for row in rows)


def test_a_french_csv_uses_semicolons_decimal_commas_and_keeps_accents_for_excel():
    doc = synthetic_document(stages=3, lanes=4, cards=6, language="fr")
    doc["stages"][0]["name"] = "Étape : je commande à l’avance"
    doc["touchpoints"][0].update(stage=doc["stages"][0]["id"], volume_share=35.5, title="Appel « urgent »")
    data, _info = render(doc, ExportOptions(format="csv", language="fr"))
    _header, rows, delimiter = read_csv(data)
    assert delimiter == ";"
    row = next(r for r in rows if r["name"] == "Appel « urgent »")
    assert row["stage"] == "Étape : je commande à l’avance" and row["volume_share"] == "35,5"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_exported_touchpoint_list_imports_again_with_its_values(language):
    from interchange.readers import read_upload

    doc = synthetic_document(stages=5, lanes=6, cards=10, language=language)
    tp = doc["touchpoints"][0]
    tp.update(nps=-20, csat=72.5, volume_share=35.5, volume_count=12000,
              evidence=[{"url": "https://example.com/etude", "label": "étude"}])
    data, _info = render(doc, ExportOptions(format="csv", language=language))
    reading = read_upload(data, name="touchpoints.csv", file_format="auto")
    read = reading.document
    assert [t["title"] for t in read["touchpoints"]] == [row["name"] for row in read_csv(data)[1]]
    first = read["touchpoints"][0]
    assert (first["title"], first["evaluation"], first["volume_share"], first["volume_count"], first["csat"],
            first["nps"]) == (tp["title"], tp["evaluation"], 35.5, 12000, 72.5, -20)
    assert [e["url"] for e in first["evidence"]] == ["https://example.com/etude"]
    assert [s["name"] for s in read["stages"]] == [s["name"] for s in doc["stages"]
                                                   if any(t["stage"] == s["id"] for t in doc["touchpoints"])]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text():
    for hostile in ("=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", '=HYPERLINK("http://x")'):
        assert cell_text(hostile).startswith("'"), hostile
    assert cell_text("Appel -> web") == "Appel -> web"
    doc = synthetic_document(stages=2, lanes=4, cards=2)
    doc["touchpoints"][0]["title"] = '=HYPERLINK("http://evil.example","clic")'
    doc["touchpoints"][0]["description"] = "@cmd|' /C calc'!A0\x00"
    doc["touchpoints"][0]["nps"] = -40
    _header, rows, _d = read_csv(render(doc, ExportOptions(format="csv"))[0])
    row = rows[0]
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"
    assert row["description"] == "'@cmd|' /C calc'!A0"
    assert row["nps"] == "-40"  # a number stays a number


def test_options_that_do_not_apply_to_slides_or_tables_do_not_split_the_cache():
    lanes = ["b", "a"]
    csv_a = clean_options({"format": "csv", "paper": "A1", "dpi": 72}, default_language="en", lane_ids=lanes)
    csv_b = clean_options({"format": "csv"}, default_language="en", lane_ids=lanes)
    pptx = clean_options({"format": "pptx", "paper": "A4", "personas": False}, default_language="fr", lane_ids=lanes)
    assert csv_a == csv_b
    assert pptx.paper == "A3" and pptx.personas is False and pptx.language == "fr"


# ----------------------------------------------------------------------------- through a worker


@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_a_deck_and_a_table_that_viewers_download_and_outsiders_cannot(
    celery_worker, workspace, owner, viewer, outsider
):
    journey_map, doc = build_map(workspace, owner, stages=7, card_text=HOSTILE_MARKUP)
    client = APIClient()
    client.force_authenticate(viewer)  # viewers may export: it is a read
    bodies: dict[str, Any] = {}
    for fmt in ("pptx", "csv"):
        response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": fmt}, format="json")
        assert response.status_code == 202, response.content
        bodies[fmt] = wait_until_finished(client, response.json()["id"], 120)
        assert bodies[fmt]["status"] == "done", bodies[fmt]
        assert bodies[fmt]["format"] == fmt
    from exports.models import Export

    assert celery_worker.name in Export.objects.get(id=bodies["pptx"]["id"]).worker

    deck = client.get(f"/api/v1/exports/{bodies['pptx']['id']}/download/")
    assert deck.status_code == 200
    assert deck["Content-Type"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert deck["Content-Disposition"].startswith('attachment; filename="Livraison a domicile.pptx"')
    texts = slide_texts(b"".join(deck.streaming_content))
    stages = 7
    # Cover, a slide per band of stages (with every stage's name), priorities, personas.
    bands = [t for t in texts if f" sur {stages}" in t and t.count("Étape") >= 1]
    assert len(texts) == 1 + len(bands) + 2, [t[:60] for t in texts]
    everything = squash(" ".join(texts))
    assert all(squash(s["name"]) in squash(" ".join(bands)) for s in doc["stages"])
    assert squash(HOSTILE_MARKUP) in everything
    assert "Priorités" in " ".join(texts) and "Camille" in " ".join(texts)

    table = client.get(f"/api/v1/exports/{bodies['csv']['id']}/download/")
    assert table.status_code == 200 and table["Content-Type"] == "text/csv; charset=utf-8"
    header, rows, delimiter = read_csv(b"".join(table.streaming_content))
    assert delimiter == ";"  # a French map: the export speaks French unless asked otherwise
    assert header == list(COLUMNS) and len(rows) == stages
    assert {row["evaluation"] for row in rows} == {"delight", "neutral", "irritant"}
    assert all(row["volume_share"] == "40" for row in rows)

    stranger = APIClient()
    stranger.force_authenticate(outsider)
    for body in bodies.values():
        assert stranger.get(f"/api/v1/exports/{body['id']}/download/").status_code == 404
