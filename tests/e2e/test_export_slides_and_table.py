"""The Export dialog offers slides (PPTX) and the touchpoint list (CSV): an editor
picks each in a real browser, follows it to the end and downloads the file, which
python-pptx and the csv module open. Exports run in a real Celery worker when
REDIS_URL is set (the fixtures of test_export_dialog)."""

from __future__ import annotations

import csv
import io

import pytest
from asgiref.sync import sync_to_async
from pptx import Presentation

from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor
from tests.e2e.test_export_dialog import daphne_server, export_env, shot  # noqa: F401  (fixtures)
from tests.workers import worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


async def export_and_download(page, choice: str) -> tuple[str, bytes]:  # noqa: ANN001
    dialog = page.locator("#export-dialog")
    await dialog.locator("label.export-choice", has_text=choice).click()
    await page.click("#export-submit")
    link = page.locator("#export-download")
    await link.wait_for(state="visible", timeout=90_000)
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    with open(await download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


async def test_an_editor_downloads_the_map_as_slides_and_as_a_touchpoint_list(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, language="fr", title="Résiliation d’abonnement")
    page = await sign_in(browser, workshop.url, "ben", locale="fr-FR")
    await open_editor(page, workshop.url, journey_map.id)
    await page.click("#export-button")
    dialog = page.locator("#export-dialog")
    assert await dialog.locator("label.export-choice").count() == 4

    # Slides: one size (no paper), the personas optional, no resolution.
    await dialog.locator("label.export-choice", has_text="PPTX").click()
    assert await page.locator("#export-paper-field").is_hidden()
    assert await page.locator("#export-dpi-field").is_hidden()
    assert await page.locator("#export-personas").is_visible()
    await shot(page, "export-dialog-pptx-fr")
    name, data = await export_and_download(page, "PPTX")
    assert name == "Résiliation d’abonnement.pptx"
    deck = Presentation(io.BytesIO(data))
    texts = [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
             for slide in deck.slides]
    assert "Résiliation d’abonnement" in texts[0]
    from maps.models import Stage

    stages = await sync_to_async(lambda: list(Stage.objects.filter(map_id=journey_map.id, deleted_by_seq__isnull=True)
                                              .values_list("name", flat=True)))()
    assert stages and all(any(stage in text for text in texts[1:]) for stage in stages)
    await shot(page, "export-dialog-pptx-done")

    # The touchpoint list: no paper, no personas.
    await page.click("#export-again")
    await dialog.locator("label.export-choice", has_text="CSV").click()
    assert await page.locator("#export-paper-field").is_hidden()
    assert await page.locator("#export-personas").is_hidden()
    name, data = await export_and_download(page, "CSV")
    assert name == "Résiliation d’abonnement.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:4] == ["stage", "name", "channel", "evaluation"]
    assert not page.errors
