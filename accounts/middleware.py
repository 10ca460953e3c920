"""MFA is required, not only offered, for every account that can open the admin (HR staff,
superusers) and for union kreds officers (settings.MFA_REQUIRED).

At login allauth asks an account's second factor (accounts.stages). This middleware covers the
rest: an account that must have a second factor and has none is kept on the pages that set one
up until it has; a session that reached a logged-in state without the second factor (a door that
skipped it) is logged out. An SSO login whose IdP asserted a second factor, trusted for it, is
complete."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .stages import SESSION_IDP_MFA

# Set in the session when its login passed a second factor (or when the account needs none).
SESSION_MFA_DONE = "mfa_done"


def requires_mfa(user) -> bool:
    from core.tenancy import scopes_disabled
    from organisations.models import KommuneStaff
    from unions.models import KredsOfficer

    if user.is_superuser or user.is_staff:
        return True
    with scopes_disabled():
        return (
            KommuneStaff.objects.filter(user=user).exists()
            or KredsOfficer.objects.filter(user=user).exists()
        )


def second_factors(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    )


def session_passed_second_factor(request, user) -> bool:
    """allauth records each authentication of the session: a second factor at login, or a
    factor set up since the session logged in (setting it up proves it)."""
    import datetime

    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    if not records:
        return False
    since = datetime.datetime.fromtimestamp(min(r["at"] for r in records), tz=datetime.UTC)
    return second_factors(user).filter(created_at__gte=since).exists()


def mark_mfa_done(request) -> None:
    request.session[SESSION_MFA_DONE] = True


class MfaRequiredMiddleware:
    """After authentication, sessions and messages."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def setup_prefixes(self) -> tuple[str, ...]:
        return (
            reverse("mfa_index"),
            reverse("account_reauthenticate"),
            reverse("portal:logout"),
            settings.STATIC_URL,
            "/i18n/",
        )

    def __call__(self, request):
        session = request.session
        if (
            settings.MFA_REQUIRED
            and session.get(AUTH_SESSION_KEY) is not None
            and not session.get(SESSION_MFA_DONE)
            and not session.get(SESSION_IDP_MFA)
        ):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        user = request.user
        if not user.is_authenticated or not requires_mfa(user):
            mark_mfa_done(request)
            return None
        factors = second_factors(user)
        if factors.exists():
            if session_passed_second_factor(request, user):
                mark_mfa_done(request)
                return None
            # The account has a second factor but this session never passed it.
            logout(request)
            messages.info(request, _("Log ind igen, og bekræft med din anden faktor."))
            return redirect(settings.LOGIN_URL)
        if request.path_info.startswith(self.setup_prefixes):
            return None
        messages.warning(
            request,
            _(
                "Din konto kan åbne HR-administrationen eller kredsens sider: den skal beskyttes "
                "med to-faktor-godkendelse. Opret en godkendelses-app eller en sikkerhedsnøgle "
                "for at fortsætte."
            ),
        )
        return redirect("mfa_index")
