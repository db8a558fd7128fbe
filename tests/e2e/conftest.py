"""Browser-test fixtures: a real daphne serving the app, and Debian's chromium.

Pages that open a websocket need daphne (pytest-django's live_server is WSGI only),
so these tests are transactional and the server runs on the test database.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from tests.conftest import need_service
from tests.servers import daphne_server  # noqa: F401  (fixture)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", autouse=True)
def close_worker_connections(django_db_setup, django_db_blocker):
    """``sync_to_async`` keeps a connection on its worker thread; close it before
    the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())


@dataclass
class Workshop:
    """A workspace with two teams; an owner in Support and an editor in Sales."""

    url: str
    workspace: Any
    owner: Any
    editor: Any
    support: Any
    sales: Any
    server: Any


@pytest.fixture
def workshop(daphne_server) -> Workshop:  # noqa: F811  (the imported fixture)
    from maps.models import Membership, Role
    from templates_lib.services import ensure_builtin_templates
    from tests.factories import UserFactory
    from workspaces.services import team_add, workspace_create

    ensure_builtin_templates()
    # owner: created the workspace, may do anything; editor: a teammate who edits maps.
    owner = UserFactory(username="ana", first_name="Ana", last_name="Lopez")
    editor = UserFactory(username="ben", first_name="Ben", last_name="Martin")
    workspace = workspace_create(name="Acme CX", owner=owner)
    support = team_add(workspace=workspace, name="Support", color="#059669")
    sales = team_add(workspace=workspace, name="Sales", color="#2563eb")
    Membership.objects.filter(workspace=workspace, user=owner).update(team=support)
    Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR, team=sales)
    server = daphne_server()
    return Workshop(server.http_url, workspace, owner, editor, support, sales, server)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        instance = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            await instance.close()


async def sign_in(browser: Any, base_url: str, username: str, *, locale: str = "en-GB",
                  password: str = PASSWORD, viewport: dict[str, int] | None = None) -> Any:
    """A fresh browser context signed in as ``username``; returns its page."""
    context = await browser.new_context(viewport=viewport or {"width": 1400, "height": 900}, locale=locale)
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    await page.goto(f"{base_url}/accounts/login/")
    await page.fill("#id_username", username)
    await page.fill("#id_password", password)
    await page.click("form[action$='/accounts/login/'] button[type=submit]")
    await page.wait_for_url(f"{base_url}/")
    return page


async def wait_synced(page: Any, timeout: float = 10_000) -> None:
    """Online with nothing left to send."""
    await page.wait_for_function(
        "() => window.journeymapSync && window.journeymapSync.status === 'online'"
        " && window.journeymapSync.pendingCount === 0",
        timeout=timeout,
    )


async def eventually(check: Any, timeout: float = 10.0) -> Any:
    """Poll a database check (run in a thread) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await sync_to_async(check, thread_sensitive=True)()
        if value or loop.time() > deadline:
            return value
        await asyncio.sleep(0.1)
