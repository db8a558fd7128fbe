"""The HTML pages: who may see and change what (the browser tests cover the rest).

owner: created the workspace; editor: a teammate who edits; viewer: may only look;
outsider: a member of another workspace, who must see nothing of this one.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from maps.models import JourneyMap
from templates_lib.models import MapTemplate
from templates_lib.services import ensure_builtin_templates, map_from_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates_seeded(db) -> None:
    ensure_builtin_templates()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def journey_map(workspace, owner, templates_seeded) -> JourneyMap:
    template = MapTemplate.objects.get(workspace=None, key="current_state", language="en")
    return map_from_template(template=template, workspace=workspace, title="Online order", actor_user=owner)


def test_pages_ask_anonymous_visitors_to_sign_in(journey_map) -> None:
    for url in ("/", f"/maps/{journey_map.id}/", "/account/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_editor_embeds_the_document_and_the_editor_settings(editor, journey_map) -> None:
    response = client_for(editor).get(f"/maps/{journey_map.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    doc = json.loads(html.split('id="initial-doc" type="application/json">')[1].split("</script>")[0])
    assert doc["map"]["id"] == str(journey_map.id) and len(doc["stages"]) == 6
    config = json.loads(html.split('id="editor-config" type="application/json">')[1].split("</script>")[0])
    assert config["role"] == "editor" and config["wsPath"] == f"/ws/maps/{journey_map.id}/"
    # CSP-ready: the only inline scripts are JSON data.
    assert "<script>" not in html
    assert html.count("<script") == html.count('type="application/json"') + html.count('type="module" src=')


def test_an_outsider_gets_404_for_another_workspaces_map(outsider, journey_map) -> None:
    client = client_for(outsider)
    assert client.get(f"/maps/{journey_map.id}/").status_code == 404
    assert client.post(f"/maps/{journey_map.id}/duplicate/").status_code == 404
    assert client.post(f"/maps/{journey_map.id}/archive/").status_code == 404


def test_a_viewer_may_open_a_map_but_not_create_duplicate_or_archive(viewer, workspace, journey_map) -> None:
    client = client_for(viewer)
    assert client.get(f"/maps/{journey_map.id}/").status_code == 200
    assert 'id="new-map-button"' not in client.get("/").content.decode()
    template = MapTemplate.objects.get(workspace=None, key="current_state", language="en")
    assert client.post("/maps/new/", {"workspace": workspace.id, "template": template.id,
                                      "title": "Sneaky"}).status_code == 404
    assert client.post(f"/maps/{journey_map.id}/duplicate/").status_code == 404
    assert client.post(f"/maps/{journey_map.id}/archive/").status_code == 404
    assert JourneyMap.objects.filter(workspace=workspace).count() == 1
    assert not JourneyMap.objects.get(id=journey_map.id).archived


def test_an_editor_creates_a_map_from_a_template_in_its_language(editor, workspace, templates_seeded) -> None:
    template = MapTemplate.objects.get(workspace=None, key="day_in_the_life", language="fr")
    response = client_for(editor).post("/maps/new/", {"workspace": workspace.id, "template": template.id,
                                                       "title": "Une journée d’infirmière", "goal": ""})
    created = JourneyMap.objects.get(title="Une journée d’infirmière")
    assert response.status_code == 302 and response["Location"] == f"/maps/{created.id}/"
    assert created.kind == "day_in_the_life" and created.language == "fr" and created.created_by == editor


def test_the_dashboard_searches_and_filters_by_kind(owner, workspace, journey_map, templates_seeded) -> None:
    template = MapTemplate.objects.get(workspace=None, key="service_blueprint", language="en")
    map_from_template(template=template, workspace=workspace, title="Support blueprint", actor_user=owner)
    client = client_for(owner)

    def titles(query: str) -> list[str]:
        return [item["map"].title for item in client.get(f"/{query}").context["cards"]]

    assert sorted(titles("")) == ["Online order", "Support blueprint"]
    assert titles("?q=blueprint") == ["Support blueprint"]
    assert titles("?kind=current_state") == ["Online order"]
    # An unknown kind is ignored rather than an error.
    assert sorted(titles("?kind=nonsense")) == ["Online order", "Support blueprint"]


def test_duplicate_future_state_and_archive(owner, workspace, journey_map) -> None:
    client = client_for(owner)
    client.post(f"/maps/{journey_map.id}/duplicate/")
    copy = JourneyMap.objects.get(title="Online order (copy)")
    assert copy.kind == "current_state"
    response = client.post(f"/maps/{journey_map.id}/future-state/")
    future = JourneyMap.objects.get(kind="future_state")
    assert response["Location"] == f"/maps/{future.id}/" and future.based_on_id == journey_map.id
    client.post(f"/maps/{journey_map.id}/archive/")
    assert JourneyMap.objects.get(id=journey_map.id).archived
    assert "Online order" not in [c["map"].title for c in client.get("/").context["cards"]]
    assert [c["map"].title for c in client.get("/?archived=on").context["cards"]] == ["Online order"]
    client.post(f"/maps/{journey_map.id}/archive/")
    assert not JourneyMap.objects.get(id=journey_map.id).archived


def test_the_account_page_shows_a_token_and_renews_it(owner) -> None:
    from rest_framework.authtoken.models import Token

    client = client_for(owner)
    response = client.get("/account/")
    first = Token.objects.get(user=owner).key
    assert response.status_code == 200 and first in response.content.decode()
    client.post("/account/")
    assert Token.objects.get(user=owner).key != first


def test_pages_speak_french_to_a_french_browser(owner, journey_map) -> None:
    client = client_for(owner)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cartes de parcours" in html and '<html lang="fr">' in html
    editor_html = client.get(f"/maps/{journey_map.id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    strings = json.loads(editor_html.split('id="editor-strings" type="application/json">')[1].split("</script>")[0])
    assert strings["undo"] == "Annuler" and strings["online"] == "En ligne"


def test_someone_without_a_workspace_is_offered_to_create_one(user_factory) -> None:
    from maps.models import Membership

    newcomer = user_factory(username="newcomer")
    client = client_for(newcomer)
    assert 'action="/workspaces/new/"' in client.get("/").content.decode()
    response = client.post("/workspaces/new/", {"name": "Acme CX"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.workspace.name == "Acme CX" and membership.role == "owner"
    assert client.get("/").context["workspace"] == membership.workspace


def test_the_editor_page_preloads_every_module_the_editor_imports(owner, journey_map) -> None:
    """One round of requests for the editor's modules, not one per level of imports: the
    page names each module the editor imports (the sync module, imported later, too),
    at the URL the import resolves to."""
    import re
    from pathlib import Path

    from django.conf import settings

    html = client_for(owner).get(f"/maps/{journey_map.id}/").content.decode()
    head = html.split("</head>")[0]
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', head)
    static_js = Path(settings.BASE_DIR) / "static" / "js"
    every_module = {f"{settings.STATIC_URL}js/{path.relative_to(static_js).as_posix()}"
                    for folder in ("editor", "grid", "sync") for path in (static_js / folder).glob("*.js")}
    # Every module of the editor, the grid and the sync folders is part of the editor.
    assert every_module <= set(preloaded), every_module - set(preloaded)
    assert f"{settings.STATIC_URL}js/editor.js" not in preloaded  # the entry loads itself
    assert len(preloaded) == len(set(preloaded))
