"""The portal panels kept in the kommune cache (core.panels): each declares the models it reads,
a save or delete of any of them shows on the next visit, and a visit with nothing changed
reads them from the cache."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apv.models import ApvCycle
from committees.models import Membership
from committees.viewer import Viewer
from core.panels import panels
from core.tenancy import tenant_scope
from incidents.models import Incident, InspectionVisit
from meetings.models import Attendance, Meeting
from meetings.services import meeting_create
from training.models import Completion

from . import factories as f
from .querytables import tables_joined

# Replaced with the kommune's own token, which every panel's key carries (deadlines.overview
# COUNTED_MODELS, meetings.apps for people).
KOMMUNE_TOKEN = {
    "deadlines.deadline",
    "committees.committee",
    "committees.membership",
    "committees.committeeunit",
    "organisations.unit",
    "organisations.person",
}


@pytest.fixture
def rich_org(org_a):
    """The AMR's group with a meeting, an APV, an open case, a visit and a course."""
    for model in (Meeting, ApvCycle, Incident, InspectionVisit, Completion):
        f.sample(org_a, model)
    with tenant_scope(org_a.kommune):
        f.membership(org_a.amr.person, org_a.med, Membership.Role.AMR)
    return org_a


def test_each_cached_panel_declares_every_model_it_reads(rich_org):
    """A panel that left out a model it reads would show stale rows after that model changed."""
    org = rich_org
    cached = [p for p in panels() if p.reads is not None]
    assert {p.key for p in cached} >= {"meetings", "referater", "apv", "incidents"}
    with tenant_scope(org.kommune):
        viewers = [org.amr.person, org.leader_person]
        for panel in cached:
            read = set()
            for person in viewers:
                request = RequestFactory().get("/")
                request.user, request.kommune = f.user(f"u{person.pk}{panel.key}"), org.kommune
                viewer = Viewer(request.user, org.kommune, person)
                read |= tables_joined(lambda p=panel, r=request, v=viewer: p.context(r, v))
            declared = {label.lower() for label in panel.reads}
            assert read, panel.key  # the data is rich enough for every panel to read
            assert read - declared - KOMMUNE_TOKEN == set(), panel.key


@pytest.fixture
def amr_client(client, rich_org):
    f.login_as(client, rich_org, rich_org.amr.person, "amr_panels")
    return client


def section(client, key: str) -> str:
    body = client.get(reverse("portal:home")).content.decode()
    match = re.search(rf'<section class="panel" id="panel-{key}".*?</section>', body, re.S)
    return match.group(0) if match else ""


def test_a_change_of_what_a_panel_reads_shows_on_the_next_visit(amr_client, rich_org):
    org = rich_org
    today = datetime.date.today()
    assert "Julemøde" not in section(amr_client, "meetings")
    with tenant_scope(org.kommune):
        meeting = meeting_create(
            committee=org.med, date=today + datetime.timedelta(days=10), location="Salen"
        )
        meeting.title = "Julemøde"
        meeting.save()
    assert "Julemøde" in section(amr_client, "meetings")
    assert "Du har meldt afbud" not in section(amr_client, "meetings")
    with tenant_scope(org.kommune):
        Attendance.objects.update_or_create(
            kommune=org.kommune,
            meeting=meeting,
            person=org.amr.person,
            defaults={"status": Attendance.Status.AFBUD},
        )
    assert "Du har meldt afbud" in section(amr_client, "meetings")
    with tenant_scope(org.kommune):
        Meeting.objects.get(pk=meeting.pk).delete()
    assert "Julemøde" not in section(amr_client, "meetings")


def test_a_visit_with_nothing_changed_reads_the_panels_from_the_cache(amr_client):
    amr_client.get(reverse("portal:home"))
    with CaptureQueriesContext(connection) as queries:
        amr_client.get(reverse("portal:home"))
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("meetings_meeting", "apv_apvcycle", "incidents_incident", "training_completion"):
        assert table not in tables
