"""Portal flows in a real browser: log in, see my deadlines and committees, open a committee."""

from __future__ import annotations

import pytest

from core.tenancy import tenant_scope
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def amr_login(org_a):
    user = f.user("amr_browser")
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
        person.user = user
        person.save()
    return user


def test_it_logs_in_and_shows_home(page, org_a, amr_login):
    log_in(page, "amr_browser")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Hej Arne").is_visible()
    deadlines = page.locator("#panel-deadlines")
    assert "Obligatorisk arbejdsmiljøuddannelse (3 dage)" in deadlines.inner_text()
    committees = page.locator("#panel-committees")
    committees.get_by_role("link", name="Alfa AMG Nord").click()
    page.wait_for_url("**/udvalg/**")
    assert page.get_by_role("heading", name="Alfa AMG Nord").is_visible()
    assert "Lene AlfaLeder" in page.content()


def test_a_wrong_password_shows_a_danish_error(page, org_a, amr_login):
    log_in(page, "amr_browser", "forkert")
    assert page.get_by_role("alert").is_visible()
    assert "korrekt" in page.get_by_role("alert").inner_text()


def test_keyboard_user_can_skip_to_content(page, org_a, amr_login):
    log_in(page, "amr_browser")
    page.wait_for_url("**/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Gå til indhold" in focused
