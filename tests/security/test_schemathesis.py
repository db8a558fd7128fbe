"""Property-based calls against our OpenAPI schema (schemathesis): no 5xx, and
every answer matches the schema. Bounded: a few examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

schema = schemathesis.pytest.from_fixture("api_schema")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def api_schema(db):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def token_header(world, owner) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=owner)
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_answers_every_generated_call_without_5xx_and_as_documented(case, token_header):
    response = case.call(headers=token_header)
    case.validate_response(response, checks=CHECKS)
