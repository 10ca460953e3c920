"""The portal home: a fixed number of queries whatever the size of the kommune, and the values it
keeps in the kommune cache (the deadline list, the viewer's seats and units) follow every change
of the rows they were read from."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Membership
from core.tenancy import tenant_scope
from deadlines.models import Deadline, RuleSetting
from deadlines.services import deadline_mark_done

from . import factories as f


@pytest.fixture
def amr_user(org_a):
    with tenant_scope(org_a.kommune):
        user = f.user("amr_a")
        person = org_a.amr.person
        person.user = user
        person.save()
    return user


def home(client) -> str:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def panel(body: str, key: str) -> str:
    match = re.search(rf'<section class="panel" id="panel-{key}".*?</section>', body, re.S)
    return match.group(0) if match else ""


def count_queries(client) -> int:
    """The queries of the home page with the panels computed afresh: those kept in the kommune
    cache (core.panels) must not grow with the kommune either."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        home(client)
    return len(ctx)


def grow(org, n: int) -> None:
    """More units, groups, people and seats in the kommune, and more members of the AMR's own
    group: nothing the home page should read row by row."""
    with tenant_scope(org.kommune):
        for i in range(n):
            unit = f.unit(org.kommune, f"Enhed {i}", parent=org.omraade, headcount=5)
            amg = f.committee(org.kommune, f"AMG {i}", parent=org.med, units=[unit])
            person = f.person(org.kommune, "Per", f"Son{i}", unit=unit)
            f.membership(person, amg, Membership.Role.AMR)
            colleague = f.person(org.kommune, "Kis", f"Kollega{i}", unit=org.workplace)
            f.membership(colleague, org.amg, Membership.Role.TR)


def test_it_runs_the_same_queries_for_a_small_and_a_larger_kommune(client, org_a, amr_user):
    client.force_login(amr_user)
    grow(org_a, 3)
    home(client)  # the session and the kommune cache (replaced by every change) warm up
    small = count_queries(client)
    grow(org_a, 30)
    home(client)
    assert count_queries(client) == small


def badge(body: str, deadline) -> str:
    """The status shown for the deadline in the deadline panel."""
    match = re.search(
        rf'<span class="badge (\w+)">[^<]*</span>\s*<a href="/frister/{deadline.public_id}/"',
        panel(body, "deadlines"),
    )
    return match.group(1) if match else ""


def test_the_cached_deadline_list_follows_a_changed_deadline(client, org_a, amr_user):
    client.force_login(amr_user)
    with tenant_scope(org_a.kommune):
        deadline = Deadline.objects.filter(person=org_a.amr.person).first()
        deadline.due_date = datetime.date.today() + datetime.timedelta(days=200)
        deadline.save(update_fields=["due_date"])
    assert badge(home(client), deadline) == "upcoming"
    with tenant_scope(org_a.kommune):
        deadline.due_date = datetime.date.today() - datetime.timedelta(days=5)
        deadline.save(update_fields=["due_date"])
    assert badge(home(client), deadline) == "overdue"
    with tenant_scope(org_a.kommune):
        deadline_mark_done(deadline, done_on=datetime.date.today())
    assert badge(home(client), deadline) == "done"


def test_the_cached_deadline_list_follows_the_kommunes_sources(client, org_a, amr_user):
    client.force_login(amr_user)
    assert "bilag 7" not in home(client)
    with tenant_scope(org_a.kommune):
        RuleSetting.objects.create(
            kommune=org_a.kommune, rule="training.amo_basic", local_reference="bilag 7"
        )
    assert "bilag 7" in panel(home(client), "deadlines")


def test_the_kept_seats_follow_an_ended_seat(client, org_a, amr_user):
    client.force_login(amr_user)
    assert "Alfa AMG Nord" in panel(home(client), "committees")
    with tenant_scope(org_a.kommune):
        seat = Membership.objects.get(pk=org_a.amr.pk)
        seat.ended_on = datetime.date.today()
        seat.save(update_fields=["ended_on"])
    assert "Alfa AMG Nord" not in panel(home(client), "committees")
    # The committee page asks the same seats: no longer a member, no longer visible.
    response = client.get(reverse("portal:committee", args=[org_a.amg.public_id]))
    assert response.status_code == 404


def test_each_apps_panel_has_its_own_key():
    """A second panel under a key already taken would hide the first one without a word (the
    leaders' "Valg af AMR og TR" was hidden by the elections app's "Valg" that way)."""
    from core.panels import panels, register_panel

    keys = [panel.key for panel in panels()]
    assert len(keys) == len(set(keys))
    assert {"elections", "union_elections"} <= set(keys)
    with pytest.raises(ValueError, match="registered twice"):
        register_panel("elections", "Valg", "elections/panels/elections.html")(
            lambda request, viewer: None
        )
