"""The APV's phases and its deadline rules (apv/rules.py), each against its legal source, with
frozen time. Data is written through apv/services.py, which refreshes the deadlines at the frozen
"now"; a full evaluation afterwards must change nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apv import services
from apv.models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvMajorChange,
    ApvProblem,
    ApvSickness,
)
from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from organisations.models import Kommune, Person

from . import factories as f

REVISION = "apv.revision"
FOLLOW_UP = "apv.plan_follow_up"
ITEM = "apv.action_item"
# The rules this module proves (for tests/test_engine.py's coverage check).
COVERED = {REVISION, FOLLOW_UP, ITEM}

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
State = Deadline.State


def at(day: date):
    """Freeze the clock at noon (Copenhagen) of `day`: the services refresh as of that day."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


@dataclass
class World:
    kommune: Kommune
    amg: Committee
    leader: Person
    amr: Person


def build(established: date) -> World:
    k = f.kommune("apvkommune")
    with tenant_scope(k):
        hoved = f.committee(k, "HovedMED", Committee.Kind.HOVEDMED, established_on=established)
        workplace = f.unit(k, "Skolen")
        amg = f.committee(
            k,
            "AMG Skolen",
            Committee.Kind.AMG,
            parent=hoved,
            units=[workplace],
            established_on=established,
        )
        leader = f.person(k, "Lis", "Leder", unit=workplace)
        amr = f.person(k, "Arne", "Amr", unit=workplace)
        f.membership(leader, amg, Membership.Role.LEDER, start=established)
        f.membership(amr, amg, Membership.Role.AMR, start=established)
    return World(k, amg, leader, amr)


@pytest.fixture
def w(db):
    with at(date(2024, 11, 30)):
        world = build(date(2024, 11, 30))
        with tenant_scope(world.kommune):
            yield world


def rows(code: str) -> dict[str, Deadline]:
    return {r.key: r for r in Deadline.objects.filter(rule=code).exclude(state=State.CANCELLED)}


def full_evaluation_changes_nothing(w: World, day: date) -> None:
    rules = [registry.get(code) for code in sorted(COVERED)]
    assert evaluate(Context(w.kommune, day), rules=rules).changed == 0


def adopt(w: World, day: date, *, problem_level=(1, 1)) -> ApvCycle:
    """Run one APV through phases 1–3 on `day` (checklist, one problem, sygefravær, plan)."""
    with at(day):
        cycle = services.apv_cycle_start(committee=w.amg)
        items = list(cycle.items.order_by("order"))
        for item in items[1:]:
            services.apv_item_assess(item, finding=ApvCycleItem.Finding.OK)
        services.apv_item_assess(items[0], finding=ApvCycleItem.Finding.PROBLEM, note="Støj")
        problem = services.apv_problem_save(
            ApvProblem(
                kommune=w.kommune,
                cycle=cycle,
                area=items[0].area,
                title="Støj i klasselokaler",
                likelihood=problem_level[0],
                consequence=problem_level[1],
            )
        )
        services.apv_cycle_advance(cycle)
        services.apv_sickness_save(
            ApvSickness(
                kommune=w.kommune,
                cycle=cycle,
                period_start=date(day.year - 1, 1, 1),
                period_end=date(day.year - 1, 12, 31),
                days=Decimal("310.5"),
                rate=Decimal("4.20"),
            )
        )
        services.apv_cycle_advance(cycle)
        services.action_item_save(
            ApvActionItem(
                kommune=w.kommune,
                cycle=cycle,
                assessment=problem,
                problem="Støj",
                cause="Hårde flader",
                measure="Lydabsorbenter",
                owner=w.leader,
                due_on=day + datetime.timedelta(days=60),
            )
        )
        services.apv_cycle_advance(cycle)
    cycle.refresh_from_db()
    return cycle


# --- the four phases -----------------------------------------------------------------------------


