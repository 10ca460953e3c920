"""allauth's SSO and MFA pages, without its own password, sign-up and e-mail pages: there is
one login page (portal:login) and accounts come from HR's people."""

from allauth import urls as allauth_urls
from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from .views import LoginView

_login = reverse_lazy("portal:login")

urlpatterns = [
    # allauth's views reverse these names: they lead to the product's own pages.
    path("login/", LoginView.as_view(), name="account_login"),
    path("logout/", RedirectView.as_view(url=reverse_lazy("portal:logout")), name="account_logout"),
    path("signup/", RedirectView.as_view(url=_login), name="account_signup"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    # Of allauth's social pages only the two that end a failed SSO login: no one links or
    # unlinks identities by hand (accounts.adapter does, within the IdP's kommune).
    path(
        "3rdparty/login/cancelled/",
        social_views.login_cancelled,
        name="socialaccount_login_cancelled",
    ),
    path("3rdparty/login/error/", social_views.login_error, name="socialaccount_login_error"),
    *allauth_urls.build_provider_urlpatterns(),
]
