"""Every REST operation x every kind of caller: allowed or refused, as the contract says.

The operations come from the OpenAPI schema, so an endpoint added without a row
here fails ``test_every_operation_has_a_row``. "allowed" means the caller got past
authentication and permission (any answer but 401/403/404 and never a 5xx: an
empty body may well be refused as invalid).
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ROLES = ["owner", "editor", "viewer", "outsider", "anonymous", "share_viewer"]

# Who may call: public (anyone), user (any signed-in person), read (members),
# write (owners and editors), owner (owners only).
ALLOW = {
    "public": set(ROLES),
    "user": {"owner", "editor", "viewer", "outsider"},
    "read": {"owner", "editor", "viewer"},
    "write": {"owner", "editor"},
    "owner": {"owner"},
}
NESTED = ["cards", "emotions", "lanes", "moments", "phases", "stages", "touchpoints"]

EXPECTED: dict[tuple[str, str], str] = {
    ("/api/v1/auth/token/", "POST"): "public",
    ("/api/v1/exports/{export_id}/", "GET"): "read",
    ("/api/v1/exports/{export_id}/download/", "GET"): "read",
    ("/api/v1/maps/", "GET"): "user",
    ("/api/v1/maps/", "POST"): "user",
    ("/api/v1/maps/{map_id}/", "GET"): "read",
    ("/api/v1/maps/{map_id}/", "PATCH"): "write",
    ("/api/v1/maps/{map_id}/", "DELETE"): "write",
    ("/api/v1/maps/{map_id}/document/", "GET"): "read",
    ("/api/v1/maps/{map_id}/duplicate/", "POST"): "write",
    ("/api/v1/maps/{map_id}/exports/", "GET"): "read",
    ("/api/v1/maps/{map_id}/exports/", "POST"): "read",
    ("/api/v1/maps/{map_id}/operations/", "GET"): "read",
    ("/api/v1/maps/{map_id}/operations/", "POST"): "write",
    ("/api/v1/maps/{map_id}/save-as-template/", "POST"): "write",
    ("/api/v1/maps/{map_id}/share-links/", "GET"): "write",
    ("/api/v1/maps/{map_id}/share-links/", "POST"): "write",
    ("/api/v1/maps/{map_id}/share-links/{link_id}/", "DELETE"): "write",
    ("/api/v1/maps/{map_id}/ws-ticket/", "POST"): "read",
    ("/api/v1/templates/", "GET"): "user",
    ("/api/v1/workspaces/", "GET"): "user",
    ("/api/v1/workspaces/", "POST"): "user",
    ("/api/v1/workspaces/{workspace_id}/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/", "PATCH"): "owner",
    ("/api/v1/workspaces/{workspace_id}/channels/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/channels/", "POST"): "write",
    ("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/", "PATCH"): "write",
    ("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/", "DELETE"): "write",
    ("/api/v1/workspaces/{workspace_id}/webhooks/", "GET"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/", "PATCH"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/", "DELETE"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/deliveries/", "GET"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/rotate-secret/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/webhooks/{webhook_id}/test/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/tokens/", "GET"): "owner",
    ("/api/v1/workspaces/{workspace_id}/tokens/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/tokens/{token_id}/", "DELETE"): "owner",
    ("/api/v1/workspaces/{workspace_id}/members/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/members/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/members/{member_id}/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/members/{member_id}/", "PATCH"): "owner",
    ("/api/v1/workspaces/{workspace_id}/members/{member_id}/", "DELETE"): "owner",
    ("/api/v1/workspaces/{workspace_id}/personas/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/personas/", "POST"): "write",
    ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/", "PATCH"): "write",
    ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/", "DELETE"): "write",
    ("/api/v1/workspaces/{workspace_id}/teams/", "GET"): "read",
    # Teams are workspace content that editors keep up to date; people and roles are for owners.
    ("/api/v1/workspaces/{workspace_id}/teams/", "POST"): "write",
    ("/api/v1/workspaces/{workspace_id}/teams/{team_id}/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/teams/{team_id}/", "PATCH"): "write",
    ("/api/v1/workspaces/{workspace_id}/teams/{team_id}/", "DELETE"): "write",
    # Rich lanes: derived curve, priorities, the personas a map follows, avatars, attachments.
    ("/api/v1/maps/{map_id}/emotions/derive/", "GET"): "read",
    ("/api/v1/maps/{map_id}/priorities/", "GET"): "read",
    ("/api/v1/maps/{map_id}/personas/", "GET"): "read",
    ("/api/v1/maps/{map_id}/personas/", "POST"): "write",
    ("/api/v1/maps/{map_id}/personas/{persona_id}/", "DELETE"): "write",
    ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/avatar/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/avatar/", "PUT"): "write",
    ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/avatar/", "DELETE"): "write",
    ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/", "GET"): "read",
    ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/", "POST"): "write",
    ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/{attachment_id}/", "GET"): "read",
    ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/{attachment_id}/", "DELETE"): "write",
    ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/{attachment_id}/download/", "GET"): "read",
    # Recently deleted: for the people who can restore (restoring is an op, so viewers cannot).
    ("/api/v1/maps/{map_id}/deleted/", "GET"): "write",
    # The map file format: anyone reads the schema; members export; editors import.
    ("/api/v1/schema/map-format.json", "GET"): "public",
    ("/api/v1/maps/{map_id}/export.json", "GET"): "read",
    ("/api/v1/maps/{map_id}/export.mmd", "GET"): "read",
    # The history is the map's own: every member reads it.
    ("/api/v1/maps/{map_id}/activity/", "GET"): "read",
    # Comments: every member discusses, viewers too; resolving someone else's thread
    # is for editors and owners (the world's comment is the owner's), deleting it for owners.
    ("/api/v1/maps/{map_id}/comments/", "GET"): "read",
    ("/api/v1/maps/{map_id}/comments/", "POST"): "read",
    ("/api/v1/maps/{map_id}/comments/{comment_id}/", "PATCH"): "write",
    ("/api/v1/maps/{map_id}/comments/{comment_id}/", "DELETE"): "owner",
    ("/api/v1/maps/{map_id}/comments/{comment_id}/read/", "POST"): "read",
    ("/api/v1/workspaces/{workspace_id}/imports/", "POST"): "write",
    ("/api/v1/maps/{map_id}/imports/", "POST"): "write",
    # Everyone signed in has an inbox of their own (what it shows is theirs alone).
    ("/api/v1/notifications/", "GET"): "user",
    ("/api/v1/notifications/read/", "POST"): "user",
    ("/api/v1/notifications/settings/", "GET"): "user",
    ("/api/v1/notifications/settings/", "PATCH"): "user",
    # Versions: members list, open and compare them; saving, renaming and restoring are edits.
    ("/api/v1/maps/{map_id}/versions/", "GET"): "read",
    ("/api/v1/maps/{map_id}/versions/", "POST"): "write",
    ("/api/v1/maps/{map_id}/versions/{version_id}/", "GET"): "read",
    ("/api/v1/maps/{map_id}/versions/{version_id}/", "PATCH"): "write",
    ("/api/v1/maps/{map_id}/versions/{version_id}/document/", "GET"): "read",
    ("/api/v1/maps/{map_id}/versions/{version_id}/restore/", "POST"): "write",
    ("/api/v1/maps/{map_id}/versions/undo-restore/", "POST"): "write",
    ("/api/v1/maps/{map_id}/compare/", "GET"): "read",
    # Reviews: marking a map reviewed saves a version, an edit.
    ("/api/v1/maps/{map_id}/review/", "POST"): "write",
    # Health: members read the score; accepting a finding (or undoing it) is an edit;
    # the workspace's company words are the owners'.
    ("/api/v1/maps/{map_id}/health/", "GET"): "read",
    ("/api/v1/maps/{map_id}/health/accept/", "POST"): "write",
    ("/api/v1/maps/{map_id}/health/accept/{acceptance_id}/", "DELETE"): "write",
    ("/api/v1/workspaces/{workspace_id}/health-words/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/health-words/", "PUT"): "owner",
    # Metrics: members read the series; posting points writes touchpoints' fields (an edit);
    # declaring a workspace metric is for owners.
    ("/api/v1/maps/{map_id}/metrics/", "GET"): "read",
    ("/api/v1/maps/{map_id}/metrics/", "POST"): "write",
    ("/api/v1/workspaces/{workspace_id}/metric-keys/", "GET"): "read",
    ("/api/v1/workspaces/{workspace_id}/metric-keys/", "POST"): "owner",
    ("/api/v1/workspaces/{workspace_id}/metric-keys/{key}/", "PATCH"): "owner",
    ("/api/v1/workspaces/{workspace_id}/metric-keys/{key}/", "DELETE"): "owner",
}
for _segment in NESTED:
    EXPECTED[(f"/api/v1/maps/{{map_id}}/{_segment}/", "GET")] = "read"
    EXPECTED[(f"/api/v1/maps/{{map_id}}/{_segment}/", "POST")] = "write"
    EXPECTED[(f"/api/v1/maps/{{map_id}}/{_segment}/{{item_id}}/", "GET")] = "read"
    EXPECTED[(f"/api/v1/maps/{{map_id}}/{_segment}/{{item_id}}/", "PATCH")] = "write"
    EXPECTED[(f"/api/v1/maps/{{map_id}}/{_segment}/{{item_id}}/", "DELETE")] = "write"


@pytest.fixture
def world(world, settings, tmp_path):
    """The shared world, plus what the rich-lane rows need: a picture for the
    persona and a file attached to the touchpoint (under a private MEDIA_ROOT)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from health.models import Acceptance
    from integrations.models import Delivery, Webhook
    from integrations.tokens import token_create
    from personas.models import Persona
    from personas.services import persona_set_avatar
    from tests.touchpoints import samples
    from touchpoints.attachments import attachment_add
    from versions.restoring import version_restore
    from versions.services import version_create

    settings.MEDIA_ROOT = tmp_path / "media"
    persona_set_avatar(persona=Persona.objects.get(id=world.ids["persona_id"]),
                       upload=SimpleUploadedFile("me.png", samples.png(), content_type="image/png"))
    entry = attachment_add(journey_map=world.grid.map, touchpoint_id=world.ids["touchpoints"], user=None,
                           upload=SimpleUploadedFile("notes.pdf", samples.PDF, content_type="application/pdf"))
    world.ids.update(touchpoint_id=world.ids["touchpoints"], attachment_id=entry["id"])
    hook = Webhook.objects.create(workspace=world.grid.map.workspace, url="https://hooks.example.org/in",
                                  events=["map.created"], secret="whsec_matrix")
    delivery = Delivery.objects.create(webhook=hook, event="map.created", body="{}")
    service, _ = token_create(workspace=world.grid.map.workspace, name="CRM sync", role="editor", created_by=None)
    world.ids.update(webhook_id=str(hook.id), delivery_id=str(delivery.id), token_id=str(service.id))
    version = version_create(journey_map=world.grid.map, user=None, name="Before the workshop")
    # A restore done, so that undoing it is something an editor can do.
    version_restore(journey_map=world.grid.map, version=version, user=None)
    world.ids.update(version_id=str(version.id))
    # An accepted health finding, so that undoing it has something to undo.
    acceptance = Acceptance.objects.create(map=world.grid.map, code="empty_cells", entity="cell",
                                           item_id="matrix-cell", reason="Quiet stage")
    world.ids.update(acceptance_id=str(acceptance.id))
    # A metric of the workspace's own, to rename or remove.
    from metrics.models import MetricKey

    MetricKey.objects.create(workspace=world.grid.map.workspace, key="wait_minutes", label="Wait")
    world.ids.update(key="wait_minutes")
    return world


