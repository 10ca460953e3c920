"""The deadline engine (deadlines/engine.py, deadlines/dates.py): completions fulfil at once,
manual registrations survive, evaluation is idempotent, local rules per kommune, a query count
that does not grow with the kommune, and incremental refreshes that always equal a full
evaluation (randomized)."""

from __future__ import annotations

import datetime
import importlib
import random
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from committees.models import AmoProposal, Committee, Membership, ObligationWaiver
from committees.services import (
    committee_save,
    membership_save,
    obligation_waive,
    obligation_waiver_withdraw,
    proposal_save,
)
from committees.tenure import Seat, tenure_start
from core.tenancy import tenant_scope
from deadlines.dates import add_months, add_years
from deadlines.engine import Context, Param, Result, evaluate, evaluate_all, refresh, registry
from deadlines.models import Deadline, RuleSetting
from deadlines.services import deadline_mark_done, deadline_reopen, rule_setting_save
from organisations.models import Kommune, Person
from organisations.services import person_save
from training.models import Completion, CourseKind, CourseType
from training.services import completion_delete, completion_record

from . import factories as f

Role = Membership.Role
State = Deadline.State
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")

BASIC = "training.amo_basic"
FIRST = "training.amo_supplementary_first"
YEARLY = "training.amo_supplementary_yearly"
MED = "training.med_course"
SALARY = "committees.salary_talk"
AMR_TERM = "committees.amr_term_end"


