"""A share visitor clicks "Download PDF" on the share page and gets the PDF, in
Chromium: on the embedded default (SQLite, no Redis, rendered in daphne's own
background thread) and on PostgreSQL + Redis with a real Celery worker.

People: the owner made a link for Support that hides a lane and allows the PDF;
a visitor (no account) opens it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact, need_service
from tests.servers import DaphneProcess, daphne_server, free_port  # noqa: F401  (fixture)
from tests.workers import SESSION_QUEUE, worker_factory  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOWN = "Customer compares three offers"
HIDDEN = "Margin is 4 percent"


async def click_download_pdf(base_url: str, share_path: str, name: str) -> bytes:
    """Open the share page, click the button, wait for the browser's download."""
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 860}, accept_downloads=True)
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"{base_url}{share_path}")
            button = page.locator("#download-pdf")
            assert await button.is_visible()
            async with page.expect_download(timeout=90_000) as info:
                await button.click()
            download = await info.value
            assert download.suggested_filename.endswith(".pdf")
            # Back on the map: the page still works after the download.
            assert errors == []
            data = Path(await download.path()).read_bytes()
            await context.close()
        finally:
            await browser.close()
    assert data.startswith(b"%PDF")
    first_page(data, name)
    return data


def first_page(data: bytes, name: str) -> str:
    """Render page 1 (the cover) and 2 (the map) to PNG artifacts; return the PDF's text."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    for index in range(min(2, len(pdf))):
        pdf[index].render(scale=110 / 72).to_pil().save(artifact(f"sharing/{name}{index + 1}.png"))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert SHOWN in text.replace("\ufffe", "-").replace("\r\n", " ").replace("\n", " ")
    assert HIDDEN not in text and "Internal costs" not in text
    return text


def seed(grid, owner):
    """The grid with a hidden lane, a card on each side, and a link that allows the PDF."""
    from maps.models import JourneyMap, Lane
    from sharing import links as sharing

    JourneyMap.objects.filter(id=grid.map.id).update(title="Choosing a broadband plan")
    Lane.objects.filter(id=grid.lanes[1]).update(title="Internal costs")
    grid.card(owner, stage=0, lane=0, text=SHOWN)
    grid.card(owner, stage=0, lane=1, text=HIDDEN)
    return sharing.share_link_create(map=grid.map, created_by=owner, label="for Support",
                                     hidden_lanes=[grid.lanes[1]], allow_pdf=True)


@pytest.mark.django_db(transaction=True)
async def test_a_visitor_downloads_the_pdf_rendered_by_a_celery_worker(daphne_server, worker_factory, grid,  # noqa: F811
                                                                      owner, settings):
    worker_factory()  # on this test's database, Redis, queue and MEDIA_ROOT
    created = await sync_to_async(seed)(grid, owner)
    server = await sync_to_async(daphne_server)(MEDIA_ROOT=str(settings.MEDIA_ROOT), CELERY_QUEUE=SESSION_QUEUE)
    await click_download_pdf(server.http_url, created.path, "share-pdf-worker-page")

    from exports.models import Export

    export = await sync_to_async(Export.objects.get)(share_link_id=created.link.id)
    assert export.status == "done" and export.requested_by_id is None


SEED_EMBEDDED = textwrap.dedent(
    """
    import uuid, django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from sharing import links as sharing
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from maps.services import map_create
    from workspaces.services import workspace_create
    assert settings.DB_VENDOR == "sqlite" and not settings.REDIS_URL and settings.EXPORTS_IN_PROCESS
    owner = get_user_model().objects.create(username="ana")
    workspace = workspace_create(name="Acme CX", owner=owner)
    m = map_create(workspace=workspace, title="Choosing a broadband plan",
                   structure={"stages": [{"name": "Discover"}, {"name": "Compare"}],
                              "lanes": [{"title": "Customer actions"}, {"title": "Internal costs"}]})
    doc = map_document(map_id=m.id)
    stage = doc["stages"][0]["id"]
    lanes = [lane["id"] for lane in doc["lanes"]]
    for lane, text in zip(lanes, [SHOWN_TEXT, HIDDEN_TEXT]):
        ack = apply(map_id=m.id, actor=actor_for(owner), batch_id=str(uuid.uuid4()),
                    ops=[{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                          "fields": {"stage": stage, "lane": lane, "text": text}}])
        assert ack.status == "ok", ack.error
    created = sharing.share_link_create(map=m, created_by=owner, hidden_lanes=[lanes[1]], allow_pdf=True)
    print(created.path)
    """
).replace("SHOWN_TEXT", repr(SHOWN)).replace("HIDDEN_TEXT", repr(HIDDEN))


async def test_a_visitor_downloads_the_pdf_on_the_embedded_default(tmp_path):
    # No DATABASE_URL service, no REDIS_URL: SQLite and daphne's own export thread.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "JOURNEYMAP_REQUIRE_SERVICES",
                                                            "CELERY_QUEUE")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"),
               DJANGO_SETTINGS_MODULE="journeymap.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True,
                   timeout=180)
    seeded = subprocess.run([sys.executable, "-c", SEED_EMBEDDED], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    share_path = seeded.stdout.strip().splitlines()[-1]
    port = free_port()
    server = DaphneProcess("daphne", [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                      "journeymap.asgi:application"], env, port).start()
    try:
        server.wait_ready()
        await click_download_pdf(server.http_url, share_path, "share-pdf-embedded-page")
    finally:
        server.stop()
