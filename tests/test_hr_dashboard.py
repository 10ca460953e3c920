"""HR's dashboard on the admin's first page (issue 11): the overview's own counts (no second set
of numbers) as bars by område and rule, the trend of overdue deadlines from the daily snapshots,
the coming meetings with their dispatch dates, the EASY reports due and the people missing their
course; limited to the HR member's area; a fixed number of queries at any size."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from core.tenancy import tenant_scope
from deadlines.models import DailyCount, Deadline
from deadlines.overview import kommune_overview
from deadlines.tasks import deadlines_evaluate_all
from meetings.services import meeting_create
from organisations.models import Unit

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


def test_the_missing_courses_are_the_overviews_overdue_basic_courses(client, org_a, hr_a):
    add_deadlines(org_a, 3)
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        overdue = Deadline.objects.filter(
            rule="training.amo_basic", state=Deadline.State.OPEN, due_date__lt=today
        ).count()
    client.force_login(hr_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert overdue >= 3
    assert f"{overdue} mangler den obligatoriske arbejdsmiljøuddannelse" in page


def test_a_new_easy_report_is_on_the_dashboard_at_once(client, org_a, hr_a):
    """The EASY reports are kept in the kommune cache: a new deadline replaces its token."""
    client.force_login(hr_a)
    url = reverse("admin:index")
    assert "Ingen arbejdsulykker venter på anmeldelse" in client.get(url).content.decode()
    with tenant_scope(org_a.kommune):
        Deadline.objects.create(
            kommune=org_a.kommune,
            rule="incidents.easy_report",
            key="easy-new",
            unit=org_a.workplace,
            due_date=timezone.localdate() + datetime.timedelta(days=3),
        )
    page = client.get(url).content.decode()
    assert "Ingen arbejdsulykker venter på anmeldelse" not in page
    assert "(EASY) senest" in page and str(org_a.workplace) in page


# --- the deadline list of a committee (HR's drill-down; issue 15) -------------------------------


def committee_list(client, committee, **params):
    response = client.get(
        reverse("admin:deadlines_deadline_changelist"), {"committee": committee.pk, **params}
    )
    assert response.status_code == 200
    return response.context["cl"]


def test_a_committees_list_has_its_duties_and_its_active_members_own(client, org_a, hr_a):
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        Deadline.objects.all().delete()
        member = org_a.amr.person
        former = f.person(org_a.kommune, "Tidligere", "Medlem", unit=org_a.workplace)
        f.membership(former, org_a.amg, ended_on=today - datetime.timedelta(days=30))
        outsider = f.person(org_a.kommune, "Uden", "Plads", unit=org_a.workplace)

        def make(key, **fields):
            fields.setdefault("rule", "training.amo_basic")
            Deadline.objects.create(kommune=org_a.kommune, key=key, due_date=today, **fields)

        make("own", committee=org_a.amg, rule="committees.yearly_amo_discussion")
        make("member", person=member, unit=org_a.workplace)
        make("member-elsewhere", person=member, committee=org_a.other_amg)
        make("former", person=former)
        make("outsider", person=outsider)
        make("cancelled", person=member, state=Deadline.State.CANCELLED)
        make("other-committee", committee=org_a.other_amg)
    client.force_login(hr_a)
    for committee in (org_a.amg, org_a.other_amg):
        with tenant_scope(org_a.kommune):
            # The definition the list had before it was made fast (an EXISTS inside an OR).
            seats = Membership.objects.filter(
                committee=committee, ended_on__isnull=True, person_id=OuterRef("person_id")
            )
            expected = set(
                Deadline.objects.visible()
                .filter(Q(committee=committee) | Q(Exists(seats), committee__isnull=True))
                .values_list("pk", flat=True)
            )
        shown = [d.pk for d in committee_list(client, committee).result_list]
        assert len(shown) == len(expected) and set(shown) == expected
    assert {"own", "member"} <= shown_keys(client, org_a.amg)
    assert not {"former", "outsider", "cancelled", "member-elsewhere", "other-committee"} & (
        shown_keys(client, org_a.amg)
    )
    assert {"member-elsewhere", "other-committee"} <= shown_keys(client, org_a.other_amg)


def shown_keys(client, committee) -> set[str]:
    return {d.key for d in committee_list(client, committee).result_list}


def test_a_committees_list_costs_the_same_queries_at_two_sizes(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:deadlines_deadline_changelist") + f"?committee={org_a.amg.pk}"
    client.get(url)
    cache.clear()  # the filters and date links computed afresh at both sizes
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        for i in range(30):
            person = f.person(org_a.kommune, f"M{i}", "Medlem", unit=org_a.workplace)
            f.membership(person, org_a.amg)
            for rule in ("training.amo_basic", "training.amo_supplementary"):
                Deadline.objects.create(
                    kommune=org_a.kommune, rule=rule, key=f"m{i}", person=person, due_date=today
                )
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["cl"].result_count > 30
    assert len(large) == len(small)


def test_a_committees_list_reads_its_committee_and_members_once_until_a_seat_changes(
    client, org_a, hr_a
):
    """The committee filter's name and active members and the område filter's units
    (deadlines/admin.py `filter_reads`) come from the kommune cache on a warm visit; a new seat
    shows its holder's deadlines at once, and an ended seat drops them."""
    from .querytables import tables_joined

    url = reverse("admin:deadlines_deadline_changelist") + f"?committee={org_a.amg.pk}"
    with tenant_scope(org_a.kommune):
        newcomer = f.person(org_a.kommune, "Ny", "Medlemsen", unit=org_a.workplace)
        Deadline.objects.create(
            kommune=org_a.kommune,
            rule="training.amo_basic",
            key="newcomer",
            person=newcomer,
            due_date=timezone.localdate(),
        )
    client.force_login(hr_a)
    assert "newcomer" not in shown_keys(client, org_a.amg)
    tables = tables_joined(lambda: client.get(url))
    assert not {"committees.membership", "committees.committee", "organisations.unit"} & tables
    with tenant_scope(org_a.kommune):
        # Saved around the services, so that the engine leaves the deadline as it is.
        seat = Membership(
            kommune=org_a.kommune,
            person=newcomer,
            committee=org_a.amg,
            role=Membership.Role.AMR,
            side=Membership.Side.MEDARBEJDER,
            start_date=datetime.date(2025, 1, 1),
        )
        seat.save()
    assert "newcomer" in shown_keys(client, org_a.amg)
    with tenant_scope(org_a.kommune):
        seat.ended_on = timezone.localdate()
        seat.save()
    assert "newcomer" not in shown_keys(client, org_a.amg)
    page = client.get(url).content.decode()
    assert org_a.amg.name in page  # the chosen committee, in the filter