def test_it_moves_through_the_four_phases_only_when_each_is_done(w):
    """Seed 003: the APV process has 4 phases — kortlæg og risikovurdér, inddrag sygefravær,
    skriftlig handlingsplan, gennemfør og følg op; BEK § 2: the APV is written."""
    with at(date(2025, 1, 10)):
        cycle = services.apv_cycle_start(committee=w.amg)
        assert cycle.phase == ApvCycle.Phase.KORTLAEGNING
        assert cycle.items.count() > 10  # the default checklist was copied
        assert set(cycle.items.values_list("area", flat=True)) == {
            "fysisk",
            "ergonomisk",
            "kemisk",
            "biologisk",
            "psykisk",
            "ulykker",
        }
        with pytest.raises(ValidationError, match="Vurdér alle punkter"):
            services.apv_cycle_advance(cycle)
        first, *rest = cycle.items.order_by("order")
        for item in rest:
            services.apv_item_assess(item, finding=ApvCycleItem.Finding.OK)
        services.apv_item_assess(first, finding=ApvCycleItem.Finding.PROBLEM)
        with pytest.raises(ValidationError, match="risikovurdér"):
            services.apv_cycle_advance(cycle)
        problem = services.apv_problem_save(
            ApvProblem(
                kommune=w.kommune,
                cycle=cycle,
                area=first.area,
                title="Tunge løft",
                likelihood=3,
                consequence=4,
            )
        )
        assert (problem.score, problem.level) == (12, ApvProblem.Level.HIGH)
        services.apv_cycle_advance(cycle)
        with pytest.raises(ValidationError, match="sygefraværet"):
            services.apv_cycle_advance(cycle)
        services.apv_sickness_save(
            ApvSickness(
                kommune=w.kommune,
                cycle=cycle,
                period_start=date(2024, 1, 1),
                period_end=date(2024, 12, 31),
                days=Decimal(120),
                rate=Decimal("5.1"),
            )
        )
        services.apv_cycle_advance(cycle)
        with pytest.raises(ValidationError, match="Tunge løft"):
            services.apv_cycle_advance(cycle)  # a high risk without a line in the plan
        services.action_item_save(
            ApvActionItem(
                kommune=w.kommune,
                cycle=cycle,
                assessment=problem,
                problem="Tunge løft",
                measure="Løftehjælpemidler",
                owner=w.leader,
                due_on=date(2025, 3, 1),
            )
        )
        services.apv_cycle_advance(cycle)
        cycle.refresh_from_db()
        assert cycle.phase == ApvCycle.Phase.OPFOELGNING
        assert (cycle.mapped_on, cycle.sickness_on, cycle.plan_adopted_on) == (
            date(2025, 1, 10),
            date(2025, 1, 10),
            date(2025, 1, 10),
        )
        with pytest.raises(ValidationError, match="sidste fase"):
            services.apv_cycle_advance(cycle)
        # The adopted APV does not block the next one.
        assert services.apv_cycle_start(committee=w.amg).pk != cycle.pk


def test_it_refuses_a_second_running_apv_and_a_non_amg(w):
    with at(date(2025, 1, 10)):
        services.apv_cycle_start(committee=w.amg)
        with pytest.raises(ValidationError, match="allerede en APV i gang"):
            services.apv_cycle_start(committee=w.amg)
        with pytest.raises(ValidationError, match="arbejdsmiljøgruppe"):
            services.apv_cycle_start(committee=w.amg.parent)


def test_risk_levels_of_the_5_by_5_matrix():
    """Likelihood × consequence, 1–5 each: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical."""
    from apv.models import risk_level

    assert [risk_level(s) for s in (1, 4, 5, 9, 10, 16, 20, 25)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "critical",
        "critical",
    ]


# --- the revision deadline -----------------------------------------------------------------------


def test_a_new_amg_gets_its_first_apv_due_3_months_after_establishment(w):
    """AML § 15 a: an APV must exist and be revised on changes; a new group's area counts as
    changed: due 3 months (local, at most 12) after establishment — 30 Nov + 3 = 28 Feb."""
    row = rows(REVISION)[f"c{w.amg.pk}#1"]
    assert (row.due_date, row.state, row.committee_id) == (date(2025, 2, 28), State.OPEN, w.amg.pk)
    assert row.unit_id is not None


