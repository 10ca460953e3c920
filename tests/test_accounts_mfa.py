"""MFA (issue 12): required, not only offered, for every account that can open the admin and for
kreds officers; asked at every password login of an account that has a second factor. TOTP codes
are computed here from the secret by RFC 6238, independently of allauth's own code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import EventKind, LoginEvent
from core.tenancy import scopes_disabled

from . import factories as f


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: HMAC-SHA1 over the 30-second counter, dynamic truncation, 6 digits."""
    key = base64.b32decode(secret)
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.MFA_REQUIRED = True


def password_login(client: Client, username: str, password: str = "pw"):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def events(kind):
    with scopes_disabled():
        return list(LoginEvent.objects.filter(kind=kind))


def set_up_totp(client: Client, capture) -> str:
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    # allauth announces the new factor on commit (the test's transaction never commits).
    with capture(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302, response.content[:300]
    return secret


def test_hr_without_a_second_factor_is_kept_on_the_setup_pages(hr_a):
    client = Client()
    password_login(client, "hr_a")
    assert client.session[SESSION_KEY] == str(hr_a.pk)
    for page in ("/admin/", "/", "/admin/organisations/person/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_hr_sets_up_totp_and_is_asked_for_it_at_every_login(
    hr_a, django_capture_on_commit_callbacks
):
    client = Client()
    password_login(client, "hr_a")
    secret = set_up_totp(client, django_capture_on_commit_callbacks)
    assert client.get("/admin/").status_code == 200
    added = events(EventKind.MFA_ADDED)  # the TOTP app, and the recovery codes made with it
    assert {e.user for e in added} == {hr_a} and len(added) == 2

    client = Client()
    response = password_login(client, "hr_a")
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session  # not logged in before the second factor
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert [e.user for e in events(EventKind.MFA_FAILED)] == [hr_a]
    # Half a minute later (the setup's code is spent): the code of that moment.
    with time_machine.travel(time.time() + 30):
        response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(hr_a.pk)
        assert client.get("/admin/").status_code == 200


def test_a_session_that_skipped_the_second_factor_is_logged_out(
    hr_a, django_capture_on_commit_callbacks
):
    client = Client()
    password_login(client, "hr_a")
    set_up_totp(client, django_capture_on_commit_callbacks)
    other = Client()
    other.force_login(hr_a)  # a door without the login steps
    response = other.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")
    assert SESSION_KEY not in other.session


def test_recovery_codes_log_in_once_each(hr_a, django_capture_on_commit_callbacks):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    client = Client()
    password_login(client, "hr_a")
    set_up_totp(client, django_capture_on_commit_callbacks)
    with scopes_disabled():
        codes = RecoveryCodes.activate(hr_a).get_unused_codes()
    client = Client()
    password_login(client, "hr_a")
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.session[SESSION_KEY] == str(hr_a.pk)
    client = Client()
    password_login(client, "hr_a")
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert SESSION_KEY not in client.session


def test_kreds_officers_need_a_second_factor_employees_do_not(employee_a):
    from unions.models import Kreds, KredsOfficer, Union

    officer = f.user("kreds_ole")
    union = Union.objects.create(name="Lærerforeningen")
    kreds = Kreds.objects.create(union=union, name="Kreds 1")
    KredsOfficer.objects.create(user=officer, kreds=kreds)
    client = Client()
    password_login(client, "kreds_ole")
    assert client.get("/kreds/")["Location"] == reverse("mfa_index")

    client = Client()
    password_login(client, "medarbejder_a")
    assert client.get("/").status_code == 200


def test_it_is_required_by_default():
    from config import settings as production

    assert production.MFA_REQUIRED is True


def test_guessing_codes_is_stopped_after_a_few_attempts(hr_a, django_capture_on_commit_callbacks):
    """allauth's limit on failed logins (5 per 5 minutes per account) covers the second factor:
    after the fifth wrong code even the right one is refused."""
    client = Client()
    password_login(client, "hr_a")
    secret = set_up_totp(client, django_capture_on_commit_callbacks)
    client = Client()
    password_login(client, "hr_a")
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        client.post(reverse("mfa_authenticate"), {"code": guess})
    with time_machine.travel(time.time() + 30):
        response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert len(events(EventKind.MFA_FAILED)) == 5


def test_an_openid_providers_amr_counts_as_mfa_only_with_a_listed_value(org_a):
    from accounts.adapter import idp_asserted_mfa
    from accounts.models import IdentityProvider, Protocol

    idp = IdentityProvider(kommune=org_a.kommune, protocol=Protocol.OIDC, slug="x")
    assert idp_asserted_mfa(idp, {"id_token": {"amr": ["pwd", "mfa"]}})
    assert idp_asserted_mfa(
        idp, {"id_token": {"acr": "http://schemas.microsoft.com/claims/multipleauthn"}}
    )
    assert not idp_asserted_mfa(idp, {"id_token": {"amr": ["pwd"]}})
    assert not idp_asserted_mfa(idp, {"userinfo": {"amr": "pwd"}})
    idp.mfa_values = "hwk"
    assert not idp_asserted_mfa(idp, {"id_token": {"amr": ["pwd", "mfa"]}})


def test_a_factor_set_up_in_another_session_does_not_complete_this_one(
    hr_a, django_capture_on_commit_callbacks
):
    """Someone with HR's password waits on the setup page; HR sets up TOTP in their own
    browser. The waiting session never passed a factor: it is logged out."""
    intruder = Client()
    password_login(intruder, "hr_a")
    assert intruder.get("/admin/")["Location"] == reverse("mfa_index")
    owner = Client()
    password_login(owner, "hr_a")
    set_up_totp(owner, django_capture_on_commit_callbacks)
    assert owner.get("/admin/").status_code == 200
    response = intruder.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")
    assert SESSION_KEY not in intruder.session


def test_a_role_given_during_the_session_brings_the_requirement(employee_a, org_a):
    import time_machine as tm

    client = Client()
    password_login(client, "medarbejder_a")
    assert client.get("/").status_code == 200
    from unions.models import Kreds, KredsOfficer, Union

    kreds = Kreds.objects.create(union=Union.objects.create(name="DLF"), name="Kreds 2")
    KredsOfficer.objects.create(user=employee_a, kreds=kreds)
    with tm.travel(time.time() + 301):
        assert client.get("/")["Location"] == reverse("mfa_index")
