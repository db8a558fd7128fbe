"""XSS payloads in every user text field come back as text, never as markup."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from maps.models import JourneyMap, Team
from sharing import links as sharing
from tests.factories import PersonaFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'><svg onload=alert(3)>'
RAW = ["<img src=x", "<script>alert", "<svg onload"]


def seed_payloads(grid, owner) -> str:
    """Put the payload in the title, a card, a persona, a touchpoint, a team and a share label."""
    JourneyMap.objects.filter(id=grid.map.id).update(title=f"Title {PAYLOAD}")
    team = Team.objects.create(workspace=grid.map.workspace, name=f"Team {PAYLOAD}"[:100], color="#0f766e")
    persona = PersonaFactory(workspace=grid.map.workspace, name=f"Persona {PAYLOAD}"[:100])
    ack = grid.push(owner, [
        {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
         "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": f"Card {PAYLOAD}", "team": str(team.id)}},
        {"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
         "fields": {"stage": grid.stages[1], "lane": grid.lanes[1], "title": f"Touchpoint {PAYLOAD}"[:200]}},
        {"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()), "fields": {"persona": str(persona.id)}},
    ])
    assert ack.status in ("ok", "rebased"), ack.error
    return sharing.share_link_create(map=grid.map, created_by=owner, label=f"Label {PAYLOAD}"[:200]).path


def assert_inert(html: str) -> None:
    for raw in RAW:
        assert raw not in html, raw


def test_the_editor_page_escapes_every_field(client: Client, grid, owner):
    seed_payloads(grid, owner)
    client.force_login(owner)
    html = client.get(f"/maps/{grid.map.id}/").content.decode()
    assert "Card " in html and "Touchpoint " in html
    assert_inert(html)


def test_the_share_page_escapes_every_field(grid, owner):
    path = seed_payloads(grid, owner)
    html = Client().get(path).content.decode()
    assert "Label &lt;img" in html and "Title &lt;img" in html
    assert_inert(html)


def test_the_members_page_escapes_team_names(client: Client, grid, owner):
    seed_payloads(grid, owner)
    client.force_login(owner)
    html = client.get(f"/accounts/workspaces/{grid.map.workspace_id}/members/").content.decode()
    assert "Team &lt;img" in html
    assert_inert(html)


def pdf_text(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_exports_print_every_field_as_text(grid, owner):
    """The print HTML is escaped like the pages, and the PDF shows the payload as
    literal characters."""
    from exports.options import ExportOptions
    from exports.services.render import render_html, render_pdf
    from exports.services.sections import prepare
    from maps.selectors import map_document

    seed_payloads(grid, owner)
    doc = map_document(map_id=grid.map.id)
    html = render_html(prepare(doc, ExportOptions()))
    assert "Card " in html
    assert_inert(html)
    text = pdf_text(render_pdf(doc, ExportOptions())[0])
    assert "onerror=alert(1)" in " ".join(text.split())


def test_a_share_links_pdf_leaves_out_its_hidden_lanes(grid, owner):
    """The export path for share viewers renders the filtered snapshot only."""
    from exports.options import ExportOptions
    from exports.services.render import render_pdf
    from exports.services.request import export_request

    hidden = grid.lanes[1]
    grid.card(owner, stage=0, lane=1, text="Supplier discount 12 percent")
    grid.card(owner, stage=0, lane=0, text="Customer orders online")
    created = sharing.share_link_create(map=grid.map, created_by=owner, hidden_lanes=[hidden], allow_pdf=True)
    export = export_request(map=grid.map, share_link=created.link, hidden_lanes=frozenset({hidden}),
                            options={"format": "pdf"})
    assert export.hidden_lanes == [hidden] and "Supplier discount" not in str(export.snapshot)
    text = " ".join(pdf_text(render_pdf(export.snapshot, ExportOptions())[0]).split())
    assert "Customer orders online" in text and "Supplier discount" not in text and "Lane 1" not in text


def test_imported_text_comes_back_as_text(client: Client, workspace, owner):
    """Payloads in an imported file's stage, lane, card, persona and channel names:
    inert on the dashboard and in the editor; the exports are downloads, never pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    grid = f'Map {PAYLOAD},"Stage {PAYLOAD}"\n"Lane {PAYLOAD}","Card {PAYLOAD}"\n'
    client.force_login(owner)
    response = client.post(f"/api/v1/workspaces/{workspace.id}/imports/",
                           {"file": SimpleUploadedFile("g.csv", grid.encode())})
    assert response.status_code == 201, response.content
    map_id = response.json()["map"]["id"]
    diagram = f"journey\n  title T {PAYLOAD.replace('#', '')}\n  section S\n    Task: 3: Persona <b>bold</b>\n"
    assert client.post(f"/api/v1/workspaces/{workspace.id}/imports/",
                       {"file": SimpleUploadedFile("d.mmd", diagram.encode())}).status_code == 201
    listed = ("stage,name,channel\n" f'"Stage {PAYLOAD}","Touchpoint {PAYLOAD}","Channel {PAYLOAD}"\n')
    assert client.post(f"/api/v1/workspaces/{workspace.id}/imports/",
                       {"file": SimpleUploadedFile("l.csv", listed.encode())}).status_code == 201
    html = client.get(f"/maps/{map_id}/").content.decode()
    assert "Card " in html
    assert_inert(html)
    assert_inert(client.get("/").content.decode())
    for suffix in ("export.json", "export.mmd"):
        exported = client.get(f"/api/v1/maps/{map_id}/{suffix}")
        assert exported["Content-Disposition"].startswith("attachment;")
        assert exported["X-Content-Type-Options"] == "nosniff"
        assert not exported["Content-Type"].startswith("text/html")


def test_notifications_show_names_titles_and_comment_words_as_text(client: Client, grid, owner, editor, settings):
    """The notifications page and the notification mail's HTML part: the writer's
    name, the map's title and the comment's words arrive as text."""
    from django.core import mail
    from django.utils import timezone

    from notifications.mail import mail_pending
    from notifications.services import CommentEvent, comment_notify

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    JourneyMap.objects.filter(id=grid.map.id).update(title=f"Title {PAYLOAD}")
    editor.first_name, editor.last_name, editor.email = f"Ed {PAYLOAD}"[:150], "", "ed@example.org"
    editor.save()
    owner.email = "owner@example.org"
    owner.save()
    thread = uuid.uuid4()
    comment_notify(CommentEvent(event="replied", map_id=grid.map.id, comment_id=uuid.uuid4(), thread_id=thread,
                                thread_author_id=owner.pk, actor=editor, body=f"Body {PAYLOAD}",
                                mentioned_user_ids=[owner.pk]))
    client.force_login(owner)
    html = client.get("/notifications/").content.decode()
    assert "Body &lt;img" in html and "Title &lt;img" in html
    assert_inert(html)
    mail_pending(user_id=owner.pk, now=timezone.now() + timezone.timedelta(hours=1))
    (message,) = mail.outbox
    assert "Body &lt;img" in message.alternatives[0][0]
    assert_inert(message.alternatives[0][0])