@pytest.mark.parametrize(
    ("adopted_on", "next_due"),
    [
        (date(2025, 2, 10), date(2028, 2, 10)),
        (date(2025, 8, 31), date(2028, 8, 31)),
        (date(2026, 2, 28), date(2029, 2, 28)),
    ],
)
def test_the_apv_is_revised_at_least_every_3_years(w, adopted_on, next_due):
    """AML § 15 a; BEK om systematisk arbejdsmiljøarbejde § 2: "mindst hvert tredje år". The
    written handlingsplan fulfils the duty; the next one is due 36 calendar months later."""
    cycle = adopt(w, adopted_on)
    found = rows(REVISION)
    done = found[f"c{w.amg.pk}#1"]
    assert (done.state, done.done_on, done.fulfilled_by) == (State.DONE, adopted_on, cycle)
    assert found[f"c{w.amg.pk}#2"].due_date == next_due
    assert found[f"c{w.amg.pk}#2"].state == State.OPEN
    full_evaluation_changes_nothing(w, adopted_on)


def test_the_three_years_of_29_february_end_on_28_february():
    """Danske Lov 5-1-4 practice: 36 months from 29 February 2024 end on 28 February 2027."""
    from apv.rules import revision_due

    due = revision_due(
        established_on=date(2020, 1, 1),
        previous=date(2024, 2, 29),
        changes=[],
        months=36,
        change_months=3,
    )
    assert due == date(2027, 2, 28)


def test_a_major_change_brings_the_next_apv_forward(w):
    """AML § 15 a: the APV is revised when changes in the work, its methods or premises matter
    for safety and health — due 3 months (local) after the change, if that is sooner."""
    adopt(w, date(2025, 2, 10))
    with at(date(2025, 11, 30)):
        services.apv_major_change_save(
            ApvMajorChange(
                kommune=w.kommune,
                committee=w.amg,
                changed_on=date(2025, 11, 30),
                description="Flytning til ny bygning",
            )
        )
    assert rows(REVISION)[f"c{w.amg.pk}#2"].due_date == date(2026, 2, 28)
    full_evaluation_changes_nothing(w, date(2025, 11, 30))


def test_a_change_before_the_last_apv_is_already_covered(w):
    """A change made before the last written APV was adopted is part of that APV."""
    with at(date(2025, 1, 5)):
        services.apv_major_change_save(
            ApvMajorChange(
                kommune=w.kommune,
                committee=w.amg,
                changed_on=date(2025, 1, 5),
                description="Ny leder",
            )
        )
    assert rows(REVISION)[f"c{w.amg.pk}#1"].due_date == date(2025, 2, 28)  # min(est., change)
    adopt(w, date(2025, 2, 10))
    assert rows(REVISION)[f"c{w.amg.pk}#2"].due_date == date(2028, 2, 10)


def test_the_interval_is_a_local_number_never_beyond_the_law(w):
    """The kommune may revise more often (24 months), never less often than every 36."""
    from deadlines.models import RuleSetting
    from deadlines.services import rule_setting_save

    adopt(w, date(2025, 2, 10))
    with at(date(2025, 3, 1)):
        rule_setting_save(RuleSetting(kommune=w.kommune, rule=REVISION, values={"months": 24}))
    assert rows(REVISION)[f"c{w.amg.pk}#2"].due_date == date(2027, 2, 10)
    with pytest.raises(ValidationError):
        registry.get(REVISION).parameters[0].validate(48)


def test_a_closed_group_has_no_apv_duty(w):
    from committees.services import committee_save

    with at(date(2025, 1, 5)):
        w.amg.closed_on = date(2025, 1, 5)
        committee_save(w.amg)
    assert rows(REVISION) == {}


# --- yearly follow-up ----------------------------------------------------------------------------


def test_the_handlingsplan_is_followed_up_every_year(w):
    """Seed 002 (Aabenraa § 4 stk. 4): "APV på alle arbejdspladser med årlig opfølgning"; the
    follow-up is due 12 months after the plan was adopted, then 12 months after the last one."""
    cycle = adopt(w, date(2025, 2, 10))
    assert rows(FOLLOW_UP)[f"c{w.amg.pk}:a{cycle.pk}#1"].due_date == date(2026, 2, 10)
    with at(date(2026, 1, 31)):
        with pytest.raises(ValidationError):
            services.apv_follow_up_record(cycle, held_on=date(2026, 1, 31), note=" ")
        follow_up = services.apv_follow_up_record(
            cycle, held_on=date(2026, 1, 31), note="Lydabsorbenter sat op; ny måling i foråret."
        )
    found = rows(FOLLOW_UP)
    first = found[f"c{w.amg.pk}:a{cycle.pk}#1"]
    assert (first.state, first.fulfilled_by) == (State.DONE, follow_up)
    assert found[f"c{w.amg.pk}:a{cycle.pk}#2"].due_date == date(2027, 1, 31)
    full_evaluation_changes_nothing(w, date(2026, 1, 31))


