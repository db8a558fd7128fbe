"""The OpenAPI schema is valid and generates without a single warning."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_with_no_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=io.StringIO(),
                 stderr=io.StringIO())
    text = out.read_text()
    for operation in ("maps_document", "maps_operations_list", "maps_operations_create", "maps_cards_create",
                      "workspaces_personas_partial_update", "templates_list", "auth_token_create"):
        assert f"operationId: {operation}" in text


@pytest.mark.django_db
def test_schema_and_swagger_ui_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_api_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "https://" not in html.split("<body")[0]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