def at(day: date):
    """Freeze the clock at noon (Copenhagen) of `day`: the services refresh as of that day."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


def covered_rules() -> set[str]:
    """The rule codes the rule test modules (tests/test_rules_<app>.py, a COVERED set) prove."""
    covered = set()
    for path in sorted(Path(__file__).parent.glob("test_rules_*.py")):
        covered |= importlib.import_module(f"tests.{path.stem}").COVERED
    return covered


def test_it_covers_every_registered_rule():
    """Every rule registered in the engine is proven by a rule test module: an app that adds
    rules adds tests/test_rules_<app>.py with its COVERED codes."""
    assert {"training.amo_basic", "committees.amr_term_end"} <= covered_rules()
    assert sorted({rule.code for rule in registry.all()} - covered_rules()) == []
    assert sorted(covered_rules() - {rule.code for rule in registry.all()}) == []
    for rule in registry.all():
        assert rule.source_for() and rule.title and rule.what_to_do, rule.code
        for param in rule.parameters:
            param.validate(param.default)  # every default lies within the law's bounds


# --- calendar arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2027, 1, 1), -6, date(2026, 7, 1)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_add_months_counts_calendar_months_clamped_to_the_month_end(day, months, expected):
    """Danske Lov 5-1-4 practice: a period of months ends on the same day number, or on the
    last day of a month without it (the law's "within 3 months", "every 12 months")."""
    assert add_months(day, months) == expected


def test_add_years_of_29_february():
    """A period of years from 29 February ends on 28 February in a common year."""
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def seat_of(start, ended=None, left=None, closed=None) -> Seat:
    return Seat(
        1, 1, 1, "amg", "amr", "medarbejder", "elected", start, None, ended, None, left, closed
    )


def test_tenure_start_joins_seats_without_a_gap():
    """AML § 9 / seed 003 count from joining the AMO/MED: a re-election that starts on the day
    the old seat ended, or the day after, continues the tenure; a longer break starts a new one;
    a seat that ended, a person who left or a closed committee ends it."""
    d = date
    chain = [seat_of(d(2023, 1, 1), ended=d(2025, 1, 1)), seat_of(d(2025, 1, 1))]
    assert tenure_start(chain, d(2025, 6, 1)) == d(2023, 1, 1)
    next_day = [seat_of(d(2023, 1, 1), ended=d(2024, 12, 31)), seat_of(d(2025, 1, 1))]
    assert tenure_start(next_day, d(2025, 6, 1)) == d(2023, 1, 1)
    gap = [seat_of(d(2023, 1, 1), ended=d(2024, 12, 30)), seat_of(d(2025, 1, 1))]
    assert tenure_start(gap, d(2025, 6, 1)) == d(2025, 1, 1)
    overlapping = [seat_of(d(2023, 1, 1)), seat_of(d(2024, 1, 1), closed=d(2024, 6, 1))]
    assert tenure_start(overlapping, d(2025, 6, 1)) == d(2023, 1, 1)
    assert tenure_start([seat_of(d(2023, 1, 1), left=d(2025, 6, 1))], d(2025, 6, 1)) is None
    assert tenure_start([seat_of(d(2025, 7, 1))], d(2025, 6, 1)) is None
    assert tenure_start([], d(2025, 6, 1)) is None


# --- a small organisation -----------------------------------------------------------------------


@dataclass
class World:
    kommune: Kommune
    hoved: Committee
    afd: Committee
    committees: list[Committee]
    people: list[Person]
    courses: dict[str, CourseType]
    log: list[str] = field(default_factory=list)


def build_world(k: Kommune, size: int = 1) -> World:
    """A HovedMED, an AfdelingsMED and `size` workplaces, each with a LokalMED, a personalemøde,
    an AMG and a TRIO, a leader, an AMR, a TR and a MED member; completions, a waiver, a proposal.
    Call with a frozen clock and inside the kommune's scope."""
    est = {"established_on": date(2023, 1, 1)}
    hoved = f.committee(k, "HovedMED", Committee.Kind.HOVEDMED, **est)
    afd = f.committee(k, "AfdelingsMED", Committee.Kind.AFDELINGSMED, parent=hoved, **est)
    courses = {
        kind: CourseType.objects.create(kommune=k, name=str(label), kind=kind, hours=22)
        for kind, label in CourseKind.choices
    }
    world = World(k, hoved, afd, [hoved, afd], [], courses)
    for i in range(size):
        wp = f.unit(k, f"Arbejdsplads {i}", headcount=30)
        lokal = f.committee(k, f"LokalMED {i}", Committee.Kind.LOKALMED, parent=afd, units=[wp])
        pm = f.committee(
            k, f"Personalemøde {i}", Committee.Kind.PERSONALEMOEDE, parent=afd, units=[wp]
        )
        amg = f.committee(k, f"AMG {i}", Committee.Kind.AMG, parent=lokal, units=[wp], **est)
        trio = f.committee(k, f"TRIO {i}", Committee.Kind.TRIO, parent=amg, units=[wp])
        world.committees += [lokal, pm, amg, trio]
        leader, amr, tr, member = (f.person(k, n, unit=wp) for n in ("Lis", "Arne", "Tove", "Mo"))
        world.people += [leader, amr, tr, member]
        f.membership(leader, amg, Role.LEDER, start=date(2023, 2, 1))
        f.membership(leader, lokal, Role.FORMAND, start=date(2023, 2, 1), side="ledelse")
        f.membership(amr, amg, Role.AMR, start=date(2024, 11, 30))
        f.membership(tr, pm, Role.TR, start=date(2025, 8, 31))
        f.membership(tr, trio, Role.TR, start=date(2025, 8, 31))
        f.membership(member, lokal, Role.MEDARBEJDERREPRAESENTANT, start=date(2024, 2, 29))
        completion_record(
            person=leader, course_type=courses[CourseKind.AMO_BASIC], completed_on=date(2023, 3, 1)
        )
        completion_record(
            person=tr, course_type=courses[CourseKind.MED], completed_on=date(2025, 1, 10)
        )
        proposal_save(
            AmoProposal(
                kommune=k,
                committee=amg,
                title=f"Forslag {i}",
                submitted_on=date(2025, 10, 1),
                outcome=AmoProposal.Outcome.NOT_FOLLOWED,
            )
        )
    rep = f.person(k, "Hanne", unit=None)
    world.people.append(rep)
    f.membership(rep, hoved, Role.MEDARBEJDERREPRAESENTANT, start=date(2023, 1, 1))
    f.membership(rep, afd, Role.AMR, start=date(2023, 1, 1))
    obligation_waive(committee=hoved, obligation="H", agreed_on=date(2024, 1, 1), decision="Enige")
    return world


TODAY = date(2026, 3, 16)


@pytest.fixture
def world(db):
    with at(TODAY):
        k = f.kommune("motorkommune")
        with tenant_scope(k):
            yield build_world(k)


def states(code: str, **filters) -> dict[str, str]:
    return {r.key: r.state for r in Deadline.objects.filter(rule=code, **filters)}


def snapshot() -> dict[tuple[str, str], tuple]:
    rows = Deadline.objects.values_list("rule", "key", "state", "due_date", "done_on")
    return {(rule, key): rest for rule, key, *rest in rows}


# --- completions, manual registrations, idempotence ----------------------------------------------


def test_a_completion_fulfils_its_deadline_at_once_and_deleting_it_reopens(world):
    """AML § 9: recording the 3-day course through the service marks the deadline done at once,
    linked to the Completion; deleting the completion reopens it."""
    amr = world.people[1]
    key = next(iter(states(BASIC, person=amr)))
    assert states(BASIC, person=amr) == {key: "open"}
    completion = completion_record(
        person=amr, course_type=world.courses[CourseKind.AMO_BASIC], completed_on=TODAY
    )
    row = Deadline.objects.get(rule=BASIC, key=key)
    assert (row.state, row.done_on, row.fulfilled_by, row.manual) == (
        "done",
        TODAY,
        completion,
        False,
    )
    assert row.history.count() == 2  # created open, then fulfilled: the change is recorded
    completion_delete(completion)
    row.refresh_from_db()
    assert (row.state, row.done_on, row.fulfilled_id) == ("open", None, None)
    assert not Completion.objects.filter(pk=completion.pk).exists()


def test_a_manually_marked_done_row_is_kept_by_reevaluation(world):
    """The engine keeps what a person registered by hand (manual=True) until it is reopened; a
    recorded completion later takes over as the fulfilment."""
    amr = world.people[1]
    row = Deadline.objects.get(rule=BASIC, person=amr)
    deadline_mark_done(row, done_on=date(2025, 2, 1), note="Kursusbevis fra tidligere job")
    row.refresh_from_db()
    assert (row.state, row.manual, row.done_on) == ("done", True, date(2025, 2, 1))
    assert evaluate(Context(world.kommune, TODAY)).changed == 0
    # Even when the rule moves the due date, the registration stays.
    rule_setting_save(RuleSetting(rule=BASIC, values={"months": 2}))
    row.refresh_from_db()
    assert (row.state, row.manual, row.due_date) == ("done", True, date(2025, 1, 30))
    deadline_reopen(row)
    row.refresh_from_db()
    assert (row.state, row.manual) == ("open", False)
    completion = completion_record(
        person=amr, course_type=world.courses[CourseKind.AMO_BASIC], completed_on=TODAY
    )
    row.refresh_from_db()
    assert (row.state, row.manual, row.fulfilled_by) == ("done", False, completion)


def test_evaluating_twice_writes_nothing_the_second_time(world):
    """The engine is idempotent: a second full evaluation changes nothing, also across
    kommuner (evaluate_all) and on a later day with no new duties."""
    other = f.kommune("anden")
    with tenant_scope(other):
        build_world(other, size=2)
    first = evaluate_all(TODAY)
    assert first.changed == 0  # the services already refreshed everything
    Deadline.objects.all().delete()
    assert evaluate(Context(world.kommune, TODAY)).created > 0
    assert evaluate(Context(world.kommune, TODAY)) == Result()
    assert evaluate_all(TODAY).changed == 0


def test_one_broken_kommune_does_not_stop_the_nightly_evaluation(world, monkeypatch):
    """The nightly full evaluation goes on past a kommune whose evaluation raises, evaluates the
    rest, and then fails the task so monitoring sees which kommune broke."""
    from deadlines import engine
    from deadlines.tasks import deadlines_evaluate_all

    broken = f.kommune("broken")
    real = engine.evaluate_kommune

    def evaluate_kommune(kommune, today=None):
        if kommune.pk == broken.pk:
            raise ValueError("bad data")
        return real(kommune, today)

    monkeypatch.setattr(engine, "evaluate_kommune", evaluate_kommune)
    Deadline.objects.all().delete()
    result = evaluate_all(TODAY)
    assert result.failed == [broken.name]
    assert result.created > 0  # the healthy kommune was evaluated
    with pytest.raises(RuntimeError, match=broken.name):
        deadlines_evaluate_all.run()


def test_refresh_touches_only_its_subjects_and_counts_what_it_wrote(world):
    """Result tells what an evaluation wrote; refresh() evaluates only the people/committees it
    is given: the nightly evaluation repairs what a write without the service missed."""
    amr, rep = world.people[1], world.people[-1]
    amr.left_on = TODAY
    amr.save()  # around the service: nothing refreshed yet
    before = snapshot()
    open_rows = Deadline.objects.filter(person=amr, state="open")
    # 3-day course, 2-day course, funktionsår 2, AMR election, salary talk
    expected = {BASIC, FIRST, YEARLY, AMR_TERM, SALARY}
    assert {row.rule for row in open_rows} >= expected
    assert refresh(world.kommune, persons=[amr]) == Result(cancelled=len(open_rows))
    after = snapshot()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {(row.rule, row.key) for row in open_rows}
    assert {after[key][0] for key in changed} == {"cancelled"}
    # A later day for one person: only that person's new duties (AfdelingsMED AMR since
    # 1.1.2023: funktionsår 5 starts 1.1.2027).
    result = refresh(world.kommune, persons=[rep], today=date(2027, 1, 1))
    new = set(snapshot()) - set(after)
    assert result == Result(created=len(new))
    assert (YEARLY, f"p{rep.pk}:2023-01-01#5") in new
    created = Deadline.objects.filter(key__in=[key for _rule, key in new])
    assert {row.person_id for row in created if (row.rule, row.key) in new} == {rep.pk}
    assert refresh(world.kommune) == Result()
    assert refresh(world.kommune, persons=[amr], committees=[world.hoved]) == Result()


# --- local rules per kommune (deadlines.models.RuleSetting) --------------------------------------


def test_a_local_rule_can_be_switched_off_and_on(world):
    """Seed 003's MED-uddannelse is the kommune's own rule (statutory=False): switching it off
    cancels its open deadlines and keeps the done ones; switching it on brings them back."""
    assert registry.get(MED).statutory is False
    before = states(MED)
    assert set(before.values()) == {"open", "done"}
    setting = rule_setting_save(RuleSetting(rule=MED, enabled=False))
    assert not Context(world.kommune, TODAY).enabled(registry.get(MED))
    after = states(MED)
    assert after == {k: ("done" if v == "done" else "cancelled") for k, v in before.items()}
    setting.enabled = True
    rule_setting_save(setting)
    assert states(MED) == before


def test_a_statutory_rule_cannot_be_switched_off(world):
    """AML § 9 is the law: a kommune's setting cannot switch the 3-day course off."""
    before = states(BASIC)
    rule_setting_save(RuleSetting(rule=BASIC, enabled=False))
    assert Context(world.kommune, TODAY).enabled(registry.get(BASIC)) is True
    assert states(BASIC) == before
    assert "open" in before.values()


def test_a_local_number_changes_the_due_date(world):
    """Seed 003 (salary talk "senest to år"), a local number of years: 3 instead of 2 moves the
    due date; AML § 9's 3 months may be made stricter (2)."""
    member = world.people[3]  # elected 29.2.2024
    row = Deadline.objects.get(rule=SALARY, person=member)
    assert row.due_date == date(2026, 2, 28)
    rule_setting_save(RuleSetting(rule=SALARY, values={"years": 3}))
    row.refresh_from_db()
    assert row.due_date == date(2027, 2, 28)
    amr = world.people[1]  # joined 30.11.2024
    rule_setting_save(RuleSetting(rule=BASIC, values={"months": 2}))
    assert Deadline.objects.get(rule=BASIC, person=amr).due_date == date(2025, 1, 30)


def test_param_validate_rejects_values_beyond_the_law():
    """AML § 9: "within 3 months" is the law's maximum; a kommune may be stricter, never weaker.
    The message is Danish."""
    months = next(p for p in registry.get(BASIC).parameters if p.name == "months")
    assert months.validate(2) == 2
    with pytest.raises(ValidationError) as error:
        months.validate(4)
    assert error.value.messages == ["Måneder efter indtræden kan ikke være over 3 (lovens krav)."]
    with pytest.raises(ValidationError) as error:
        months.validate(0)
    assert error.value.messages == ["Måneder efter indtræden kan ikke være under 1."]
    for wrong in ("3", 2.5, True, None):
        with pytest.raises(ValidationError) as error:
            months.validate(wrong)
        assert error.value.messages == ["Måneder efter indtræden skal være et helt tal."]
    days = Param("days", "Dage", 21, minimum=1, maximum=21)
    with pytest.raises(ValidationError):
        days.validate(22)


def test_a_stored_value_beyond_the_law_never_weakens_the_duty(world):
    """AML § 9: even a value stored around the admin's validation (an import, the shell) cannot
    make the 3-day course due later than 3 months: the engine clamps it to the law's bound."""
    RuleSetting.objects.create(kommune=world.kommune, rule=BASIC, values={"months": 6})
    RuleSetting.objects.create(kommune=world.kommune, rule=SALARY, values={"years": "tre"})
    ctx = Context(world.kommune, TODAY)
    assert ctx.param(registry.get(BASIC), "months") == 3
    assert ctx.param(registry.get(SALARY), "years") == 2
    assert evaluate(ctx).changed == 0


# --- query count ----------------------------------------------------------------------------------


def count_full_evaluation(k: Kommune) -> int:
    with tenant_scope(k), CaptureQueriesContext(connection) as queries:
        evaluate(Context(k, TODAY))
    return len(queries)


def test_the_full_evaluation_runs_the_same_number_of_queries_for_two_sizes(db):
    """DESIGN: "the deadline engine ... the whole country in well under a minute": a kommune's
    full evaluation (from an empty table, and again) runs a number of queries that does not grow
    with its size."""
    sizes = {}
    with at(TODAY):
        for code, size in (("lille", 2), ("stor", 6)):
            k = f.kommune(code)
            with tenant_scope(k):
                build_world(k, size=size)
                Deadline.objects.all().delete()
            sizes[code] = k
        count_full_evaluation(sizes["lille"])  # warm the content type cache
        with tenant_scope(sizes["lille"]):
            Deadline.objects.all().delete()
        fresh = {code: count_full_evaluation(k) for code, k in sizes.items()}
        again = {code: count_full_evaluation(k) for code, k in sizes.items()}
    with tenant_scope(sizes["lille"]):
        small_rows = Deadline.objects.count()
    with tenant_scope(sizes["stor"]):
        large_rows = Deadline.objects.count()
    assert large_rows > 2 * small_rows
    assert fresh["lille"] == fresh["stor"], fresh
    assert again["lille"] == again["stor"], again
    assert again["lille"] <= 1 + 3 * len(registry.all())  # a handful per rule


# --- randomized: incremental refresh == full evaluation -------------------------------------------


class _Rollback(Exception):
    def __init__(self, result: Result):
        self.result = result


def full_evaluation_would_change(k: Kommune) -> Result:
    """What a full evaluation would write now, without writing it."""
    try:
        with transaction.atomic():
            raise _Rollback(evaluate(Context(k, TODAY)))
    except _Rollback as rollback:
        return rollback.result


def rand_date(rnd: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rnd.randint(0, max((last - first).days, 0)))


def open_committees(w: World) -> list[Committee]:
    return [c for c in w.committees if c.closed_on is None]


def op_new_seat(rnd, w):
    people = [p for p in w.people if p.left_on is None] or w.people
    person, committee = rnd.choice(people), rnd.choice(open_committees(w))
    role = rnd.choice(Role.values)
    side = Membership.FIXED_SIDE.get(role) or rnd.choice(["ledelse", "medarbejder"])
    m = Membership(
        kommune=w.kommune,
        person=person,
        committee=committee,
        role=role,
        side=side,
        chosen=rnd.choice(Membership.Chosen.values),
        start_date=rand_date(rnd, date(2023, 1, 1), TODAY + timedelta(days=60)),
    )
    membership_save(m)
    return f"new seat {person} {role} in {committee} from {m.start_date}"


def op_end_seat(rnd, w):
    seats = list(Membership.objects.filter(ended_on__isnull=True).order_by("pk"))
    if not seats:
        return None
    m = rnd.choice(seats)
    m.ended_on = rand_date(rnd, m.start_date, TODAY + timedelta(days=60))
    membership_save(m)
    return f"seat {m.pk} of {m.person} ended {m.ended_on}"


def op_reelect(rnd, w):
    seats = list(
        Membership.objects.filter(committee__closed_on__isnull=True)
        .exclude(ended_on__isnull=True, term_end__isnull=True)
        .order_by("pk")
    )
    if not seats:
        return None
    m = rnd.choice(seats)
    end = m.ended_on or m.term_end
    if m.ended_on is None:
        m.ended_on = end
        membership_save(m)
    start = end + timedelta(days=rnd.choice([0, 0, 1, 2, 120]))
    new = Membership(
        kommune=w.kommune,
        person=m.person,
        committee=m.committee,
        role=m.role,
        side=m.side,
        chosen=m.chosen,
        start_date=start,
    )
    membership_save(new)
    return f"{m.person} re-elected as {m.role} in {m.committee} from {start} (old ended {end})"


def op_successor(rnd, w):
    seats = list(
        Membership.objects.filter(role=Role.AMR, committee__closed_on__isnull=True).order_by("pk")
    )
    people = [p for p in w.people if p.left_on is None]
    if not seats or not people:
        return None
    m, person = rnd.choice(seats), rnd.choice(people)
    term_end = m.term_end or TODAY
    # Mostly around the end of the term (an election), sometimes a by-election mid-term.
    first = m.start_date if rnd.random() < 0.2 else max(m.start_date, add_months(term_end, -7))
    start = rand_date(rnd, first, term_end + timedelta(days=30))
    if m.ended_on is None and rnd.random() < 0.7:
        m.ended_on = start
        membership_save(m)
    membership_save(
        Membership(
            kommune=w.kommune,
            person=person,
            committee=m.committee,
            role=Role.AMR,
            start_date=start,
            side="medarbejder",
        )
    )
    return f"{person} AMR in {m.committee} from {start} after {m.person} (ended {m.ended_on})"


def op_leave(rnd, w):
    people = [p for p in w.people if p.left_on is None]
    if not people:
        return None
    person = rnd.choice(people)
    person.left_on = rand_date(rnd, TODAY - timedelta(days=400), TODAY + timedelta(days=30))
    person_save(person)
    return f"{person} left {person.left_on}"


def op_complete(rnd, w):
    person, kind = rnd.choice(w.people), rnd.choice(list(w.courses))
    on = rand_date(rnd, date(2022, 6, 1), TODAY)
    completion_record(person=person, course_type=w.courses[kind], completed_on=on)
    return f"{person} completed {kind} on {on}"


def op_delete_completion(rnd, w):
    completions = list(Completion.objects.order_by("pk"))
    if not completions:
        return None
    completion = rnd.choice(completions)
    completion_delete(completion)
    return f"deleted completion {completion.pk} of {completion.person}"


def op_close(rnd, w):
    if rnd.random() < 0.5:  # not too often: the world would empty out
        return None
    committee = rnd.choice(open_committees(w))
    committee.closed_on = rand_date(rnd, TODAY - timedelta(days=300), TODAY)
    committee_save(committee)
    return f"closed {committee} on {committee.closed_on}"


def op_waive(rnd, w):
    if w.hoved.closed_on:
        return None
    letter = rnd.choice("AHI")
    agreed = rand_date(rnd, date(2023, 1, 1), TODAY + timedelta(days=10))
    obligation_waive(committee=w.hoved, obligation=letter, agreed_on=agreed, decision="Enige")
    return f"waived {letter} from {agreed}"


def op_withdraw(rnd, w):
    waivers = list(ObligationWaiver.objects.filter(withdrawn_on__isnull=True).order_by("pk"))
    waivers = [x for x in waivers if x.agreed_on <= TODAY]
    if not waivers:
        return None
    waiver = rnd.choice(waivers)
    on = rand_date(rnd, waiver.agreed_on, TODAY)
    obligation_waiver_withdraw(waiver, side=rnd.choice(["ledelse", "medarbejder"]), withdrawn_on=on)
    return f"withdrew waiver {waiver.obligation} on {on}"


def op_proposal(rnd, w):
    existing = list(AmoProposal.objects.order_by("pk"))
    if existing and rnd.random() < 0.5:
        proposal = rnd.choice(existing)
    else:
        proposal = AmoProposal(
            kommune=w.kommune,
            committee=rnd.choice(open_committees(w)),
            title="Forslag",
            submitted_on=rand_date(rnd, TODAY - timedelta(days=60), TODAY),
        )
    proposal.outcome = rnd.choice(AmoProposal.Outcome.values)
    given = rnd.random() < 0.4
    proposal.reasons_given_on = rand_date(rnd, proposal.submitted_on, TODAY) if given else None
    proposal_save(proposal)
    return f"proposal {proposal.pk} {proposal.outcome} reasons {proposal.reasons_given_on}"


OPERATIONS = [
    (op_new_seat, 8),
    (op_end_seat, 4),
    (op_reelect, 4),
    (op_successor, 4),
    (op_leave, 2),
    (op_complete, 8),
    (op_delete_completion, 2),
    (op_close, 2),
    (op_waive, 2),
    (op_withdraw, 2),
    (op_proposal, 3),
]


@pytest.mark.parametrize("seed", [20240229, 31, 1130])
def test_incremental_refreshes_equal_a_full_evaluation(db, seed):
    """The services' refresh() of the touched people/committees leaves exactly what a full
    evaluation would: ~40 random changes through the services, then a full evaluation changes
    nothing, and a fresh evaluation from an empty table produces the same live duties (what the
    incremental table has more is the kept history: done rows and cancelled ones)."""
    rnd = random.Random(seed)
    operations, weights = zip(*OPERATIONS, strict=True)
    with at(TODAY):
        k = f.kommune("tilfaeldig")
        with tenant_scope(k):
            w = build_world(k, size=2)
            applied = 0
            while applied < 40:
                operation = rnd.choices(operations, weights)[0]
                description = operation(rnd, w)
                if description is None:
                    continue
                applied += 1
                w.log.append(description)
                if applied % 4 == 0:  # pinpoint a divergence to the last few changes
                    would = full_evaluation_would_change(k)
                    assert would.changed == 0, f"after {applied}:\n" + "\n".join(w.log)
            assert evaluate(Context(k, TODAY)).changed == 0
            incremental = snapshot()
            Deadline.objects.all().delete()
            evaluate(Context(k, TODAY))
            fresh = snapshot()
    assert fresh, "the random world still has duties"
    live = {key: value for key, value in incremental.items() if value[0] != State.CANCELLED}
    assert {key: live.get(key) for key in fresh} == fresh
    history = {key: value for key, value in live.items() if key not in fresh}
    assert all(value[0] == State.DONE for value in history.values()), history
    states_seen = {value[0] for value in incremental.values()}
    assert {"open", "done"} <= states_seen


def test_a_duty_whose_subject_moves_is_moved_not_duplicated(world):
    """BEK § 30 stk. 3: a proposal registered on the wrong udvalg and moved keeps its one
    deadline (the refresh of the new udvalg finds the row of the old one)."""
    proposal = AmoProposal.objects.order_by("pk").first()
    old_committee = proposal.committee
    proposal.committee = world.hoved
    proposal_save(proposal)
    row = Deadline.objects.get(rule="committees.proposal_answer", key=f"pr{proposal.pk}")
    assert (row.committee, row.state) == (world.hoved, "open")
    assert not Deadline.objects.filter(rule=row.rule, committee=old_committee).exists()
    assert evaluate(Context(world.kommune, TODAY)).changed == 0


@pytest.mark.parametrize("one_read", [True, False], ids=["keys-read-with-rows", "keys-apart"])
def test_a_moved_duty_is_found_whether_its_key_is_read_with_the_rows_or_apart(
    world, monkeypatch, one_read
):
    """BEK § 30 stk. 3 (as above): the row of a moved duty is found in the read of the stored
    rows (one change: few wanted keys) and apart (a refresh of many subjects)."""
    from deadlines import engine

    if not one_read:
        monkeypatch.setattr(engine, "MOVED_KEYS_IN_ONE_READ", 0)
    proposal = AmoProposal.objects.order_by("pk").first()
    AmoProposal.objects.filter(pk=proposal.pk).update(committee=world.hoved)
    rule = registry.get("committees.proposal_answer")
    ctx = Context(world.kommune, TODAY, committee_ids={world.hoved.pk})
    with CaptureQueriesContext(connection) as queries:
        assert evaluate(ctx, rules=[rule]).updated == 1
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    moved_reads = [sql for sql in reads if '"key" IN' in sql and "deadlines_deadline" in sql]
    assert len(moved_reads) == 1  # with the stored rows, or apart
    assert ('"committee_id" IN' in moved_reads[0]) == one_read
    rows = Deadline.objects.filter(rule=rule.code, key=f"pr{proposal.pk}")
    assert [(row.committee, row.state) for row in rows] == [(world.hoved, "open")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement insert")
def test_new_rows_get_the_history_simple_history_would_write(world):
    """The engine inserts new rows with their history rows in one statement (PostgreSQL):
    the same history as simple-history's `bulk_create_with_history`, with the acting user."""
    from simple_history.utils import bulk_create_with_history

    from deadlines.engine import insert_with_history

    user = f.user("hr.motor")
    amr = world.people[1]

    def rows(prefix):
        return [
            Deadline(
                kommune=world.kommune,
                rule="test.rule",
                key=f"{prefix}{n}",
                person=amr,
                due_date=TODAY + timedelta(days=n),
                params={"n": n},
            )
            for n in range(3)
        ]

    ours, theirs = rows("a"), rows("b")
    with CaptureQueriesContext(connection) as queries:
        insert_with_history(ours, user, batch_size=2)
    assert len(queries.captured_queries) == 2  # one statement per batch
    bulk_create_with_history(theirs, Deadline, default_user=user)
    history = Deadline.history.model
    ignore = {"history_id", "history_date", "id", "public_id", "key", "created"}
    names = [f.attname for f in history._meta.concrete_fields if f.attname not in ignore]

    def recorded(objs):
        assert all(obj.pk and not obj._state.adding for obj in objs)
        stored = Deadline.objects.filter(pk__in=[obj.pk for obj in objs]).order_by("pk")
        assert [(row.key, row.public_id) for row in stored] == [
            (obj.key, obj.public_id) for obj in objs
        ]
        found = history.objects.filter(id__in=[obj.pk for obj in objs]).order_by("id")
        return [tuple(getattr(h, n) for n in names) for h in found]

    assert recorded(ours) == recorded(theirs)
    assert {h.history_type for h in history.objects.filter(id__in=[o.pk for o in ours])} == {"+"}
    assert recorded(ours)[0][names.index("history_user_id")] == user.pk
