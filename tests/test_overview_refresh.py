"""The compliance overview is counted again right after a change commits (issue 15): the first
page after a change finds fresh counts instead of counting them itself, and it never finds
counts of the rows before the change."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import core.cache
from core.cache import KommuneCache, clear_kommune_caches
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from deadlines.overview import COMMITTEE_ROWS, counts, kommune_overview, overview_refresh


def add_deadlines(org, n: int) -> None:
    with tenant_scope(org.kommune):
        Deadline.objects.bulk_create(
            Deadline(
                kommune=org.kommune,
                rule="training.amo_basic",
                key=f"refresh-{i}",
                person=org.amr.person,
                unit=org.omraade,
                due_date=timezone.localdate() - datetime.timedelta(days=1),
            )
            for i in range(n)
        )


def deadline_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "deadlines_deadline" in q["sql"]]


@pytest.fixture
def heard(monkeypatch) -> list[int]:
    """The kommuner the after-commit hooks are called with (instead of the real ones)."""
    calls: list[int] = []
    monkeypatch.setattr(core.cache, "_clear_hooks", [calls.append])
    return calls


@pytest.mark.django_db
def test_it_tells_the_hooks_once_per_kommune_after_the_commit(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(3):  # a sync saving many units clears many times
            clear_kommune_caches([10**9, 10**9 + 1])
        assert heard == []  # not before the commit
    assert len(callbacks) == 2
    assert sorted(heard) == [10**9, 10**9 + 1]


@pytest.mark.django_db
def test_a_clear_in_a_rolled_back_savepoint_does_not_hide_a_later_one(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                KommuneCache(10**9).clear()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        KommuneCache(10**9).clear()
    assert heard == [10**9]


@pytest.mark.django_db
def test_a_rolled_back_change_tells_nobody(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        KommuneCache(10**9).clear()
    assert len(callbacks) == 1  # dropped by the rollback: never run
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_the_page_after_a_change_finds_the_new_counts_made_at_commit(
    client, org_a, hr_a, eager_celery
):
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    before = client.get(url).context["total"].total
    with transaction.atomic():  # committed for real: the recount runs after the commit
        add_deadlines(org_a, 4)
        clear_kommune_caches([org_a.kommune.pk])  # as the engine's bulk writes do
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert deadline_queries(queries) == []  # counted at commit, not by the page
    assert response.context["total"].total == before + 4


def test_a_page_before_the_recount_counts_for_itself(client, org_a, hr_a):
    """Without the recount (it has not run yet, or no worker is up) the page counts: the cached
    counts from before the change are never shown."""
    client.force_login(hr_a)
    url = reverse("admin:compliance_overview")
    before = client.get(url).context["total"].total
    add_deadlines(org_a, 3)
    clear_kommune_caches([org_a.kommune.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert deadline_queries(queries) != []
    assert response.context["total"].total == before + 3


def test_one_recount_serves_the_pages_and_the_dashboard(org_a):
    """The dashboard reads every committee, the pages the first COMMITTEE_ROWS: the recount
    after a change counts once for both, and the pages' rows are the dashboard's first ones."""
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as counting:
        overview_refresh(org_a.kommune.pk)
    assert len(deadline_queries(counting)) == 2  # one count
    with tenant_scope(org_a.kommune), CaptureQueriesContext(connection) as queries:
        every = kommune_overview(org_a.kommune.pk, today)
        page = kommune_overview(org_a.kommune.pk, today, committee_limit=COMMITTEE_ROWS)
    assert deadline_queries(queries) == []
    assert page.committees_with_deadlines == every.committees_with_deadlines
    assert page.total.counts == every.total.counts
    with tenant_scope(org_a.kommune):
        # The ranking is a total order: the first rows of every committee are the limit's.
        assert counts(today).first_committees(1) == counts(today, committee_limit=1)
        assert len(counts(today).by_committee) > 1


def test_the_rows_are_printed_with_a_link_per_count():
    from deadlines.overview import Row
    from deadlines.templatetags.overview_tags import overview_rows

    rows = [
        Row(7, "Børn & Unge", {"overdue": 2, "done": 1}),
        Row(None, "—", {"due_soon": 3}),
    ]
    html = overview_rows(rows, "/admin/deadlines/deadline/", "omraade", "none")
    assert html.startswith("<tr><td>Børn &amp; Unge</td>")
    assert (
        '<td><a href="/admin/deadlines/deadline/?omraade=7&amp;status=overdue">2</a></td>' in html
    )
    assert '<a href="/admin/deadlines/deadline/?omraade=none&amp;status=due_soon">3</a>' in html
    assert html.count("<td>0</td>") == 3 + 4  # the statuses without deadlines, no link


@pytest.mark.django_db(transaction=True)
def test_only_a_clear_inside_a_committed_transaction_tells_the_hooks(heard):
    """Outside a transaction the caller may clear before it writes (the engine's bulk writes
    do): a recount started then could count the rows before the change."""
    KommuneCache(10**9).clear()
    assert heard == []
    with transaction.atomic():
        KommuneCache(10**9).clear()
    assert heard == [10**9]