def test_the_lists_filters_and_date_links_are_kept_until_what_they_show_changes(
    client, org_a, hr_a, hr_a_limited
):
    """The filters and the date links of the deadline list are kept in the kommune cache
    (deadlines/admin.py `fragment_key`): a visit with nothing changed reads no dates; a new
    deadline's year and a new område show at once; an HR member limited to some units gets
    the dates of their own area, not those kept for the whole kommune."""
    url = reverse("admin:deadlines_deadline_changelist")
    add_deadlines(org_a, 1)  # Område Nord, this year
    with tenant_scope(org_a.kommune):
        Deadline.objects.create(
            kommune=org_a.kommune,
            rule="training.amo_basic",
            key="later",
            person=org_a.amr.person,
            unit=org_a.workplace,
            due_date=datetime.date(2031, 3, 1),
        )
    client.force_login(hr_a)
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        page = client.get(url).content.decode()
    assert not [q for q in again.captured_queries if "due_date" in q["sql"] and "MIN" in q["sql"]]
    # Nor the rows themselves (only their count).
    assert not [q for q in again.captured_queries if '"deadlines_deadline"."public_id"' in q["sql"]]
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
        person.last_name = "Omdøbtsen"
        person.save()
    assert "Omdøbtsen" in client.get(url).content.decode()
    assert "2031" in page and "2033" not in page and "Område Øst" not in page
    with tenant_scope(org_a.kommune):
        syd = f.person(org_a.kommune, "Sif", "Syd", unit=org_a.other_workplace)
        Deadline.objects.create(
            kommune=org_a.kommune,
            rule="training.amo_basic",
            key="far",
            person=syd,
            unit=org_a.other_workplace,
            due_date=datetime.date(2033, 5, 1),
        )
        f.unit(org_a.kommune, "Område Øst", Unit.Kind.OMRAADE)
    page = client.get(url).content.decode()
    assert "2033" in page and "Område Øst" in page
    client.force_login(hr_a_limited)  # Område Nord only
    page = client.get(url).content.decode()
    assert "2031" in page and "2033" not in page


def test_the_deadline_rows_are_written_as_django_writes_them(client, org_a, hr_a):
    """`deadline_admin.written_rows` against Django's own rows and links (the filters kept in
    each row's link), on lists with and without filters and sorted by another column."""
    import copy

    from django.contrib.admin.templatetags.admin_list import results
    from django.contrib.admin.views.main import ChangeList

    from deadlines.templatetags.deadline_admin import written_rows

    add_deadlines(org_a, 3)
    with tenant_scope(org_a.kommune):
        Deadline.objects.create(
            kommune=org_a.kommune,
            rule="committees.yearly_amo_discussion",
            key="done<&>",
            committee=org_a.amg,
            due_date=timezone.localdate(),
            state=Deadline.State.DONE,
            done_on=timezone.localdate(),
        )
    client.force_login(hr_a)
    changelist = reverse("admin:deadlines_deadline_changelist")
    for params in ({}, {"committee": org_a.amg.pk}, {"status": "overdue", "o": "-3"}):
        cl = client.get(changelist, params).context["cl"]
        assert cl.result_list
        stock = copy.copy(cl)
        stock.__class__ = ChangeList  # Django's links, with the filters added to each
        stock.preserved_filters = cl.row_link_filters
        written = [[str(cell) for cell in row] for row in written_rows(cl)]
        assert written == [[str(cell) for cell in row] for row in results(stock)]
        if params:
            assert "_changelist_filters=" in written[0][1]


def test_the_app_list_is_the_one_django_renders_for_the_same_permissions(client, org_a, hr_a):
    """The index and the sidebar show Django's own app list; the kept copy is keyed by the list
    itself, so another list (other permissions) is rendered for itself."""
    from django.template import Context
    from django.template.loader import get_template
    from django.utils import translation

    from core.templatetags.admin_app_list import admin_app_list

    def django_renders(app_list, request, changelinks):
        context = {"app_list": app_list, "show_changelinks": changelinks, "request": request}
        return get_template("admin/app_list.html").template.render(Context(context))

    client.force_login(hr_a)
    index = client.get(reverse("admin:index"))
    changelist = client.get(reverse("admin:deadlines_deadline_changelist"))
    with translation.override("da"):
        assert django_renders(index.context["app_list"], index.wsgi_request, True) in (
            index.content.decode()
        )
        sidebar = changelist.context["available_apps"]
        assert django_renders(sidebar, changelist.wsgi_request, False) in (
            changelist.content.decode()
        )
        fewer = [{**app, "models": app["models"][1:]} for app in index.context["app_list"]]
        context = Context({"request": index.wsgi_request})
        assert admin_app_list(context, fewer, show_changelinks=True) == django_renders(
            fewer, index.wsgi_request, True
        )
