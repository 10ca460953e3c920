"""Single sign-on per kommune (issue 12), SAML 2.0 against a real IdP (tests/saml_idp.py:
pysaml2's IdP with its own key pair, signatures by xmlsec1). Our SP side is allauth with
python3-saml: the AuthnRequest the IdP reads and the Response our SP checks are real XML with real
signatures; nothing is mocked.

A login is matched to a person of the IdP's own kommune by a stable attribute (here the NameID,
which carries the employee number), and everything else is refused with a page and a line in the
kommune's login log."""

from __future__ import annotations

import base64
import datetime
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import EventKind, IdentityProvider, LoginEvent, MatchBy, Protocol
from core.keys import make_keypair
from core.tenancy import scopes_disabled, tenant_scope
from devidp.saml import NSIS_SUBSTANTIAL, TestIdP, logout_answer, tamper

from . import factories as f

SP = "http://testserver"


def browser() -> Client:
    # A browser sends its Host header (python3-saml reads it); Django's test client does not.
    return Client(HTTP_HOST="testserver")


def make_idp(kommune, slug: str, test_idp: TestIdP, **kwargs) -> IdentityProvider:
    key, cert = make_keypair(f"MED-systemet {slug}")
    return IdentityProvider.objects.create(
        kommune=kommune,
        name=kommune.name.split()[0],
        slug=slug,
        protocol=Protocol.SAML,
        match_by=MatchBy.EMPLOYEE_NUMBER,
        saml_metadata_xml=test_idp.metadata_xml(),
        saml_entity_id=test_idp.entity_id,
        saml_sso_url=test_idp.sso_url,
        saml_slo_url=test_idp.slo_url,
        saml_x509cert=test_idp.cert_pem,
        sp_private_key=key,
        sp_certificate=cert,
        **kwargs,
    )


@pytest.fixture
def idp_a(org_a):
    test_idp = TestIdP("https://idp.kommune-a.test", "a")
    idp = make_idp(org_a.kommune, "kommune-a", test_idp)
    test_idp.trust_sp(browser().get(f"/konto/saml/{idp.slug}/metadata/").content.decode())
    return idp, test_idp


@pytest.fixture
def idp_b(org_b):
    test_idp = TestIdP("https://idp.kommune-b.test", "b")
    idp = make_idp(org_b.kommune, "kommune-b", test_idp)
    test_idp.trust_sp(browser().get(f"/konto/saml/{idp.slug}/metadata/").content.decode())
    return idp, test_idp


def start(client: Client, idp: IdentityProvider, next_url: str = "") -> str:
    """The login button: our SP's redirect to the IdP, carrying the signed AuthnRequest."""
    data = {"next": next_url} if next_url else {}
    response = client.post(reverse("saml_login", kwargs={"organization_slug": idp.slug}), data)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith(idp.saml_sso_url)
    return response["Location"]


def finish(client: Client, answer) -> object:
    """The browser's auto-submitted form to our ACS, then the redirect to the finish step."""
    response = client.post(answer.acs_url.removeprefix(SP), answer.form())
    assert response.status_code == 302
    return client.get(response["Location"])


def logged_in_as(client: Client):
    return client.session.get(SESSION_KEY)


def refusals():
    with scopes_disabled():
        return list(LoginEvent.objects.filter(kind=EventKind.SSO_REFUSED))


# --- The way in ------------------------------------------------------------------------------


def test_our_sp_metadata_names_our_acs_and_certificate(idp_a):
    idp, _test_idp = idp_a
    metadata = browser().get(f"/konto/saml/{idp.slug}/metadata/").content.decode()
    assert f"{SP}/konto/saml/{idp.slug}/acs/" in metadata
    certificate_body = "".join(idp.sp_certificate.strip().splitlines()[1:-1])
    assert certificate_body[:60] in metadata.replace("\n", "")
    assert 'AuthnRequestsSigned="true"' in metadata


