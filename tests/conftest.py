"""Shared fixtures: two kommuner with a small organisation each, and the personas.

Personas (healthchecks style): HR of kommune A, HR of A limited to one område, HR of kommune B,
and a plain employee of A with a login but no staff rights."""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from organisations.models import Unit

from . import factories as f

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def postgres_available() -> bool:
    return connection.vendor == "postgresql"


def redis_url() -> str | None:
    return settings.REDIS_URL or None


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Danish: a request under /en/ leaves English active in the thread
    (LocaleMiddleware activates, nothing deactivates), which would leak into the next test's
    direct calls."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty (process-local) cache: see config/settings_test.py."""
    from django.core.cache import cache

    cache.clear()
    yield


FAIL_FOR: set[str] = set()


class FailingBackend(LocmemBackend):
    """The SMTP server refuses the addresses in FAIL_FOR (all of them when it is empty)."""

    def send_messages(self, messages):
        for message in messages:
            if not FAIL_FOR or FAIL_FOR & set(message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@pytest.fixture
def failing_smtp(settings):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    FAIL_FOR.clear()
    yield FAIL_FOR
    FAIL_FOR.clear()


@pytest.fixture
def eager_celery():
    """Run `.delay()` in-process (the test settings keep Celery non-eager)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def require_postgres(db):
    if not postgres_available():
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def require_redis():
    if not redis_url():
        pytest.skip("needs Redis (set REDIS_URL)")


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but REDIS_URL is not set")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if REQUIRE_SERVICES and skipped:
        terminalreporter.write_line(
            f"REQUIRE_SERVICES=1: {len(skipped)} test(s) were skipped; CI fails.", red=True
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if REQUIRE_SERVICES and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 1


@dataclass
class Org:
    kommune: object
    omraade: Unit
    other_omraade: Unit
    workplace: Unit
    other_workplace: Unit
    amg: Committee
    other_amg: Committee
    med: Committee
    amr: Membership
    leader_person: object


def build_org(code: str, prefix: str) -> Org:
    k = f.kommune(code)
    with tenant_scope(k):
        omraade = f.unit(k, f"{prefix} Område Nord", Unit.Kind.OMRAADE)
        other_omraade = f.unit(k, f"{prefix} Område Syd", Unit.Kind.OMRAADE)
        workplace = f.unit(k, f"{prefix} Skole Nord", parent=omraade, headcount=40)
        other_workplace = f.unit(k, f"{prefix} Plejecenter Syd", parent=other_omraade, headcount=60)
        f.address(workplace, f"{prefix}vej 1")
        hoved = f.committee(k, f"{prefix} HovedMED", Committee.Kind.HOVEDMED)
        med = f.committee(
            k, f"{prefix} LokalMED Nord", Committee.Kind.LOKALMED, parent=hoved, units=[workplace]
        )
        amg = f.committee(k, f"{prefix} AMG Nord", parent=med, units=[workplace])
        other_amg = f.committee(k, f"{prefix} AMG Syd", parent=hoved, units=[other_workplace])
        leader = f.person(k, "Lene", f"{prefix}Leder", unit=workplace)
        f.membership(leader, amg, Membership.Role.LEDER)
        amr_person = f.person(k, "Arne", f"{prefix}Amr", unit=workplace)
        amr = f.membership(amr_person, amg, Membership.Role.AMR)
        other_leader = f.person(k, "Ole", f"{prefix}Syd", unit=other_workplace)
        f.membership(other_leader, other_amg, Membership.Role.LEDER)
    return Org(
        k, omraade, other_omraade, workplace, other_workplace, amg, other_amg, med, amr, leader
    )


@pytest.fixture
def org_a(db) -> Org:
    return build_org("kommune-a", "Alfa")


@pytest.fixture
def org_b(db) -> Org:
    return build_org("kommune-b", "Beta")


@pytest.fixture
def hr_a(org_a):
    return f.hr_user(org_a.kommune, "hr_a")


@pytest.fixture
def hr_a_limited(org_a):
    return f.hr_user(org_a.kommune, "hr_a_nord", limited_to=[org_a.omraade])


@pytest.fixture
def hr_b(org_b):
    return f.hr_user(org_b.kommune, "hr_b")


@pytest.fixture
def employee_a(org_a):
    u = f.user("medarbejder_a")
    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "Mette", "Medarbejder", unit=org_a.workplace, user=u)
    return u


@pytest.fixture
def mette(org_a):
    """An employee of kommune A known by employee number and e-mail (the SSO tests)."""
    with tenant_scope(org_a.kommune):
        return f.person(
            org_a.kommune,
            "Mette",
            "Madsen",
            unit=org_a.workplace,
            employee_number="A-1001",
            email="mette@kommune-a.dk",
        )


@pytest.fixture
def scope_a(org_a):
    with tenant_scope(org_a.kommune):
        yield org_a
