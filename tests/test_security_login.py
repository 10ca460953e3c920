"""Login lockout across spellings of one account, password-reset throttle, idle session timeout."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import auth as core_auth
from core.auth import axes_username, resolve_login_identifier

from . import factories as f

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def anne(db):
    user = f.user("anne")
    user.email = "Anne@Example.dk"
    user.save(update_fields=["email"])
    return user


def login(client, username, password="pw", url_name="portal:login"):
    return client.post(reverse(url_name), {"username": username, "password": password})


# --- Lockout ---------------------------------------------------------------------------------


def test_it_resolves_every_spelling_to_the_accounts_username(anne):
    for spelling in ("anne", " ANNE ", "Anne@Example.dk", "anne@example.dk", " ANNE@EXAMPLE.DK"):
        assert resolve_login_identifier(spelling) == "anne", spelling
        assert axes_username(None, {"username": spelling}) == "anne", spelling


def test_it_counts_unknown_identifiers_case_insensitively(db):
    assert axes_username(None, {"username": " Nobody@X.dk "}) == "nobody@x.dk"
    assert axes_username(None, {"username": "NOBODY@x.DK"}) == "nobody@x.dk"


def test_it_keeps_an_ambiguous_email_as_typed(anne):
    other = f.user("anne2")
    other.email = "anne@example.dk"
    other.save(update_fields=["email"])
    assert resolve_login_identifier("ANNE@example.dk") == "ANNE@example.dk"
    # Both accounts' failures with that address still share one counter.
    assert axes_username(None, {"username": "ANNE@example.dk"}) == "anne@example.dk"


def test_it_locks_out_across_case_variants_of_the_email(anne, settings):
    """Before: each spelling had its own counter, and the seventh variant logged in."""
    client = Client()
    variants = [
        "Anne@Example.dk",
        "anne@example.dk",
        "ANNE@EXAMPLE.DK",
        "aNNe@example.dk",
        "anne",
        " Anne ",
        "ANNE@example.DK",
    ]
    for variant in variants[: settings.AXES_FAILURE_LIMIT - 1]:
        assert login(client, variant, "wrong").status_code == 200, variant
    assert login(client, variants[settings.AXES_FAILURE_LIMIT - 1], "wrong").status_code == 429
    for variant in variants:
        response = login(client, variant, "pw")
        assert response.status_code == 429, variant
        assert SESSION_KEY not in client.session


def test_it_logs_in_with_any_spelling(anne):
    for spelling in ("ANNE", "anne@EXAMPLE.dk", " anne "):
        client = Client()
        assert login(client, spelling).status_code == 302, spelling
        assert client.session[SESSION_KEY] == str(anne.pk)


def test_it_resets_the_counter_on_success_for_every_spelling(anne, settings):
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "ANNE@example.dk", "wrong")
    assert AccessAttempt.objects.get().username == "anne"
    assert login(client, "anne", "pw").status_code == 302
    assert not AccessAttempt.objects.exists()


def test_the_admin_has_no_login_form_of_its_own(db):
    """One login page: the admin's would skip the SSO rules and the second factor."""
    client = Client()
    response = client.get(reverse("admin:login") + "?next=/admin/organisations/person/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/organisations/person/"
    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_locks_hr_out_across_spellings_too(db, settings):
    hr = f.user("hr_anne", staff=True)
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        spelling = ["HR_ANNE", "hr_anne@EXAMPLE.dk", "Hr_Anne"][n % 3]
        assert login(client, spelling, "wrong").status_code == 200
    assert login(client, "hr_anne@example.dk", "wrong").status_code == 429
    assert login(client, "hr_anne", "pw").status_code == 429
    assert hr.pk  # the account exists: the lockout is not "unknown user"


# --- Password reset throttle -----------------------------------------------------------------


def reset(client, email, ip="10.0.0.1"):
    return client.post(reverse("portal:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_it_throttles_password_reset_mails_per_address(anne, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    done = reverse("portal:password_reset_done")
    for n in range(20):
        # Different clients and spellings of the address: still one address.
        email = "anne@example.dk" if n % 2 else "ANNE@Example.dk "
        response = reset(Client(), email, ip=f"10.0.1.{n}")
        assert response.status_code == 302 and response["Location"] == done
    assert len(mailoutbox) == 3
    assert all(mail.to == ["Anne@Example.dk"] for mail in mailoutbox)


def test_it_throttles_password_reset_requests_per_ip(db, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 5
    for n in range(8):
        f.user(f"person{n}")
    client = Client()
    for n in range(8):
        response = reset(client, f"person{n}@example.dk", ip="10.0.2.1")
        assert response.status_code == 302
    assert len(mailoutbox) == 5
    # Another client is not affected.
    reset(Client(), "person7@example.dk", ip="10.0.2.2")
    assert len(mailoutbox) == 6


def test_it_answers_the_same_for_known_unknown_and_throttled_addresses(anne, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    known_first = reset(Client(), "anne@example.dk")
    known_throttled = reset(Client(), "anne@example.dk")
    unknown = reset(Client(), "nobody@example.dk")
    unknown_throttled = reset(Client(), "nobody@example.dk")
    for response in (known_first, known_throttled, unknown, unknown_throttled):
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:password_reset_done")


def test_it_resets_the_throttle_after_the_window(anne, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_LIMIT_WINDOW = 3600
    # LocMemCache expires by time.time(), which time-machine moves.
    with time_machine.travel(START, tick=False) as traveller:
        reset(Client(), "anne@example.dk")
        reset(Client(), "anne@example.dk")
        assert len(mailoutbox) == 1
        traveller.shift(datetime.timedelta(seconds=3601))
        reset(Client(), "anne@example.dk")
    assert len(mailoutbox) == 2


def test_it_sends_when_the_cache_is_down(anne, monkeypatch, mailoutbox, caplog, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1

    def broken(*args, **kwargs):
        raise ConnectionError("Redis unreachable")

    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(core_auth, "_cache_failure_logged", False)
    for _ in range(3):
        assert reset(Client(), "anne@example.dk").status_code == 302
    assert len(mailoutbox) == 3
    logged = [r for r in caplog.records if "throttle" in r.getMessage()]
    assert len(logged) == 1  # logged once, not once per request


def test_it_leaves_an_empty_reset_form_to_the_form(db, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 0
    response = reset(Client(), "")
    assert response.status_code == 200  # the form's error, not a throttled redirect
    assert response.context["form"].errors
    assert mailoutbox == []


# --- Idle timeout ----------------------------------------------------------------------------


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_logs_out_an_idle_portal_session(employee_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 8 * 3600
    with time_machine.travel(START, tick=False) as traveller:
        client = logged_in_client(employee_a)
        assert client.get(reverse("portal:home")).status_code == 200
        traveller.shift(datetime.timedelta(hours=8, seconds=1))
        response = client.get(reverse("portal:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))
        assert SESSION_KEY not in client.session
        login_page = client.get(response["Location"])
        assert "logget ud, fordi du ikke har været aktiv" in login_page.content.decode()


def test_it_keeps_an_active_session(employee_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 8 * 3600
    with time_machine.travel(START, tick=False) as traveller:
        client = logged_in_client(employee_a)
        for _ in range(6):  # 6 x 7 hours: much longer than the timeout, never idle that long
            assert client.get(reverse("portal:home")).status_code == 200
            traveller.shift(datetime.timedelta(hours=7))
        assert client.get(reverse("portal:home")).status_code == 200
        assert client.session[SESSION_KEY] == str(employee_a.pk)


def test_it_logs_out_of_the_admin_after_thirty_minutes(hr_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = logged_in_client(hr_a)
        assert client.get(reverse("admin:index")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("admin:index")).status_code == 200  # active: still in
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert SESSION_KEY not in client.session


def test_it_keeps_the_portal_session_after_thirty_idle_minutes(employee_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = logged_in_client(employee_a)
        assert client.get(reverse("portal:home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        assert client.get(reverse("portal:home")).status_code == 200


def test_it_applies_the_admin_timeout_in_every_language(hr_a):
    with time_machine.travel(START, tick=False) as traveller:
        client = logged_in_client(hr_a)
        assert client.get("/en/admin/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        assert client.get("/en/admin/").status_code == 302
        assert SESSION_KEY not in client.session


def test_it_defaults_to_eight_hours_and_thirty_minutes():
    from config import settings as base

    assert base.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert base.SESSION_ADMIN_IDLE_TIMEOUT == 30 * 60
    assert base.SESSION_COOKIE_AGE == base.SESSION_IDLE_TIMEOUT + 3600  # was 14 days
