"""HR's dashboard on the admin's first page (issue 11): the overview's own counts (no second set
of numbers) as bars by område and rule, the trend of overdue deadlines from the daily snapshots,
the coming meetings with their dispatch dates, the EASY reports due and the people missing their
course; limited to the HR member's area; a fixed number of queries at any size."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.tenancy import tenant_scope
from deadlines.models import DailyCount, Deadline
from deadlines.overview import kommune_overview
from deadlines.tasks import deadlines_evaluate_all
from meetings.services import meeting_create

from . import factories as f


def add_deadlines(org, n: int, *, start: int = 0) -> None:
    today = timezone.localdate()
    with tenant_scope(org.kommune):
        for i in range(start, start + n):
            person = f.person(org.kommune, f"P{i}", "Frist", unit=org.workplace)
            Deadline.objects.create(
                kommune=org.kommune,
                rule="training.amo_basic",
                key=f"dash{i}",
                person=person,
                unit=org.workplace,
                due_date=today - datetime.timedelta(days=5 + i),
            )


def test_the_dashboard_shows_the_overviews_counts_meetings_and_what_to_act_on(client, org_a, hr_a):
    add_deadlines(org_a, 3)
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        meeting_create(committee=org_a.med, date=today + datetime.timedelta(days=12))
        total = kommune_overview(org_a.kommune.pk, today).total.counts
    client.force_login(hr_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Frister i dag" in page and "Efter område" in page
    assert str(org_a.omraade) in page and str(org_a.other_omraade) in page
    assert f'dash-overdue">{total["overdue"]}<' in page  # the overview's own number
    assert "Alfa LokalMED Nord" in page and "Dagsorden ud senest" in page
    assert "mangler den obligatoriske arbejdsmiljøuddannelse" in page
    with tenant_scope(org_a.kommune):
        snapshot = DailyCount.objects.get(day=today)
    assert snapshot.overdue == total["overdue"]


def test_the_trend_is_drawn_from_the_daily_snapshots(client, org_a, hr_a):
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        for weeks, overdue in ((40, 90), (20, 60), (2, 30)):
            DailyCount.objects.create(
                kommune=org_a.kommune, day=today - datetime.timedelta(weeks=weeks), overdue=overdue
            )
    client.force_login(hr_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Overskredne frister det seneste år" in page and "<polyline" in page
    assert "højst 90" in page


def test_the_nightly_evaluation_records_the_days_counts(org_a):
    deadlines_evaluate_all()
    with tenant_scope(org_a.kommune):
        assert DailyCount.objects.filter(day=timezone.localdate()).count() == 1
    deadlines_evaluate_all()  # once a day
    with tenant_scope(org_a.kommune):
        assert DailyCount.objects.count() == 1


def test_hr_limited_to_an_omraade_sees_its_own_numbers_and_no_kommune_trend(
    client, org_a, hr_a_limited
):
    client.force_login(hr_a_limited)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Frister i dag" in page
    assert "Overskredne frister det seneste år" not in page
    assert "Plejecenter" not in page and str(org_a.other_omraade) not in page


def test_the_dashboard_costs_the_same_queries_at_two_sizes(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:index")
    add_deadlines(org_a, 2)
    client.get(url)  # warm: the snapshot of the day
    add_deadlines(org_a, 1, start=100)  # clears the kommune's cached counts
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add_deadlines(org_a, 40, start=200)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
