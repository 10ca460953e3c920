"""The development identity provider: a separate small Django project that plays a kommune's
IdP on loopback, for the demo (`bin/run` starts it) and the browser tests (a fixture server).

It speaks SAML 2.0 (pysaml2's IdP, signing with xmlsec1) and OpenID Connect
(django-oauth-toolkit, RS256 ID tokens, PKCE). Whoever uses it says who they are on its login
page: it is a stand-in for KOMBIT's context handler or Entra ID, never for production."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DEVIDP_DIR", BASE_DIR / "var" / "devidp"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
# Where it is served (its SAML entity id and OIDC issuer are built from it).
DEVIDP_URL = os.environ.get("DEVIDP_URL", "http://127.0.0.1:8201").rstrip("/")

DEBUG = True
SECRET_KEY = "devidp-development-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "devidp",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "devidp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "devidp.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Cookies are per host, not per port: the product on the same loopback address must not see
# (or overwrite) the IdP's session.
SESSION_COOKIE_NAME = "devidp_session"
CSRF_COOKIE_NAME = "devidp_csrftoken"
LOGIN_URL = "/login/"
USE_TZ = True


def _oidc_key() -> str:
    path = DATA_DIR / "oidc-key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return path.read_text()


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_key(),
    "OIDC_ISS_ENDPOINT": f"{DEVIDP_URL}/oidc",
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "email": "e-mail", "profile": "profil"},
    "OAUTH2_VALIDATOR_CLASS": "devidp.oidc.ClaimsValidator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    # Logout started by the product (OpenID Connect RP-Initiated Logout).
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
}
# The product reaches it over http on loopback.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
