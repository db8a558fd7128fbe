"""The people page, the sign-in page and a locked card, as a facilitator meets them.

People: the owner (Ana, Support, the workspace's only owner) and an editor (Ben,
Sales); see tests/e2e/conftest.py.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, two_people

pytestmark = pytest.mark.django_db(transaction=True)


async def test_the_only_owner_is_not_offered_remove_and_removing_a_member_asks_first(browser, workshop) -> None:
    from maps.models import Membership

    page = await sign_in(browser, workshop.url, "ana")
    await page.goto(f"{workshop.url}/accounts/workspaces/{workshop.workspace.id}/members/")
    ana_row = page.locator(".people-table tr", has_text="Ana Lopez")
    ben_row = page.locator(".people-table tr", has_text="Ben Martin")
    assert await ana_row.locator("button", has_text="Remove").count() == 0
    assert await ana_row.locator(".only-owner").inner_text() == "Only owner"
    assert await ana_row.locator("select[name=role]").is_disabled()

    # Removing Ben asks first; Cancel keeps him.
    await ben_row.locator("button", has_text="Remove").click()
    dialog = page.locator("dialog.confirm-dialog[open]")
    await dialog.wait_for()
    assert await dialog.locator("h2").inner_text() == "Remove Ben Martin?"
    assert "Acme CX" in await dialog.inner_text()
    await page.screenshot(path=artifact("workshop/people-remove-confirm.png"))
    await dialog.locator("button", has_text="Cancel").click()
    await dialog.wait_for(state="detached")
    assert await sync_to_async(Membership.objects.filter(user=workshop.editor).exists)()

    # Confirmed: Ben is removed.
    await ben_row.locator("button", has_text="Remove").click()
    await page.locator("dialog.confirm-dialog[open] button", has_text="Remove").click()
    await page.locator(".flash", has_text="Ben Martin was removed.").wait_for()
    assert await page.locator(".people-table tr", has_text="Ben Martin").count() == 0
    assert not await sync_to_async(Membership.objects.filter(user=workshop.editor).exists)()
    await page.screenshot(path=artifact("workshop/people-page.png"), full_page=True)
    assert not page.errors


async def test_the_sign_in_page_offers_forgot_your_password_once(browser, workshop) -> None:
    for locale, text in (("en-GB", "Forgot your password?"), ("fr-FR", "Mot de passe oublié ?")):
        context = await browser.new_context(locale=locale)
        page = await context.new_page()
        await page.goto(f"{workshop.url}/accounts/login/")
        assert await page.get_by_role("link", name=text).count() == 1
        await context.close()


async def test_double_clicking_a_card_someone_is_editing_shows_one_notice(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana, ben = await two_people(browser, workshop, journey_map)
    await ana.locator(".cell[data-entity=card]").first.click()
    await ana.keyboard.type("Waits on hold")
    await ana.keyboard.press("Enter")
    on_ben = ben.locator(".item", has_text="Waits on hold")
    await on_ben.wait_for()
    await ana.locator(".item", has_text="Waits on hold").click()
    await ben.wait_for_selector(".item.is-locked .editing-badge:has-text('Ana Lopez is editing')")

    await on_ben.locator(".item-text").dblclick()
    notice = ben.locator(".toast", has_text="Ana Lopez is editing this card")
    await notice.first.wait_for()
    assert await notice.count() == 1
    await on_ben.locator(".item-text").dblclick()
    assert await notice.count() == 1
    assert await ben.locator(".inline-editor").count() == 0
    assert not ana.errors and not ben.errors
