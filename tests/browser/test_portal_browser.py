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
    # Arne's 3-day course is long overdue: grouped and counted below what is due now, and
    # shown when the group is opened.
    assert "Obligatorisk arbejdsmiljøuddannelse (3 dage)" not in deadlines.inner_text()
    deadlines.locator("summary", has_text="overskredet i mere end 3 måneder").click()
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


def test_a_hovedmed_member_opens_the_kommunes_compliance_overview(page, org_a):
    from committees.models import Committee, Membership

    user = f.user("hovedmed_browser")
    with tenant_scope(org_a.kommune):
        hovedmed = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        person = f.person(org_a.kommune, "Hanne", "Hovedmed", unit=org_a.other_workplace, user=user)
        f.membership(person, hovedmed, Membership.Role.MEDARBEJDERREPRAESENTANT)
    log_in(page, "hovedmed_browser")
    page.wait_for_url("**/")
    panel = page.locator("#panel-compliance")
    panel.get_by_role("link", name="Se kommunens overblik over frister").click()
    page.wait_for_url("**/overblik/")
    assert page.get_by_role("heading", name="Kommunens overblik over frister").is_visible()
    by_rule = page.locator("#by-rule table").inner_text()
    assert "Obligatorisk arbejdsmiljøuddannelse" in by_rule  # the fixture AMR's course
    assert "Alfa Område Nord" in page.locator("#by-omraade table").inner_text()


def test_the_compliance_overview_is_not_there_for_an_amr(page, org_a, amr_login):
    log_in(page, "amr_browser")
    page.wait_for_url("**/")
    assert page.locator("#panel-compliance").count() == 0
    response = page.goto("/overblik/")
    assert response.status == 404


def test_the_organisation_diagram_zooms_pans_and_opens_a_committee(page, org_a, amr_login):
    """Issue 11: the AMO as a tree in the browser. The buttons, the keyboard and dragging move
    the view; the AMR's own AMG is highlighted and opens its committee page."""
    log_in(page, "amr_browser")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Organisation", exact=True).click()
    page.get_by_label("Diagram").select_option("amo")
    page.wait_for_url("**diagram=amo**")
    frame = page.locator("[data-diagram]")
    svg = frame.locator("svg")
    start = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Zoom ind").click()
    zoomed = svg.get_attribute("viewBox")
    assert float(zoomed.split()[2]) < float(start.split()[2])
    box = frame.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=5)
    page.mouse.up()
    panned = svg.get_attribute("viewBox")
    assert panned.split()[:2] != zoomed.split()[:2]
    frame.focus()
    page.keyboard.press("0")
    reset = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert reset == pytest.approx([float(v) for v in start.split()], abs=0.01)
    mine = frame.locator("g.mine")
    assert mine.count() == 1 and "Alfa AMG Nord" in mine.text_content()
    assert frame.locator("g.committee", has_text="Alfa AMG Syd").locator("a[href]").count() == 0
    mine.locator("a").first.click()
    page.wait_for_url("**/udvalg/**")
    assert page.get_by_role("heading", name="Alfa AMG Nord").is_visible()
