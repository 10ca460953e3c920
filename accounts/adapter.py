"""django-allauth, fitted to a kommune's login:

- the identity providers come from `IdentityProvider` rows (configured by a superuser in the
  admin, no restart), one allauth provider id per IdP;
- an SSO login is matched to a `Person` of the IdP's own kommune by a stable attribute
  (employee number or e-mail address, never a display name), the account is created just in
  time for a known person, and anyone else is refused with a clear page and a line in the
  kommune's login log;
- an assertion is accepted once;
- nobody signs up: accounts come from HR's people;
- the second factor is asked at login for every account that has one, unless the IdP asserted
  one and the kommune trusts it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.tenancy import scopes_disabled

from . import audit
from .models import EventKind, IdentityProvider, MatchBy, Protocol
from .people import account_kommune_ids, employed
from .providers import (
    ASSERTION_ID,
    AUTHN_CONTEXTS,
    NAME_ID,
    NAME_ID_FORMAT,
    NOT_ON_OR_AFTER,
    SESSION_INDEX,
)
from .saml import saml_settings
from .stages import SESSION_IDP_MFA

logger = logging.getLogger(__name__)

# Session keys of an SSO login in progress (and of the session it became).
SESSION_IDP = audit.SESSION_IDP
# What a SAML login's single logout needs: the NameID and session index the IdP gave.
SESSION_SAML = "sso_saml"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        return [
            "accounts.stages.AuthenticateStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login in the last few minutes counts as the reauthentication allauth asks before a
        second factor is added or removed: the first setup right after login needs no second
        password prompt, and an SSO account (which has no password to ask) can set one up."""
        import time

        from allauth.account import app_settings as account_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context

        request = context.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and (
                time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def login(self, request, user) -> None:
        if not hasattr(user, "backend"):
            user.backend = "core.auth.UsernameOrEmailBackend"
        super().login(request, user)


def app_for(idp: IdentityProvider) -> SocialApp:
    """The allauth app of one IdP (not saved: the IdP row is the configuration)."""
    if idp.protocol == Protocol.SAML:
        return SocialApp(
            provider="saml",
            provider_id=idp.provider_id,
            name=idp.name,
            client_id=idp.slug,
            settings=saml_settings(idp),
        )
    return SocialApp(
        provider="openid_connect",
        provider_id=idp.provider_id,
        name=idp.name,
        client_id=idp.oidc_client_id,
        secret=idp.oidc_client_secret,
        settings={
            "server_url": idp.oidc_issuer,
            "oauth_pkce_enabled": True,
            "token_auth_method": "client_secret_post",
            "scope": idp.oidc_scopes.split(),
        },
    )


def provider_login_url(idp: IdentityProvider) -> str:
    from django.urls import reverse

    if idp.protocol == Protocol.SAML:
        return reverse("saml_login", kwargs={"organization_slug": idp.slug})
    return reverse("openid_connect_login", kwargs={"provider_id": idp.provider_id})


def _refuse(request, idp: IdentityProvider, identifier: str, reason: str, message: str):
    audit.record(
        EventKind.SSO_REFUSED,
        request,
        identity_provider=idp,
        identifier=identifier,
        detail=reason,
    )
    logger.info("SSO refused (%s, %s): %s", idp.slug, identifier, reason)
    raise ImmediateHttpResponse(
        render(
            request,
            "accounts/sso_refused.html",
            {"idp": idp, "kommune": idp.kommune, "message": message},
            status=403,
        )
    )


def _unknown_message(idp: IdentityProvider) -> str:
    return _(
        "%(kommune)s kender dig ikke som medarbejder i MED-systemet. Bed HR om at "
        "registrere dig, eller kontakt din IT-afdeling."
    ) % {"kommune": idp.kommune.name}


def _claims(idp: IdentityProvider, extra: dict) -> dict:
    if idp.protocol == Protocol.OIDC:
        # The ID token is signed; the userinfo answer comes over the back channel. Both count.
        return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}
    return extra


def _value(claims: dict, name: str):
    value = claims.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None


