"""axe-core (from the npm registry, pinned by tests/e2e/vendor/package-lock.json) finds
no serious or critical violation on the dashboard and in the editor.

axe is added as an init script: those run outside the page's Content-Security-Policy,
which (rightly) forbids inline scripts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import need_service
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor

pytestmark = pytest.mark.django_db(transaction=True)

VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js, installed from the lock file on first use."""
    if not AXE.exists():
        npm = shutil.which("npm")
        need_service("npm", npm is not None, "needed to install axe-core for the accessibility check")
        command = "ci" if (VENDOR / "package-lock.json").exists() else "install"
        subprocess.run([npm, command, "--prefix", str(VENDOR), "--no-audit", "--no-fund"],
                       check=True, capture_output=True, timeout=300)
    assert AXE.exists(), f"npm did not install {AXE}"
    return AXE


async def violations(page: Any) -> list[dict[str, Any]]:
    """Serious or critical axe violations on the page as it is now (all are printed)."""
    await page.wait_for_function("() => typeof window.axe === 'object'")
    result = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary}))}))")
    if result:
        print(f"axe on {page.url}:\n{json.dumps(result, indent=1)}")
    return [v for v in result if v["impact"] in BLOCKING]


async def test_the_dashboard_and_the_editor_have_no_serious_accessibility_violation(
        browser, workshop, axe_script) -> None:
    current = await sync_to_async(make_map)(workshop)
    blueprint = await sync_to_async(make_map)(workshop, key="service_blueprint", title="Support blueprint")
    page = await sign_in(browser, workshop.url, "ana")
    await page.context.add_init_script(path=str(axe_script))

    found: dict[str, list[dict[str, Any]]] = {}
    await page.goto(f"{workshop.url}/")
    await page.wait_for_selector(".map-card")
    found["dashboard"] = await violations(page)
    await page.click("#new-map-button")
    found["new map dialog"] = await violations(page)

    for journey_map in (current, blueprint):
        await open_editor(page, workshop.url, journey_map.id)
        await page.locator(".cell[data-entity=card]").first.click()
        await page.keyboard.type("Parcel never arrived")
        await page.keyboard.press("Enter")
        await page.locator(".item", has_text="Parcel never arrived").wait_for()
        found[f"editor: {journey_map.title}"] = await violations(page)

    assert found == {name: [] for name in found}, json.dumps(found, indent=1)
