"""Issue 16: every door outside the admin (portal, meetings, APV, incidents, documents, feeds,
kreds pages) answers 404 for an object the persona must not reach — another kommune's object
of every type, or a missing one — the same answer for both. The URL patterns are walked from the
resolver, so a new view with an object id is probed from its first commit; a pattern that can
not be probed must be listed in SKIP with its reason. (The admin's doors: test_admin_access.py.)
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from apv.models import ApvCycle
from committees.models import AmoProposal
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from incidents.models import Incident
from meetings import services as meeting_services
from meetings.selectors import agenda_for
from training.models import CourseDate, Enrolment

from . import factories as f
from .samples_budget import make_case, make_process
from .samples_elections import make_election

# Patterns whose id is not an object of a kommune: each answers its own page for a bad token.
SKIP = {
    "portal:password_reset_confirm": "Django's reset link: an invalid token shows 'link invalid'",
    "apv:survey": "the anonymous survey link: an unknown token shows its own invalid-link page",
    "meetings:feed_ics": "a personal calendar token: probed below with an unknown token",
    "meetings:organisation_pdf": "the slug names the chart (med or amo), not an object: the "
    "request's own kommune's chart is served, another kommune's område gives 404 "
    "(tests/test_organisation_chart_files.py)",
    **{
        name: "SSO: the slug names an identity provider (installation configuration, not a "
        "kommune's object); an unknown one is 404 and another kommune's IdP cannot log in a "
        "person: tests/test_accounts_sso.py"
        for name in (
            "saml_acs",
            "saml_finish_acs",
            "saml_sls",
            "saml_metadata",
            "saml_login",
            "openid_connect_login",
            "openid_connect_callback",
        )
    },
    **{
        name: "allauth looks a security key up among the logged-in user's own (404 otherwise)"
        for name in ("mfa_edit_webauthn", "mfa_remove_webauthn")
    },
    **{
        f"api:{name}": "the API's token door (a session gets 401): tests/test_api.py "
        "probes every endpoint with another kommune's ids"
        for name in (
            "unit-detail",
            "person-detail",
            "committee-detail",
            "membership-detail",
            "deadline-detail",
            "meeting-detail",
            "meeting-referat-pdf",
            "meeting-agenda-pdf",
            "attachment",
            "enrolment-detail",
            "completion-detail",
            "apv-cycle-detail",
        )
    },
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        else:
            yield namespace, pattern, prefix + str(pattern.pattern)


def doors() -> list[tuple[str, dict]]:
    """(url name, converters by kwarg) of every non-admin pattern that takes an id."""
    found = {}
    for namespace, pattern, route in _walk(get_resolver().url_patterns):
        if namespace == "admin" or not pattern.name or "<" not in route:
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        converters = getattr(pattern.pattern, "converters", {})
        found[name] = {k: type(v).__name__ for k, v in converters.items()}
    return sorted(found.items())


DOORS = [(name, kwargs) for name, kwargs in doors() if name not in SKIP]


def test_it_probes_every_door_with_an_id():
    assert DOORS, "the resolver walk found no doors"
    for name, kwargs in DOORS:
        assert all(kind == "UUIDConverter" for kind in kwargs.values()), (
            f"{name} takes a non-UUID id ({kwargs}): probe it or add it to SKIP with a reason"
        )


@pytest.fixture
def foreign_ids(org_a, org_b):
    """Public ids of kommune B's objects of every type a door names."""
    today = timezone.localdate()
    with tenant_scope(org_b.kommune):
        meeting = meeting_services.meeting_create(
            committee=org_b.amg, date=today + datetime.timedelta(days=20)
        )
        item = agenda_for(meeting).items[0]
        incident = f.sample(org_b, Incident)
        cycle = f.sample(org_b, ApvCycle)
        deadline = f.sample(org_b, Deadline)
        course_date = f.sample(org_b, CourseDate)
        booking = Enrolment.objects.create(
            kommune=org_b.kommune, person=org_b.amr.person, course_date=course_date
        )
        hoved = org_b.med.parent
        election = make_election(org_b)
        candidacy = election.candidacies.get()
        proposal = AmoProposal.objects.create(
            kommune=org_b.kommune,
            committee=org_b.amg,
            title="Beta-forslag",
            submitted_on=today,
            submitted_by=org_b.amr.person,
        )
        budget_process = make_process(org_b)
        budget_case = make_case(org_b)
    return [
        budget_process.public_id,
        budget_case.public_id,
        proposal.public_id,
        election.public_id,
        candidacy.public_id,
        org_b.amg.public_id,
        hoved.public_id,
        meeting.public_id,
        item.public_id,
        incident.public_id,
        cycle.public_id,
        deadline.public_id,
        course_date.public_id,
        booking.public_id,
        org_b.amr.person.public_id,
        org_b.amr.public_id,
    ]


def _answers(client, url: str) -> int:
    status = client.get(url).status_code
    if status == 405:  # an action: it takes POST only
        status = client.post(url, {}).status_code
    return status


@pytest.mark.parametrize("persona", ["employee", "hr"])
@pytest.mark.parametrize("name,kwargs", DOORS, ids=[d[0] for d in DOORS])
def test_it_answers_404_for_what_the_persona_must_not_reach(
    client, org_a, org_b, hr_a, employee_a, foreign_ids, persona, name, kwargs
):
    client.force_login(employee_a if persona == "employee" else hr_a)
    missing = reverse(name, kwargs={k: uuid.uuid4() for k in kwargs})
    assert _answers(client, missing) == 404, f"{name}: a missing object"
    for public_id in foreign_ids:
        url = reverse(name, kwargs={k: public_id for k in kwargs})
        assert _answers(client, url) == 404, f"{name}: kommune B's object {public_id}"


def test_it_answers_404_for_an_unknown_calendar_token(client, org_a, employee_a):
    client.force_login(employee_a)
    url = reverse("meetings:feed_ics", kwargs={"token": uuid.uuid4().hex})
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
