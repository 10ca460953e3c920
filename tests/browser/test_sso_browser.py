"""Single sign-on and MFA in a real browser (issue 12): the development IdP (devidp/) runs as a
fixture server — pysaml2's SAML IdP and django-oauth-toolkit's OpenID provider in their own
process — and Chromium walks the whole way: our button, the IdP's login page, the POST binding
or the code flow with PKCE, back in the portal as the right person. TOTP is typed from a code
computed here; a security key is Chromium's virtual authenticator (DevTools protocol)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import IdentityProvider, MatchBy, Protocol
from core.keys import make_keypair
from devidp import CLIENT_ID, CLIENT_SECRET

from ..test_accounts_mfa import totp
from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def devidp(live_server, tmp_path):
    """bin/devidp on a free loopback port, trusting the live server as its SP."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEVIDP_DIR": str(tmp_path / "devidp"),
        "DEVIDP_URL": url,
    }
    env.pop("DATABASE_URL", None)
    callback = f"{live_server.url}/konto/oidc/oidc-alfa-oidc/login/callback/"
    process = subprocess.Popen(
        [
            str(ROOT / "bin" / "devidp"),
            str(port),
            "--redirect-uri",
            callback,
            "--post-logout-uri",
            f"{live_server.url}/login/",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the development IdP did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc_idp(devidp, org_a):
    return IdentityProvider.objects.create(
        kommune=org_a.kommune,
        name="Alfa OIDC",
        slug="alfa-oidc",
        protocol=Protocol.OIDC,
        match_by=MatchBy.EMAIL,
        match_attribute="email",
        oidc_issuer=f"{devidp}/oidc",
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )


def log_in_at_the_idp(page, devidp, button: str, identity: str) -> None:
    page.goto("/login/")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(f"{devidp}/login/**")
    page.get_by_label("Medarbejdernummer eller e-mail").fill(identity)
    page.get_by_role("button", name="Log ind", exact=True).click()


def test_an_employee_logs_in_through_the_kommunes_saml_idp(page, devidp, org_a, mette):
    key, cert = make_keypair("MED-systemet alfa")
    IdentityProvider.objects.create(
        kommune=org_a.kommune,
        name="Alfa",
        slug="alfa",
        protocol=Protocol.SAML,
        match_by=MatchBy.EMPLOYEE_NUMBER,
        saml_metadata_url=f"{devidp}/saml/metadata/",
        saml_entity_id=f"{devidp}/saml/metadata/",
        sp_private_key=key,
        sp_certificate=cert,
    )
    log_in_at_the_idp(page, devidp, "Log ind med Alfa", "A-1001")
    page.get_by_role("heading", name="Hej Mette").wait_for()
    mette.refresh_from_db()
    assert mette.user is not None
    # Logging out ends the IdP's session too (SAML single logout) and comes back to our login.
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/login/")
    assert page.url.startswith(page.context.pages[0].url.split("/login/")[0])
    page.goto(f"{devidp}/saml/sso/")
    assert "/login/" in page.url  # the IdP asks who you are again


def test_an_employee_logs_in_through_the_kommunes_openid_provider(page, devidp, oidc_idp, mette):
    log_in_at_the_idp(page, devidp, "Log ind med Alfa OIDC", "mette@kommune-a.dk")
    page.get_by_role("heading", name="Hej Mette").wait_for()
    # Logging out goes on to the provider's end_session_endpoint, which asks, then comes back.
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(f"{devidp}/oidc/logout/**")
    page.get_by_role("button", name="Logout").click()
    page.wait_for_url("**/login/")
    page.goto(f"{devidp}/oidc/authorize/")
    assert "/login/" in page.url  # the provider asks who you are again


def test_an_unknown_person_is_refused_in_the_browser(page, devidp, oidc_idp, mette):
    log_in_at_the_idp(page, devidp, "Log ind med Alfa OIDC", "stranger@kommune-a.dk")
    page.get_by_role("heading", name="Du kunne ikke logges ind").wait_for()
    assert "kender dig ikke som medarbejder" in page.content()


def test_hr_sets_up_totp_in_the_browser_and_types_it_at_the_next_login(page, hr_a, settings):
    settings.MFA_REQUIRED = True
    log_in(page, "hr_a")
    page.wait_for_url("**" + reverse("mfa_index"))
    page.goto(reverse("mfa_activate_totp"))
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp(secret))
    page.locator("form[action$='/totp/activate/'] button[type=submit]").click()
    page.wait_for_url("**/recovery-codes/**")
    page.goto("/admin/")
    assert "/admin/" in page.url and "login" not in page.url

    page.context.clear_cookies()
    log_in(page, "hr_a")
    page.wait_for_url("**" + reverse("mfa_authenticate"))
    page.locator("input[name=code]").fill(totp(secret, time.time() + 30))
    with page.expect_navigation():
        page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first.click()
    page.goto("/admin/")
    assert page.url.endswith("/admin/")


def test_hr_adds_a_security_key_and_logs_in_with_it(page, hr_a, settings):
    settings.MFA_REQUIRED = True
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in(page, "hr_a")
    page.wait_for_url("**" + reverse("mfa_index"))
    page.goto(reverse("mfa_add_webauthn"))
    page.locator("input[name=name]").fill("Nøgle på nøgleringen")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")

    page.context.clear_cookies()
    log_in(page, "hr_a")
    page.wait_for_url("**" + reverse("mfa_authenticate"))
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
