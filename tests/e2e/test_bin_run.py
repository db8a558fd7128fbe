"""`bin/run`, the README's first command, run for real as a facilitator would: twice.

A workshop must survive a restart: the people signed in stay signed in, the demo
password is not reset, and what a person sees on a wrong or withdrawn link is the
app's own page, never Django's debug page with its list of URL patterns.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import artifact
from tests.e2e.conftest import sign_in, wait_synced
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
# Django's 404 page in debug lists the URL patterns; ours never does.
DEBUG_MARKS = ("Using the URLconf", "Django tried these URL patterns", "DEBUG = True")


class BinRun:
    """``bin/run`` on a port of its own, with a throw-away database, media and state."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        drop = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "SECURE_COOKIES", "JOURNEYMAP_TEST_FAST_HASHER",
                "DJANGO_SETTINGS_MODULE")
        self.env = {key: value for key, value in os.environ.items() if key not in drop}
        self.env.update(PORT=str(self.port), DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
                        MEDIA_ROOT=str(tmp_path / "media"), JOURNEYMAP_STATE_DIR=str(tmp_path / "state"))
        self.logs = tmp_path
        self.runs = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> str:
        """Run bin/run; return what it printed once the app answers."""
        self.runs += 1
        self.log = self.logs / f"run-{self.runs}.log"
        self.proc = subprocess.Popen([str(ROOT / "bin" / "run")], cwd=ROOT, env=self.env, stdout=self.log.open("w"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self.log.read_text()
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"bin/run did not answer:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """Ctrl-C, as a person stops it."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def bin_run(tmp_path):
    runner = BinRun(tmp_path)
    yield runner
    runner.stop()


def login_of(output: str) -> tuple[str, str | None]:
    match = re.search(r"Login\s+(\S+)(?: / (\S+))?", output)
    assert match, output
    return match.group(1), match.group(2)


async def friendly_404(page, url: str, heading: str) -> None:
    response = await page.goto(url)
    assert response.status == 404
    body = await page.content()
    assert heading in body
    for mark in DEBUG_MARKS:
        assert mark not in body


async def test_bin_run_twice_keeps_people_signed_in_and_shows_friendly_error_pages(bin_run, browser):
    first = bin_run.start()
    username, password = login_of(first)
    assert username == "demo" and password
    assert (Path(bin_run.env["JOURNEYMAP_STATE_DIR"]) / "secret_key").stat().st_mode & 0o077 == 0

    # A facilitator signs in over plain http (so the cookies must not be Secure-only).
    page = await sign_in(browser, bin_run.url, username, password=password, viewport={"width": 1280, "height": 800})
    context = page.context
    await page.get_by_text("Online order to delivery").first.wait_for()
    # Static files come from whitenoise with DEBUG off: the page is styled.
    topbar_display = await page.evaluate("getComputedStyle(document.querySelector('.topbar')).display")
    assert topbar_display != "inline"

    # The demo map opens in the editor and its socket goes online (whitenoise serves the
    # modules, the socket's origin check passes with DEBUG off).
    map_url = await page.locator("a[href^='/maps/']").first.get_attribute("href")
    await page.goto(f"{bin_run.url}{map_url}")
    await page.wait_for_selector(".stage-header")
    await wait_synced(page)
    assert not page.errors

    # They share the demo map, then withdraw the link: the link's page is the app's 404.
    await page.goto(f"{bin_run.url}/accounts{map_url}share-links/")
    await page.fill("#share-label", "for Support")
    await page.click(".share-form button[type=submit]")
    share_url = await page.input_value("#new-link")
    guest = await browser.new_context(locale="fr-FR")
    guest_page = await guest.new_page()
    assert (await guest_page.goto(share_url)).status == 200
    await page.click("form.inline-form button.btn-danger-quiet")
    await friendly_404(guest_page, share_url, "Cette carte n’est plus disponible")
    await guest_page.screenshot(path=artifact("workshop/revoked-link-404-fr.png"))
    await friendly_404(page, f"{bin_run.url}/no/such/page/", "This page is not here")
    await page.screenshot(path=artifact("workshop/unknown-page-404-en.png"))
    await guest.close()

    # Stopped and run again: same data, same password, still signed in.
    bin_run.stop()
    second = bin_run.start()
    assert login_of(second) == (username, password)
    await page.goto(f"{bin_run.url}/")
    assert page.url == f"{bin_run.url}/"
    await page.get_by_text("Online order to delivery").first.wait_for()
    await context.close()