def test_a_known_employee_logs_in_and_gets_an_account_just_in_time(idp_a, mette):
    idp, test_idp = idp_a
    client = browser()
    redirect = start(client, idp, next_url="/overblik/")
    assert "Signature=" in redirect  # the AuthnRequest is signed with our SP key
    response = finish(client, test_idp.respond(redirect, "A-1001"))
    assert response.status_code == 302
    assert response["Location"] == "/overblik/"
    with scopes_disabled():
        mette.refresh_from_db()
    assert mette.user is not None
    assert logged_in_as(client) == str(mette.user.pk)
    assert not mette.user.has_usable_password()
    with scopes_disabled():
        event = LoginEvent.objects.get(kind=EventKind.LOGIN)
    assert (event.user, event.identity_provider, event.kommune) == (
        mette.user,
        idp,
        mette.kommune,
    )
    # The next login finds the same account through the linked subject.
    other = browser()
    finish(other, test_idp.respond(start(other, idp), "A-1001"))
    assert logged_in_as(other) == str(mette.user.pk)


def test_an_encrypted_assertion_is_accepted(idp_a, mette):
    """The IdP encrypts the assertion for our SP certificate; we decrypt it with our key."""
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001", encrypt_for=idp.sp_certificate)
    assert "EncryptedAssertion" in base64.b64decode(answer.saml_response).decode()
    finish(client, answer)
    with scopes_disabled():
        mette.refresh_from_db()
    assert logged_in_as(client) == str(mette.user.pk)


def test_an_employee_with_an_account_logs_into_that_account(idp_a, mette, org_a):
    idp, test_idp = idp_a
    user = f.user("mette")
    with scopes_disabled():
        mette.user = user
        mette.save()
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    assert logged_in_as(client) == str(user.pk)


def test_an_unknown_person_is_refused_and_hr_sees_it(idp_a, mette):
    idp, test_idp = idp_a
    client = browser()
    response = finish(client, test_idp.respond(start(client, idp), "A-9999"))
    assert response.status_code == 403
    assert "kender dig ikke som medarbejder" in response.content.decode()
    assert logged_in_as(client) is None
    [refusal] = refusals()
    assert (refusal.kommune, refusal.identifier) == (idp.kommune, "A-9999")


def test_a_person_who_has_left_is_refused(idp_a, mette):
    idp, test_idp = idp_a
    with scopes_disabled():
        mette.left_on = datetime.date(2026, 1, 31)
        mette.save()
    client = browser()
    assert finish(client, test_idp.respond(start(client, idp), "A-1001")).status_code == 403
    assert logged_in_as(client) is None


def test_kommune_bs_idp_cannot_log_in_a_person_of_kommune_a(idp_a, idp_b, mette):
    """B's IdP asserts A's employee number: it is looked up in B only, and refused."""
    idp, test_idp = idp_b
    client = browser()
    response = finish(client, test_idp.respond(start(client, idp), "A-1001"))
    assert response.status_code == 403
    assert logged_in_as(client) is None
    [refusal] = refusals()
    assert refusal.kommune == idp.kommune


def test_kommune_bs_idp_cannot_use_kommune_as_linked_subject(idp_a, idp_b, mette, org_b):
    """Even after Mette logged in through A, the same subject from B's IdP is not her."""
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    assert logged_in_as(client)
    idp2, test_idp2 = idp_b
    other = browser()
    assert finish(other, test_idp2.respond(start(other, idp2), "A-1001")).status_code == 403
    assert logged_in_as(other) is None


def test_a_response_of_kommune_bs_idp_is_refused_at_kommune_as_door(idp_a, idp_b, mette, caplog):
    """B's IdP answers a login at B; the answer is posted to A's ACS instead. Signed by the
    wrong IdP, for another audience and destination, in answer to no request of A's."""
    idp, _test_idp = idp_a
    idp2, test_idp2 = idp_b
    client = browser()
    start(client, idp)
    answer = test_idp2.respond(start(browser(), idp2), "A-1001")
    answer.acs_url = f"{SP}/konto/saml/{idp.slug}/acs/"
    finish(client, answer)
    assert logged_in_as(client) is None
    # Refused by the SP's check, not by accident.
    assert "instead of http://testserver/konto/saml/kommune-b/acs/" in caplog.text


