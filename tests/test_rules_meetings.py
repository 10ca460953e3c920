"""The meeting rules (meetings/rules.py) against their source, with frozen time: the minimum
number of meetings a year and next year's meeting plan (seed 003, KommuneMED's
forretningsorden), the agenda dispatch and the referat's follow-up actions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from committees.models import Committee
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline, RuleSetting
from meetings import services
from meetings.models import MeetingPlan, Procedure

from . import factories as f
from .samples_meetings import at

MINIMUM = "meetings.minimum_per_year"
PLAN = "meetings.next_year_plan"
DISPATCH = "meetings.agenda_dispatch"
ACTION = "meetings.action_follow_up"
# The formøde rule is proven in tests/test_formoede.py.
FORMOEDE = "meetings.formoede"
# The rules this module and its sibling meeting tests prove (for the engine's coverage test).
COVERED = {MINIMUM, PLAN, DISPATCH, ACTION, FORMOEDE}


@pytest.fixture
def k(db):
    with at(date(2025, 1, 1)):
        kommune = f.kommune("moedekommune")
        with tenant_scope(kommune):
            hoved = f.committee(
                kommune, "KommuneMED", Committee.Kind.HOVEDMED, established_on=date(2024, 1, 1)
            )
            lokal = f.committee(
                kommune,
                "ArbejdspladsMED",
                Committee.Kind.LOKALMED,
                parent=hoved,
                established_on=date(2024, 1, 1),
            )
            kommune.hoved, kommune.lokal = hoved, lokal
            yield kommune


def run(k, day, *codes):
    return evaluate(Context(k, day), rules=[registry.get(c) for c in codes])


def rows(code, committee):
    return {
        d.key: d for d in Deadline.objects.filter(rule=code, committee=committee).order_by("key")
    }


def meetings(committee, *days, cancelled=()):
    for day in days:
        meeting = services.meeting_create(committee=committee, date=day)
        if day in cancelled:
            services.meeting_cancel(meeting)


def test_it_covers_the_meeting_rules():
    codes = {r.code for r in registry.all() if r.code.startswith("meetings.")}
    assert codes == COVERED
    for code in COVERED:
        rule = registry.get(code)
        assert rule.source_for() and rule.title and rule.what_to_do


def test_kommunemed_meets_at_least_five_times_a_year(k):
    """Seed 003, KommuneMED's forretningsorden: "dog mindst fem gange om året". Due at the end
    of the year, done on the day the fifth meeting was held; cancelled meetings do not count;
    committees without a minimum have no such duty."""
    days = [date(2025, 2, 10), date(2025, 4, 7), date(2025, 6, 2), date(2025, 9, 8)]
    meetings(k.hoved, *days, date(2025, 12, 8), date(2025, 11, 3), cancelled=[date(2025, 11, 3)])
    run(k, date(2025, 6, 30), MINIMUM)
    row = rows(MINIMUM, k.hoved)[f"c{k.hoved.pk}:2025"]
    assert row.due_date == date(2025, 12, 31) and row.state == "open"
    assert row.title == "Mindst 5 møder i 2025"
    assert row.params == {"count": 5, "year": 2025}
    assert not rows(MINIMUM, k.lokal)
    # Not before the fifth meeting is held: 8 December.
    run(k, date(2025, 12, 7), MINIMUM)
    assert rows(MINIMUM, k.hoved)[f"c{k.hoved.pk}:2025"].state == "open"
    run(k, date(2025, 12, 8), MINIMUM)
    row = rows(MINIMUM, k.hoved)[f"c{k.hoved.pk}:2025"]
    assert (row.state, row.done_on) == ("done", date(2025, 12, 8))
    # A new year brings its own duty; last year's stays done.
    run(k, date(2026, 1, 2), MINIMUM)
    found = rows(MINIMUM, k.hoved)
    assert found[f"c{k.hoved.pk}:2026"].state == "open"
    assert found[f"c{k.hoved.pk}:2025"].state == "done"


def test_the_minimum_is_local_and_overdue_after_new_year(k):
    with tenant_scope(k):
        RuleSetting.objects.create(kommune=k, rule=MINIMUM, values={"hovedmed_minimum": 2})
        services.procedure_save(Procedure(kommune=k, committee=k.lokal, meetings_per_year=3))
        meetings(k.hoved, date(2025, 3, 3), date(2025, 5, 5))
        meetings(k.lokal, date(2025, 3, 4), date(2025, 5, 6))
    run(k, date(2026, 1, 10), MINIMUM)
    assert rows(MINIMUM, k.hoved)[f"c{k.hoved.pk}:2025"].state == "done"
    short = rows(MINIMUM, k.lokal)[f"c{k.lokal.pk}:2025"]
    assert short.state == "open" and short.status_on(date(2026, 1, 10)) == "overdue"


def test_next_years_plan_is_due_by_december(k):
    """Seed 003: "der udarbejdes mødeplan for året senest i december måned": the plan for 2026
    is due 31 December 2025 and fulfilled by adopting the årshjul with at least the minimum."""
    run(k, date(2025, 11, 15), PLAN)
    found = rows(PLAN, k.hoved)
    plan_2026 = found[f"c{k.hoved.pk}:plan2026"]
    assert plan_2026.due_date == date(2025, 12, 31) and plan_2026.state == "open"
    assert plan_2026.title == "Mødeplan for 2026"
    assert found[f"c{k.hoved.pk}:plan2025"].due_date == date(2024, 12, 31)
    assert not rows(PLAN, k.lokal)  # an ArbejdspladsMED decides itself (seed 003)
    with at(date(2025, 12, 10)), tenant_scope(k):
        meetings(k.hoved, date(2026, 2, 9), date(2026, 4, 13), date(2026, 6, 8))
        with pytest.raises(ValidationError) as error:
            services.plan_adopt(k.hoved, year=2026)
        assert "mindst 5" in str(error.value)
        meetings(k.hoved, date(2026, 9, 14), date(2026, 12, 7))
        plan = services.plan_adopt(k.hoved, year=2026)
        row = rows(PLAN, k.hoved)[f"c{k.hoved.pk}:plan2026"]
        assert (row.state, row.done_on) == ("done", date(2025, 12, 10))
        assert row.fulfilled_by == plan
        with pytest.raises(ValidationError):
            services.plan_adopt(k.hoved, year=2026)
    # 1 January: the 2025 plan was never adopted — overdue; 2027's is due next December.
    run(k, date(2026, 1, 1), PLAN)
    found = rows(PLAN, k.hoved)
    assert found[f"c{k.hoved.pk}:plan2027"].due_date == date(2026, 12, 31)
    assert f"c{k.hoved.pk}:plan2025" in found


def test_the_plan_month_is_a_local_number(k):
    with tenant_scope(k):
        RuleSetting.objects.create(kommune=k, rule=PLAN, values={"month": 10})
        services.procedure_save(Procedure(kommune=k, committee=k.lokal, plan_required=True))
    run(k, date(2025, 11, 15), PLAN)
    assert rows(PLAN, k.hoved)[f"c{k.hoved.pk}:plan2026"].due_date == date(2025, 10, 31)
    assert rows(PLAN, k.lokal)[f"c{k.lokal.pk}:plan2026"].due_date == date(2025, 10, 31)
    with tenant_scope(k):
        MeetingPlan.objects.create(kommune=k, committee=k.lokal, year=2026)  # not adopted
    run(k, date(2025, 11, 15), PLAN)
    assert rows(PLAN, k.lokal)[f"c{k.lokal.pk}:plan2026"].state == "open"


def test_the_rules_evaluate_with_flat_queries(k):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        run(k, date(2025, 6, 1), *COVERED)
        with CaptureQueriesContext(connection) as ctx:
            run(k, date(2025, 6, 1), *COVERED)
        return len(ctx)

    with tenant_scope(k):
        meetings(k.hoved, date(2025, 2, 3))
        small = measure()
        for index in range(10):
            committee = f.committee(k, f"AMG {index}", Committee.Kind.AMG, parent=k.lokal)
            services.procedure_save(Procedure(kommune=k, committee=committee, meetings_per_year=4))
            meetings(committee, date(2025, 3, 3), date(2025, 9, 1))
        assert measure() == small
