"""The API's door: a bearer token of one kommune's client, its scopes, its rate and its audit.

A call is authenticated by its token (401 when missing, unknown, expired or revoked, the same
answer for each), then runs inside the client's kommune scope (core.tenancy), so a query on
another kommune's rows cannot happen and its objects answer 404 like missing ones. Each view
names the scopes it needs for reading and writing (403 without them)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling

from core.tenancy import scopes_disabled

from . import tokens
from .models import ApiClient

# last_used_at is written at most this often per client (not on every call).
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ugyldig Authorization-header."))
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ugyldig nøgle.")) from None
        prefix = tokens.token_prefix(token)
        client = None
        if prefix:
            with scopes_disabled():
                client = (
                    ApiClient.objects.select_related("kommune", "user")
                    .filter(token_prefix=prefix)
                    .first()
                )
        if (
            client is None
            or not tokens.matches(token, client.token_hash)
            or not client.is_usable
            or not client.user.is_active
        ):
            raise exceptions.AuthenticationFailed(_("Ugyldig, udløbet eller tilbagekaldt nøgle."))
        now = timezone.now()
        if client.last_used_at is None or client.last_used_at < now - LAST_USED_EVERY:
            with scopes_disabled():
                ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client.user, client

    def authenticate_header(self, request):
        return self.keyword


class HasScopes(permissions.BasePermission):
    """The view's `read_scopes` for safe methods, `write_scopes` for the others."""

    message = _("Klienten har ikke rettighed til dette.")

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        safe = request.method in permissions.SAFE_METHODS
        needed = getattr(view, "read_scopes" if safe else "write_scopes", None)
        if needed is None:  # a view without scopes for this method is closed
            return False
        return set(needed) <= set(client.scopes)


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Calls per client per minute (API_RATE), counted in the cache."""

    scope = "client"

    def get_cache_key(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - the cache (Redis) is down: do not fail the call
            return True