def test_hr_editing_the_match_fields_never_moves_a_linked_subject(idp_a, mette):
    """After Mette's first SSO login, HR changes her employee number to one another identity
    at the IdP asserts: that identity is not linked to her account, and her own subject still
    logs her in."""
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    with scopes_disabled():
        mette.refresh_from_db()
        account = mette.user
        mette.employee_number = "A-6666"
        mette.save()
    intruder = browser()
    response = finish(intruder, test_idp.respond(start(intruder, idp), "A-6666"))
    assert response.status_code == 403
    assert logged_in_as(intruder) is None
    other = browser()
    finish(other, test_idp.respond(start(other, idp), "A-1001"))
    assert logged_in_as(other) == str(account.pk)


def test_an_account_that_reaches_beyond_the_kommune_is_not_linked_by_attribute(idp_a, mette, org_b):
    """Mette's account is also HR in kommune B (or a superuser, or a kreds officer): kommune
    A's IdP does not link it just because an attribute HR of A can edit matches."""
    user = f.user("mette")
    with scopes_disabled():
        mette.user = user
        mette.save()
    f.hr_user(org_b.kommune, "other_hr")
    from organisations.models import KommuneStaff

    with scopes_disabled():
        KommuneStaff.objects.create(kommune=org_b.kommune, user=user)
    idp, test_idp = idp_a
    client = browser()
    response = finish(client, test_idp.respond(start(client, idp), "A-1001"))
    assert response.status_code == 403
    assert "bruges også uden for" in response.content.decode()
    assert logged_in_as(client) is None


def test_a_linked_subject_whose_person_left_is_refused(idp_a, mette):
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    with scopes_disabled():
        mette.refresh_from_db()
        mette.left_on = datetime.date(2026, 1, 31)
        mette.save()
    other = browser()
    assert finish(other, test_idp.respond(start(other, idp), "A-1001")).status_code == 403
    assert logged_in_as(other) is None


def test_a_linked_subject_is_refused_when_its_attribute_now_names_another_account(
    idp_a, mette, org_a
):
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    # HR gives another person (with an account) the number Mette's subject asserts.
    with scopes_disabled():
        mette.refresh_from_db()
        mette.employee_number = "A-2002"
        mette.save()
    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "Karl", user=f.user("karl"), employee_number="A-1001")
    other = browser()
    response = finish(other, test_idp.respond(start(other, idp), "A-1001"))
    assert response.status_code == 403
    assert logged_in_as(other) is None


# --- What is refused -------------------------------------------------------------------------


def test_an_unsigned_assertion_is_refused(idp_a, mette, caplog):
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001", sign_assertion=False)
    finish(client, answer)
    assert logged_in_as(client) is None
    assert (
        "The Assertion of the Response is not signed" in caplog.text
    )  # refused by the SP's check, not by accident


def test_an_unsigned_assertion_in_a_signed_response_is_refused(idp_a, mette, caplog):
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(
        start(client, idp), "A-1001", sign_assertion=False, sign_response=True
    )
    finish(client, answer)
    assert logged_in_as(client) is None
    assert (
        "The Assertion of the Response is not signed" in caplog.text
    )  # refused by the SP's check, not by accident


def test_a_tampered_assertion_is_refused(idp_a, mette, org_a, caplog):
    """Signed for A-1002, changed to A-1001 on the way: the signature no longer holds."""
    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "Karl", "Kok", employee_number="A-1002")
    idp, test_idp = idp_a
    client = browser()
    answer = tamper(test_idp.respond(start(client, idp), "A-1002"), "A-1002", "A-1001")
    finish(client, answer)
    assert logged_in_as(client) is None
    assert (
        "Signature validation failed" in caplog.text
    )  # refused by the SP's check, not by accident


