"""Bad files: a 400 that names the file and, where it applies, the row and the
column, in the reader's language; nothing written. Limits: size, rows, cells,
nesting, zip members and ratio."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.interchange.helpers import client_for, holdings, import_file, xlsx

pytestmark = pytest.mark.django_db

HEADER = "stage;name;channel;evaluation;volume_share;volume_count;csat;nps;evidence_url\n"
GOOD_ROW = "Buy;Checkout;Website;delight;50;100;80;10;https://example.org\n"

# (name, file, format, expected row, expected column, words the message holds)
MALFORMED: list[tuple[str, bytes | str, str, int | None, str | None, str]] = [
    ("bad evaluation", HEADER + GOOD_ROW * 12 + "Buy;Pay;Website;great;;;;;\n", "auto", 14, "evaluation",
     "delight, neutral or irritant"),
    ("share over 100", HEADER + "Buy;Pay;;;120;;;;\n", "auto", 2, "volume_share", "0 to 100"),
    ("share not a number", HEADER + "Buy;Pay;;;lots;;;;\n", "auto", 2, "volume_share", "lots"),
    ("count not whole", HEADER + "Buy;Pay;;;;12,5;;;\n", "auto", 2, "volume_count", "whole number"),
    ("negative count", HEADER + "Buy;Pay;;;;-3;;;\n", "auto", 2, "volume_count", "number"),
    ("csat too high", HEADER + "Buy;Pay;;;;;101;;\n", "auto", 2, "csat", "0 to 100"),
    ("nps out of range", HEADER + "Buy;Pay;;;;;;-101;\n", "auto", 2, "nps", "-100"),
    ("evidence not a link", HEADER + "Buy;Pay;;;;;;;javascript:alert(1)\n", "auto", 2, "evidence_url", "http"),
    ("missing stage", HEADER + ";Pay;;;;;;;\n", "auto", 2, "stage", "stage"),
    ("missing name", HEADER + "Buy;;;;;;;;\n", "auto", 2, "name", "name"),
    ("unknown column", "stage;name;colour\nBuy;Pay;red\n", "auto", 1, "colour", "unknown column"),
    ("column twice", "stage;name;name\nBuy;Pay;Pay\n", "auto", 1, "name", "twice"),
    ("stage name too long", HEADER + ("B" * 201) + ";Pay;;;;;;;\n", "auto", 2, "stage", "200"),
    ("grid emotion not a score", "Map,Look,Buy\nEmotions,happy,1\n", "csv", 2, "B", "-3 to 3"),
    ("grid emotion out of scale", "Map,Look,Buy\nEmotions,1,5\n", "csv", 2, "C", "-3 to 3"),
    ("grid lane without title", "Map,Look,Buy\n,card,\n", "csv", 2, "A", "title"),
    ("grid without stages", "Just one column\nrow\n", "csv", 1, None, "stages"),
    ("mermaid score out of range", "journey\n  title T\n  section S\n    Task: 7: Me\n", "mermaid", 4, "score",
     "1 to 5"),
    ("mermaid task without score", "journey\n  section S\n    Task without score\n", "mermaid", 3, None, "score"),
    ("mermaid not a journey", "graph TD\n  A --> B\n", "mermaid", 1, None, "journey"),
    ("json wrong evaluation", None, "auto", None, "touchpoints[0].evaluation", "delight"),
    ("json dangling reference", None, "auto", None, "cards[0].stage", "names no item"),
    ("json newer version", None, "auto", None, "version", "version 99"),
    ("json unknown field", None, "auto", None, "map", "unknown field"),
    ("json review interval over 12", None, "auto", None, "map.review_every_months", "12"),
    ("xlsx bad nps", None, "auto", 3, "nps", "-100"),
]


def json_file(case: str) -> bytes:
    from interchange.format import empty_file

    document = empty_file(title="T")
    document["stages"].append({"id": "s1", "name": "Look"})
    document["lanes"].append({"id": "l1", "title": "Touchpoints", "kind": "touchpoints"})
    if case == "json wrong evaluation":
        document["touchpoints"].append({"id": "t1", "stage": "s1", "lane": "l1", "title": "X", "evaluation": "wow"})
    elif case == "json dangling reference":
        document["cards"].append({"id": "c1", "stage": "nowhere", "lane": "l1", "text": "X"})
    elif case == "json newer version":
        document["version"] = 99
    elif case == "json review interval over 12":
        document["map"]["review_every_months"] = 13
    elif case == "json unknown field":
        document["map"]["colour"] = "red"
    return json.dumps(document).encode()


def file_for(name: str, content: bytes | str | None) -> bytes | str:
    if name.startswith("json"):
        return json_file(name)
    if name == "xlsx bad nps":
        return xlsx({"Touchpoints": [["stage", "name", "nps"], ["A", "B", 5], ["A", "C", 300]]})
    return content  # type: ignore[return-value]


@pytest.mark.parametrize(("name", "content", "file_format", "row", "column", "words"), MALFORMED,
                         ids=[case[0] for case in MALFORMED])
def test_a_malformed_file_answers_400_naming_where_and_writes_nothing(workspace, editor, name, content,
                                                                      file_format, row, column, words):
    before = holdings(workspace)
    response = import_file(client_for(editor), workspace, file_for(name, content), "file", format=file_format)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    fields = body["fields"]
    assert fields.get("row") == row, fields
    assert fields.get("column") == column, fields
    assert words in fields["file"][0], fields["file"][0]
    assert words in body["message"]
    assert holdings(workspace) == before


def test_the_message_is_in_the_readers_language(workspace, editor):
    client = client_for(editor)
    content = HEADER + GOOD_ROW * 12 + "Buy;Pay;Website;great;;;;;\n"
    response = client.post(f"/api/v1/workspaces/{workspace.id}/imports/",
                           {"file": _upload(content)}, format="multipart", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    message = response.json()["fields"]["file"][0]
    assert message.startswith("ligne 14, colonne «\u00a0evaluation\u00a0»\u00a0:"), message


def _upload(content: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("f.csv", content.encode())


def test_a_refusal_by_the_write_path_is_told_as_a_place_in_the_file(workspace, editor):
    """A card longer than the write path takes, in a cell the readers passed:
    named with the row and column of the spreadsheet, nothing kept."""
    before = holdings(workspace)
    response = import_file(client_for(editor), workspace, "Map,Look,Buy\nThinks,ok,\"fine\n" + "x" * 10_001 + '"\n',
                           "f.csv")
    assert response.status_code == 400
    assert response.json()["fields"]["row"] == 2 and response.json()["fields"]["column"] == "C"
    assert "10000 characters" in response.json()["message"]
    assert holdings(workspace) == before


def test_a_control_character_in_a_cell_is_refused_where_it_is(workspace, editor):
    response = import_file(client_for(editor), workspace, b"Map,Look\nThinks,ok\x07\n", "f.csv")
    assert response.status_code == 400
    assert response.json()["fields"]["row"] == 2 and response.json()["fields"]["column"] == "B"


def test_a_failure_late_in_a_bundle_leaves_no_stored_file_behind(workspace, editor, media):
    """A bundle whose picture is fine but whose attachment is refused: the map,
    the persona and the picture already stored are all gone."""
    from interchange.format import empty_file
    from tests.touchpoints import samples

    document = empty_file(title="T")
    document["stages"].append({"id": "s1", "name": "Look"})
    document["lanes"].append({"id": "l1", "title": "Touchpoints", "kind": "touchpoints"})
    document["personas"].append({"id": "p1", "name": "New person", "avatar": "personas/p1.png"})
    document["touchpoints"].append({"id": "t1", "stage": "s1", "lane": "l1", "title": "X", "attachments": [
        {"id": "a1", "name": "page.html", "content_type": "text/html", "size": 30, "file": "attachments/a1/page.html"}]})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("map.journeymap.json", json.dumps(document))
        archive.writestr("personas/p1.png", samples.png())
        archive.writestr("attachments/a1/page.html", "<html><script>alert(1)</script></html>")
    before = holdings(workspace)
    response = import_file(client_for(editor), workspace, out.getvalue(), "b.zip")
    assert response.status_code == 400, response.content
    assert response.json()["fields"]["column"] == "attachments/a1/page.html"
    assert holdings(workspace) == before
    stored = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert stored == []


# --- limits ---------------------------------------------------------------------------------------


def test_limits_on_size_rows_cells_and_nesting(workspace, editor, settings):
    client = client_for(editor)
    settings.IMPORT_MAX_BYTES = 1000
    response = import_file(client, workspace, HEADER + GOOD_ROW * 40, "big.csv")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 10
    response = import_file(client, workspace, HEADER + GOOD_ROW * 11, "rows.csv")
    assert response.status_code == 400 and "10 rows" in response.json()["message"]
    settings.IMPORT_MAX_ROWS = 5000
    settings.IMPORT_MAX_CELLS = 50
    response = import_file(client, workspace, HEADER + GOOD_ROW * 6, "cells.csv")
    assert response.status_code == 400 and "50 cells" in response.json()["message"]
    nested = '{"format": "journeymap.map", "version": 1, "map": {"title": "T", "x": ' + "[" * 20 + "]" * 20 + "}}"
    response = import_file(client, workspace, nested, "deep.json")
    assert response.status_code == 400 and "nested deeper" in response.json()["message"]


def test_zip_bombs_and_archives_with_too_many_members_are_refused(workspace, editor, settings):
    client = client_for(editor)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("map.journeymap.json", json.dumps({"format": "journeymap.map"}))
        archive.writestr("attachments/a/zeros.bin", b"\0" * (20 * 1024 * 1024))
    response = import_file(client, workspace, bomb.getvalue(), "bomb.zip")
    assert response.status_code == 400 and "zip bomb" in response.json()["message"]
    settings.IMPORT_MAX_ZIP_MEMBERS = 5
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(6):
            archive.writestr(f"f{index}.txt", "x")
        archive.writestr("map.journeymap.json", "{}")
    response = import_file(client, workspace, many.getvalue(), "many.zip")
    assert response.status_code == 400 and "more than 5 files" in response.json()["message"]


@pytest.mark.parametrize(("name", "content"), [
    ("map file with a lone surrogate", b'{"format": "journeymap.map", "version": 1, "map": {"title": "\\ud800"}}'),
    ("map file with NUL", b'{"format": "journeymap.map", "version": 1, "map": {"title": "a\\u0000"}}'),
    ("map file with NaN", b'{"format": "journeymap.map", "version": NaN}'),
    ("CSV with a NUL byte", b"Map,Look\nThinks,a\x00b\n"),
    ("Mermaid with a control character", b"journey\n  section S\n    Task\x01: 3\n"),
    ("not UTF-8 Mermaid", b"journey\n  section \xff\xfe\n    Task: 3\n"),
    ("a zip that is not one", b"PK\x03\x04garbage"),
])
def test_hostile_text_in_a_file_is_refused_as_invalid_and_nothing_is_written(workspace, editor, name, content):
    before = holdings(workspace)
    file_format = "mermaid" if "Mermaid" in name else "auto"
    response = import_file(client_for(editor), workspace, content, "file", format=file_format)
    assert response.status_code == 400, (name, response.content)
    assert response.json()["code"] == "invalid" and response.json()["fields"]["file"]
    assert holdings(workspace) == before
