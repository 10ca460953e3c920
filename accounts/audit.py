"""The login audit log: every login, failed login, logout, MFA change and refusal is written
for each kommune the account belongs to (as HR, or through a person who has not left), so the
kommune's HR reads its own people's lines and no one else's.

An identifier nobody has (a typo, a guess) belongs to no kommune: django-axes keeps those
attempts for the superuser, as before."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.tenancy import scopes_disabled

from .models import EventKind, IdentityProvider, LoginEvent

logger = logging.getLogger(__name__)

# The session key the SSO adapter sets before the login it completes: which IdP it was.
SESSION_IDP = "sso_idp_id"


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    from axes.helpers import get_client_ip_address

    return (
        get_client_ip_address(request) or None,
        request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def _kommune_ids(user) -> list[int]:
    from .people import account_kommune_ids

    if user is None or user.is_superuser:
        return []
    return sorted(account_kommune_ids(user))


def record(
    kind: str,
    request=None,
    *,
    user=None,
    kommune_ids=None,
    identity_provider: IdentityProvider | None = None,
    identifier: str = "",
    detail: str = "",
) -> None:
    """One line per kommune of the account (or the given kommuner). Never fails the login it
    describes: an error here is logged, not raised."""
    ids = set(kommune_ids if kommune_ids is not None else _kommune_ids(user))
    if identity_provider is not None:
        ids.add(identity_provider.kommune_id)
    if not ids:
        return
    ip, agent = _client(request)
    if not identifier and user is not None:
        identifier = user.get_username()
    try:
        with scopes_disabled():
            LoginEvent.objects.bulk_create(
                LoginEvent(
                    kommune_id=kommune_id,
                    kind=kind,
                    user=user,
                    identifier=identifier[:254],
                    identity_provider=identity_provider,
                    ip_address=ip,
                    user_agent=agent,
                    detail=detail[:300],
                )
                for kommune_id in sorted(ids)
            )
    except Exception:
        logger.exception("Could not write the login audit log (%s).", kind)


def _session_idp(request) -> IdentityProvider | None:
    idp_id = request.session.get(SESSION_IDP) if request is not None else None
    return IdentityProvider.objects.filter(pk=idp_id).first() if idp_id else None


@receiver(user_logged_in, dispatch_uid="accounts.audit.logged_in")
def _logged_in(sender, request, user, **kwargs):
    idp = _session_idp(request)
    detail = "SSO" if idp is not None else "adgangskode"
    record(EventKind.LOGIN, request, user=user, identity_provider=idp, detail=detail)


@receiver(user_logged_out, dispatch_uid="accounts.audit.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(EventKind.LOGOUT, request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    from core.auth import resolve_login_identifier

    typed = credentials.get("username") or ""
    username = resolve_login_identifier(typed)
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    if user is not None:
        record(EventKind.LOGIN_FAILED, request, user=user, identifier=typed)


def _connect_mfa_signals() -> None:
    from allauth.mfa import signals

    from .middleware import SESSION_FACTOR_ADDED

    def added(sender, request, user, authenticator, **kwargs):
        if request is not None and authenticator.type != authenticator.Type.RECOVERY_CODES:
            # This session proved the new factor (allauth announces it on commit, after the
            # view: saved here so the mark is kept whenever that is).
            request.session[SESSION_FACTOR_ADDED] = user.pk
            request.session.save()
        record(EventKind.MFA_ADDED, request, user=user, detail=authenticator.get_type_display())

    def removed(sender, request, user, authenticator, **kwargs):
        record(EventKind.MFA_REMOVED, request, user=user, detail=authenticator.get_type_display())

    def reset(sender, request, user, authenticator, **kwargs):
        record(EventKind.RECOVERY_CODES, request, user=user)

    def failed(sender, request, user, authenticator, **kwargs):
        record(EventKind.MFA_FAILED, request, user=user, detail=authenticator.get_type_display())

    signals.authenticator_added.connect(added, weak=False, dispatch_uid="accounts.mfa_added")
    signals.authenticator_removed.connect(removed, weak=False, dispatch_uid="accounts.mfa_removed")
    signals.authenticator_reset.connect(reset, weak=False, dispatch_uid="accounts.mfa_reset")
    signals.authentication_failed.connect(failed, weak=False, dispatch_uid="accounts.mfa_failed")


_connect_mfa_signals()
