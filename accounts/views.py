"""The one login page: the kommuner's "Log ind med …" buttons, an e-mail address that leads to
its kommune's IdP, and the password form for those whose kommune allows it. A password login
goes on through allauth's login steps, so the second factor is asked exactly as after SSO."""

from __future__ import annotations

from urllib.parse import urlparse

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _

from . import audit
from .adapter import (
    SESSION_IDP,
    SESSION_IDP_MFA,
    SESSION_SAML,
    app_for,
    password_refused_for,
    provider_login_url,
)
from .forms import LoginForm
from .models import EventKind, IdentityProvider, Protocol


def idp_for_email(identifier: str) -> IdentityProvider | None:
    if "@" not in identifier:
        return None
    domain = identifier.rsplit("@", 1)[1].strip().lower()
    if not domain:
        return None
    for idp in IdentityProvider.objects.filter(enabled=True).exclude(email_domains=""):
        if domain in idp.domains():
            return idp
    return None


def idp_origins() -> list[str]:
    """The origins a login form may end up at: the SSO buttons post to our own address, which
    redirects to the IdP, and the Content-Security-Policy's form-action covers redirects too."""
    origins = set()
    for idp in IdentityProvider.objects.filter(enabled=True):
        for url in (idp.saml_sso_url, idp.saml_metadata_url, idp.oidc_issuer):
            parts = urlparse(url) if url else None
            if parts and parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    template_name = "registration/login.html"

    form_class = LoginForm

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        origins = idp_origins()
        if origins:
            response._csp_update = {"form-action": origins}
        return response

    def post(self, request, *args, **kwargs):
        identifier = (request.POST.get("username") or "").strip()
        if identifier and not request.POST.get("password"):
            # "Type your work e-mail address": the address's domain leads to its kommune's IdP.
            # Only the domain is looked at, so this tells nothing about who has an account.
            idp = idp_for_email(identifier)
            if idp is not None:
                provider = app_for(idp).get_provider(request)
                return provider.redirect_from_request(request)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = [
            (idp, provider_login_url(idp))
            for idp in IdentityProvider.objects.filter(enabled=True).select_related("kommune")
        ]
        return context

    def form_valid(self, form):
        user = form.get_user()
        request = self.request
        idp = password_refused_for(user)
        if idp is not None:
            audit.record(EventKind.PASSWORD_REFUSED, request, user=user, identity_provider=idp)
            messages.error(
                request,
                _("%(kommune)s logger ind med single sign-on. Brug knappen “Log ind med %(idp)s”.")
                % {"kommune": idp.kommune.name, "idp": idp.name},
            )
            return redirect(request.get_full_path())
        for key in (SESSION_IDP, SESSION_IDP_MFA):
            request.session.pop(key, None)
        # allauth's login steps: the second factor for an account that has one, then login().
        # Recorded as a password authentication, so allauth's "recently authenticated" (asked
        # before a second factor is added or removed) knows it.
        return perform_password_login(
            request,
            {"username": user.get_username()},
            Login(user=user, redirect_url=self.get_success_url()),
        )


class LogoutView(auth_views.LogoutView):
    """Logs out here, then at the IdP where the protocol allows: a session that came through a
    SAML IdP with a logout address is sent there with a signed LogoutRequest (its answer comes
    back to allauth's SLS address); one that came through an OpenID provider with an
    end_session_endpoint is sent there (RP-Initiated Logout)."""

    def post(self, request, *args, **kwargs):
        idp_id = request.session.get(SESSION_IDP)
        saml = request.session.get(SESSION_SAML)
        response = super().post(request, *args, **kwargs)
        idp = IdentityProvider.objects.filter(pk=idp_id, enabled=True).first() if idp_id else None
        if idp is None:
            return response
        if idp.protocol == Protocol.SAML:
            url = saml_logout_url(request, idp, saml) if saml else None
        else:
            url = oidc_logout_url(request, idp)
        if not url:
            return response
        # A page, not a redirect: the logout form's redirect to another origin would be blocked
        # by the Content-Security-Policy's form-action; a page's onward link is not.
        return render(request, "accounts/logged_out.html", {"idp": idp, "slo_url": url})


def oidc_logout_url(request, idp: IdentityProvider) -> str | None:
    """OpenID Connect RP-Initiated Logout: the provider's end_session_endpoint (from its
    discovery document), which asks the user and then returns to our login page."""
    import requests
    from django.core.cache import cache
    from django.utils.http import urlencode

    key = f"oidc:end_session:{idp.pk}:{idp.oidc_issuer}"
    endpoint = cache.get(key)
    if endpoint is None:
        try:
            discovery = requests.get(
                idp.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=5
            )
            endpoint = discovery.json().get("end_session_endpoint") or ""
        except (requests.RequestException, ValueError):
            return None
        cache.set(key, endpoint, 3600)
    if not endpoint:
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode({"client_id": idp.oidc_client_id, "post_logout_redirect_uri": back})
    return f"{endpoint}?{query}"


def saml_logout_url(request, idp: IdentityProvider, saml: dict) -> str | None:
    from allauth.socialaccount.providers.saml.utils import build_auth
    from onelogin.saml2.errors import OneLogin_Saml2_Error

    provider = app_for(idp).get_provider(request)
    try:
        auth = build_auth(request, provider)
        return auth.logout(
            return_to=request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
            name_id=saml.get("name_id"),
            name_id_format=saml.get("name_id_format"),
            session_index=saml.get("session_index"),
        )
    except OneLogin_Saml2_Error:
        # The IdP has no logout address (metadata without SingleLogoutService).
        return None