def test_a_new_apv_replaces_the_old_plans_follow_up(w):
    old = adopt(w, date(2025, 2, 10))
    new = adopt(w, date(2025, 12, 1))
    found = rows(FOLLOW_UP)
    assert f"c{w.amg.pk}:a{old.pk}#1" not in found  # lapsed
    assert found[f"c{w.amg.pk}:a{new.pk}#1"].due_date == date(2026, 12, 1)


def test_the_follow_up_is_a_local_rule_the_kommune_may_switch_off(w):
    from deadlines.models import RuleSetting
    from deadlines.services import rule_setting_save

    assert registry.get(FOLLOW_UP).statutory is False
    adopt(w, date(2025, 2, 10))
    with at(date(2025, 3, 1)):
        rule_setting_save(RuleSetting(kommune=w.kommune, rule=FOLLOW_UP, enabled=False))
    assert rows(FOLLOW_UP) == {}


# --- the handlingsplan items ---------------------------------------------------------------------


def test_each_line_of_the_handlingsplan_is_a_deadline_of_its_owner(w):
    """BEK § 2; seed 003 (fase 3–4): each line says who solves it and when; closing it fulfils
    the deadline; reopening it opens the deadline again."""
    cycle = adopt(w, date(2025, 2, 10))
    item = cycle.action_items.get()
    key = f"c{w.amg.pk}:i{item.pk}"
    row = rows(ITEM)[key]
    assert (row.person_id, row.committee_id, row.due_date, row.state) == (
        w.leader.pk,
        w.amg.pk,
        date(2025, 4, 11),
        State.OPEN,
    )
    assert row.title == "APV-handlingsplan: Støj"

    with at(date(2025, 4, 1)):
        with pytest.raises(ValidationError, match="Beskriv hvad der er gjort"):
            services.action_item_update(item, status=ApvActionItem.Status.DONE, follow_up="")
        services.action_item_update(
            item, status=ApvActionItem.Status.DONE, follow_up="Opsat 28. marts."
        )
    row.refresh_from_db()
    assert (row.state, row.done_on, row.fulfilled_by) == (State.DONE, date(2025, 4, 1), item)

    with at(date(2025, 4, 2)):
        services.action_item_update(
            item, status=ApvActionItem.Status.IN_PROGRESS, follow_up="Mangler et lokale."
        )
    row.refresh_from_db()
    assert (row.state, row.done_on) == (State.OPEN, None)
    item.refresh_from_db()
    assert item.closed_on is None
    full_evaluation_changes_nothing(w, date(2025, 4, 2))


def test_moving_the_due_date_or_the_owner_moves_the_deadline(w):
    cycle = adopt(w, date(2025, 2, 10))
    item = cycle.action_items.get()
    with at(date(2025, 2, 20)):
        item.due_on = date(2025, 6, 30)
        item.owner = w.amr
        services.action_item_save(item)
    row = rows(ITEM)[f"c{w.amg.pk}:i{item.pk}"]
    assert (row.due_date, row.person_id) == (date(2025, 6, 30), w.amr.pk)


def test_a_plan_line_must_point_to_a_risk_assessment_of_its_own_apv(w):
    first = adopt(w, date(2025, 2, 10))
    other_problem = first.problems.get()
    with at(date(2025, 3, 1)):
        second = services.apv_cycle_start(committee=w.amg)
        with pytest.raises(ValidationError) as excinfo:
            services.action_item_save(
                ApvActionItem(
                    kommune=w.kommune,
                    cycle=second,
                    assessment=other_problem,
                    problem="X",
                    measure="Y",
                    owner=w.leader,
                    due_on=date(2025, 5, 1),
                )
            )
    assert "assessment" in excinfo.value.message_dict