def body_for(operation: tuple[str, str], world) -> dict:
    """A valid body where validation could otherwise answer before the role check."""
    if operation == ("/api/v1/maps/{map_id}/operations/", "POST"):
        return {"batch_id": f"matrix-{uuid.uuid4()}", "ops": [
            {"op": "update", "entity": "card", "id": world.ids["cards"], "fields": {"text": "changed"}}]}
    if operation == ("/api/v1/maps/{map_id}/comments/", "POST"):
        return {"body": "A question", "anchor": {"type": "card", "id": world.ids["cards"]}}
    if operation == ("/api/v1/maps/{map_id}/comments/{comment_id}/", "PATCH"):
        return {"status": "resolved"}
    if operation == ("/api/v1/maps/{map_id}/versions/", "POST"):
        return {"name": "Checked"}
    if operation == ("/api/v1/workspaces/{workspace_id}/metric-keys/{key}/", "PATCH"):
        return {"label": "Waiting time"}
    if operation == ("/api/v1/maps/{map_id}/compare/", "GET"):
        return {"from": world.ids["version_id"], "to": "current"}
    return {}


def schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((path, method.upper()) for path, item in schema["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete"))


OPERATIONS = schema_operations()


def test_every_operation_has_a_row():
    assert set(OPERATIONS) == set(EXPECTED), (
        f"missing rows: {sorted(set(OPERATIONS) - set(EXPECTED))}; stale rows: {sorted(set(EXPECTED) - set(OPERATIONS))}"
    )


