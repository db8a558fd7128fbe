"""A person picks a picture for a persona that declares far too many pixels: the
form says so, in the page's language, and nothing is saved."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.touchpoints import samples

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("locale", "expected"), [("en-GB", "900 megapixels"), ("fr-FR", "900 mégapixels")])
async def test_a_persona_picture_of_a_billion_pixels_is_refused_by_the_form(browser, workshop, locale,
                                                                           expected) -> None:
    from personas.models import Persona

    page = await sign_in(browser, workshop.url, "ana", locale=locale)
    await page.goto(f"{workshop.url}/workspaces/{workshop.workspace.id}/personas/")
    form = page.locator("form.persona-form")
    await form.locator("#id_name").fill("Chloé")
    await form.locator("#id_avatar").set_input_files(
        files=[{"name": "chloe.png", "mimeType": "image/png", "buffer": samples.huge_png()}])
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector(".persona-form .errorlist")
    message = await page.locator(".persona-form .errorlist").inner_text()
    assert "30000 × 30000" in message and expected in message, message
    assert not await sync_to_async(Persona.objects.filter(workspace=workshop.workspace).exists)()
    await form.locator("#id_avatar").scroll_into_view_if_needed()
    await page.screenshot(path=artifact(f"personas/picture-too-large-{locale}.png"))
