"""Without Redis, exports run on one background thread of the web process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from exports.models import Export
from exports.services.jobs import prune_exports
from exports.services.progress import GAVE_UP_MESSAGE
from tests.exports.helpers import build_map, pdf_pages, squash, wait_until_finished

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_process(settings, tmp_path):
    settings.EXPORTS_IN_PROCESS = True
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def test_the_in_process_path_renders_a_pdf_and_tells_only_the_requester(in_process, workspace, owner, editor,
                                                                          monkeypatch):
    frames: list[tuple[object, dict]] = []
    monkeypatch.setattr("maps.realtime.send_to_user", lambda user_id, frame: frames.append((user_id, frame)))
    journey_map, doc = build_map(workspace, owner, stages=4)
    client = APIClient()
    client.force_authenticate(editor)

    response = client.post(f"/api/v1/maps/{journey_map.id}/exports/",
                           {"format": "pdf", "paper": "A4", "language": "en", "personas": False}, format="json")
    assert response.status_code == 202, response.content
    body = wait_until_finished(client, response.json()["id"], 120)
    assert body["status"] == "done", body
    assert Export.objects.get(id=body["id"]).worker.startswith("thread:")

    data = b"".join(client.get(f"/api/v1/exports/{body['id']}/download/").streaming_content)
    pages = pdf_pages(data)
    text = squash("".join(p["text"] for p in pages))
    assert all(squash(c["text"]) in text for c in doc["cards"])
    assert "Stages1–4of4" in text  # English labels on request, although the map is French
    assert not any(p["outside"] for p in pages)

    assert frames and {user_id for user_id, _f in frames} == {editor.id}
    statuses = [f["status"] for _u, f in frames]
    assert statuses[0] == "queued" and statuses[-1] == "done" and "running" in statuses
    assert frames[-1][1] == {"type": "export", "id": body["id"], "status": "done", "progress": 100,
                             "download_url": f"/api/v1/exports/{body['id']}/download/"}
    progress = [f["progress"] for _u, f in frames]
    assert progress == sorted(progress)


def test_bad_options_answer_400_and_lanes_can_be_left_out(in_process, workspace, owner):
    journey_map, doc = build_map(workspace, owner, stages=2)
    client = APIClient()
    client.force_authenticate(owner)
    url = f"/api/v1/maps/{journey_map.id}/exports/"
    for bad in ({"format": "gif"}, {"paper": "A0"}, {"dpi": 301}, {"dpi": 71}, {"language": "de"},
                {"lanes": ["nope"]}):
        response = client.post(url, bad, format="json")
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["code"] == "invalid"
    kept = [lane for lane in doc["lanes"] if lane["kind"] != "pain_points"]
    response = client.post(url, {"format": "pdf", "lanes": [lane["id"] for lane in kept]}, format="json")
    body = wait_until_finished(client, response.json()["id"], 120)
    text = squash("".join(p["text"] for p in pdf_pages(
        b"".join(client.get(f"/api/v1/exports/{body['id']}/download/").streaming_content))))
    assert squash("Points de douleur") not in text and squash(kept[0]["title"]) in text


def test_prune_exports_removes_old_files_and_marks_their_rows_expired(in_process, workspace, owner):
    journey_map, _doc = build_map(workspace, owner, stages=2)
    client = APIClient()
    client.force_authenticate(owner)
    response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf"}, format="json")
    body = wait_until_finished(client, response.json()["id"], 120)
    export = Export.objects.get(id=body["id"])
    path = Path(in_process.MEDIA_ROOT) / export.file
    assert path.exists()

    assert prune_exports(days=30)["files"] == 0 and path.exists()
    old = time.time() - 31 * 86400
    os.utime(path, (old, old))
    call_command("prune_exports", "--days", "30")
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == "expired" and export.file == ""
    assert client.get(f"/api/v1/exports/{export.id}/download/").status_code == 410


def test_a_share_link_export_leaves_hidden_lanes_out_and_never_reuses_the_members_file(in_process, workspace, owner):
    import uuid

    from exports.services.request import export_request

    journey_map, doc = build_map(workspace, owner, stages=3, card_text="Texte de la carte")
    hidden = next(lane for lane in doc["lanes"] if lane["kind"] == "pain_points")
    member = export_request(map=journey_map, user=owner, options={"format": "pdf", "paper": "A4"})
    shared = export_request(map=journey_map, share_link=uuid.uuid4(), hidden_lanes=frozenset({hidden["id"]}),
                            options={"format": "pdf", "paper": "A4"})
    assert member.content_hash != shared.content_hash
    assert shared.requested_by_id is None and shared.hidden_lanes == [hidden["id"]]
    for export in (member, shared):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            export.refresh_from_db()
            if export.status in ("done", "failed"):
                break
            time.sleep(0.3)
        assert export.status == "done", export.error
    member_text = squash("".join(p["text"] for p in pdf_pages(
        (Path(in_process.MEDIA_ROOT) / member.file).read_bytes())))
    shared_text = squash("".join(p["text"] for p in pdf_pages(
        (Path(in_process.MEDIA_ROOT) / shared.file).read_bytes())))
    assert squash(hidden["title"]) in member_text and squash(hidden["title"]) not in shared_text
    visible_cards = [c for c in doc["cards"] if c["lane"] != hidden["id"]]
    assert member_text.count(squash("Texte de la carte")) == len(doc["cards"])
    assert shared_text.count(squash("Texte de la carte")) == len(visible_cards) < len(doc["cards"])


def test_the_reaper_runs_a_job_whose_worker_died_and_gives_up_after_three_attempts(in_process, workspace, owner,
                                                                                  monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from exports.services.jobs import reap_expired
    from exports.services.request import export_request

    journey_map, _doc = build_map(workspace, owner, stages=2)
    with monkeypatch.context() as patch:
        patch.setattr("exports.services.request.enqueue", lambda export_id: None)  # its message is lost
        export = export_request(map=journey_map, user=owner, options={"format": "pdf"})
    # A worker took it and died: running, lease run out, one attempt used.
    past = timezone.now() - timedelta(seconds=1)
    Export.objects.filter(id=export.id).update(status="running", attempts=1, lease_expires_at=past)
    assert reap_expired() == 1
    assert reap_expired() == 0  # queued once, not by every reaper pass
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and Export.objects.get(id=export.id).status != "done":
        time.sleep(0.3)
    export.refresh_from_db()
    assert export.status == "done" and export.attempts == 2

    Export.objects.filter(id=export.id).update(status="running", attempts=3, lease_expires_at=past)
    assert reap_expired() == 0
    export.refresh_from_db()
    assert export.status == "failed" and export.error == GAVE_UP_MESSAGE  # a sentence people read, no count


def test_the_download_keeps_the_maps_title_as_its_file_name_in_utf8(in_process, workspace, owner):
    from urllib.parse import unquote

    journey_map, _doc = build_map(workspace, owner, stages=2, title="Résiliation d’abonnement : mobile/fixe")
    client = APIClient()
    client.force_authenticate(owner)
    response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "personas": False},
                           format="json")
    body = wait_until_finished(client, response.json()["id"], 120)
    assert body["status"] == "done", body
    download = client.get(f"/api/v1/exports/{body['id']}/download/")
    header = download["Content-Disposition"]
    # RFC 6266: the exact title in UTF-8 (apostrophe and accents kept, the slash made
    # a space), and an ASCII fallback for clients that do not read filename*.
    assert header.startswith('attachment; filename="Resiliation d\'abonnement mobile fixe.pdf"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Résiliation d’abonnement mobile fixe.pdf"