def concrete(path: str, ids: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "item_id":
            segment = path.split("/")[5]
            return ids[segment]
        return ids[name]

    return re.sub(r"\{(\w+)\}", value, path)


def client_for(role: str, request, world) -> APIClient:
    client = APIClient()
    if role == "share_viewer":
        # A share token is no API credential, whatever header it is put in.
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.share_token}")
    elif role != "anonymous":
        client.force_authenticate(request.getfixturevalue(role))
    return client


def verdict(role: str, rule: str, status: int) -> str | None:
    """None when the answer is what the contract says for this caller, else why not."""
    if status >= 500:
        return f"server error {status}"
    if role in ALLOW[rule]:
        return None if status not in (401, 403, 404) else f"should be allowed, got {status}"
    expected = 401 if role in ("anonymous", "share_viewer") else 404 if role == "outsider" else 403
    return None if status == expected else f"should get {expected}, got {status}"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op[1]} {op[0]}")
def test_permission_row(request, world, operation):
    """One row: every kind of caller on one operation, each on the same fresh data
    (a savepoint per caller is rolled back, so an editor's delete does not leave
    the owner a 404)."""
    path, method = operation
    rule = EXPECTED.get(operation)
    assert rule is not None, f"no row for {method} {path}"
    problems = []
    for role in ROLES:
        client = client_for(role, request, world)
        with transaction.atomic():
            response = getattr(client, method.lower())(concrete(path, world.ids), body_for(operation, world),
                                                         format="json")
            transaction.set_rollback(True)
        problem = verdict(role, rule, response.status_code)
        if problem:
            problems.append(f"{role}: {problem} {response.content[:200]!r}")
    assert not problems, f"{method} {path} ({rule}):\n" + "\n".join(problems)