def test_an_expired_assertion_is_refused(idp_a, mette, caplog):
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001")
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1)):
        finish(client, answer)
    assert logged_in_as(client) is None
    assert (
        "Could not validate timestamp: expired" in caplog.text
    )  # refused by the SP's check, not by accident


def test_an_assertion_for_another_audience_is_refused(idp_a, mette, caplog):
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001", audience="https://other-sp.example")
    finish(client, answer)
    assert logged_in_as(client) is None
    assert "is not a valid audience" in caplog.text  # refused by the SP's check, not by accident


def test_a_replayed_assertion_is_refused(idp_a, mette):
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001")
    finish(client, answer)
    assert logged_in_as(client)
    # Captured and posted again, in another browser that even started its own login.
    attacker = browser()
    start(attacker, idp)
    finish(attacker, answer)
    assert logged_in_as(attacker) is None


def test_an_idp_initiated_response_is_refused(idp_a, mette):
    """A response no request of ours asked for (no InResponseTo that we stashed)."""
    idp, test_idp = idp_a
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001")
    fresh = browser()  # a browser that never started the login
    finish(fresh, answer)
    assert logged_in_as(fresh) is None


# --- Single logout --------------------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_idp(idp_a, mette):
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    assert logged_in_as(client)
    response = client.post(reverse("portal:logout"))
    assert logged_in_as(client) is None
    location = response.context["slo_url"]
    assert location.startswith(idp.saml_slo_url + "?SAMLRequest=")
    assert "Du logges nu også ud hos Kommune-A" in response.content.decode()
    # The IdP checks our signed LogoutRequest and answers; our SLS address accepts the answer.
    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    name_id, back = logout_answer(test_idp, query)
    assert name_id == "A-1001"
    assert back.startswith(f"{SP}/konto/saml/{idp.slug}/sls/")
    response = client.get(back.removeprefix(SP))
    assert response.status_code == 302
    assert response["Location"].endswith("/login/")


def test_a_password_session_logs_out_here_only(employee_a):
    client = browser()
    client.post("/login/", {"username": "medarbejder_a", "password": "pw"})
    response = client.post(reverse("portal:logout"))
    assert response["Location"] == "/login/"


# --- MFA from the IdP, HR from a group -------------------------------------------------------


def test_the_idps_second_factor_counts_only_when_trusted(idp_a, mette, settings):
    settings.MFA_REQUIRED = True
    idp, test_idp = idp_a
    from organisations.models import KommuneStaff

    # Mette is HR: her account needs a second factor.
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001", authn_class=NSIS_SUBSTANTIAL))
    with scopes_disabled():
        mette.refresh_from_db()
        KommuneStaff.objects.create(kommune=idp.kommune, user=mette.user)
    mette.user.is_staff = True
    mette.user.save()
    mette.user.groups.add(f.hr_group())
    # Not trusted: sent to set up our own second factor.
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001", authn_class=NSIS_SUBSTANTIAL))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    # Trusted, and asserted: straight in.
    idp.trust_idp_mfa = True
    idp.save()
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001", authn_class=NSIS_SUBSTANTIAL))
    assert client.get("/admin/").status_code == 200
    # Trusted but only a password at the IdP: our own second factor again.
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    assert client.get("/admin/")["Location"] == reverse("mfa_index")


def test_roles_come_from_memberships_not_from_the_idp(idp_a, mette):
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001", attributes={}))
    with scopes_disabled():
        mette.refresh_from_db()
    assert not mette.user.is_staff and not mette.user.is_superuser
    assert client.get("/admin/").status_code == 302  # no HR without a KommuneStaff row


