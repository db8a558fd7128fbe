"""The 500 page, as a browser shows it with the app's styles (it cannot be reached by
a URL on purpose, so its HTML is rendered here and shown on the app's origin)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact

pytestmark = pytest.mark.django_db(transaction=True)


def server_error_page(language: str) -> str:
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override(language):
        return server_error(RequestFactory().get("/")).content.decode()


async def test_the_500_page_looks_like_the_app_in_both_languages(browser, workshop) -> None:
    for language, locale, heading in (("en", "en-GB", "Something went wrong on our side"),
                                      ("fr", "fr-FR", "Un problème est survenu de notre côté")):
        context = await browser.new_context(viewport={"width": 1280, "height": 720}, locale=locale)
        page = await context.new_page()
        await page.goto(f"{workshop.url}/healthz")
        await page.set_content(await sync_to_async(server_error_page)(language), wait_until="load")
        assert await page.locator("h1").inner_text() == heading
        # The app's stylesheet applies: the card is a white box on the page.
        assert await page.locator(".error-card").evaluate("(n) => getComputedStyle(n).backgroundColor") == \
            "rgb(255, 255, 255)"
        await page.screenshot(path=artifact(f"workshop/server-error-500-{language}.png"))
        await context.close()
