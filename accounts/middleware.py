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

# Set in the session when its login passed a second factor.
SESSION_MFA_DONE = "mfa_done"
# When the session was last found to need no second factor: asked again after a while, so a
# role given during the session (HR, kreds officer) brings the requirement with it.
SESSION_MFA_NOT_NEEDED_AT = "mfa_not_needed_at"
RECHECK_SECONDS = 300
# The account whose session set up a second factor itself (accounts.audit).
SESSION_FACTOR_ADDED = "mfa_factor_added"


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
    """This session passed a second factor at login (allauth records it), or set one up itself
    (accounts.audit marks it). A factor set up in another session does not count."""
    from allauth.account.internal.flows.login import get_authentication_records

    if request.session.get(SESSION_FACTOR_ADDED) == user.pk:
        return True
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


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
        import time

        checked = request.session.get(SESSION_MFA_NOT_NEEDED_AT)
        if checked is not None and time.time() - checked < RECHECK_SECONDS:
            return None
        user = request.user
        if not user.is_authenticated or not requires_mfa(user):
            request.session[SESSION_MFA_NOT_NEEDED_AT] = int(time.time())
            return None
        if second_factors(user).exists():
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
