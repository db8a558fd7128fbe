"""Exports over REST, rendered by a real worker process (Celery on Redis, PostgreSQL),
and the in-process path used without Redis."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image
from rest_framework.test import APIClient

from exports.models import Export
from tests.exports.helpers import build_map, pdf_pages, squash, wait_until_finished
from tests.workers import alive, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def export_files(media: Path) -> list[Path]:
    return sorted(p for p in (Path(media) / "exports").rglob("*") if p.is_file())


def download(client: APIClient, body: dict) -> bytes:
    response = client.get(f"/api/v1/exports/{body['id']}/download/")
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


def test_an_export_requested_over_rest_is_rendered_by_a_worker_with_every_text_inside_its_pages(
    celery_worker, workspace, owner, settings
):
    journey_map, doc = build_map(workspace, owner, stages=9)
    client = client_for(owner)

    response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "A3"}, format="json")
    assert response.status_code == 202, response.content
    body = wait_until_finished(client, response.json()["id"], 120)
    assert body["status"] == "done", body
    export = Export.objects.get(id=body["id"])
    assert celery_worker.name in export.worker  # rendered by the worker process, not here

    pages = pdf_pages(download(client, body))
    assert len(pages) >= 3  # cover, at least two bands of stages (9 stages, 6 per A3 page)
    text = squash("".join(page["text"] for page in pages))
    expected = [s["name"] for s in doc["stages"]] + [lane["title"] for lane in doc["lanes"]]
    expected += [c["text"] for c in doc["cards"]] + [t["title"] for t in doc["touchpoints"]]
    missing = [item for item in expected if squash(item) not in text]
    assert not missing
    assert export.options["language"] == "fr"  # the map's language unless asked otherwise
    for number, page in enumerate(pages):
        assert not page["outside"], f"page {number + 1}: characters outside the page: {page['outside'][:3]}"

    fit = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "fit"}, format="json")
    png = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "png", "dpi": 100}, format="json")
    fit_body = wait_until_finished(client, fit.json()["id"], 120)
    png_body = wait_until_finished(client, png.json()["id"], 120)
    assert fit_body["status"] == png_body["status"] == "done", (fit_body, png_body)
    poster = pdf_pages(download(client, fit_body))
    # The poster (slices rendered apart, put back on one page), then priorities and personas.
    assert len(poster) == 3 and not any(page["outside"] for page in poster)
    assert all(squash(item) in squash(poster[0]["text"]) for item in expected)
    assert squash("Priorités") in squash(poster[1]["text"]) and squash("Camille") in squash(poster[2]["text"])
    assert [squash(page["text"])[-len("Page1/3"):] for page in poster] == ["Page1/3", "Page2/3", "Page3/3"]
    image = Image.open(io.BytesIO(download(client, png_body)))
    assert image.format == "PNG"
    assert image.width / image.height == pytest.approx(poster[0]["width"] / poster[0]["height"], rel=0.01)
    assert image.width == pytest.approx(poster[0]["width"] * 100 / 72, abs=2)
    grey = image.convert("L")
    histogram = grey.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    assert 0.002 < dark < 0.5, f"{dark:.4f} of the image is dark: blank or broken"
    assert len(image.convert("RGB").getcolors(1_000_000) or []) > 50  # colour bars, curves, icons


def test_the_worker_command_people_type_renders_with_helpers_and_a_failure_reads_as_a_sentence(
        celery_worker, workspace, owner):
    import uuid

    from exports.services.jobs import enqueue
    from maps.selectors import map_document

    # tests.workers starts exactly `celery -A journeymap worker` plus its queue and name: no --pool.
    assert not any(arg.startswith(("--pool", "-P")) for arg in celery_worker.process.args)
    journey_map, doc = build_map(workspace, owner, stages=3)
    client = client_for(owner)
    response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "A4"}, format="json")
    assert response.status_code == 202, response.content
    body = wait_until_finished(client, response.json()["id"], 120)
    assert body["status"] == "done", (body, celery_worker.lines[-30:])
    assert body["error"] == ""
    assert celery_worker.helpers(), "the worker renders with its helper processes"
    assert not any("daemonic processes" in line for line in celery_worker.lines)
    pages = pdf_pages(download(client, body))
    assert all(squash(s["name"]) in squash("".join(p["text"] for p in pages)) for s in doc["stages"])

    # A render that fails (a row asking for a paper size the renderer does not have, as a damaged row would):
    # people read a sentence in their language; the traceback is in the worker's log.
    broken = Export.objects.create(map_id=journey_map.id, workspace_id=workspace.id, requested_by=owner,
                                   format="pdf", options={"format": "pdf", "paper": "B9"},
                                   snapshot=map_document(map_id=journey_map.id), snapshot_seq=0,
                                   content_hash=f"broken-{uuid.uuid4().hex}")
    enqueue(broken.id)
    failed = wait_until_finished(client, str(broken.id), 60)
    assert failed["status"] == "failed", failed
    assert failed["error"] == ("The export could not be made. Please try again; if it fails again, tell your "
                               "administrator.")
    french = client.get(f"/api/v1/exports/{broken.id}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["error"].startswith("L’export n’a pas pu être réalisé.")
    assert "Error" not in Export.objects.get(id=broken.id).error
    assert wait_for(lambda: any("Traceback" in line for line in celery_worker.lines), 5), celery_worker.lines[-20:]

    # A row stored by an earlier version, with the exception in it, reads as the sentence too.
    Export.objects.filter(id=broken.id).update(error="AssertionError: daemonic processes are not allowed to "
                                                     "have children")
    assert client.get(f"/api/v1/exports/{broken.id}/").json()["error"] == failed["error"]


def test_a_worker_killed_mid_render_is_replaced_and_the_export_finishes_once(worker_factory, workspace, owner,
                                                                             settings):
    journey_map, _doc = build_map(workspace, owner, stages=24, cards_per_cell=6)
    first = worker_factory()
    client = client_for(owner)
    response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "A3"}, format="json")
    export_id = response.json()["id"]

    running = wait_for(lambda: Export.objects.filter(id=export_id, status="running", progress__gte=15).exists(), 60,
                       0.05)
    assert running, Export.objects.get(id=export_id).status
    helpers = first.helpers()
    assert helpers, "the worker renders with helper processes"
    first.kill()
    killed_at = time.monotonic()
    # Its render helpers notice and leave: no orphan keeps rendering or holding memory.
    assert wait_for(lambda: not any(alive(pid) for pid in helpers), 10), [p for p in helpers if alive(p)]
    export = Export.objects.get(id=export_id)
    assert export.status == "running" and export.attempts == 1
    assert export_files(settings.MEDIA_ROOT) == []

    second = worker_factory()
    body = wait_until_finished(client, export_id, 90 - (time.monotonic() - killed_at))
    assert body["status"] == "done", body
    assert time.monotonic() - killed_at < 90
    export.refresh_from_db()
    assert export.attempts == 2 and second.name in export.worker
    files = export_files(settings.MEDIA_ROOT)
    assert len(files) == 1 and files[0].name == f"{export.content_hash}.pdf"


def test_render_helpers_exit_within_a_second_of_their_worker_being_killed(worker_factory, workspace, owner):
    journey_map, _doc = build_map(workspace, owner, stages=24, cards_per_cell=6)
    client = client_for(owner)
    # Idle helpers (started when the worker is ready) and busy ones (mid-render).
    for busy in (False, True):
        worker = worker_factory()
        helpers = wait_for(worker.helpers, 30)
        assert helpers, "the worker starts its render helpers when it is ready"
        if busy:
            response = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "A3"},
                                   format="json")
            export_id = response.json()["id"]
            assert wait_for(lambda export_id=export_id: Export.objects.filter(
                id=export_id, status="running", progress__gte=15).exists(), 60, 0.05)
            helpers = worker.helpers()
        worker.kill()
        killed_at = time.monotonic()
        gone = wait_for(lambda pids=helpers: not any(alive(pid) for pid in pids), 1.0, 0.02)
        elapsed = time.monotonic() - killed_at
        assert gone, f"busy={busy}: helpers {[p for p in helpers if alive(p)]} still alive {elapsed:.2f} s later"


def test_a_script_in_card_text_prints_as_text_the_same_content_reuses_the_file_and_outsiders_see_nothing(
    celery_worker, workspace, owner, viewer, outsider, settings
):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
    journey_map, _doc = build_map(workspace, owner, title=f"Map {payload}", stages=3, card_text=payload)
    client = client_for(viewer)  # viewers may export: it is a read

    first = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "A4"}, format="json")
    assert first.status_code == 202, first.content
    body = wait_until_finished(client, first.json()["id"], 120)
    assert body["status"] == "done", body
    text = "".join(page["text"] for page in pdf_pages(download(client, body)))
    assert squash(payload) in squash(text)
    assert squash(f"Map {payload}") in squash(text)

    again = client.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf", "paper": "A4"}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "done"
    assert again.json()["id"] != body["id"]
    assert Export.objects.get(id=again.json()["id"]).info["reused_from"] == body["id"]
    assert Export.objects.get(id=again.json()["id"]).file == Export.objects.get(id=body["id"]).file
    assert len(export_files(settings.MEDIA_ROOT)) == 1

    stranger = client_for(outsider)
    assert stranger.get(f"/api/v1/exports/{body['id']}/").status_code == 404
    assert stranger.get(f"/api/v1/exports/{body['id']}/download/").status_code == 404
    assert stranger.post(f"/api/v1/maps/{journey_map.id}/exports/", {"format": "pdf"}, format="json").status_code == 404
    assert stranger.get(f"/api/v1/maps/{journey_map.id}/exports/").status_code == 404
    anonymous = client_for(None)
    assert anonymous.get(f"/api/v1/exports/{body['id']}/").status_code == 401
    assert anonymous.get(f"/api/v1/exports/{body['id']}/download/").status_code == 401
    listed = client_for(owner).get(f"/api/v1/maps/{journey_map.id}/exports/").json()
    assert {row["id"] for row in listed} == {body["id"], again.json()["id"]}


def test_progress_frames_from_the_worker_reach_the_requester_through_the_channel_layer(celery_worker, workspace,
                                                                                       owner):
    import asyncio

    from asgiref.sync import async_to_sync, sync_to_async
    from channels.layers import get_channel_layer

    from maps.realtime import user_group

    journey_map, _doc = build_map(workspace, owner, stages=3)
    client = client_for(owner)

    async def request_and_listen() -> tuple[str, list[dict]]:
        import json

        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(user_group(owner.id), channel)
        response = await sync_to_async(client.post)(f"/api/v1/maps/{journey_map.id}/exports/",
                                                    {"format": "pdf", "paper": "A4"}, format="json")
        export_id = response.json()["id"]
        frames: list[dict] = []
        deadline = asyncio.get_running_loop().time() + 120
        while asyncio.get_running_loop().time() < deadline:
            try:
                message = await asyncio.wait_for(layer.receive(channel), 5)
            except TimeoutError:
                continue
            frame = json.loads(message["text"])
            frames.append(frame)
            if frame["status"] in ("done", "failed"):
                break
        await layer.group_discard(user_group(owner.id), channel)
        return export_id, frames

    export_id, frames = async_to_sync(request_and_listen)()
    assert frames, "no frame reached the requester"
    assert all(f["type"] == "export" and f["id"] == export_id for f in frames)
    assert frames[-1]["status"] == "done" and frames[-1]["progress"] == 100
    assert frames[-1]["download_url"] == f"/api/v1/exports/{export_id}/download/"
    assert "running" in {f["status"] for f in frames}
    assert [f["progress"] for f in frames] == sorted(f["progress"] for f in frames)
