"""Test settings: the base settings with DEBUG on and fast password hashing.

PostgreSQL and Redis come from DATABASE_URL and REDIS_URL like in production (CI sets both);
without them the suite runs on SQLite and the tests marked `services` are skipped — CI fails then."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .settings import *  # noqa: E402,F403

# The scale generator is tested too (tests/test_scale.py).
if "scale" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append("scale")  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
LANGUAGE_CODE = "da"
# Each test starts with an empty cache (tests/conftest.py clears it): a process-local one, so
# clearing it never touches the Redis that the Celery tests use as their broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A second factor is required of HR and kreds officers in production (accounts.middleware). The
# suite's many HR tests log in with force_login, which skips the login steps; the MFA tests
# (tests/test_accounts_mfa.py) switch the requirement on and walk the real login.
MFA_REQUIRED = False
# The test client's host is "testserver", and pytest-django runs the tests with DEBUG off.
SAML_ALLOW_SINGLE_LABEL_DOMAINS = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
