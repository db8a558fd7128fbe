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
