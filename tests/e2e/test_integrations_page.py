"""The Integrations page as an owner uses it, in Chromium, against a real daphne,
a real Celery worker and a webhook receiver on loopback (WEBHOOK_ALLOW_PRIVATE):
add a hook (its secret shown once), send a test event and see it delivered in
the log, make the receiver fail and redeliver, see the failure; create and revoke
a service token. English and French screenshots; editors have no way in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.integrations import verify
from tests.integrations.receiver import Receiver
from tests.workers import SESSION_QUEUE, worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hook_env(request: Any, settings: Any, monkeypatch: Any) -> dict[str, str]:
    """Private addresses allowed (the receiver is on loopback) for daphne and the worker."""
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")
    settings.WEBHOOK_ALLOW_PRIVATE = True
    env = {"WEBHOOK_ALLOW_PRIVATE": "true"}
    if settings.REDIS_URL:
        request.getfixturevalue("worker_factory")()
        env["CELERY_QUEUE"] = SESSION_QUEUE
    return env


@pytest.fixture
def daphne_server(daphne_server: Callable[..., Any], hook_env: dict[str, str]) -> Callable[..., Any]:  # noqa: F811
    def make(**overrides: Any) -> Any:
        return daphne_server(**{**hook_env, **overrides})

    return make


@pytest.fixture
def receiver() -> Any:
    r = Receiver()
    yield r
    r.close()


async def test_an_owner_manages_a_webhook_and_a_token(browser, workshop, receiver) -> None:
    from integrations.models import ServiceToken, Webhook

    page = await sign_in(browser, workshop.url, "ana")
    await page.goto(f"{workshop.url}/?workspace={workshop.workspace.id}")
    await page.click("#integrations-link")
    await page.get_by_role("heading", name="Integrations of Acme CX").wait_for()

    # Add a hook: the secret is shown once, with a copy button.
    await page.fill("#new-url", receiver.url)
    await page.fill("#description-new", "CRM sync <test>")
    await page.locator("#hook-create input[value='map.archived']").check()
    await page.click("#hook-create button[type=submit]")
    panel = page.locator(".shown-once")
    await panel.wait_for()
    assert "you won't see it again" in await panel.inner_text()
    secret = await page.input_value("#new-secret")
    hook = await sync_to_async(Webhook.objects.get)()
    assert secret == hook.secret and hook.events == ["map.archived", "map.changed", "map.created"]
    await page.screenshot(path=artifact("integrations/secret-once.png"), full_page=True)
    await panel.get_by_role("link", name="I have copied it").click()
    await page.locator(".hook-card").wait_for()
    assert await page.locator(".shown-once").count() == 0
    assert secret not in await page.content()
    assert "CRM sync <test>" in await page.locator(".hook-description").inner_text()

    # Send test event: the log opens and follows the delivery until it is delivered.
    await page.click(f"[data-test-hook='{hook.id}']")
    log = page.locator(f"[data-log='{hook.id}']")
    await log.locator("tr[data-status='delivered']").wait_for(timeout=30_000)
    row = log.locator("tr[data-status='delivered']")
    assert "ping" in await row.inner_text() and "200" in await row.inner_text()
    (got,) = receiver.received
    assert got.headers["Journeymap-Event"] == "ping" and verify.verify(secret, got.headers["Journeymap-Signature"],
                                                                      got.body)
    delivery_id = json.loads(got.body)["id"]
    assert "ok" in await row.locator(".answer").inner_text()
    await page.screenshot(path=artifact("integrations/test-delivered.png"), full_page=True)

    # The receiver fails now: Redeliver, the same delivery fails with its answer shown.
    receiver.statuses = [500]
    await page.click(f"[data-redeliver='{delivery_id}']")
    failed = page.locator(f"[data-log='{hook.id}'] tr[data-delivery='{delivery_id}'][data-status='failed']")
    await failed.wait_for(timeout=30_000)
    text = await failed.inner_text()
    assert "failed" in text and "500" in text and "not now" in text
    assert [r.headers["Journeymap-Delivery"] for r in receiver.received] == [delivery_id] * 2
    await page.screenshot(path=artifact("integrations/redelivered-failed.png"), full_page=True)

    # A service token: shown once, listed, then revoked after a confirmation.
    await page.fill("#token-name", "CRM sync")
    await page.select_option("#token-role", "editor")
    await page.click("#token-create button[type=submit]")
    token = await page.input_value("#new-token")
    assert token.startswith("jms_")
    assert "Authorization: Bearer <token>" in await page.locator(".shown-once").inner_text()
    await page.screenshot(path=artifact("integrations/token-once.png"), full_page=True)
    await page.locator(".shown-once").get_by_role("link", name="I have copied it").click()
    token_row = page.locator("tr[data-token]", has_text="CRM sync")
    await token_row.wait_for()
    assert "never" in await token_row.inner_text()
    await token_row.get_by_role("button", name="Revoke").click()
    await page.locator("dialog.confirm-dialog[open] button", has_text="Revoke").click()
    await page.locator(".flash", has_text="no longer works").wait_for()
    assert await page.locator("tr[data-token]").count() == 0
    assert not await sync_to_async(ServiceToken.objects.exists)()
    assert not page.errors

    # In French, with a hook switched off after failed deliveries.
    from django.utils import timezone

    await sync_to_async(Webhook.objects.filter(id=hook.id).update)(
        active=False, disabled_reason="failures", disabled_at=timezone.now(), failures_in_a_row=50)
    fr = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await fr.goto(f"{workshop.url}/workspaces/{workshop.workspace.id}/integrations/?log={hook.id}")
    await fr.get_by_role("heading", name="Intégrations de Acme CX").wait_for()
    banner = fr.locator("[data-disabled-banner]")
    assert "désactivé" in (await banner.inner_text()).lower()
    assert await fr.get_by_role("button", name="Envoyer un événement de test").count() == 1
    await fr.screenshot(path=artifact("integrations/page-fr.png"), full_page=True)

    # The owners' bell tells it too, in French here, and leads to the hook's log.
    from integrations.owners import tell_owners_disabled

    await sync_to_async(tell_owners_disabled)(await sync_to_async(Webhook.objects.get)(id=hook.id))
    await fr.locator("[data-bell] .bell-button").click()
    notice = fr.locator("[data-bell-list] a", has_text="Le webhook vers")
    await notice.wait_for(timeout=10_000)
    assert "désactivé après 50 envois échoués" in await notice.inner_text()
    await fr.screenshot(path=artifact("integrations/bell-fr.png"))
    await notice.click()
    await fr.wait_for_url(f"**/integrations/?log={hook.id}*")
    assert await fr.locator(f"[data-log='{hook.id}']").is_visible()
    await page.reload()
    await page.screenshot(path=artifact("integrations/page-en.png"), full_page=True)
    assert not fr.errors


async def test_an_editor_has_no_link_and_no_page(browser, workshop) -> None:
    page = await sign_in(browser, workshop.url, "ben")
    await page.goto(f"{workshop.url}/?workspace={workshop.workspace.id}")
    assert await page.locator("#integrations-link").count() == 0
    answer = await page.goto(f"{workshop.url}/workspaces/{workshop.workspace.id}/integrations/")
    assert answer.status == 403
