"""Touchpoint attachments: checked by content, stored under random names, listed
through the write path, served only to members while a live touchpoint lists them.

People: owner, editor, viewer of one workspace; outsider: a member of another.
"""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from maps.errors import OpError
from maps.models import Operation
from maps.selectors import map_document
from tests.conftest import response_bytes
from tests.touchpoints import samples
from touchpoints.attachments import attachment_add, attachment_remove
from touchpoints.entries import check_entries
from touchpoints.filetypes import sniff
from touchpoints.models import Attachment, Touchpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def tp(grid: Any, owner: Any) -> str:
    touchpoint = str(uuid.uuid4())
    ack = grid.push(owner, [{"op": "create", "entity": "touchpoint", "id": touchpoint,
                             "fields": {"stage": grid.stages[0], "lane": grid.lanes[1], "title": "Order page"}}])
    assert ack.status == "ok", ack.error
    return touchpoint


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def upload(client: APIClient, grid: Any, tp: str, name: str, content: bytes, content_type: str) -> Any:
    return client.post(f"/api/v1/maps/{grid.map.id}/touchpoints/{tp}/attachments/",
                       {"file": SimpleUploadedFile(name, content, content_type=content_type)}, format="multipart")


def preview_size(content: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(content)).size


# ---- what a file is, read from its bytes --------------------------------------------------------

