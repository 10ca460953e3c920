"""Sample rows of the API's admin pages (tests/factories.py: SAMPLE_BUILDERS)."""

from __future__ import annotations

from api.models import ApiAuditEntry, Scope, WebhookDelivery, WebhookEndpoint
from api.services import api_client_create, webhook_endpoint_save


def _client(org):
    client, _token = api_client_create(org.kommune, name="Lønsystem", scopes=[Scope.ORG_READ])
    return client


def _endpoint(org):
    endpoint = WebhookEndpoint(kommune=org.kommune, name="ESDH", url="https://esdh.example.dk/h")
    webhook_endpoint_save(endpoint)
    return endpoint


def _delivery(org):
    return WebhookDelivery.objects.create(
        kommune=org.kommune, endpoint=_endpoint(org), event="membership.changed", payload={}
    )


def _audit(org):
    return ApiAuditEntry.objects.create(
        kommune=org.kommune, client=_client(org), method="POST", path="/api/v1/sync/", status=200
    )


SAMPLES = {
    "api.ApiClient": _client,
    "api.WebhookEndpoint": _endpoint,
    "api.WebhookDelivery": _delivery,
    "api.ApiAuditEntry": _audit,
}
