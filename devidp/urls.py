from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from . import views

urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path("saml/metadata/", views.saml_metadata, name="saml_metadata"),
    path("saml/sso/", views.saml_sso, name="saml_sso"),
    path("saml/slo/", views.saml_slo, name="saml_slo"),
    path(
        "oidc/",
        include(
            (oauth2_urls.base_urlpatterns + oauth2_urls.oidc_urlpatterns, "oauth2_provider"),
            namespace="oauth2_provider",
        ),
    ),
]