def _values(claims: dict, name: str) -> set[str]:
    value = claims.get(name)
    if value in (None, ""):
        return set()
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


def idp_asserted_mfa(idp: IdentityProvider, extra: dict) -> bool:
    if idp.protocol == Protocol.SAML:
        asserted = set(extra.get(AUTHN_CONTEXTS) or [])
    else:
        claims = _claims(idp, extra)
        asserted = _values(claims, "amr") | _values(claims, "acr")
    return bool(asserted & idp.mfa_value_set())


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        idps = IdentityProvider.objects.filter(enabled=True).select_related("kommune")
        if provider == "saml":
            idps = idps.filter(protocol=Protocol.SAML)
        elif provider == "openid_connect":
            idps = idps.filter(protocol=Protocol.OIDC)
        elif provider:
            idps = [idp for idp in idps if idp.provider_id == provider]
        apps = [app_for(idp) for idp in idps]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        idp = (
            IdentityProvider.objects.filter(enabled=True)
            .select_related("kommune")
            .filter(slug=sociallogin.account.provider.partition("-")[2])
            .first()
        )
        if idp is None or idp.provider_id != sociallogin.account.provider:
            raise ImmediateHttpResponse(render(request, "accounts/sso_refused.html", status=403))
        extra = sociallogin.account.extra_data or {}
        uid = sociallogin.account.uid
        if idp.protocol == Protocol.SAML:
            self._accept_once(request, idp, uid, extra)
        claims = _claims(idp, extra)
        value = _value(claims, idp.match_attribute) if idp.match_attribute else uid
        if sociallogin.is_existing:
            # The IdP's stable subject was linked before: it decides who this is. The match
            # fields (employee number, e-mail) are HR's data and may change; they never move a
            # linked subject to another account.
            user = self._linked_user(request, idp, sociallogin, value)
        else:
            user = self._first_link(request, idp, sociallogin, value or uid)
        if not user.is_active:
            _refuse(
                request,
                idp,
                value,
                "kontoen er lukket",
                _("Din konto er lukket. Kontakt HR i %(kommune)s.") % {"kommune": idp.kommune.name},
            )
        if idp.hr_group and idp.hr_group in _values(claims, idp.groups_attribute or "groups"):
            self._grant_hr(idp, user)
        request.session[SESSION_IDP] = idp.pk
        request.session[SESSION_IDP_MFA] = idp.trust_idp_mfa and idp_asserted_mfa(idp, extra)
        if idp.protocol == Protocol.SAML:
            request.session[SESSION_SAML] = {
                "name_id": extra.get(NAME_ID),
                "name_id_format": extra.get(NAME_ID_FORMAT),
                "session_index": extra.get(SESSION_INDEX),
            }

    # --- steps --------------------------------------------------------------------------------

    def _accept_once(self, request, idp, uid, extra) -> None:
        """An assertion is used at most once, even inside its validity window (a replay from a
        captured POST is refused). python3-saml has already checked signature, audience,
        InResponseTo and time."""
        assertion_id = extra.get(ASSERTION_ID)
        if not assertion_id:
            _refuse(request, idp, uid, "assertion uden id", _("Login-svaret kunne ikke bruges."))
        expires = extra.get(NOT_ON_OR_AFTER)
        now = datetime.now(tz=UTC).timestamp()
        timeout = max(60, int(expires - now) + 300) if expires else 24 * 3600
        if not cache.add(f"saml:assertion:{idp.pk}:{assertion_id}", 1, timeout):
            _refuse(
                request,
                idp,
                uid,
                "assertion brugt før",
                _("Login-svaret er allerede brugt. Log ind igen."),
            )

    def _person(self, idp: IdentityProvider, value: str | None):
        from organisations.models import Person

        if not value:
            return None
        with scopes_disabled():
            people = employed(Person.objects.filter(kommune=idp.kommune))
            if idp.match_by == MatchBy.EMAIL:
                people = people.filter(email__iexact=value)
            else:
                people = people.filter(employee_number=value)
            found = list(people.select_related("user")[:2])
        # Two people with the same address or number: no guess.
        return found[0] if len(found) == 1 else None

    def _linked_user(self, request, idp, sociallogin, value):
        from organisations.models import Person

        user = sociallogin.user
        with scopes_disabled():
            still_here = employed(Person.objects.filter(kommune=idp.kommune, user=user)).exists()
        if not still_here:
            _refuse(
                request,
                idp,
                value or sociallogin.account.uid,
                "ikke (længere) ansat i kommunen",
                _unknown_message(idp),
            )
        person = self._person(idp, value)
        if person is not None and person.user_id not in (None, user.pk):
            _refuse(
                request,
                idp,
                value,
                "identiteten er koblet til en anden konto",
                _("Din identitet passer ikke til din konto. Kontakt HR i %(kommune)s.")
                % {"kommune": idp.kommune.name},
            )
        return user

    def _first_link(self, request, idp, sociallogin, value):
        """The first SSO login of a subject: matched to a person of the IdP's kommune by a
        stable attribute, and linked to the person's account (made now if there is none). An
        account that reaches more than this kommune (a superuser, HR or a person elsewhere, a
        kreds officer) is not linked by an attribute HR of this kommune can edit."""
        from unions.models import KredsOfficer

        person = self._person(idp, value)
        if person is None:
            _refuse(
                request, idp, value, f"ukendt {idp.get_match_by_display()}", _unknown_message(idp)
            )
        user = person.user
        if user is None:
            user = self._create_user(person)
        elif SocialAccount.objects.filter(user=user, provider=idp.provider_id).exists():
            # The account already has its subject at this IdP: another subject that now
            # matches the person's (editable) attribute is not that person.
            _refuse(
                request,
                idp,
                value,
                "kontoen er koblet til en anden identitet",
                _("Din identitet passer ikke til din konto. Kontakt HR i %(kommune)s.")
                % {"kommune": idp.kommune.name},
            )
        elif (
            user.is_superuser
            or account_kommune_ids(user) - {idp.kommune_id}
            or KredsOfficer.objects.filter(user=user).exists()
        ):
            _refuse(
                request,
                idp,
                value,
                "kontoen rækker ud over kommunen",
                _(
                    "Din konto bruges også uden for %(kommune)s, så den kobles ikke automatisk "
                    "til kommunens login. Log ind med din adgangskode, eller kontakt HR."
                )
                % {"kommune": idp.kommune.name},
            )
        sociallogin.user = user
        sociallogin.account.user = user
        sociallogin.account.save()
        return user

    def _create_user(self, person):
        User = get_user_model()
        base = (person.email.split("@")[0] if person.email else "") or (
            f"{person.kommune.code}-{person.employee_number or person.pk}"
        )
        base = base.lower()[:140]
        username, n = base, 1
        while User._default_manager.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}{n}"
        user = User(
            username=username,
            email=person.email,
            first_name=person.first_name[:150],
            last_name=person.last_name[:150],
        )
        user.set_unusable_password()
        user.save()
        with scopes_disabled():
            person.user = user
            person.save(update_fields=["user"])
        return user

    def _grant_hr(self, idp, user) -> None:
        """HR of the whole kommune, as a superuser would make it (the admin's HR group, staff
        status and a KommuneStaff row); the second factor is then required as for all HR."""
        from core.roles import hr_group
        from organisations.models import KommuneStaff

        with scopes_disabled():
            KommuneStaff.objects.get_or_create(
                kommune=idp.kommune, user=user, defaults={"all_units": True}
            )
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(hr_group())


def password_refused_for(user) -> IdentityProvider | None:
    """The IdP that makes a password login of `user` refused: an enforcing IdP of a kommune
    the account belongs to. A named break-glass superuser is never refused."""
    if user.is_superuser and user.get_username() in settings.SSO_BREAK_GLASS_USERNAMES:
        return None
    return (
        IdentityProvider.objects.filter(
            enabled=True, enforce_sso=True, kommune_id__in=account_kommune_ids(user)
        )
        .select_related("kommune")
        .order_by("pk")
        .first()
    )