def test_a_kommune_may_map_one_idp_group_to_hr_of_the_kommune(idp_a, mette):
    from organisations.models import KommuneStaff

    idp, test_idp = idp_a
    idp.hr_group = "MED-HR"
    idp.save()
    client = browser()
    answer = test_idp.respond(start(client, idp), "A-1001", attributes={"groups": ["Alle"]})
    finish(client, answer)
    with scopes_disabled():
        mette.refresh_from_db()
        assert not KommuneStaff.objects.filter(user=mette.user).exists()
    client = browser()
    answer = test_idp.respond(
        start(client, idp), "A-1001", attributes={"groups": ["Alle", "MED-HR"]}
    )
    finish(client, answer)
    with scopes_disabled():
        staff = KommuneStaff.objects.get(user=mette.user)
    assert (staff.kommune, staff.all_units) == (idp.kommune, True)
    mette.user.refresh_from_db()
    assert mette.user.is_staff and mette.user.groups.filter(name="HR").exists()


# --- The login page --------------------------------------------------------------------------


def test_the_login_page_offers_each_kommunes_button(idp_a, idp_b):
    page = browser().get("/login/").content.decode()
    assert "Log ind med Kommune-A" in page or "Log ind med Kommune-a" in page
    assert reverse("saml_login", kwargs={"organization_slug": "kommune-b"}) in page


def test_a_work_email_address_leads_to_its_kommunes_idp(idp_a):
    idp, _test_idp = idp_a
    idp.email_domains = "kommune-a.dk, skole.kommune-a.dk"
    idp.save()
    response = browser().post("/login/", {"username": "someone@Kommune-A.dk", "password": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(idp.saml_sso_url + "?SAMLRequest=")
    # The login page's form may end at the IdP (Content-Security-Policy form-action).
    csp = browser().get("/login/")["Content-Security-Policy"]
    assert "https://idp.kommune-a.test" in csp.split("form-action")[1].split(";")[0]


def test_a_kommune_that_enforces_sso_refuses_password_logins(idp_a, org_a, employee_a):
    idp, _test_idp = idp_a
    idp.enforce_sso = True
    idp.save()
    client = browser()
    response = client.post("/login/", {"username": "medarbejder_a", "password": "pw"})
    assert response.status_code == 302
    assert logged_in_as(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "logger ind med single sign-on" in page
    with scopes_disabled():
        assert LoginEvent.objects.filter(kind=EventKind.PASSWORD_REFUSED).count() == 1
    # A wrong password says only that: nothing about SSO, nothing about the account.
    page = client.post("/login/", {"username": "medarbejder_a", "password": "x"}).content.decode()
    assert "single sign-on" not in page


def test_a_named_break_glass_superuser_keeps_the_password(idp_a, settings):
    idp, _test_idp = idp_a
    idp.enforce_sso = True
    idp.save()
    admin = f.user("nødadgang", superuser=True, staff=True)
    f.hr_user(idp.kommune, "other")
    from organisations.models import KommuneStaff

    with scopes_disabled():
        KommuneStaff.objects.create(kommune=idp.kommune, user=admin)
    client = browser()
    client.post("/login/", {"username": "nødadgang", "password": "pw"})
    assert logged_in_as(client) is None
    settings.SSO_BREAK_GLASS_USERNAMES = ["nødadgang"]
    client.post("/login/", {"username": "nødadgang", "password": "pw"})
    assert logged_in_as(client) == str(admin.pk)


def test_hr_reads_its_own_kommunes_login_log_only(idp_a, idp_b, mette, hr_a):
    idp, test_idp = idp_a
    client = browser()
    finish(client, test_idp.respond(start(client, idp), "A-1001"))
    idp2, test_idp2 = idp_b
    other = browser()
    finish(other, test_idp2.respond(start(other, idp2), "B-404"))
    hr = browser()
    hr.force_login(hr_a)
    page = hr.get(reverse("admin:accounts_loginevent_changelist")).content.decode()
    assert "A-1001" in page or "mette" in page
    assert "B-404" not in page
