"""The editor's Export dialog and Share link in a real browser, against a real daphne.

With REDIS_URL set, exports are rendered by a real Celery worker on this test's
queue; daphne and the worker share the test database, the queue and MEDIA_ROOT.
Without Redis, daphne renders them on its own background thread.

People: the owner (Ana), an editor (Ben) and a viewer (Vic) of one workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor
from tests.workers import SESSION_QUEUE, worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def export_env(request: Any, settings: Any, tmp_path: Any) -> dict[str, str]:
    """Environment for daphne so its exports land where the renderer writes them."""
    if settings.REDIS_URL:
        start = request.getfixturevalue("worker_factory")  # sets settings.MEDIA_ROOT to the worker's folder
        start()
        return {"MEDIA_ROOT": str(settings.MEDIA_ROOT), "CELERY_QUEUE": SESSION_QUEUE}
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    return {"MEDIA_ROOT": str(media)}


@pytest.fixture
def daphne_server(daphne_server: Callable[..., Any], export_env: dict[str, str]) -> Callable[..., Any]:  # noqa: F811
    """The e2e daphne, started with the export environment (the workshop fixture uses it)."""

    def make(**overrides: Any) -> Any:
        return daphne_server(**{**export_env, **overrides})

    return make


def add_viewer(workshop: Any) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    # viewer: a teammate who may only look (and export).
    viewer = UserFactory(username="vic", first_name="Vic", last_name="Viewer")
    Membership.objects.create(workspace=workshop.workspace, user=viewer, role=Role.VIEWER)


async def shot(page: Any, name: str) -> None:
    await page.screenshot(path=artifact(f"exports/{name}.png"))


async def test_an_editor_exports_a_pdf_follows_its_progress_and_downloads_it(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    page = await sign_in(browser, workshop.url, "ben")
    await open_editor(page, workshop.url, journey_map.id)
    await page.evaluate("() => { window.exportFrames = []; window.journeymapSync.on('export', f => window.exportFrames.push(f)); }")

    await page.click("#export-button")
    dialog = page.locator("#export-dialog")
    assert await dialog.is_visible()
    # One checkbox per lane of the map, all ticked; resolution only for PNG.
    from maps.models import Lane

    lanes = await sync_to_async(lambda: list(Lane.objects.filter(map_id=journey_map.id, deleted_by_seq__isnull=True)
                                             .values_list("id", flat=True)))()
    assert await dialog.locator("#export-lanes input[type=checkbox]").count() == len(lanes)
    assert await dialog.locator("#export-lanes input:checked").count() == len(lanes)
    assert await page.locator("#export-dpi-field").is_hidden()
    await dialog.locator("label.export-choice", has_text="PNG").click()
    assert await page.locator("#export-dpi-field").is_visible()
    assert await page.locator("#export-personas").is_hidden()
    await shot(page, "export-dialog-png")
    await dialog.locator("label.export-choice", has_text="PDF").click()
    assert await page.locator("#export-dpi-field").is_hidden()
    await page.select_option("#export-paper", "A4")
    # Leave the last lane out.
    await dialog.locator("#export-lanes input").last.uncheck()
    await shot(page, "export-dialog-pdf")

    await page.click("#export-submit")
    assert await page.locator("#export-options").is_hidden()
    assert await page.locator("#export-progress").is_visible()
    download = page.locator("#export-download")
    await download.wait_for(state="visible", timeout=60_000)
    await shot(page, "export-dialog-done")
    assert await page.locator("#export-bar").evaluate("bar => bar.value") == 100
    assert await page.locator("#export-status").text_content() == "Your export is ready."
    assert await page.locator("#export-error").is_hidden()

    from exports.models import Export

    export = await sync_to_async(lambda: Export.objects.get(map_id=journey_map.id))()
    assert export.status == "done"
    assert export.requested_by_id == workshop.editor.id
    assert export.options["paper"] == "A4" and export.format == "pdf"
    assert len(export.options["lanes"]) == len(lanes) - 1
    # Progress reached the page over the socket, for this export.
    frames = await page.evaluate("() => window.exportFrames")
    assert frames and {f["id"] for f in frames} == {str(export.id)}
    assert frames[-1]["status"] == "done"

    href = await download.evaluate("a => a.href")  # resolved against the page
    assert href.endswith(f"/api/v1/exports/{export.id}/download/")
    response = await page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = await response.body()
    assert body.startswith(b"%PDF-")
    # An outsider's browser (no session) gets nothing.
    stranger = await browser.new_context()
    assert (await stranger.request.get(href)).status in (401, 403)
    await stranger.close()

    # Another export starts from the options again; Close closes.
    await page.click("#export-again")
    assert await page.locator("#export-options").is_visible()
    await dialog.locator("[data-export-close]").last.click()
    assert await dialog.is_hidden()
    assert not page.errors


async def test_the_share_link_is_for_editors_and_viewers_only_export(browser, workshop) -> None:
    await sync_to_async(add_viewer)(workshop)
    journey_map = await sync_to_async(make_map)(workshop)

    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ben, workshop.url, journey_map.id)
    assert await ben.locator("#export-button").is_visible()
    share = ben.locator("#share-link")
    assert await share.is_visible()
    await shot(ben, "export-toolbar-editor")
    await share.click()
    await ben.wait_for_url(f"**/accounts/maps/{journey_map.id}/share-links/")

    # The viewer reads French: the dialog speaks it too.
    vic = await sign_in(browser, workshop.url, "vic", locale="fr-FR")
    await open_editor(vic, workshop.url, journey_map.id)
    assert await vic.locator("#export-button").is_visible()
    assert await vic.locator("#share-link").count() == 0
    assert (await vic.locator("#export-button").inner_text()).strip() == "Exporter"
    await vic.click("#export-button")
    assert await vic.locator("#export-title").text_content() == "Exporter la carte"
    await vic.locator("label.export-choice", has_text="PNG").click()
    assert await vic.locator("#export-dpi-value").text_content() == "150 ppp"
    await shot(vic, "export-dialog-fr")
    assert not ben.errors and not vic.errors


async def test_a_refused_export_shows_the_servers_message(browser, workshop) -> None:
    from exports.models import Export, ExportStatus

    journey_map = await sync_to_async(make_map)(workshop)

    def fill_the_queue() -> None:
        # Five exports already waiting for Ben: the server refuses a sixth.
        for n in range(5):
            Export.objects.create(map_id=journey_map.id, workspace_id=workshop.workspace.id,
                                  requested_by=workshop.editor, format="pdf", status=ExportStatus.QUEUED,
                                  options={}, snapshot={}, snapshot_seq=0, content_hash=f"waiting-{n}")

    await sync_to_async(fill_the_queue)()
    page = await sign_in(browser, workshop.url, "ben")
    await open_editor(page, workshop.url, journey_map.id)
    await page.click("#export-button")
    await page.click("#export-submit")
    error = page.locator("#export-error")
    await error.wait_for(state="visible")
    assert "Too many exports in progress" in await error.text_content()
    assert await page.locator("#export-download").is_hidden()
    await shot(page, "export-dialog-refused")
    assert await sync_to_async(Export.objects.filter(map_id=journey_map.id).count)() == 5


async def test_progress_still_arrives_by_polling_when_the_socket_stays_silent(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    page = await sign_in(browser, workshop.url, "ben")

    # The editor's socket opens but never hears from the server (as while reconnecting).
    async def silent(ws: Any) -> None:
        return None

    await page.route_web_socket("**/ws/maps/**", silent)
    await page.goto(f"{workshop.url}/maps/{journey_map.id}/")
    await page.wait_for_selector(".stage-header")
    await page.click("#export-button")
    await page.click("#export-submit")
    await page.locator("#export-download").wait_for(state="visible", timeout=60_000)
    assert await page.locator("#export-bar").evaluate("bar => bar.value") == 100
    response = await page.request.get(await page.locator("#export-download").evaluate("a => a.href"))
    assert (await response.body()).startswith(b"%PDF-")


async def test_the_downloaded_file_keeps_the_french_title_with_its_accents_and_apostrophe(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, language="fr", title="Résiliation d’abonnement")
    page = await sign_in(browser, workshop.url, "ben", locale="fr-FR")
    await open_editor(page, workshop.url, journey_map.id)
    await page.click("#export-button")
    await page.click("#export-submit")
    link = page.locator("#export-download")
    await link.wait_for(state="visible", timeout=90_000)
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    assert download.suggested_filename == "Résiliation d’abonnement.pdf"
    path = await download.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    await shot(page, "export-dialog-done-fr")
