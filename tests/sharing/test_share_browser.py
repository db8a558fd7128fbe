"""The share page and the members page in a real browser, served by daphne."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from tests.conftest import artifact, need_service
from tests.servers import daphne_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAYLOAD = "<img src=x onerror=alert(1)>"


def seed(grid, owner):
    from maps.models import JourneyMap, Lane, Team
    from sharing import links as sharing

    JourneyMap.objects.filter(id=grid.map.id).update(title=f"Onboarding {PAYLOAD}")
    Lane.objects.filter(id=grid.lanes[1]).update(title="Internal costs")
    team = Team.objects.create(workspace=grid.map.workspace, name="Support", color="#059669")
    grid.card(owner, stage=0, lane=0, text=f"Customer signs up {PAYLOAD}", team=str(team.id))
    grid.card(owner, stage=1, lane=0, text="Welcome call")
    grid.card(owner, stage=0, lane=1, text="Margin is 4 percent")
    return sharing.share_link_create(map=grid.map, created_by=owner, label="for Support",
                                     hidden_lanes=[grid.lanes[1]], highlight_team=str(team.id), allow_pdf=True)


async def test_a_share_viewer_sees_the_map_live_then_loses_it_on_revocation(daphne_server, grid, owner,  # noqa: F811
                                                                          require_redis):
    # Edits and revocations made here reach the daphne process through Redis.
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    from sharing import links as sharing

    created = await sync_to_async(seed)(grid, owner)
    server = await sync_to_async(daphne_server)()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 800})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), asyncio.ensure_future(d.dismiss())))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"{server.http_url}{created.path}")
        await page.wait_for_function("() => window.journeymapSync && window.journeymapSync.status === 'online'",
                                     timeout=15_000)
        board = page.locator("#board")
        await page.wait_for_function(
            "() => document.querySelector('#board').textContent.includes('Customer signs up')")
        text = await board.text_content()
        assert PAYLOAD in text  # shown as text
        assert "Margin is 4 percent" not in await page.content() and "Internal costs" not in await page.content()
        assert await page.locator("#board img[src=x]").count() == 0

        # A live edit reaches the viewer.
        await sync_to_async(grid.card)(owner, stage=2, lane=0, text="Added during the workshop")
        await page.wait_for_function(
            "() => document.querySelector('#board').textContent.includes('Added during the workshop')",
            timeout=5_000)
        await page.screenshot(path=artifact("sharing/share-page.png"), full_page=True)

        # Revocation: within seconds the open page says so and the map is gone from it.
        link = await sync_to_async(lambda: created.link.__class__.objects.get(id=created.link.id))()
        await sync_to_async(sharing.share_link_revoke)(link=link)
        await expect_share_ended(page, "This map is no longer available")
        await page.screenshot(path=artifact("sharing/share-page-revoked.png"))
        response = await page.goto(f"{server.http_url}{created.path}")
        assert response.status == 404
        assert "This map is no longer available" in await page.content()
        assert dialogs == [] and errors == []
        await browser.close()


async def expect_share_ended(page, message: str, within: float = 5.0) -> None:
    """The notice replaces the map within ``within`` seconds: no grid, no cards, no title."""
    started = time.monotonic()
    while not await page.evaluate("() => !document.getElementById('share-ended').hidden"):
        assert time.monotonic() - started < within, "the page still shows the map"
        await asyncio.sleep(0.1)
    assert await page.locator("#share-ended h1").text_content() == message
    assert await page.locator("#board, .cell, .item, #map-title, #download-pdf").count() == 0
    assert "Customer signs up" not in await page.content()
    assert await page.evaluate("() => window.journeymapSync.status") == "offline"


async def test_an_open_share_page_in_french_says_so_when_its_link_expires(daphne_server, grid, owner):  # noqa: F811
    # No Redis needed: the daphne process ends the socket itself at the expiry time.
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    from sharing import links as sharing

    def make_link():
        grid.card(owner, stage=0, lane=0, text="Customer signs up")
        return sharing.share_link_create(map=grid.map, created_by=owner, label="Atelier",
                                         expires_at=timezone.now() + dt.timedelta(seconds=6))

    server = await sync_to_async(daphne_server)()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        created = await sync_to_async(make_link)()  # its clock starts now
        context = await browser.new_context(viewport={"width": 1400, "height": 800}, locale="fr-FR")
        page = await context.new_page()
        console: list[str] = []
        page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
        response = await page.goto(f"{server.http_url}{created.path}")
        assert response.headers["content-security-policy"].count("connect-src 'self';") == 1
        started = time.monotonic()
        while await page.evaluate("() => window.journeymapSync?.status") != "online":
            assert time.monotonic() - started < 15
            await asyncio.sleep(0.1)
        assert "Customer signs up" in await page.locator("#board").text_content()
        await expect_share_ended(page, "Cette carte n’est plus disponible", within=12)
        await page.screenshot(path=artifact("sharing/share-page-expired-fr.png"))
        # The socket was allowed by the CSP ('self' covers ws: of the same host).
        assert not [line for line in console if "Content Security Policy" in line]
        await browser.close()


async def test_the_members_page_shows_people_teams_and_invite_links(daphne_server, grid, owner, editor):  # noqa: F811
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    from maps.models import Team
    from workspaces import invitations

    def prepare():
        owner.set_password("correct horse battery")
        owner.save()
        Team.objects.create(workspace=grid.map.workspace, name="Support", color="#059669")
        Team.objects.create(workspace=grid.map.workspace, name="Sales", color="#2563eb")
        invitations.invite_link_create(workspace=grid.map.workspace, created_by=owner, role="editor",
                                       label="Workshop, 12 March")

    await sync_to_async(prepare)()
    server = await sync_to_async(daphne_server)()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1300, "height": 900})
        await page.goto(f"{server.http_url}/accounts/login/")
        await page.fill("#id_username", owner.username)
        await page.fill("#id_password", "correct horse battery")
        await page.click("form[action$='/accounts/login/'] button[type=submit]")
        await page.wait_for_url(f"{server.http_url}/")
        await page.goto(f"{server.http_url}/accounts/workspaces/{grid.map.workspace_id}/members/")
        await page.fill("#link-label", f"Team day {uuid.uuid4().hex[:4]}")
        await page.click("text=Create invite link")
        invite_url = await page.input_value("#new-link")
        assert "/accounts/invite/" in invite_url
        assert await page.locator(".people-table").first.locator("tbody tr").count() == 2
        await page.screenshot(path=artifact("sharing/members-page.png"), full_page=True)
        # The map's share links page: a link for Support that hides a lane.
        await page.goto(f"{server.http_url}/accounts/maps/{grid.map.id}/share-links/")
        await page.fill("#share-label", "for Support")
        await page.check(f"input[name=hidden_lanes][value='{grid.lanes[1]}']")
        await page.check("input[name=allow_pdf]")
        assert not await page.is_checked("input[name=show_presence]")  # off unless chosen
        await page.check("input[name=show_presence]")
        await page.click("text=Create share link")
        share_url = await page.input_value("#new-link")
        assert "/s/" in share_url
        from maps.models import ShareLink

        created = await sync_to_async(ShareLink.objects.get)(label="for Support")
        assert created.allow_pdf and created.show_presence
        await page.screenshot(path=artifact("sharing/share-links-page.png"), full_page=True)
        # A newcomer opens the link, creates an account and lands in the workspace.
        newcomer = await browser.new_page()
        await newcomer.goto(invite_url)
        await newcomer.fill("#id_username", "workshop1")
        await newcomer.fill("#id_password1", "a long pass phrase 42")
        await newcomer.fill("#id_password2", "a long pass phrase 42")
        await newcomer.click("#join-button")
        await newcomer.wait_for_url(f"{server.http_url}/?workspace={grid.map.workspace_id}")
        await browser.close()


async def test_an_open_share_page_says_so_when_the_map_is_archived(daphne_server, grid, owner,  # noqa: F811
                                                                  require_redis):
    # The archive is made here; the page's socket is on the daphne process (Redis between).
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    from maps.services import map_archive
    from sharing import links as sharing

    def make_link():
        grid.card(owner, stage=0, lane=0, text="Customer signs up")
        return sharing.share_link_create(map=grid.map, created_by=owner)

    created = await sync_to_async(make_link)()
    server = await sync_to_async(daphne_server)(HEARTBEAT_SECONDS="30")  # only the archive can end it in time
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 800})
        await page.goto(f"{server.http_url}{created.path}")
        started = time.monotonic()
        while await page.evaluate("() => window.journeymapSync?.status") != "online":
            assert time.monotonic() - started < 15
            await asyncio.sleep(0.1)
        await sync_to_async(map_archive)(journey_map=grid.map)
        await expect_share_ended(page, "This map is no longer available")
        await browser.close()
