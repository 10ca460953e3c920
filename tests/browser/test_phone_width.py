"""Phone width and accessibility (issue 11): every portal page, opened at 390 px by the persona
who uses it, is no wider than the screen — nothing scrolls sideways — and at 1400 px axe-core
finds no serious or critical WCAG 2.1 AA violation on it (webtilgængelighedsloven). The world is the role matrix's (an AMR, the
leader, a HovedMED member, a kreds officer, with meetings, a referat, an accident, an APV and a
deadline); the pages are found from the persona's own links, so a new page on those paths is
checked from its first commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from apv.models import ApvCycle
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from tests.test_role_matrix import build_matrix_world

from .conftest import log_in

# Screenshots of each persona's pages, kept by CI as artefacts (var/ is not committed).
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def snap(page, persona: str, url: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = url.strip("/").replace("/", "_") or "home"
    page.screenshot(path=str(SHOTS / f"{persona}-{name[:60]}-{width}.png"), full_page=True)


pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390

# The widest element that sticks out, for the failure message.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && (!worst || r.right > worst.right)) {
      worst = {right: Math.round(r.right), tag: el.tagName, cls: el.className, text: (el.innerText || '').slice(0, 60)};
    }
  }
  return {scroll: document.documentElement.scrollWidth, worst};
}"""


def pages_of(world) -> dict[str, list[str]]:
    org = world.org
    with tenant_scope(org.kommune):
        cycle = ApvCycle.objects.create(kommune=org.kommune, committee=org.amg)
        deadline = Deadline.objects.filter(person=org.amr.person).first()
    amr = [
        reverse("portal:home"),
        reverse("portal:committee", args=[org.amg.public_id]),
        reverse("meetings:committee", args=[org.amg.public_id]),
        reverse("meetings:meeting", args=[world.upcoming.public_id]),
        reverse("meetings:referat", args=[world.held.public_id]),
        reverse("meetings:documents"),
        reverse("meetings:organisation"),
        reverse("meetings:organisation") + "?diagram=amo",
        reverse("meetings:feed"),
        reverse("apv:index"),
        reverse("apv:amg", args=[org.amg.public_id]),
        reverse("apv:cycle", args=[cycle.public_id]),
        reverse("incidents:index"),
        reverse("incidents:report"),
        reverse("incidents:detail", args=[world.incident.public_id]),
        reverse("reminders:mine"),
        reverse("unions:my_union"),
        reverse("training:catalogue"),
        reverse("deadlines:detail", args=[deadline.public_id]),
    ]
    return {
        "AMR": amr,
        "LEDER": [reverse("portal:home"), reverse("unions:election_new")],
        "HMED": [reverse("portal:home"), reverse("portal:compliance")],
        "OFCR": [
            reverse("unions:index"),
            reverse("unions:overview", args=[world.unions.kreds.public_id]),
        ],
    }


def test_no_portal_page_is_wider_than_a_phone(browser, live_server):
    world = build_matrix_world()
    too_wide = []
    for persona, urls in pages_of(world).items():
        context = browser.new_context(
            base_url=live_server.url, locale="da-DK", viewport={"width": WIDTH, "height": 800}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, world.users[persona].username)
        page.wait_for_load_state()
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (persona, url, response.status)
            measured = page.evaluate(WIDEST)
            if url == urls[0] or "kreds" in url or "organisation" in url:
                snap(page, persona, url, WIDTH)
            if measured["scroll"] > WIDTH:
                too_wide.append((persona, url, measured))
        context.close()
    assert not too_wide, "\n".join(map(str, too_wide))


SEVERE = {"serious", "critical"}


def test_axe_finds_no_serious_or_critical_violation(browser, live_server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    world = build_matrix_world()
    found = []
    admin_pages = [
        reverse("admin:index"),
        reverse("admin:organisations_person_changelist"),
        reverse("admin:organisations_person_change", args=[world.org.amr.person.pk]),
        reverse("admin:committees_membership_changelist"),
        reverse("admin:deadlines_deadline_changelist"),
        reverse("admin:compliance_overview"),
        reverse("admin:structural_checks"),
        reverse("admin:organisation_diagram"),
        reverse("admin:committees_committee_change", args=[world.hovedmed_seat.committee_id]),
        reverse("admin:incidents_incident_changelist"),
    ]

    def check(page, persona, url):
        response = page.goto(url)
        # Shown, not sent to a login page (a kreds officer's /kreds/ opens their kreds).
        landed = page.url.removeprefix(live_server.url)
        assert response.status == 200, (persona, url, response.status)
        assert persona == "ANON" or "login" not in landed, (persona, url, landed)
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
            },
        )
        if (
            url
            in (
                reverse("portal:home"),
                reverse("admin:index"),
                reverse("admin:compliance_overview"),
            )
            or "kreds" in url
            or "organisation" in url
        ):
            snap(page, persona, url, 1400)
        if persona == "HR":  # the admin fits the screen too (no 1,800 px membership inline)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 1400:
                found.append((persona, url, "wider than the screen", width))
        for violation in results.response["violations"]:
            if violation["impact"] in SEVERE:
                targets = [n["target"] for n in violation["nodes"][:3]]
                found.append((persona, url, violation["id"], targets))

    anonymous = browser.new_context(base_url=live_server.url, locale="da-DK")
    for url in (
        reverse("portal:login"),
        reverse("portal:password_reset"),
        reverse("portal:accessibility"),
    ):
        check(anonymous.new_page(), "ANON", url)
    anonymous.close()
    for persona, urls in [*pages_of(world).items(), ("HR", admin_pages)]:
        context = browser.new_context(
            base_url=live_server.url, locale="da-DK", viewport={"width": 1400, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, world.users[persona].username)
        page.wait_for_load_state()
        for url in urls:
            check(page, persona, url)
        context.close()
    assert not found, "\n".join(map(str, found))
