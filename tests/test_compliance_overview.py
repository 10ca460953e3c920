"""The compliance overview (counts by rule and status per område and committee, with drill-down),
the deadline admin's manual registration, and the local rule settings."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache import KommuneCache, clear_kommune_caches
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.models import Deadline, RuleSetting, Status

TODAY = datetime.date(2026, 11, 22)


def make_deadline(
    org,
    key,
    due,
    state=Deadline.State.OPEN,
    person=None,
    committee=None,
    unit=None,
    rule="training.amo_basic",
):
    with tenant_scope(org.kommune):
        return Deadline.objects.create(
            kommune=org.kommune,
            rule=rule,
            key=key,
            due_date=due,
            state=state,
            person=person,
            committee=committee,
            unit=unit,
        )


@pytest.fixture
def crafted(org_a):
    Deadline.objects.all  # noqa: B018 (the manager exists; rows come below)
    with tenant_scope(org_a.kommune):
        Deadline.objects.all().delete()
    amr = org_a.amr.person
    day = datetime.timedelta(days=1)
    make_deadline(org_a, "overdue", TODAY - day, person=amr, unit=org_a.workplace)
    make_deadline(org_a, "soon", TODAY + 10 * day, person=amr, unit=org_a.workplace)
    make_deadline(org_a, "later", TODAY + 90 * day, person=amr, unit=org_a.workplace)
    make_deadline(
        org_a, "done", TODAY - 40 * day, Deadline.State.DONE, person=amr, unit=org_a.workplace
    )
    make_deadline(
        org_a,
        "syd",
        TODAY - 3 * day,
        committee=org_a.other_amg,
        unit=org_a.other_workplace,
        rule="committees.yearly_amo_discussion",
    )
    make_deadline(
        org_a, "gone", TODAY - 3 * day, Deadline.State.CANCELLED, person=amr, unit=org_a.workplace
    )
    return org_a


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False)
def test_it_counts_by_rule_omraade_and_committee(client, crafted, hr_a):
    org = crafted
    client.force_login(hr_a)
    response = client.get(reverse("admin:compliance_overview"))
    assert response.status_code == 200
    rules = {row.key: row.counts for row in response.context["by_rule"]}
    assert rules["training.amo_basic"] == {
        Status.OVERDUE: 1,
        Status.DUE_SOON: 1,
        Status.UPCOMING: 1,
        Status.DONE: 1,
    }
    assert rules["committees.yearly_amo_discussion"] == {Status.OVERDUE: 1}
    omraader = {row.key: row.counts for row in response.context["by_omraade"]}
    assert omraader[org.omraade.pk][Status.OVERDUE] == 1
    assert omraader[org.other_omraade.pk] == {Status.OVERDUE: 1}
    committees = {row.key: row.counts for row in response.context["by_committee"]}
    # The AMR's deadlines count for the AMG the AMR sits in; AMG Syd has its own duty.
    assert committees[org.amg.pk] == {
        Status.OVERDUE: 1,
        Status.DUE_SOON: 1,
        Status.UPCOMING: 1,
        Status.DONE: 1,
    }
    assert committees[org.other_amg.pk] == {Status.OVERDUE: 1}
    assert response.context["total"].counts[Status.OVERDUE] == 2


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False)
def test_drill_down_lists_the_deadlines_and_people(client, crafted, hr_a):
    org = crafted
    client.force_login(hr_a)
    changelist = reverse("admin:deadlines_deadline_changelist")
    rows = (
        client.get(changelist, {"status": "overdue", "omraade": org.omraade.pk})
        .context["cl"]
        .result_list
    )
    assert [d.key for d in rows] == ["overdue"]
    assert rows[0].person == org.amr.person
    rows = client.get(changelist, {"committee": org.other_amg.pk}).context["cl"].result_list
    assert [d.key for d in rows] == ["syd"]
    # Cancelled duties are not shown.
    all_keys = {d.key for d in client.get(changelist).context["cl"].result_list}
    assert "gone" not in all_keys


def test_another_kommune_sees_none_of_it(client, crafted, org_b, hr_b):
    client.force_login(hr_b)
    response = client.get(reverse("admin:compliance_overview"))
    with tenant_scope(org_b.kommune):
        own = Deadline.objects.visible().count()
    # Only kommune B's own deadlines (from its fixture organisation) are counted.
    assert response.context["total"].total == own
    assert "committees.yearly_amo_discussion" in {r.key for r in response.context["by_rule"]}
    omraader = {row.key for row in response.context["by_omraade"]}
    assert crafted.omraade.pk not in omraader


def test_the_limited_hr_partner_sees_their_omraade_only(client, crafted, hr_a_limited):
    client.force_login(hr_a_limited)
    response = client.get(reverse("admin:compliance_overview"))
    rules = {row.key for row in response.context["by_rule"]}
    assert rules == {"training.amo_basic"}


def add_deadlines(org, n):
    with tenant_scope(org.kommune):
        Deadline.objects.bulk_create(
            Deadline(
                kommune=org.kommune,
                rule="training.amo_basic",
                key=f"bulk{n}-{i}",
                due_date=TODAY + datetime.timedelta(days=i - n // 2),
                person=org.amr.person,
                unit=org.workplace,
            )
            for i in range(n)
        )


def test_the_overview_runs_the_same_queries_for_10_and_500_deadlines(client, org_a, hr_a):
    """Counting (a cache miss) and reading the cached counts (a hit) each run a fixed number of
    queries. `bulk_create` sends no signals, so the test drops the cache as the engine does."""
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    client.get(url)
    measured = {}
    for n in (10, 490):
        add_deadlines(org_a, n)
        clear_kommune_caches([org_a.kommune.pk])
        with CaptureQueriesContext(connection) as miss:
            client.get(url)
        with CaptureQueriesContext(connection) as hit:
            response = client.get(url)
        measured[n] = (len(miss), len(hit))
    assert response.context["total"].total >= 500
    assert measured[10] == measured[490]
    assert measured[10][1] < measured[10][0]


def counted(response) -> dict:
    return {
        "rules": {row.key: row.counts for row in response.context["by_rule"]},
        "omraader": {row.key: (row.label, row.counts) for row in response.context["by_omraade"]},
        "committees": {row.key: row.counts for row in response.context["by_committee"]},
    }


def deadline_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "deadlines_deadline" in q["sql"]]


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False)
def test_the_counts_are_kept_until_the_kommunes_data_changes(client, crafted, hr_a):
    """The counts are computed once and read from the kommune cache until a deadline, a seat, a
    committee or a unit of the kommune changes; each such change shows on the next request."""
    from organisations.services import unit_save

    org = crafted
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    before = counted(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        assert counted(client.get(url)) == before
    assert deadline_queries(queries) == []

    # A deadline saved one at a time (HR's registration, a cascade): its signal.
    with tenant_scope(org.kommune):
        overdue = Deadline.objects.get(key="overdue")
        overdue.state, overdue.done_on = Deadline.State.DONE, TODAY
        overdue.save()
    after = counted(client.get(url))
    assert after["rules"]["training.amo_basic"][Status.DONE] == 2
    assert Status.OVERDUE not in after["rules"]["training.amo_basic"]

    # The AMR's seat ends (saved alone, without the engine's refresh that the service adds):
    # the AMG no longer counts the AMR's deadlines.
    with tenant_scope(org.kommune):
        seat = org.amr
        seat.ended_on = TODAY
        seat.save()
    assert org.amg.pk not in counted(client.get(url))["committees"]

    # An område is renamed.
    with tenant_scope(org.kommune):
        org.omraade.name = "Børn og Unge"
        unit_save(org.omraade)
    assert counted(client.get(url))["omraader"][org.omraade.pk][0] == "Børn og Unge"


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False)
def test_the_engines_bulk_writes_drop_the_cached_counts(client, crafted, hr_a):
    from deadlines.engine import refresh

    org = crafted
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    before = counted(client.get(url))["rules"]
    with tenant_scope(org.kommune):
        refresh(org.kommune, committees=[org.amg], today=TODAY)
        with scopes_disabled():
            expected = Deadline.objects.filter(
                kommune=org.kommune, rule="committees.yearly_amo_discussion"
            ).count()
    after = counted(client.get(url))["rules"]
    assert after != before
    assert sum(after["committees.yearly_amo_discussion"].values()) == expected


def test_the_counts_follow_the_day(client, crafted, hr_a):
    """The status depends on the day: a deadline due in ten days is overdue eleven days later."""
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    with time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False):
        assert client.get(url).context["total"].counts[Status.OVERDUE] == 2
    with time_machine.travel(datetime.datetime(2026, 12, 3, 12, 0), tick=False):
        client.force_login(hr_a)  # eleven idle days end any session (SESSION_IDLE_TIMEOUT)
        assert client.get(url).context["total"].counts[Status.OVERDUE] == 3


def test_a_limited_hr_partner_never_gets_the_whole_kommunes_cached_counts(
    client, crafted, hr_a, hr_a_limited
):
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    assert "committees.yearly_amo_discussion" in counted(client.get(url))["rules"]
    client.force_login(hr_a_limited)
    assert set(counted(client.get(url))["rules"]) == {"training.amo_basic"}


@pytest.mark.django_db
def test_a_change_replaces_the_cache_token_at_once_and_again_at_commit(
    django_capture_on_commit_callbacks,
):
    """A value computed from the old rows while the changing transaction is still open is
    stored under the token replaced at commit, so it is never read after the commit."""
    kommune_cache = KommuneCache(10**9)
    assert kommune_cache.get_or_set(("n",), lambda: "before") == "before"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kommune_cache.clear()
    assert kommune_cache.get_or_set(("n",), lambda: "old rows, open transaction") == (
        "old rows, open transaction"
    )
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    assert kommune_cache.get_or_set(("n",), lambda: "after commit") == "after commit"


def test_marking_done_by_hand_creates_the_next_cycle(client, org_a, hr_a):
    from deadlines.engine import refresh

    with tenant_scope(org_a.kommune):
        refresh(org_a.kommune, committees=[org_a.amg], today=TODAY)
        first = Deadline.objects.get(rule="committees.yearly_amo_discussion", committee=org_a.amg)
    client.force_login(hr_a)
    response = client.post(
        reverse("admin:deadlines_deadline_changelist"),
        {
            "action": "mark_done",
            "_selected_action": [first.pk],
            "apply": "1",
            "done_on": "15.11.2026",
            "note": "Referat fra mødet 15. november",
        },
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        first.refresh_from_db()
        assert first.state == Deadline.State.DONE and first.manual
        assert first.history.latest().history_user == hr_a
        following = Deadline.objects.get(
            rule="committees.yearly_amo_discussion", committee=org_a.amg, state=Deadline.State.OPEN
        )
    assert following.due_date == datetime.date(2027, 11, 15)


def post_setting(client, **data):
    return client.post(reverse("admin:deadlines_rulesetting_add"), {"values": "{}", **data})


def test_a_statutory_rule_cannot_be_switched_off(client, org_a, hr_a):
    client.force_login(hr_a)
    response = post_setting(client, rule="training.amo_basic")  # enabled unchecked = off
    assert response.status_code == 200
    assert "enabled" in response.context["adminform"].form.errors
    with tenant_scope(org_a.kommune):
        assert not RuleSetting.objects.exists()


def test_a_local_number_cannot_go_below_the_law(client, org_a, hr_a):
    client.force_login(hr_a)
    response = post_setting(client, rule="training.amo_basic", enabled="on", values='{"months": 4}')
    errors = response.context["adminform"].form.errors["values"]
    assert "kan ikke være over 3" in " ".join(errors)


def test_a_local_rule_can_be_changed_and_switched_off(client, org_a, hr_a):
    from deadlines.engine import refresh

    client.force_login(hr_a)
    with tenant_scope(org_a.kommune):
        refresh(org_a.kommune, persons=[org_a.amr.person])
        talk = Deadline.objects.get(rule="committees.salary_talk", person=org_a.amr.person)
    assert talk.due_date == datetime.date(2027, 1, 1)
    response = post_setting(
        client, rule="committees.salary_talk", enabled="on", values='{"years": 1}'
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.due_date == datetime.date(2026, 1, 1)
    with tenant_scope(org_a.kommune):
        setting = RuleSetting.objects.get()
    response = client.post(
        reverse("admin:deadlines_rulesetting_change", args=[setting.pk]),
        {"rule": "committees.salary_talk", "values": '{"years": 1}'},
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.state == Deadline.State.CANCELLED


def test_the_printed_tables_are_kept_and_follow_the_counts(client, org_a, hr_a):
    """The tables' HTML is kept in the kommune cache with the counts: the numbers printed are
    the counts of the request, before and after a change."""
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")

    def printed(response) -> None:
        body = response.content.decode()
        for status, n in response.context["total"].cells():
            assert f'status={status}">{n}</a>' in body

    before = client.get(url)
    printed(before)
    assert client.get(url).context["tables"] == before.context["tables"]
    add_deadlines(org_a, 6)
    clear_kommune_caches([org_a.kommune.pk])
    after = client.get(url)
    printed(after)
    assert after.context["total"].total == before.context["total"].total + 6
