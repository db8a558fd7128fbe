"""Share links over REST, and the share page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from maps.live import tickets
from maps.models import ShareLink
from sharing import links as sharing
from tests.factories import MapFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(journey_map) -> str:
    return f"/api/v1/maps/{journey_map.id}/share-links/"


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_owners_and_editors_create_a_link_whose_token_is_shown_once_and_stored_hashed(request, hidden_grid, who):
    user = request.getfixturevalue(who)
    response = api(user).post(url(hidden_grid.map), {"label": "for Support", "hidden_lanes": [hidden_grid.hidden]},
                              format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url
    link = ShareLink.objects.get(id=body["id"])
    assert link.token_hash == sharing.token_hash(token) and token not in link.token_hash
    assert body["hidden_lanes"] == [hidden_grid.hidden] and body["label"] == "for Support"
    listed = api(user).get(url(hidden_grid.map)).json()
    assert [row["id"] for row in listed] == [body["id"]] and listed[0]["url"] is None
    assert token not in str(listed)


def test_a_link_shows_who_is_on_the_map_only_when_asked_to(hidden_grid, owner):
    default = api(owner).post(url(hidden_grid.map), {"label": "for customers"}, format="json").json()
    assert default["show_presence"] is False
    shown = api(owner).post(url(hidden_grid.map), {"label": "workshop", "show_presence": True}, format="json")
    assert shown.status_code == 201 and shown.json()["show_presence"] is True
    assert ShareLink.objects.get(id=shown.json()["id"]).show_presence is True
    bad = api(owner).post(url(hidden_grid.map), {"show_presence": "sometimes"}, format="json")
    assert bad.status_code == 400 and "show_presence" in bad.json()["fields"]
    # The socket learns the choice from the ticket the share page gets.
    for body, expected in ((default, False), (shown.json(), True)):
        ticket = Client().post(f"{body['url'].split('testserver', 1)[1]}ws-ticket/").json()["ticket"]
        assert tickets.consume_sync(ticket)["show_presence"] is expected


def test_a_viewer_may_not_manage_links_and_an_outsider_learns_nothing(hidden_grid, viewer, outsider, share):
    assert api(viewer).get(url(hidden_grid.map)).status_code == 403
    assert api(viewer).post(url(hidden_grid.map), {"label": "x"}, format="json").status_code == 403
    assert api(viewer).delete(f"{url(hidden_grid.map)}{share.link.id}/").status_code == 403
    assert api(outsider).get(url(hidden_grid.map)).status_code == 404
    assert api(outsider).delete(f"{url(hidden_grid.map)}{share.link.id}/").status_code == 404
    assert api().get(url(hidden_grid.map)).status_code == 401


def test_another_maps_lane_or_link_is_refused(hidden_grid, owner, outsider):
    other = MapFactory(workspace=outsider.memberships.first().workspace)
    foreign_link = sharing.share_link_create(map=other, created_by=outsider, label="theirs")
    response = api(owner).delete(f"{url(hidden_grid.map)}{foreign_link.link.id}/")
    assert response.status_code == 404
    assert ShareLink.objects.get(id=foreign_link.link.id).revoked_at is None
    from maps.models import Lane

    lane = Lane.objects.create(map=other, title="theirs")
    response = api(owner).post(url(hidden_grid.map), {"label": "x", "hidden_lanes": [str(lane.id)]}, format="json")
    assert response.status_code == 404


def test_the_share_page_shows_the_map_read_only_without_the_hidden_lane(client: Client, share, hidden_grid):
    response = client.get(share.path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Customer calls support" in html and "Delivery journey" in html
    assert "Margin is 4 percent" not in html and "Internal costs" not in html
    assert hidden_grid.hidden not in html and hidden_grid.hidden_card not in html
    assert '"role": "viewer"' in html and "ws-ticket" in html
    assert "Download PDF" in html
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_share_ticket_is_one_use_and_carries_the_link_and_its_hidden_lanes(client: Client, share, hidden_grid):
    response = client.post(f"{share.path}ws-ticket/")
    assert response.status_code == 201
    payload = tickets.consume_sync(response.json()["ticket"])
    assert payload == {"user_id": None, "map_id": str(hidden_grid.map.id), "share_link_id": str(share.link.id),
                       "role": "viewer", "hidden_lanes": [hidden_grid.hidden], "show_presence": False}
    assert tickets.consume_sync(response.json()["ticket"]) is None
    assert client.post(f"{share.path}ws-ticket/").json()["ticket"] != response.json()["ticket"]


def test_revoked_and_expired_links_answer_404_everywhere(client: Client, share, owner, hidden_grid):
    api(owner).delete(f"{url(hidden_grid.map)}{share.link.id}/")
    assert client.get(share.path).status_code == 404
    assert client.post(f"{share.path}ws-ticket/").status_code == 404
    expiring = sharing.share_link_create(map=hidden_grid.map, created_by=owner,
                                         expires_at=timezone.now() + dt.timedelta(hours=1))
    assert client.get(expiring.path).status_code == 200
    ShareLink.objects.filter(id=expiring.link.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(expiring.path).status_code == 404
    assert client.post(f"{expiring.path}ws-ticket/").status_code == 404


def test_wrong_tokens_are_rate_limited_per_client_address(client: Client, settings, share):
    settings.SHARE_TOKEN_RATE_LIMIT = 5
    for _ in range(5):
        assert client.get(f"/s/{sharing.new_token()}/").status_code == 404
    throttled = client.get(f"/s/{sharing.new_token()}/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    # Even the right token waits: guessing must not be told apart from using.
    assert client.get(share.path).status_code == 429
    # Another address is not affected.
    assert client.get(share.path, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_a_pdf_is_offered_only_when_the_link_allows_it(client: Client, hidden_grid, owner):
    link = sharing.share_link_create(map=hidden_grid.map, created_by=owner, allow_pdf=False)
    assert "Download PDF" not in client.get(link.path).content.decode()
    assert client.post(f"{link.path}export/").status_code == 404


def test_the_share_pdf_is_asked_for_by_the_token_alone_even_with_origin_null(hidden_grid, owner, settings, media):
    # The page's Referrer-Policy is no-referrer, so Chromium posts its form with
    # Origin: null and no CSRF cookie: the token in the path is the credential.
    settings.EXPORTS_IN_PROCESS = False  # queued only: nothing rendered here
    link = sharing.share_link_create(map=hidden_grid.map, created_by=owner, allow_pdf=True)
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(f"{link.path}export/", HTTP_ORIGIN="null")
    assert response.status_code == 302 and response["Location"].startswith(f"{link.path}exports/")
    # No account to count by: the link has its own limit of PDFs in the making.
    for _ in range(sharing.MAX_PENDING_EXPORTS - 1):
        assert visitor.post(f"{link.path}export/", HTTP_ORIGIN="null").status_code == 302
    busy = visitor.post(f"{link.path}export/", HTTP_ORIGIN="null")
    assert busy.status_code == 429 and "Several PDFs are already being made" in busy.content.decode()
    # A wrong token asks for nothing.
    assert visitor.post(f"/s/{sharing.new_token()}/export/", HTTP_ORIGIN="null").status_code == 404


def test_hiding_the_emotion_lane_hides_the_curve_in_the_page_and_the_export_snapshot(client: Client, grid, owner):
    import uuid

    from exports.services.request import export_request
    from maps.selectors import map_document

    emotion_lane, point = str(uuid.uuid4()), str(uuid.uuid4())
    ack = grid.push(owner, [
        {"op": "create", "entity": "lane", "id": emotion_lane, "fields": {"title": "Feelings", "kind": "emotion"}},
        {"op": "create", "entity": "emotion", "id": point, "fields": {"stage": grid.stages[0], "score": -3,
                                                                      "note": "furious about fees"}}])
    assert ack.status in ("ok", "rebased"), ack.error
    link = sharing.share_link_create(map=grid.map, created_by=owner, hidden_lanes=[emotion_lane], allow_pdf=True)
    assert "furious about fees" not in client.get(link.path).content.decode()
    assert map_document(map_id=grid.map.id, hidden_lanes=frozenset({emotion_lane}))["emotions"] == []
    export = export_request(map=grid.map, share_link=link.link, hidden_lanes=frozenset({emotion_lane}),
                            options={"format": "pdf"})
    assert "furious about fees" not in str(export.snapshot)
    # Members still see it.
    assert map_document(map_id=grid.map.id)["emotions"][0]["note"] == "furious about fees"


def test_the_share_links_page_creates_lists_and_revokes(hidden_grid, owner, viewer, outsider):
    page = f"/accounts/maps/{hidden_grid.map.id}/share-links/"
    client = Client()
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    client.force_login(viewer)
    assert client.get(page).status_code == 403
    client.force_login(owner)
    response = client.post(page, {"label": "<b>for Support</b>", "days": "7", "hidden_lanes": [hidden_grid.hidden],
                                  "allow_pdf": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    link = ShareLink.objects.get(map=hidden_grid.map)
    assert link.hidden_lanes == [hidden_grid.hidden] and link.allow_pdf and link.expires_at is not None
    url = next(part for part in html.split('"') if "/s/" in part and part.startswith("http"))
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert sharing.token_hash(token) == link.token_hash
    assert "&lt;b&gt;for Support&lt;/b&gt;" in html and "<b>for Support" not in html
    # Listed afterwards without the token.
    assert token not in client.get(page).content.decode()
    client.post(page, {"action": "revoke", "link": str(link.id)})
    assert Client().get(f"/s/{token}/").status_code == 404
