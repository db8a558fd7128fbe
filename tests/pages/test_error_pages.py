"""What people see when a page is missing, forbidden or broken: the app's own pages
in their language, never Django's debug pages (which list every URL pattern).

Django's test client runs with DEBUG off, as bin/run does.
"""

from __future__ import annotations

import pytest
from django.test import Client

from sharing import links as sharing

pytestmark = pytest.mark.django_db

DEBUG_PAGE_MARKS = ("URLconf", "Using the URLconf", "Django tried these URL patterns", "Traceback", "DEBUG = True")


def looks_friendly(response, *phrases: str, card: str = "auth-card error-card") -> str:
    body = response.content.decode()
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in body
    for phrase in phrases:
        assert phrase in body, phrase
    assert f'class="{card}' in body  # the app's look, not a bare text page
    return body


@pytest.mark.parametrize(("language", "heading"), [("en", "This page is not here"), ("fr", "Cette page n’existe pas")])
def test_an_unknown_address_gets_the_friendly_404_in_the_browser_language(language, heading):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no/such/page/")
    assert response.status_code == 404
    body = looks_friendly(response, heading)
    assert f'<html lang="{language}">' in body


@pytest.mark.parametrize(("language", "heading"), [("en", "This map is no longer available"),
                                                   ("fr", "Cette carte n’est plus disponible")])
def test_a_revoked_share_link_gets_the_friendly_404(grid, owner, language, heading):
    # owner: shared the map, then withdrew the link; the person who got it opens it.
    created = sharing.share_link_create(map=grid.map, created_by=owner, label="for Support")
    assert Client().get(created.path).status_code == 200
    sharing.share_link_revoke(link=created.link)
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(created.path)
    assert response.status_code == 404
    # A dead link has a page of its own: it says the map is gone, not that the address is wrong.
    body = looks_friendly(response, heading, card="auth-card share-ended")
    assert "Delivery journey" not in body


@pytest.mark.urls("tests.pages.broken_urls")
@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong on our side"),
                                                   ("fr", "Un problème est survenu de notre côté")])
def test_a_bug_gets_the_friendly_500_page(language, heading):
    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language).get("/broken/")
    assert response.status_code == 500
    body = looks_friendly(response, heading)
    assert "a bug on purpose" not in body


def test_a_form_sent_without_its_csrf_token_gets_the_friendly_403(owner):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(owner)
    response = client.post("/account/")
    assert response.status_code == 403
    looks_friendly(response, "Le formulaire avait expiré")


def test_a_bad_request_gets_the_friendly_400():
    # An unknown Host header: Django refuses it with a 400 before any view runs.
    response = Client(HTTP_HOST="attacker.example").get("/")
    assert response.status_code == 400
    looks_friendly(response, "That request could not be understood")
