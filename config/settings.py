"""Settings. Everything comes from the environment; every setting has a default that works for the
embedded run (SQLite, a file-system Celery broker, e-mails written to var/mail/)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789-abcdefghijklmnop"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Where users report accessibility problems (the accessibility statement names it).
ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "tilgaengelighed@localhost")
# The benchmark's "floor" view (one query through the full middleware stack); off by default.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "core",
    "organisations",
    "committees",
    "deadlines",
    "reminders",
    "training",
    "meetings",
    "apv",
    "incidents",
    "unions",
    "elections",
    "reorganisation",
    "budget",
    "portal",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # Login: allauth's accounts, SSO (SAML 2.0 and OpenID Connect per kommune) and MFA (TOTP,
    # WebAuthn, recovery codes), fitted to the kommuner in accounts/.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.saml",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "accounts",
]
# The scale generator and the benchmark (scale/: `manage.py generate_scale`, `benchmark`) add
# synthetic kommuner to the database they run on: not in a production install unless asked for.
SCALE_TOOLS = env_bool("SCALE_TOOLS", False)
if SCALE_TOOLS:
    INSTALLED_APPS.append("scale")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below) and request.csp_nonce.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: logs out a session idle too long (SESSION_IDLE_TIMEOUT).
    "core.sessions.IdleTimeoutMiddleware",
    # allauth's login flow state; then MFA required for HR, superusers and kreds officers.
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: decides the request's kommune and activates its tenant scope.
    "core.tenancy.TenantMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After CSRF: at most a few password-reset e-mails per address and per IP (PASSWORD_RESET_*).
    "core.auth.PasswordResetThrottleMiddleware",
    # Last, as django-axes requires: locks an account out after repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files from the app server in production (runserver serves them in development).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.tenancy.kommune_context",
                "unions.context_processors.kreds",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request or task reuses it: one the database
        # dropped (a restart, a failover) is replaced instead of failing the request.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.auth.UsernameOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user is not used: every object permission belongs to a logged-in person.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
# What a page that needs a kommune shows a logged-in user without one (core.tenancy.kommune_required).
NO_KOMMUNE_VIEW = "portal.views.no_kommune"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# --- Login: SSO and MFA (accounts/, django-allauth) ------------------------------------------------
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "saml": {"provider_class": "accounts.providers.KommuneSAMLProvider"},
}
# Accounts come from HR's people: nobody signs up, and an SSO login is never matched by an
# e-mail address across kommuner (accounts.adapter matches within the IdP's kommune).
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "MED-systemet")
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs a secure context: https, or http on localhost in development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# SAML addresses on a host without a dot ("localhost", the test client's "testserver").
SAML_ALLOW_SINGLE_LABEL_DOMAINS = env_bool("SAML_ALLOW_SINGLE_LABEL_DOMAINS", DEBUG)
# A second factor is required of HR, superusers and kreds officers (accounts.middleware).
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
# The development IdP (devidp/, bin/devidp) the demo logs in through, and where the demo writes
# the people it offers.
DEVIDP_URL = os.environ.get("DEVIDP_URL", "http://127.0.0.1:8201")
DEVIDP_DIR = os.environ.get("DEVIDP_DIR", str(VAR_DIR / "devidp"))
# Superusers who may still log in with a password when their kommune enforces SSO.
SSO_BREAK_GLASS_USERNAMES = env_list("SSO_BREAK_GLASS_USERNAMES", "")

# django-axes: lock out after repeated failed logins (per username + IP), for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The login logs (who tried to log in, from which IP address) are deleted after this many days
# by the nightly retention job (core.privacy).
ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("ACCESS_LOG_RETENTION_DAYS", "180"))
# Every spelling of an account's username or e-mail ("Anne@X.dk", " anne@x.dk", "ANNE") counts
# against that one account; without it each case variant had its own AXES_FAILURE_LIMIT.
AXES_USERNAME_CALLABLE = "core.auth.axes_username"

# Password reset (core/auth.py): at most this many e-mails per address, and requests per client
# IP, in a window of this many seconds. Throttled requests get the same "check your e-mail" page.
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "3"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "20"))
PASSWORD_RESET_LIMIT_WINDOW = int(os.environ.get("PASSWORD_RESET_LIMIT_WINDOW", "3600"))

# Sessions (core/sessions.py): logged out after this many seconds without a request; on the HR
# admin's pages after a shorter idle time. The session (cookie and row) is renewed while it is
# used (the middleware saves it at least once a minute) and lives an hour past the idle timeout:
# long enough that the middleware, not the expiry, ends an idle session and can tell the person
# why; short enough that an idle session is gone within hours, not the former 14 days.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(8 * 3600)))
SESSION_ADMIN_IDLE_TIMEOUT = int(os.environ.get("SESSION_ADMIN_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 3600

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- E-mail: SMTP when EMAIL_HOST is set, otherwise files a person can read in var/mail/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    # A mail server that stops answering must not hold a worker for ever: the send fails, is
    # recorded and retried (core.outbox).
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MED-systemet <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis when REDIS_URL is set, otherwise a file-system broker that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's exchange tables: under var/, not a "control/" in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# --- Cache: shared by the web and the Celery processes (core/cache.py keeps values derived from a
# kommune's data there until the data changes). Redis when REDIS_URL is set, else a directory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "medorg"),
            # A down Redis must cost milliseconds, not redis-py's default (core/cache.py then
            # skips the cache for 30 s and the page is computed uncached).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_TASK_IGNORE_RESULT = True
# A broker that is down costs a request a second at most: the work waits in its rows for the
# periodic sweeps (core.outbox, core.imports), it is never lost.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Reminders (reminders/): days around a deadline's due date when its people are reminded, and
# when an overdue duty is escalated to the responsible leader and then to the level above
# (seed 003: "inddragelse af det overliggende ledelsesniveau").


def env_days(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(day) for day in env_list(name, default))


REMINDER_DAYS_BEFORE = env_days("REMINDER_DAYS_BEFORE", "30,7")
REMINDER_DAYS_AFTER = env_days("REMINDER_DAYS_AFTER", "7,14,30")
REMINDER_ESCALATE_LEADER_AFTER_DAYS = int(
    os.environ.get("REMINDER_ESCALATE_LEADER_AFTER_DAYS", "14")
)
REMINDER_ESCALATE_UP_AFTER_DAYS = int(os.environ.get("REMINDER_ESCALATE_UP_AFTER_DAYS", "30"))
# Digests are grouped and sent from this local hour on: after the nightly deadline re-evaluation,
# and not in the middle of the night.
REMINDER_SEND_HOUR = int(os.environ.get("REMINDER_SEND_HOUR", "7"))

# --- The outbox (core/outbox.py): every e-mail the system sends. A failed send is retried after
# 15, 30, 60, 120 minutes; then the message is given up (and shown so).
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
OUTBOX_RETRY_MINUTES = int(os.environ.get("OUTBOX_RETRY_MINUTES", "15"))
# A message left "sending" this long (the worker died mid-send) is put back for a retry.
OUTBOX_CLAIM_TIMEOUT_MINUTES = float(os.environ.get("OUTBOX_CLAIM_TIMEOUT_MINUTES", "30"))
# The most rows one sweep queues per outbox (the rest wait for the next sweep).
OUTBOX_SWEEP_LIMIT = int(os.environ.get("OUTBOX_SWEEP_LIMIT", "20000"))

# --- Production hardening: on whenever DEBUG is off (`manage.py check --deploy` stays clean).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4). Scripts only from our own static files, or inline with
# the request's nonce (`<script nonce="{{ request.csp_nonce }}">`); no inline event handlers
# (tests/test_security_headers.py greps the templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [
            SELF,
            NONCE,
            # django-import-export's export form (admin/import_export/export.html) has one inline
            # handler, onchange="onSelectToggleChange(event)"; its hash allows exactly that
            # attribute and no other inline script.
            UNSAFE_HASHES,
            "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
        ],
        # 'unsafe-inline' for styles only: style="" attributes are used in many templates (the
        # e-mails, admin pages, charts) and by the Django admin and import-export templates
        # themselves. Styles cannot run code; scripts stay strict.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# A cell starting with = + - @ is exported as text, never run as a formula (CSV injection).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- APV and incidents (apv/, incidents/) -------------------------------------------------------
# An anonymous APV survey shows its results only once this many have answered: fewer answers could
# point to a person.
APV_SURVEY_MIN_RESPONSES = int(os.environ.get("APV_SURVEY_MIN_RESPONSES", "5"))
# How long a survey link stays usable when the survey has no closing date of its own.
APV_SURVEY_DEFAULT_DAYS = int(os.environ.get("APV_SURVEY_DEFAULT_DAYS", "21"))
# BEK om anmeldelse af arbejdsulykker § 1 (since 2022): an accident with absence of at least one
# day beyond the injury day is reported to Arbejdstilsynet (EASY) no later than 14 days after the
# first day of absence. Settings, because the law may change.
INCIDENT_EASY_MIN_ABSENCE_DAYS = int(os.environ.get("INCIDENT_EASY_MIN_ABSENCE_DAYS", "1"))
INCIDENT_EASY_REPORT_DAYS = int(os.environ.get("INCIDENT_EASY_REPORT_DAYS", "14"))


# --- the integration API (api/: /api/v1/, README "API") -------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("API_RATE", "600/min")},
    "DEFAULT_PAGINATION_CLASS": "api.drf.Cursor",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MED & arbejdsmiljø API",
    "DESCRIPTION": (
        "Integrations of one kommune: HR-system sync, ESDH journalising, reading deadlines. "
        "Authenticate with `Authorization: Bearer <token>` of an API client HR created."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "organisations.models.Unit.Kind",
        "CommitteeKindEnum": "committees.models.Committee.Kind",
        "MembershipRoleEnum": "committees.models.Membership.Role",
    },
}
# The HR sync's largest request body (45,000 people are about 9 MB of JSON).
API_SYNC_MAX_BYTES = int(os.environ.get("API_SYNC_MAX_BYTES", str(64_000_000)))
# Webhooks: seconds to wait for the receiver; plain http only in development (and the tests).
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