@pytest.mark.parametrize(("content", "expected"), [
    (samples.png(), "image/png"),
    (samples.jpeg(), "image/jpeg"),
    (samples.GIF, "image/gif"),
    (samples.WEBP, "image/webp"),
    (samples.PDF, "application/pdf"),
    (b"\xef\xbb\xbf" + samples.PDF, "application/pdf"),
    (samples.ooxml("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.ooxml("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (samples.ooxml("pptx"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (samples.odf(), "application/vnd.oasis.opendocument.text"),
    (samples.ole("WordDocument"), "application/msword"),
    (samples.ole("Workbook"), "application/vnd.ms-excel"),
    (samples.ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
    (samples.MP3, "audio/mpeg"),
    (samples.MP3_NO_TAG, "audio/mpeg"),
    (samples.M4A, "audio/mp4"),
    (samples.MP4, "video/mp4"),
    (samples.MOV, "video/quicktime"),
    (samples.WAV, "audio/wav"),
    (samples.OGG, "audio/ogg"),
    (samples.OGV, "video/ogg"),
    (samples.WEBM, "video/webm"),
    # Refused: scripts, archives, macro-enabled Office, Matroska, an OLE file that is no Office document.
    (samples.HTML, None),
    (samples.SVG, None),
    (samples.plain_zip(), None),
    (samples.ooxml("docm"), None),
    (samples.MKV, None),
    (samples.ole("Contents"), None),
    (b"PK\x03\x04 not really a zip", None),
    (b"", None),
])
def test_the_type_is_read_from_the_bytes(content: bytes, expected: str | None) -> None:
    assert sniff(io.BytesIO(content)) == expected


# ---- the write path refuses what it must, naming the field --------------------------------------

def test_an_attachment_over_the_configured_size_is_refused_naming_the_field(settings: Any, grid: Any, tp: str,
                                                                           editor: Any, media: Path) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(OpError) as refused:
        attachment_add(journey_map=grid.map, touchpoint_id=tp, user=editor,
                       upload=SimpleUploadedFile("scan.pdf", samples.PDF + b"\x00" * 1000,
                                                 content_type="application/pdf"))
    assert (refused.value.code, refused.value.field) == ("too_large", "file")
    assert "1000 bytes" in refused.value.message

    response = upload(client_for(editor), grid, tp, "scan.pdf", samples.PDF + b"\x00" * 1000, "application/pdf")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert list(response.json()["fields"]) == ["file"]
    # Nothing stored, nothing listed.
    assert not Attachment.objects.exists()
    assert not list(media.rglob("*.*"))
    assert Touchpoint.objects.get(id=tp).attachments == []


@pytest.mark.parametrize(("name", "content", "declared", "why"), [
    ("report.pdf", samples.png(), "application/pdf", "is a PNG image, not application/pdf"),
    ("photo.png", samples.jpeg(), "image/png", "is a JPEG image, not image/png"),
    ("photo.jpg", samples.png(), "application/octet-stream", "does not match the name's .jpg"),
    ("page.png", samples.HTML, "image/png", "not a kind of file that can be attached"),
    ("logo.svg", samples.SVG, "image/svg+xml", "not a kind of file that can be attached"),
    ("budget.docm", samples.ooxml("docm"), "application/vnd.ms-word.document.macroEnabled.12",
     "not a kind of file"),
    ("notes.docx", samples.plain_zip(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "not a kind of file"),
])
def test_an_attachment_whose_content_is_not_its_declared_type_is_refused(grid: Any, tp: str, editor: Any,
                                                                         name: str, content: bytes, declared: str,
                                                                         why: str) -> None:
    with pytest.raises(OpError) as refused:
        attachment_add(journey_map=grid.map, touchpoint_id=tp, user=editor,
                       upload=SimpleUploadedFile(name, content, content_type=declared))
    assert (refused.value.code, refused.value.field) == ("invalid", "file")
    assert why in refused.value.message

    response = upload(client_for(editor), grid, tp, name, content, declared)
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0] == refused.value.message
    assert not Attachment.objects.exists()


def test_an_op_cannot_invent_or_alter_an_attachment_entry(grid: Any, tp: str, editor: Any) -> None:
    response = upload(client_for(editor), grid, tp, "map.png", samples.png(), "image/png")
    assert response.status_code == 201, response.content
    entry = Touchpoint.objects.get(id=tp).attachments[0]
    invented = {"id": str(uuid.uuid4()), "name": "x.png", "content_type": "image/png", "size": 1, "sig": "forged"}
    renamed = {**entry, "name": "invoice.exe"}
    for entries in ([entry, invented], [renamed], [{"id": entry["id"]}], "not a list", [entry, entry]):
        ack = grid.push(editor, [{"op": "update", "entity": "touchpoint", "id": tp,
                                  "fields": {"attachments": entries}}])
        assert ack.status == "rejected", entries
        assert (ack.error["code"], ack.error["field"]) == ("invalid", "attachments")
    # Dropping or reordering what the server wrote is an ordinary edit.
    assert grid.push(editor, [{"op": "update", "entity": "touchpoint", "id": tp,
                               "fields": {"attachments": []}}]).status == "ok"
    assert check_entries([entry]) == [entry]


def test_an_entry_copied_from_another_workspace_or_touchpoint_is_refused_by_the_write_path(
        grid: Any, tp: str, editor: Any, outsider: Any) -> None:
    from maps.models import Membership
    from tests.conftest import Grid
    from tests.factories import MapFactory

    item = upload(client_for(editor), grid, tp, "interview.png", samples.png(), "image/png")
    assert item.status_code == 201, item.content
    entry = Touchpoint.objects.get(id=tp).attachments[0]

    # An outsider reads the entry in a document of theirs (a leak, an export) and
    # pastes it onto a touchpoint of their own workspace.
    theirs = Membership.objects.get(user=outsider).workspace
    their_map = MapFactory(workspace=theirs)
    stage, lane, their_tp = (str(uuid.uuid4()) for _ in range(3))
    their_grid = Grid(their_map, [stage], [lane])
    assert their_grid.push(outsider, [
        {"op": "create", "entity": "stage", "id": stage, "fields": {"name": "S"}},
        {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "L"}},
        {"op": "create", "entity": "touchpoint", "id": their_tp, "fields": {
            "stage": stage, "lane": lane, "title": "Mine", "attachments": [entry]}},
    ]).status == "rejected"
    assert their_grid.push(outsider, [
        {"op": "create", "entity": "stage", "id": stage, "fields": {"name": "S"}},
        {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "L"}},
        {"op": "create", "entity": "touchpoint", "id": their_tp, "fields": {"stage": stage, "lane": lane,
                                                                             "title": "Mine"}},
    ]).status == "ok"
    ack = their_grid.push(outsider, [{"op": "update", "entity": "touchpoint", "id": their_tp,
                                      "fields": {"attachments": [entry]}}])
    assert ack.status == "rejected"
    assert (ack.error["code"], ack.error["field"]) == ("invalid", "attachments")
    assert Touchpoint.objects.get(id=their_tp).attachments == []

    # Nor onto another touchpoint of the same map, by a member.
    other_tp = str(uuid.uuid4())
    ack = grid.push(editor, [{"op": "create", "entity": "touchpoint", "id": other_tp, "fields": {
        "stage": grid.stages[1], "lane": grid.lanes[1], "title": "Other", "attachments": [entry]}}])
    assert (ack.status, ack.error["code"], ack.error["field"]) == ("rejected", "invalid", "attachments")
    # Over REST too: a clear 400 naming the field.
    response = client_for(editor).post(f"/api/v1/maps/{grid.map.id}/operations/", {
        "batch_id": "paste", "ops": [{"op": "create", "entity": "touchpoint", "id": other_tp, "fields": {
            "stage": grid.stages[1], "lane": grid.lanes[1], "title": "Other", "attachments": [entry]}}]},
        format="json")
    assert response.status_code == 400, response.content
    frame = response.json()
    assert (frame["status"], frame["error"]["code"], frame["error"]["field"]) == ("rejected", "invalid", "attachments")
    # Where it belongs, it still is an ordinary edit.
    assert grid.push(editor, [{"op": "update", "entity": "touchpoint", "id": tp,
                               "fields": {"attachments": [entry]}}]).status == "ok"


@pytest.mark.parametrize("copy", ["duplicate", "future_state"])
def test_a_copied_map_lists_and_serves_its_attachments_and_can_reorder_them(
        grid: Any, tp: str, owner: Any, editor: Any, copy: str) -> None:
    from maps.services import copy as copies

    first = upload(client_for(editor), grid, tp, "a.png", samples.png(), "image/png").json()
    second = upload(client_for(editor), grid, tp, "b.pdf", samples.PDF, "application/pdf").json()
    if copy == "duplicate":
        made = copies.map_duplicate(source=grid.map, title="Copy", actor_user=owner)
    else:  # a future state takes its touchpoints along only when asked for everything
        made = copies.map_future_state(source=grid.map, title="Copy", actor_user=owner, content="everything")
    copied = Touchpoint.objects.get(map=made, title="Order page", deleted_by_seq__isnull=True)
    entries = copied.attachments
    assert [e["id"] for e in entries] == [first["id"], second["id"]]
    for item in (first, second):
        url = f"/api/v1/maps/{made.id}/touchpoints/{copied.id}/attachments/{item['id']}/download/"
        assert client_for(editor).get(url).status_code == 200
    # Signed for their new place: an editor of the copy reorders them like any field.
    ack = apply_on(made, editor, [{"op": "update", "entity": "touchpoint", "id": str(copied.id),
                                   "fields": {"attachments": entries[::-1]}}])
    assert ack.status == "ok", ack.error
    # And the original's entries are not valid on the copy.
    original = Touchpoint.objects.get(id=tp).attachments
    ack = apply_on(made, editor, [{"op": "update", "entity": "touchpoint", "id": str(copied.id),
                                   "fields": {"attachments": original}}])
    assert (ack.status, ack.error["field"]) == ("rejected", "attachments")


def apply_on(journey_map: Any, user: Any, ops: list[dict[str, Any]]) -> Any:
    from maps.operations import actor_for, apply

    return apply(map_id=journey_map.id, actor=actor_for(user, journey_map.workspace_id),
                 batch_id=f"t-{uuid.uuid4()}", ops=ops)


def test_a_touchpoint_of_another_map_or_deleted_takes_no_attachment(grid: Any, tp: str, editor: Any,
                                                                    outsider: Any) -> None:
    from tests.factories import MapFactory

    other = MapFactory(workspace=grid.map.workspace)
    response = client_for(editor).post(f"/api/v1/maps/{other.id}/touchpoints/{tp}/attachments/",
                                       {"file": SimpleUploadedFile("a.png", samples.png(), "image/png")},
                                       format="multipart")
    assert response.status_code == 404
    assert list(response.json()["fields"]) == ["touchpoint"]
    assert grid.push(editor, [{"op": "delete", "entity": "touchpoint", "id": tp}]).status == "ok"
    response = upload(client_for(editor), grid, tp, "a.png", samples.png(), "image/png")
    assert (response.status_code, response.json()["code"]) == (409, "gone")
    assert not Attachment.objects.exists()


# ---- upload, document, live op, download --------------------------------------------------------------

def test_an_upload_is_stored_under_a_random_name_listed_through_the_write_path_and_served_to_members(
        grid: Any, tp: str, owner: Any, editor: Any, viewer: Any, outsider: Any, media: Path) -> None:
    seq_before = grid.map.__class__.objects.get(id=grid.map.id).seq
    content = samples.png(640, 400)
    response = upload(client_for(editor), grid, tp, "../../Interview <notes> & co.png", content, "image/png")
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["name"] == "Interview <notes> & co.png"
    assert (item["content_type"], item["size"], item["kind"]) == ("image/png", len(content), "image")
    assert item["url"].endswith(f"/attachments/{item['id']}/download/")

    # On disk: a random name under MEDIA_ROOT, nothing of the uploaded name.
    row = Attachment.objects.get(id=item["id"])
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.png", row.file.name)
    assert (media / row.file.name).read_bytes() == content
    assert row.thumbnail and preview_size((media / row.thumbnail.name).read_bytes()) == (320, 200)

    # In the document, and in the op log as one update of the touchpoint (what open editors receive).
    doc = map_document(map_id=grid.map.id)
    entry = next(t for t in doc["touchpoints"] if t["id"] == tp)["attachments"][0]
    assert {k: entry[k] for k in ("id", "name", "content_type", "size")} == {
        k: item[k] for k in ("id", "name", "content_type", "size")}
    last = Operation.objects.filter(map=grid.map).order_by("-seq").first()
    assert last.seq == seq_before + 1
    assert last.ops == [{"op": "update", "entity": "touchpoint", "id": tp,
                         "fields": {"attachments": [entry], "version": 2}}]

    # Members read it, with a type read from the bytes and headers that keep it inert.
    for user in (owner, editor, viewer):
        download = client_for(user).get(item["url"])
        assert download.status_code == 200
        assert response_bytes(download) == content
        assert download["Content-Type"] == "image/png"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("inline; filename=")
        assert download["Content-Security-Policy"].startswith("sandbox;")
    thumbnail = client_for(viewer).get(item["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] in ("image/png", "image/jpeg")
    assert preview_size(response_bytes(thumbnail)) == (320, 200)
    listing = client_for(viewer).get(f"/api/v1/maps/{grid.map.id}/touchpoints/{tp}/attachments/")
    assert [a["id"] for a in listing.json()] == [item["id"]]

    # Nobody else: another workspace's member, the anonymous, a share token as credential.
    from sharing import links as sharing

    assert client_for(outsider).get(item["url"]).status_code == 404
    assert client_for(None).get(item["url"]).status_code == 401
    share = sharing.share_link_create(map=grid.map, created_by=owner, label="for Support")
    visitor = APIClient()
    visitor.credentials(HTTP_AUTHORIZATION=f"Token {share.token}")
    assert visitor.get(item["url"]).status_code == 401
    # Viewers read but do not write.
    assert upload(client_for(viewer), grid, tp, "b.png", content, "image/png").status_code == 403
    assert client_for(viewer).delete(item["url"].replace("download/", "")).status_code == 403


def test_office_documents_are_downloaded_not_opened(grid: Any, tp: str, editor: Any) -> None:
    response = upload(client_for(editor), grid, tp, "Survey results", samples.ooxml("xlsx"),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Survey results.xlsx"
    assert response.json()["thumbnail_url"] is None
    download = client_for(editor).get(response.json()["url"])
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(("name", "content", "content_type", "disposition"), [
    ("Résiliation d’abonnement.pdf", samples.PDF, "application/pdf", "attachment"),
    ("Entretien « client » n°2.png", None, "image/png", "inline"),
    ("Appel 12.mp3", samples.MP3, "audio/mpeg", "inline"),
    ("Enquête.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
])
def test_every_download_is_sandboxed_pdfs_download_and_names_travel_in_utf8(
        grid: Any, tp: str, editor: Any, name: str, content: bytes | None, content_type: str,
        disposition: str) -> None:
    from urllib.parse import unquote

    content = content if content is not None else (samples.png() if name.endswith("png") else samples.ooxml("docx"))
    item = upload(client_for(editor), grid, tp, name, content, content_type).json()
    for url in (item["url"], f"{item['url']}?download=1"):
        response = client_for(editor).get(url, HTTP_RANGE="bytes=0-3" if url == item["url"] else "")
        assert response.status_code in (200, 206)
        policy = response["Content-Security-Policy"]
        assert policy.startswith("sandbox;") and "default-src 'none'" in policy and "script-src" not in policy
        header = response["Content-Disposition"]
        expected = "attachment" if url.endswith("download=1") else disposition
        assert header.split(";")[0] == expected
        # RFC 6266: an ASCII fallback, and the exact name in UTF-8.
        fallback = re.search(r'filename="([^"]*)"', header).group(1)
        assert fallback.isascii() and fallback.rsplit(".", 1)[1] == name.rsplit(".", 1)[1]
        assert unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1)) == name
    if name.startswith("Résiliation"):
        assert 'filename="Resiliation d\'abonnement.pdf"' in header


def test_deleting_the_touchpoint_stops_serving_its_files_and_restoring_serves_them_again(
        grid: Any, tp: str, editor: Any) -> None:
    item = upload(client_for(editor), grid, tp, "call.mp3", samples.MP3, "audio/mpeg").json()
    client = client_for(editor)
    assert client.get(item["url"]).status_code == 200
    assert grid.push(editor, [{"op": "delete", "entity": "touchpoint", "id": tp}]).status == "ok"
    assert client.get(item["url"]).status_code == 404
    assert client.get(f"/api/v1/maps/{grid.map.id}/touchpoints/{tp}/attachments/").status_code == 409
    assert grid.push(editor, [{"op": "restore", "entity": "touchpoint", "id": tp}]).status == "ok"
    assert client.get(item["url"]).status_code == 200
    # The same when the stage that holds it goes.
    assert grid.push(editor, [{"op": "delete", "entity": "stage", "id": grid.stages[0]}]).status == "ok"
    assert client.get(item["url"]).status_code == 404
    # And an entry an op dropped is no longer served either.
    assert grid.push(editor, [{"op": "restore", "entity": "stage", "id": grid.stages[0]}]).status == "ok"
    assert grid.push(editor, [{"op": "update", "entity": "touchpoint", "id": tp,
                               "fields": {"attachments": []}}]).status == "ok"
    assert client.get(item["url"]).status_code == 404


def test_removing_an_attachment_deletes_the_file_once_no_touchpoint_lists_it(
        grid: Any, tp: str, owner: Any, editor: Any, media: Path, django_capture_on_commit_callbacks: Any) -> None:
    from maps.services.copy import map_duplicate

    item = upload(client_for(editor), grid, tp, "journey.pdf", samples.PDF, "application/pdf").json()
    row = Attachment.objects.get(id=item["id"])
    path = media / row.file.name
    # A copy of the map shows (and serves) the same file.
    copy = map_duplicate(source=grid.map, title="Copy", actor_user=owner)
    copied_tp = Touchpoint.objects.get(map=copy, title="Order page", deleted_by_seq__isnull=True)
    copied_url = f"/api/v1/maps/{copy.id}/touchpoints/{copied_tp.id}/attachments/{item['id']}/download/"
    assert client_for(editor).get(copied_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).delete(item["url"].replace("download/", ""))
    assert response.status_code == 204
    assert Touchpoint.objects.get(id=tp).attachments == []
    assert client_for(editor).get(item["url"]).status_code == 404
    assert path.exists()  # the copy still lists it
    assert client_for(editor).get(copied_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(journey_map=copy, touchpoint_id=copied_tp.id, attachment_id=item["id"], user=editor)
    assert not path.exists()
    assert not Attachment.objects.filter(id=item["id"]).exists()
    assert client_for(editor).get(copied_url).status_code == 404
    # Removing it again names what is missing.
    response = client_for(editor).delete(item["url"].replace("download/", ""))
    assert (response.status_code, list(response.json()["fields"])) == (404, ["attachment"])


def test_a_touchpoint_holds_at_most_twenty_attachments(grid: Any, tp: str, editor: Any) -> None:
    for n in range(20):
        attachment_add(journey_map=grid.map, touchpoint_id=tp, user=editor,
                       upload=SimpleUploadedFile(f"{n}.gif", samples.GIF, content_type="image/gif"))
    with pytest.raises(OpError) as refused:
        attachment_add(journey_map=grid.map, touchpoint_id=tp, user=editor,
                       upload=SimpleUploadedFile("21.gif", samples.GIF, content_type="image/gif"))
    assert (refused.value.code, refused.value.field) == ("invalid", "file")
    assert len(Touchpoint.objects.get(id=tp).attachments) == 20


def test_the_document_carries_attachments_at_no_extra_query(grid: Any, owner: Any, editor: Any) -> None:
    from tests.api.test_document import document_queries

    client = client_for(editor)
    before, doc = document_queries(client, grid.map)
    assert all(tp["attachments"] == [] for tp in doc["touchpoints"])
    more = [str(uuid.uuid4()) for _ in range(5)]
    assert grid.push(owner, [{"op": "create", "entity": "touchpoint", "id": tp_id, "fields": {
        "stage": grid.stages[i % 3], "lane": grid.lanes[1], "title": f"TP {i}"}} for i, tp_id in enumerate(more)]
    ).status in ("ok", "rebased")
    for tp_id in more:
        for name in ("a.gif", "b.pdf"):
            content = samples.GIF if name.endswith("gif") else samples.PDF
            attachment_add(journey_map=grid.map, touchpoint_id=tp_id, user=editor,
                           upload=SimpleUploadedFile(name, content, content_type=""))
    after, doc = document_queries(client, grid.map)
    assert after == before
    assert sorted(len(tp["attachments"]) for tp in doc["touchpoints"]) == [2] * 5


def test_a_body_far_over_the_limit_is_refused_before_it_is_read_but_only_to_writers(
        settings: Any, grid: Any, tp: str, editor: Any, viewer: Any, outsider: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    big = samples.PDF + b"\x00" * (80 * 1024)
    response = upload(client_for(editor), grid, tp, "big.pdf", big, "application/pdf")
    assert (response.status_code, response.json()["code"], list(response.json()["fields"])) == (
        413, "too_large", ["file"])
    assert upload(client_for(viewer), grid, tp, "big.pdf", big, "application/pdf").status_code == 403
    assert upload(client_for(outsider), grid, tp, "big.pdf", big, "application/pdf").status_code == 404
    assert upload(client_for(None), grid, tp, "big.pdf", big, "application/pdf").status_code == 401
    assert not Attachment.objects.exists()


# ---- byte ranges, so players can seek before the whole file has arrived ------------------------------

SEEKABLE = samples.MP3 + bytes(range(256)) * 4  # distinct bytes, so a wrong slice shows


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-9", (0, 9)),
    ("bytes=100-", (100, len(SEEKABLE) - 1)),
    ("bytes=-16", (len(SEEKABLE) - 16, len(SEEKABLE) - 1)),
    ("bytes=-100000", (0, len(SEEKABLE) - 1)),  # more than there is: all of it
    (f"bytes=10-{len(SEEKABLE) + 500}", (10, len(SEEKABLE) - 1)),  # clipped to the end
    (f"bytes={len(SEEKABLE) - 1}-", (len(SEEKABLE) - 1, len(SEEKABLE) - 1)),
    ("BYTES = 5-5", (5, 5)),
])
def test_one_byte_range_is_answered_206_with_that_part(grid: Any, tp: str, editor: Any, viewer: Any,
                                                       header: str, expected: tuple[int, int]) -> None:
    item = upload(client_for(editor), grid, tp, "call.mp3", SEEKABLE, "audio/mpeg").json()
    response = client_for(viewer).get(item["url"], HTTP_RANGE=header)
    first, last = expected
    assert response.status_code == 206
    assert response_bytes(response) == SEEKABLE[first:last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(SEEKABLE)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes"
    # The same headers as the whole file: its type, inert, opened in place under its name.
    assert response["Content-Type"] == "audio/mpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline; filename=") and "call.mp3" in response[
        "Content-Disposition"]


@pytest.mark.parametrize("header", [f"bytes={len(SEEKABLE)}-", f"bytes={len(SEEKABLE) + 10}-{len(SEEKABLE) + 20}",
                                    "bytes=-0"])
def test_a_range_past_the_end_is_answered_416_with_the_size(grid: Any, tp: str, editor: Any, header: str) -> None:
    item = upload(client_for(editor), grid, tp, "call.mp3", SEEKABLE, "audio/mpeg").json()
    response = client_for(editor).get(item["url"], HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(SEEKABLE)}"
    assert response.json()["code"] == "range_not_satisfiable"
    assert list(response.json()["fields"]) == ["range"]


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "bytes=9-2", "bytes=-", "bytes=a-b", "items=0-9", "0-9",
                                    "bytes=0-9 junk", f"bytes={'9' * 40}-"])
def test_several_ranges_or_a_malformed_header_get_the_whole_file(grid: Any, tp: str, editor: Any,
                                                                  header: str) -> None:
    item = upload(client_for(editor), grid, tp, "call.mp3", SEEKABLE, "audio/mpeg").json()
    response = client_for(editor).get(item["url"], HTTP_RANGE=header)
    assert response.status_code == 200
    assert response_bytes(response) == SEEKABLE
    assert response["Accept-Ranges"] == "bytes"
    assert "Content-Range" not in response


def test_a_range_reaches_no_further_than_the_whole_file(grid: Any, tp: str, editor: Any, outsider: Any,
                                                        owner: Any) -> None:
    from sharing import links as sharing

    item = upload(client_for(editor), grid, tp, "call.mp3", SEEKABLE, "audio/mpeg").json()
    share = sharing.share_link_create(map=grid.map, created_by=owner, label="for Support")
    visitor = APIClient()
    visitor.credentials(HTTP_AUTHORIZATION=f"Token {share.token}")
    for header in ("bytes=0-9", f"bytes={len(SEEKABLE)}-", "bytes=0-1,5-9"):
        assert client_for(outsider).get(item["url"], HTTP_RANGE=header).status_code == 404
        assert client_for(None).get(item["url"], HTTP_RANGE=header).status_code == 401
        assert visitor.get(item["url"], HTTP_RANGE=header).status_code == 401
    # Nor to a file no live touchpoint lists.
    assert grid.push(editor, [{"op": "delete", "entity": "touchpoint", "id": tp}]).status == "ok"
    assert client_for(editor).get(item["url"], HTTP_RANGE="bytes=0-9").status_code == 404


def test_the_count_on_a_card_is_worded_in_the_page_language() -> None:
    from django.utils import translation

    from touchpoints.templatetags.attachments import attachment_panel

    for language, one, many in (("en", "1 attachment", "3 attachments"), ("fr", "1 pièce jointe", "3 pièces jointes")):
        with translation.override(language):
            strings = attachment_panel()["strings"]
        assert (strings["attachmentCountOne"], strings["attachmentCountMany"] % {"n": 3}) == (one, many)


def test_entries_signed_before_places_were_signed_are_re_signed_for_their_touchpoint(grid: Any, tp: str,
                                                                                       editor: Any) -> None:
    import importlib

    from django.apps import apps
    from django.core.signing import Signer

    upload(client_for(editor), grid, tp, "a.png", samples.png(), "image/png")
    entry = Touchpoint.objects.get(id=tp).attachments[0]
    old_value = "|".join(str(entry[key]) for key in ("id", "name", "content_type", "size"))
    legacy = {**entry, "sig": Signer(salt="touchpoints.attachment-entry").signature(old_value)}
    forged = {**legacy, "id": str(uuid.uuid4())}
    Touchpoint.objects.filter(id=tp).update(attachments=[legacy, forged])

    migration = importlib.import_module("touchpoints.migrations.0003_attachment_entries_signed_for_their_place")
    migration.resign(apps, None)

    assert Touchpoint.objects.get(id=tp).attachments == [entry]
