"""The bell, in two browsers: Ana comments on a card mentioning Ben; Ben's bell,
open on another page, counts it within a second without reloading; the panel
lists it (what people wrote shown as text) and takes him to the thread.

People: Ana (owner, English) and Ben (editor, reads the app in French); see
tests/e2e/conftest.py.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map

pytestmark = pytest.mark.django_db(transaction=True)

POST_COMMENT = """async ([url, body]) => {
  const token = document.cookie.match(/(?:^|;\\s*)csrftoken=([^;]+)/)[1];
  const response = await fetch(url, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(body)});
  return [response.status, await response.json()];
}"""


def add_card(workshop, journey_map, text: str):
    import uuid

    from maps.models import Card, Lane, Stage
    from maps.operations import actor_for, apply

    card_id = str(uuid.uuid4())
    stage, lane = Stage.objects.filter(map=journey_map).first(), Lane.objects.filter(map=journey_map).first()
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id), batch_id="e2e-card",
                ops=[{"op": "create", "entity": "card", "id": card_id,
                      "fields": {"stage": str(stage.id), "lane": str(lane.id), "text": text}}])
    assert ack.status == "ok", ack.error
    return Card.objects.get(id=card_id)


async def badge(page) -> str:
    return await page.evaluate("() => { const b = document.querySelector('[data-bell-count]');"
                               " return b.hidden ? '' : b.textContent; }")


async def until(check, timeout: float = 5.0, *, wanted=None):
    """Poll ``check`` until it gives ``wanted`` (or, without one, anything truthy).

    Counts climb one push at a time, so a count is waited for by value: the
    first truthy reading of three notifications may still be "1" or "2".
    """
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if (value == wanted if wanted is not None else value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.02)


async def test_a_mention_rings_the_bell_in_another_browser_and_leads_to_the_thread(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    card = await sync_to_async(add_card)(workshop, journey_map, "Appelle le support")
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben", locale="fr-FR")
    await ben.goto(f"{workshop.url}/")  # the dashboard: no map socket, the bell only
    assert await badge(ben) == ""
    await ana.goto(f"{workshop.url}/maps/{journey_map.id}/")

    started = time.monotonic()
    status, thread = await ana.evaluate(POST_COMMENT, [
        f"/api/v1/maps/{journey_map.id}/comments/",
        {"anchor": {"type": "card", "id": str(card.id)}, "body": "@ben <img src=x onerror=alert(1)> is this right?"}])
    assert status == 201, thread
    answered = time.monotonic()
    assert await until(lambda: badge(ben), wanted="1") == "1"
    rang = time.monotonic()
    print(f"comment POST {answered - started:.3f} s, then the bell {rang - answered:.3f} s; load {os.getloadavg()}")
    assert rang - answered < 1.0
    live = await ben.evaluate("() => document.querySelector('[data-bell-live]').textContent")
    assert live == "Nouvelle notification : Ana Lopez vous a mentionné sur « Online order »"

    await ben.click(".bell-button")
    item = ben.locator("[data-bell-list] a").first
    await item.wait_for()
    assert await item.locator(".notification-summary").text_content() == \
        "Ana Lopez vous a mentionné sur « Online order »"
    assert await item.locator(".notification-excerpt").text_content() == \
        "@ben <img src=x onerror=alert(1)> is this right?"
    assert await ben.locator(".bell-panel img").count() == 0  # shown as text, never as markup
    assert await ben.get_attribute(".bell-button", "aria-expanded") == "true"
    await ben.screenshot(path=artifact("notifications/bell-panel-fr.png"))

    await item.click()
    await ben.wait_for_url(f"{workshop.url}/maps/{journey_map.id}/?comment={thread['id']}#comment-{thread['id']}")
    assert await until(lambda: ben.evaluate(
        "() => document.querySelector('[data-bell-count]').hidden")) is True
    # The editor opens on the thread: the Comments panel shows it, the card flashes.
    thread_node = ben.locator(f".comment-thread[data-thread='{thread['id']}']")
    await thread_node.wait_for()
    assert "is this right?" in await thread_node.text_content()
    await ben.screenshot(path=artifact("notifications/opened-from-the-bell.png"))
    assert ben.errors == [] and ana.errors == []


async def test_marking_all_read_in_one_tab_clears_the_bell_in_the_others(browser, workshop) -> None:
    from notifications.services import CommentEvent, comment_notify

    journey_map = await sync_to_async(make_map)(workshop)
    ben = await sign_in(browser, workshop.url, "ben")
    other_tab = await ben.context.new_page()
    await other_tab.goto(f"{workshop.url}/maps/{journey_map.id}/")
    await ben.goto(f"{workshop.url}/")
    for n in range(3):
        await sync_to_async(comment_notify)(CommentEvent(
            event="replied", map_id=journey_map.id, comment_id=f"00000000-0000-4000-8000-00000000000{n}",
            thread_id="00000000-0000-4000-8000-0000000000ff", thread_author_id=workshop.editor.pk,
            actor=workshop.owner, body=f"Reply {n}"))
    assert await until(lambda: badge(other_tab), wanted="3") == "3"
    assert await until(lambda: badge(ben), wanted="3") == "3"
    await ben.click(".bell-button")
    await ben.locator("[data-bell-list] li.is-unread").nth(2).wait_for()
    await ben.click("[data-bell-all]")
    assert await until(lambda: ben.evaluate("() => !document.querySelector('li.is-unread')"))
    assert await until(lambda: other_tab.evaluate("() => document.querySelector('[data-bell-count]').hidden"))
    await ben.keyboard.press("Escape")
    assert await ben.evaluate("() => document.querySelector('.bell-panel').hidden") is True
    assert await ben.evaluate("() => document.activeElement.classList.contains('bell-button')") is True
