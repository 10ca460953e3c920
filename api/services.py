"""Creating and revoking API clients and webhook endpoints (HR of the whole kommune, admin)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.history import set_history_user
from organisations.models import KommuneStaff

from . import tokens
from .models import ApiClient, WebhookEndpoint


@transaction.atomic
def api_client_create(
    kommune, *, name: str, scopes, expires_at=None, created_by=None, token: str | None = None
) -> tuple[ApiClient, str]:
    """A new client and its token (shown once; only its hash is kept). The client's own account
    has no password and cannot log in; it is HR of the whole kommune so the access modules
    decide for it as for HR, and the history names it as the acting user of its writes."""
    if token is None:
        token, prefix, digest = tokens.new_token()
    else:  # the demo's published token (api/demo.py)
        prefix, digest = tokens.token_prefix(token), tokens.token_hash(token)
    user = get_user_model().objects.create(
        username=f"api-{prefix}", first_name=name[:150], last_name="(API)", is_active=True
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    KommuneStaff.objects.create(kommune=kommune, user=user, all_units=True)
    client = ApiClient(
        kommune=kommune,
        name=name,
        scopes=sorted(set(scopes)),
        token_prefix=prefix,
        token_hash=digest,
        user=user,
        expires_at=expires_at,
        created_by=created_by,
    )
    set_history_user(client, created_by)
    client.save()
    return client, token


@transaction.atomic
def api_client_revoke(client: ApiClient, *, acting_user=None) -> ApiClient:
    """Revoked at once: the next call with its token gets 401. The account is deactivated too."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        set_history_user(client, acting_user)
        client.save(update_fields=["revoked_at"])
        type(client.user).objects.filter(pk=client.user_id).update(is_active=False)
    return client


def api_client_save(client: ApiClient, *, acting_user=None) -> ApiClient:
    set_history_user(client, acting_user)
    client.save()
    return client


@transaction.atomic
def webhook_endpoint_save(endpoint: WebhookEndpoint, *, acting_user=None) -> str | None:
    """Save an endpoint; a new one gets its signing secret, returned once (None otherwise)."""
    secret = None
    if not endpoint.secret:
        secret = endpoint.secret = tokens.new_secret()
    set_history_user(endpoint, acting_user)
    endpoint.save()
    return secret
