"""A down cache (Redis) is an outage of an optimisation, not of the product: the pages that read
the kommune cache and the writes that clear it still answer, computed uncached, and the failure
is logged once rather than on every request (issue 16 §1)."""

from __future__ import annotations

import logging
import time
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

import core.cache
from committees.models import Committee, Membership
from core.cache import KommuneCache, cache_call
from core.tenancy import tenant_scope
from incidents.models import Incident, Kind
from meetings.models import Meeting

from . import factories as f
from .samples_meetings import at, build_med

# Nothing listens on port 1: connections are refused at once. The timeouts are what production
# should set too (see core/cache.py), so a Redis that does not answer at all costs little.
DOWN_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture(autouse=True)
def _fresh_outage_state():
    """The outage state is per process: don't let one test's outage leak into the next."""
    core.cache._outage.reset()
    yield
    core.cache._outage.reset()


@pytest.fixture
def redis_down(caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")
    with override_settings(CACHES=DOWN_REDIS):
        yield caplog


def cache_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno == logging.WARNING]


def hovedmed_formand(org):
    """The formand of kommune A's HovedMED: their home shows the kommune's compliance panel,
    which reads the kommune cache."""
    user = f.user("formand_hovedmed")
    with tenant_scope(org.kommune):
        hovedmed = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        person = f.person(org.kommune, "Fie", "Formand", unit=org.workplace, user=user)
        f.membership(person, hovedmed, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
    return user


def test_it_serves_pages_and_saves_writes_with_the_cache_down_and_logs_once(
    client, org_a, hr_a, employee_a, redis_down
):
    started = time.monotonic()
    formand = hovedmed_formand(org_a)
    client.force_login(formand)
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert 'id="panel-compliance"' in home.content.decode()
    assert client.get(reverse("portal:compliance")).status_code == 200

    client.force_login(hr_a)
    assert client.get(reverse("admin:compliance_overview")).status_code == 200

    client.force_login(employee_a)
    with time_of_report():
        response = client.post(
            reverse("incidents:report"),
            {
                "kind": Kind.ARBEJDSULYKKE,
                "nature": "physical",
                "occurred_on": "2026-03-09",
                "place": "Værkstedet",
                "description": "Klemte en finger",
                "who": "self",
                "unit": org_a.workplace.pk,
            },
        )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        assert Incident.objects.count() == 1

    with at(date(2026, 1, 5)):
        world = build_med(org_a)
        client.force_login(world.users["sekretaer"])
        response = client.post(
            reverse("meetings:meeting_create", args=[world.committee.public_id]),
            {"date": "2026-04-20", "start_time": "09:00", "end_time": "11:00", "kind": "ordinary"},
        )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        assert Meeting.objects.filter(date=date(2026, 4, 20)).exists()

    # Once, for the whole run of pages and writes, not once per request or per cache call.
    warnings = cache_warnings(redis_down)
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    # A down Redis costs milliseconds: after the first refusal the cache is not tried again.
    assert time.monotonic() - started < 20


def time_of_report():
    from time_machine import travel

    return travel("2026-03-10 12:00 +01:00", tick=False)


def test_it_retries_the_cache_after_a_pause_and_logs_again_only_after_the_interval(
    org_a, redis_down
):
    attempts = []

    def compute():
        attempts.append(1)
        return {"n": len(attempts)}

    kc = KommuneCache(org_a.kommune.pk)
    assert kc.get_or_set(("x",), compute) == {"n": 1}
    assert kc.get_or_set(("x",), compute) == {"n": 2}  # computed again: nothing is stored
    assert core.cache.cache_available() is False
    assert len(cache_warnings(redis_down)) == 1

    # The pause is over: the cache is tried (and fails) again, but the log stays quiet.
    core.cache._outage.down_until = 0.0
    assert cache_call(lambda: core.cache.cache.get("k"), "default") == "default"
    assert core.cache.cache_available() is False
    assert len(cache_warnings(redis_down)) == 1

    # The log interval is over too: one more warning.
    core.cache._outage.down_until = 0.0
    core.cache._outage.logged_at -= core.cache.OUTAGE_LOG_INTERVAL
    cache_call(lambda: core.cache.cache.get("k"), None)
    assert len(cache_warnings(redis_down)) == 2


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_it_drops_values_cached_before_a_change_it_could_not_clear(org_a, monkeypatch):
    """A change made while the cache is down could not replace the kommune's token; when the
    cache is back the values cached before the change must not be served."""
    kc = KommuneCache(org_a.kommune.pk)
    assert kc.get_or_set(("x",), lambda: "before") == "before"
    assert kc.get_or_set(("x",), lambda: "unused") == "before"  # cached

    working = core.cache.cache
    monkeypatch.setattr(core.cache, "cache", BrokenCache())
    kc.clear()  # the data changed while the cache was down
    assert kc.get_or_set(("x",), lambda: "during") == "during"

    monkeypatch.setattr(core.cache, "cache", working)
    core.cache._outage.down_until = 0.0  # the pause is over
    assert kc.get_or_set(("x",), lambda: "after") == "after"
    assert core.cache._outage.pending_clears == set()
    assert kc.get_or_set(("x",), lambda: "unused") == "after"  # cached again
