"""Schemathesis: property-based calls generated from the API's own OpenAPI schema, against the
live test server with an authenticated client of a kommune with data. No call may answer 5xx or
break the schema (status codes outside it included: every error answer is JSON with a detail or
the field messages). Examples are bounded per operation to keep the suite's time."""

from __future__ import annotations

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api.models import Scope
from api.services import api_client_create
from core.tenancy import tenant_scope
from deadlines.engine import evaluate_kommune

from .conftest import build_org

EXAMPLES = 15


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_schema())


@pytest.fixture
def token(transactional_db):
    org = build_org("kommune-s", "Sigma")
    with tenant_scope(org.kommune):
        evaluate_kommune(org.kommune)
        _client, token = api_client_create(
            org.kommune, name="Schemathesis", scopes=[s for s, _label in Scope.choices]
        )
    return token


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_contract(case, live_server, token):
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
