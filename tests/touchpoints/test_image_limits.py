"""Images declaring more pixels than IMAGE_MAX_PIXELS are refused from their header,
before anything decodes them: touchpoint attachments and persona pictures."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from personas.models import Persona
from tests.factories import PersonaFactory
from tests.touchpoints import samples
from touchpoints.filetypes import image_dimensions
from touchpoints.models import Attachment, Touchpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return samples.huge_png()


def test_the_header_tells_the_size_of_every_accepted_image_kind() -> None:
    from PIL import Image

    for fmt, options in (("PNG", {}), ("JPEG", {"exif": b"Exif\x00\x00" + b"\x00" * 20_000}),
                         ("JPEG", {"progressive": True}), ("GIF", {}), ("WEBP", {}), ("WEBP", {"lossless": True})):
        out = io.BytesIO()
        Image.new("RGB", (1234, 567), (200, 10, 10)).save(out, fmt, **options)
        assert image_dimensions(out) == (1234, 567), (fmt, options)
    out = io.BytesIO()
    Image.new("RGBA", (321, 123), (1, 2, 3, 4)).save(out, "WEBP")  # extended (VP8X) header
    assert image_dimensions(out) == (321, 123)
    # A GIF whose first frame reaches far past its one-pixel screen is as large as that frame.
    lying = bytearray(samples.GIF)
    at = lying.index(b",\x00\x00")
    lying[at + 5:at + 9] = (30_000).to_bytes(2, "little") * 2
    assert image_dimensions(io.BytesIO(bytes(lying))) == (30_000, 30_000)


def test_a_tiny_png_declaring_thirty_thousand_pixels_square_is_refused_as_an_attachment(
        grid: Any, editor: Any, bomb: bytes, monkeypatch: Any) -> None:
    from PIL import Image

    touchpoint = str(uuid.uuid4())
    assert grid.push(editor, [{"op": "create", "entity": "touchpoint", "id": touchpoint, "fields": {
        "stage": grid.stages[0], "lane": grid.lanes[1], "title": "Order page"}}]).status == "ok"
    opened: list[Any] = []
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or pytest.fail("the image was decoded"))

    assert len(bomb) < 120_000
    response = api(editor).post(f"/api/v1/maps/{grid.map.id}/touchpoints/{touchpoint}/attachments/",
                                {"file": SimpleUploadedFile("poster.png", bomb, content_type="image/png")},
                                format="multipart")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["file"]
    assert "30000 × 30000 pixels (900 megapixels)" in body["message"] and "at most 50 megapixels" in body["message"]
    assert not Attachment.objects.exists() and Touchpoint.objects.get(id=touchpoint).attachments == []
    assert opened == []

    # French for a French browser; an image within the budget still goes in.
    french = api(editor).post(f"/api/v1/maps/{grid.map.id}/touchpoints/{touchpoint}/attachments/",
                              {"file": SimpleUploadedFile("poster.png", bomb, content_type="image/png")},
                              format="multipart", HTTP_ACCEPT_LANGUAGE="fr")
    assert "mégapixels au plus" in french.json()["message"]
    monkeypatch.undo()
    fine = api(editor).post(f"/api/v1/maps/{grid.map.id}/touchpoints/{touchpoint}/attachments/",
                            {"file": SimpleUploadedFile("map.png", samples.png(), content_type="image/png")},
                            format="multipart")
    assert fine.status_code == 201, fine.content


def test_the_pixel_budget_is_a_setting(settings: Any, workspace: Any, editor: Any) -> None:
    settings.IMAGE_MAX_PIXELS = 3_000
    persona = PersonaFactory(workspace=workspace)
    url = f"/api/v1/workspaces/{workspace.id}/personas/{persona.id}/avatar/"
    response = api(editor).put(url, {"avatar": SimpleUploadedFile("me.png", samples.png(64, 40), "image/png")},
                               format="multipart")
    assert response.status_code == 200, response.content
    response = api(editor).put(url, {"avatar": SimpleUploadedFile("me.png", samples.png(64, 64), "image/png")},
                               format="multipart")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["avatar"])


def test_a_tiny_png_declaring_thirty_thousand_pixels_square_is_refused_as_a_persona_picture(
        workspace: Any, editor: Any, bomb: bytes) -> None:
    persona = PersonaFactory(workspace=workspace)
    url = f"/api/v1/workspaces/{workspace.id}/personas/{persona.id}/avatar/"
    response = api(editor).put(url, {"avatar": SimpleUploadedFile("me.png", bomb, content_type="image/png")},
                               format="multipart")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["avatar"]
    assert "900 megapixels" in body["message"]
    assert not Persona.objects.get(id=persona.id).avatar
