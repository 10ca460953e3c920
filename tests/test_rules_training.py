"""The training rules (training/rules.py), each against its legal source, with frozen time.

Data is written through the services (they refresh the deadlines at the frozen "now"); the nightly
full evaluation is then run for the day under test with `evaluate(Context(kommune, day))`."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from committees.models import Committee, Membership
from committees.services import committee_save, membership_save
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from organisations.models import Kommune, Person
from organisations.services import person_save
from training.models import Completion, CourseDate, CourseKind, CourseType, Enrolment
from training.services import completion_record, enrolment_book, enrolment_cancel

from . import factories as f

Role = Membership.Role
State = Deadline.State

BASIC = "training.amo_basic"
FIRST = "training.amo_supplementary_first"
FIRST_START = "training.amo_supplementary_first_start"
YEARLY = "training.amo_supplementary_yearly"
MED = "training.med_course"
# The rules this module proves (test_engine checks that every registered rule is covered).
COVERED = {BASIC, FIRST, FIRST_START, YEARLY, MED}

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def at(day: date):
    """Freeze the clock at noon (Copenhagen) of `day`: the services refresh as of that day."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


@dataclass
class Tree:
    kommune: Kommune
    hoved: Committee
    afd: Committee
    lokal: Committee
    pm: Committee
    amg: Committee
    trio: Committee
    courses: dict[str, CourseType]


@pytest.fixture
def t(db):
    """A kommune with one committee of each kind, established 1 January 2024; clock at 1.1.2025."""
    with at(date(2025, 1, 1)):
        k = f.kommune("trainingkommune")
        with tenant_scope(k):
            est = {"established_on": date(2024, 1, 1)}
            hoved = f.committee(k, "HovedMED", Committee.Kind.HOVEDMED, **est)
            afd = f.committee(k, "AfdelingsMED", Committee.Kind.AFDELINGSMED, parent=hoved, **est)
            lokal = f.committee(k, "LokalMED", Committee.Kind.LOKALMED, parent=afd, **est)
            pm = f.committee(k, "Personalemøde", Committee.Kind.PERSONALEMOEDE, parent=afd, **est)
            amg = f.committee(k, "AMG", Committee.Kind.AMG, parent=lokal, **est)
            trio = f.committee(k, "TRIO", Committee.Kind.TRIO, parent=amg, **est)
            courses = {
                kind: CourseType.objects.create(kommune=k, name=str(label), kind=kind, hours=22)
                for kind, label in CourseKind.choices
            }
            yield Tree(k, hoved, afd, lokal, pm, amg, trio, courses)


def person(t: Tree, first="Anna") -> Person:
    return f.person(t.kommune, first, unit=f.unit(t.kommune, f"Arbejdsplads {first}"))


def seat(p: Person, committee: Committee, role=Role.AMR, start=date(2025, 1, 1), **kwargs):
    return f.membership(p, committee, role, start=start, **kwargs)


def complete(t: Tree, p: Person, kind: str, on: date) -> Completion:
    return completion_record(person=p, course_type=t.courses[kind], completed_on=on)


def run(t: Tree, today: date, *codes: str):
    rules = [registry.get(code) for code in codes] or None
    return evaluate(Context(t.kommune, today), rules=rules)


def rows(code: str, p: Person | None = None) -> dict[str, Deadline]:
    queryset = Deadline.objects.filter(rule=code)
    if p is not None:
        queryset = queryset.filter(person=p)
    return {row.key: row for row in queryset}


def only(code: str, p: Person) -> Deadline:
    found = list(rows(code, p).values())
    assert len(found) == 1, found
    return found[0]


def live(code: str, p: Person) -> list[Deadline]:
    return [row for row in rows(code, p).values() if row.state != State.CANCELLED]


# --- AML § 9: the 3-day course ------------------------------------------------------------------


def test_it_wants_the_3_day_course_within_3_months_of_joining(t):
    """AML § 9 (as amended 2024); seed 003: an AMR completes the 3-day (22 h) arbejdsmiljø-
    uddannelse no later than 3 months after joining the AMO."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 15))
    run(t, date(2025, 1, 15), BASIC)
    row = only(BASIC, p)
    assert (row.key, row.due_date, row.state) == (f"p{p.pk}:2025-01-15", date(2025, 4, 15), "open")
    assert row.unit_id == p.unit_id
    assert row.title == "Obligatorisk arbejdsmiljøuddannelse (3 dage)"
    assert "AML § 9" in row.source


@pytest.mark.parametrize(
    ("joined", "due"),
    [
        (date(2024, 11, 30), date(2025, 2, 28)),  # 30 November → end of February
        (date(2023, 11, 30), date(2024, 2, 29)),  # ... of a leap year
        (date(2025, 8, 31), date(2025, 11, 30)),  # 31 August + 3 months → 30 November
        (date(2024, 2, 29), date(2024, 5, 29)),  # joined on 29 February
        (date(2025, 12, 31), date(2026, 3, 31)),  # across the new year
    ],
)
def test_the_3_month_period_is_counted_in_calendar_months_clamped_to_month_end(t, joined, due):
    """AML § 9: "within 3 months"; a period of months ends on the same day number, or on the
    month's last day when it has no such day (30 November + 3 months = 28/29 February)."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=joined)
    run(t, joined, BASIC)
    assert only(BASIC, p).due_date == due


@pytest.mark.parametrize(
    ("kind", "role", "wanted"),
    [
        (Committee.Kind.AMG, Role.AMR, True),
        (Committee.Kind.AMG, Role.LEDER, True),  # the arbejdsleder
        (Committee.Kind.HOVEDMED, Role.AMR, True),
        (Committee.Kind.AFDELINGSMED, Role.LEDER, True),
        (Committee.Kind.HOVEDMED, Role.MEDARBEJDERREPRAESENTANT, False),
        (Committee.Kind.AMG, Role.SEKRETAER, False),
        (Committee.Kind.LOKALMED, Role.AMR, False),  # not an arbejdsmiljøudvalg
        (Committee.Kind.TRIO, Role.AMR, False),
    ],
)
def test_the_3_day_course_applies_to_amr_and_arbejdsleder_in_the_amo(t, kind, role, wanted):
    """AML § 9: the obligatory training applies to the AMR and the arbejdsleder of the AMO (AMG,
    and HovedMED/AfdelingsMED as arbejdsmiljøudvalg in the enstrenget structure)."""
    committee = {c.kind: c for c in (t.hoved, t.afd, t.lokal, t.pm, t.amg, t.trio)}[kind]
    p = person(t)
    seat(p, committee, role)
    run(t, date(2025, 2, 1), BASIC)
    assert bool(live(BASIC, p)) is wanted


def test_a_course_completed_before_joining_counts(t):
    """AML § 9; seed 003: a person who already holds the 3-day course need not take it again."""
    p = person(t)
    course = complete(t, p, CourseKind.AMO_BASIC, date(2019, 5, 3))
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    run(t, date(2025, 1, 1), BASIC)
    row = only(BASIC, p)
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2019, 5, 3), course)


def test_only_the_3_day_course_fulfils_the_3_day_duty(t):
    """AML § 9: a MED course or a supplementary course is not the obligatory 3-day course."""
    p = person(t)
    seat(p, t.amg, Role.AMR)
    complete(t, p, CourseKind.MED, date(2025, 2, 1))
    complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2025, 2, 2))
    run(t, date(2025, 3, 1), BASIC)
    assert only(BASIC, p).state == "open"


@pytest.mark.parametrize(
    "first_ended",
    [date(2027, 1, 1), date(2026, 12, 31)],
    ids=["ended-on-the-new-start", "ended-the-day-before"],
)
def test_reelection_without_a_gap_keeps_the_tenure_and_the_done_deadline(t, first_ended):
    """AML § 9: the 3-day course is due once per period in the AMO; an AMR re-elected without a
    gap (the new seat starts when, or the day after, the old one ended) keeps the tenure's start,
    so neither the done nor any other deadline is recreated."""
    p = person(t)
    old = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 2, 10))
    complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2025, 9, 1))
    run(t, date(2025, 3, 1))
    old.ended_on = first_ended
    membership_save(old)
    seat(p, t.amg, Role.AMR, start=date(2027, 1, 1))
    run(t, date(2027, 2, 1))
    for code in (BASIC, FIRST, FIRST_START):
        assert [(r.key, r.state) for r in rows(code, p).values()] == [
            (f"p{p.pk}:2025-01-01", "done")
        ]
    # Funktionsår 2 and 3 counted from the original start.
    assert sorted(rows(YEARLY, p)) == [f"p{p.pk}:2025-01-01#2", f"p{p.pk}:2025-01-01#3"]


def test_reelection_after_a_gap_starts_a_new_tenure(t):
    """AML § 9: someone who joins the AMO again after a break is newly elected: a new 3-day
    deadline 3 months from the new start; the open one of the old tenure is cancelled."""
    p = person(t)
    old = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    run(t, date(2025, 1, 1), BASIC)
    old.ended_on = date(2025, 3, 1)
    membership_save(old)
    seat(p, t.amg, Role.AMR, start=date(2025, 8, 31))
    run(t, date(2025, 9, 1), BASIC)
    found = {key: (row.state, row.due_date) for key, row in rows(BASIC, p).items()}
    assert found == {
        f"p{p.pk}:2025-01-01": ("cancelled", date(2025, 4, 1)),
        f"p{p.pk}:2025-08-31": ("open", date(2025, 11, 30)),
    }


def test_a_person_leaving_cancels_open_deadlines_and_keeps_done_ones(t):
    """AML § 9: the duty is the employer's towards a member of the AMO; when the person leaves
    (left_on), what is still open lapses, what was done stays as the record."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 2, 1))
    run(t, date(2025, 3, 1))
    assert only(FIRST, p).state == "open"
    p.left_on = date(2025, 5, 1)
    person_save(p)
    # Still employed until 1 May: nothing lapses before.
    assert run(t, date(2025, 4, 30)).changed == 0
    run(t, date(2025, 5, 1))
    assert only(BASIC, p).state == "done"
    assert only(FIRST, p).state == "cancelled"
    assert only(FIRST_START, p).state == "cancelled"


def test_a_closed_committee_cancels_its_members_training_deadlines(t):
    """AML § 9: the training follows the seat in the AMO; when the AMG is closed (closed_on),
    its AMR's open training duties lapse."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    t.amg.closed_on = date(2025, 1, 1)
    committee_save(t.amg)
    run(t, date(2025, 2, 1))
    assert only(BASIC, p).state == "cancelled"
    assert live(FIRST, p) == []


# --- AT guidance; seed 003: 2 days in the first year --------------------------------------------


@pytest.mark.parametrize(
    ("joined", "due"),
    [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2026, 3, 1), date(2027, 2, 28)),  # the example
        (date(2027, 3, 1), date(2028, 2, 29)),  # a funktionsår that holds a 29 February
        (date(2024, 2, 29), date(2025, 2, 28)),  # from 29 February: to 28 February
    ],
)
def test_the_2_day_course_is_completed_by_the_last_day_of_the_first_funktionsaar(t, joined, due):
    """AML § 9 stk. 3, Arbejdstilsynet's guidance; seed 003: the 2 days "skal kunne være
    gennemført i løbet af det første funktionsår": due on the funktionsår's last day (a year from
    1 March 2026 runs to and including 28 February 2027), with or without the 3-day course."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=joined)
    run(t, joined, FIRST)
    row = only(FIRST, p)
    assert (row.key, row.due_date, row.state) == (f"p{p.pk}:{joined.isoformat()}", due, "open")
    complete(t, p, CourseKind.AMO_BASIC, joined)
    run(t, joined, FIRST)
    assert only(FIRST, p).due_date == due


@pytest.mark.parametrize(
    ("basic_on", "start_by"),
    [
        (date(2025, 3, 1), date(2025, 12, 1)),  # 3-day course + 9 months
        (date(2025, 1, 31), date(2025, 10, 31)),
        (date(2025, 2, 28), date(2025, 11, 28)),
        (date(2025, 3, 31), date(2025, 12, 31)),  # = the first funktionsår's last day
        (date(2025, 5, 31), None),  # + 9 months = 28.2.2026, after the first funktionsår
        (date(2019, 1, 1), None),  # a course from before joining gives no start date
        (None, None),  # no 3-day course yet: no start date known
    ],
)
def test_the_2_day_course_must_be_able_to_start_9_months_after_the_3_day_course(
    t, basic_on, start_by
):
    """Arbejdstilsynet's guidance to AML § 9 stk. 3: the 2 days "skal være tilbudt og kunne være
    påbegyndt inden for de første ni måneder efter, at de tre dages obligatorisk uddannelse er
    afsluttet" — a second deadline beside the first funktionsår's end, counted from the 3-day
    course of this tenure; none while that course is missing, and none when it would fall after
    the first funktionsår (the completion deadline comes first)."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    if basic_on:
        complete(t, p, CourseKind.AMO_BASIC, basic_on)
    run(t, date(2025, 7, 1), FIRST, FIRST_START)
    found = live(FIRST_START, p)
    assert [r.due_date for r in found] == ([start_by] if start_by else [])
    # The completion date is the first funktionsår's last day in every case.
    assert only(FIRST, p).due_date == date(2025, 12, 31)
    if start_by:
        row = found[0]
        assert (row.key, row.state) == (f"p{p.pk}:2025-01-01", "open")
        assert row.title == (
            "Start på supplerende arbejdsmiljøuddannelse (2 dage) senest 9 måneder efter "
            "3-dages kurset"
        )


def test_the_9_months_are_a_local_number_within_the_law(t):
    """Arbejdstilsynet's guidance: "inden for de første ni måneder"; a kommune may offer it
    sooner (the title says its own number), never later."""
    from deadlines.models import RuleSetting
    from deadlines.services import rule_setting_save

    rule_setting_save(RuleSetting(rule=FIRST_START, values={"months_after_basic": 6}))
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 2, 15))
    run(t, date(2025, 3, 1), FIRST_START)
    row = only(FIRST_START, p)
    assert (row.due_date, row.params) == (date(2025, 8, 15), {"months": 6})
    assert "senest 6 måneder" in row.title


def test_a_kommunes_local_number_moves_to_the_start_rule(t):
    """Arbejdstilsynet's guidance: the 9 months belong to the "start by" date, now a rule of its
    own; the data migration moves a kommune's stricter number (and its paragraph) there."""
    import importlib

    from django.apps import apps

    from core.tenancy import scopes_disabled
    from deadlines.models import RuleSetting

    migration = importlib.import_module("deadlines.migrations.0005_supplementary_start_setting")
    RuleSetting.objects.create(
        kommune=t.kommune, rule=FIRST, values={"months_after_basic": 6}, local_reference="bilag 3"
    )
    with scopes_disabled():
        migration.move_forward(apps, None)
    settings = {s.rule: (s.values, s.local_reference) for s in RuleSetting.objects.all()}
    assert settings == {
        FIRST: ({}, "bilag 3"),
        FIRST_START: ({"months_after_basic": 6}, "bilag 3"),
    }
    with scopes_disabled():
        migration.move_back(apps, None)
    settings = {s.rule: s.values for s in RuleSetting.objects.all()}
    assert settings == {FIRST: {"months_after_basic": 6}, FIRST_START: {}}


def course_date(t: Tree, starts_on: date, kind=CourseKind.AMO_SUPPLEMENTARY_FIRST) -> CourseDate:
    return CourseDate.objects.create(
        kommune=t.kommune,
        course_type=t.courses[kind],
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
    )


def test_a_completed_2_day_course_fulfils_both_dates_on_its_own_days(t):
    """Arbejdstilsynet's guidance to AML § 9 stk. 3: one 2-day course that started within the
    9 months and ended within the first funktionsår fulfils both: "start by" on the day it
    started (the booked course date), "complete by" on the day it was completed."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 2, 1))
    held = course_date(t, date(2025, 9, 15))
    with at(date(2025, 9, 1)):
        booking = enrolment_book(person=p, course_date=held)
    course = completion_record(
        person=p,
        course_type=t.courses[CourseKind.AMO_SUPPLEMENTARY_FIRST],
        completed_on=date(2025, 9, 16),
        enrolment=booking,
    )
    run(t, date(2025, 10, 1), FIRST, FIRST_START)
    start, end = only(FIRST_START, p), only(FIRST, p)
    assert (start.due_date, start.state, start.done_on, start.fulfilled_by) == (
        date(2025, 11, 1),
        "done",
        date(2025, 9, 15),
        course,
    )
    assert (end.due_date, end.state, end.done_on, end.fulfilled_by) == (
        date(2025, 12, 31),
        "done",
        date(2025, 9, 16),
        course,
    )
    assert run(t, date(2025, 10, 1), FIRST, FIRST_START).changed == 0


def test_a_late_start_is_recorded_as_late(t):
    """Arbejdstilsynet's guidance: a course that began after the 9 months still fulfils the duty
    (the member has had the course), but on its real start day, after the due date, so the
    overview shows it was late; without a booking the completion day is the day known."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 1, 20))
    course = complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2025, 12, 10))
    run(t, date(2025, 12, 11), FIRST, FIRST_START)
    row = only(FIRST_START, p)
    assert (row.due_date, row.state, row.done_on, row.fulfilled_by) == (
        date(2025, 10, 20),
        "done",
        date(2025, 12, 10),
        course,
    )
    assert row.done_on > row.due_date
    assert only(FIRST, p).state == "done"


def test_a_booking_on_a_course_starting_in_time_fulfils_the_start_date(t):
    """Arbejdstilsynet's guidance: "tilbudt og kunne være påbegyndt inden for de første ni
    måneder": a seat booked on a 2-day course that starts by the due date fulfils "start by" on
    the booking day (the course itself is still to come, so "complete by" stays open); a course
    starting too late, or a seat on the waiting list, does not; cancelling reopens it."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 2, 1))  # start by 1.11.2025
    too_late = course_date(t, date(2025, 11, 2))
    in_time = course_date(t, date(2025, 11, 1))
    full = course_date(t, date(2025, 10, 1))
    full.capacity = 0
    full.save()
    with at(date(2025, 6, 1)):
        enrolment_book(person=p, course_date=too_late)
        waiting = enrolment_book(person=p, course_date=full)
    assert waiting.status == Enrolment.Status.WAITLISTED
    run(t, date(2025, 6, 2), FIRST, FIRST_START)
    assert only(FIRST_START, p).state == "open"
    with at(date(2025, 6, 10)):
        booking = enrolment_book(person=p, course_date=in_time)
    run(t, date(2025, 6, 11), FIRST, FIRST_START)
    row = only(FIRST_START, p)
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2025, 6, 10), booking)
    assert only(FIRST, p).state == "open"
    with at(date(2025, 7, 1)):
        enrolment_cancel(booking)
    run(t, date(2025, 7, 1), FIRST, FIRST_START)
    row = only(FIRST_START, p)
    assert (row.state, row.done_on, row.fulfilled_by) == ("open", None, None)


def test_both_first_year_dates_are_reminded(t):
    """AML § 9 stk. 3; DESIGN (reminders before the due date): both the start date and the
    completion date of the 2-day course are open deadlines of the person, so each is reminded
    in the person's digest before its own date."""
    from reminders.models import ReminderItem
    from reminders.services import reminders_plan

    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_BASIC, date(2025, 2, 1))
    run(t, date(2025, 10, 25))
    reminders_plan(t.kommune, today=date(2025, 10, 25))
    start = only(FIRST_START, p)
    assert ReminderItem.objects.filter(deadline=start, recipient=p).exists()
    assert not ReminderItem.objects.filter(deadline=only(FIRST, p)).exists()  # 31.12: not yet
    reminders_plan(t.kommune, today=date(2025, 12, 24))
    assert ReminderItem.objects.filter(deadline=only(FIRST, p), recipient=p).exists()


def test_the_2_day_course_is_fulfilled_only_by_a_course_since_joining(t):
    """Seed 003: the 2-day course is for the newly elected: one taken in an earlier period in the
    AMO does not count; one taken since joining (also late) does."""
    p = person(t)
    complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2020, 4, 1))
    seat(p, t.hoved, Role.MEDARBEJDERREPRAESENTANT, start=date(2025, 1, 1))
    run(t, date(2025, 2, 1), FIRST)
    assert only(FIRST, p).state == "open"
    course = complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2026, 2, 1))
    row = only(FIRST, p)
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2026, 2, 1), course)


@pytest.mark.parametrize(
    ("committee", "role", "wanted"),
    [
        ("hoved", Role.MEDARBEJDERREPRAESENTANT, True),  # every member of the AMO
        ("afd", Role.LEDELSESREPRAESENTANT, True),
        ("amg", Role.AMR, True),
        ("amg", Role.SEKRETAER, False),
        ("lokal", Role.AMR, False),
        ("pm", Role.TR, False),
    ],
)
def test_the_2_day_course_applies_to_every_new_member_of_the_amo(t, committee, role, wanted):
    """Seed 003: "to dages supplerende uddannelse til nyvalgte i arbejdsmiljøorganisationen"."""
    p = person(t)
    seat(p, getattr(t, committee), role)
    run(t, date(2025, 2, 1), FIRST)
    assert bool(live(FIRST, p)) is wanted


# --- AML § 9; seed 003: 1½ days every later funktionsår ------------------------------------------


def test_one_yearly_deadline_per_started_funktionsaar_from_year_2(t):
    """AML § 9 stk. 3; seed 003: after the first year, 1½ days every funktionsår; one deadline
    per started year, due on its last day (funktionsår 2 of a tenure from 1 January 2025 runs
    1 January – 31 December 2026)."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    run(t, date(2025, 12, 31), YEARLY)
    assert rows(YEARLY, p) == {}
    run(t, date(2026, 1, 1), YEARLY)
    assert [(k, r.due_date) for k, r in rows(YEARLY, p).items()] == [
        (f"p{p.pk}:2025-01-01#2", date(2026, 12, 31))
    ]
    run(t, date(2026, 12, 31), YEARLY)
    assert len(rows(YEARLY, p)) == 1  # the last day of year 2 is not yet year 3
    run(t, date(2027, 1, 1), YEARLY)
    found = {k: (r.due_date, r.params, r.state) for k, r in rows(YEARLY, p).items()}
    assert found == {
        f"p{p.pk}:2025-01-01#2": (date(2026, 12, 31), {"year": 2}, "open"),
        f"p{p.pk}:2025-01-01#3": (date(2027, 12, 31), {"year": 3}, "open"),
    }
    assert rows(YEARLY, p)[f"p{p.pk}:2025-01-01#3"].title == (
        "Supplerende arbejdsmiljøuddannelse, funktionsår 3 (1½ dag)"
    )


def test_a_yearly_course_fulfils_only_the_funktionsaar_it_falls_in(t):
    """AML § 9 stk. 3: the 1½ days belong to one funktionsår; a course in year 1 does not count
    for year 2, and a course on the first day of year 3 counts for year 3, not year 2 (whose
    last day is the day before)."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_SUPPLEMENTARY_YEARLY, date(2025, 12, 31))
    course = complete(t, p, CourseKind.AMO_SUPPLEMENTARY_YEARLY, date(2027, 1, 1))
    run(t, date(2027, 6, 1), YEARLY)
    found = {k: r.state for k, r in rows(YEARLY, p).items()}
    assert found == {f"p{p.pk}:2025-01-01#2": "open", f"p{p.pk}:2025-01-01#3": "done"}
    assert rows(YEARLY, p)[f"p{p.pk}:2025-01-01#3"].fulfilled_by == course


def test_a_late_2_day_course_does_not_also_count_as_the_yearly_course(t):
    """AML § 9 stk. 3; seed 003: one course fulfils one duty. The first year's 2-day course taken
    late (in year 2) fulfils the first-year duty, not also year 2's 1½ days; a second 2-day
    course in year 2 does."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    late = complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2026, 3, 1))
    run(t, date(2026, 6, 1), FIRST, YEARLY)
    assert only(FIRST, p).fulfilled_by == late
    assert only(YEARLY, p).state == "open"
    second = complete(t, p, CourseKind.AMO_SUPPLEMENTARY_FIRST, date(2026, 9, 1))
    run(t, date(2026, 10, 1), FIRST, YEARLY)
    assert (only(YEARLY, p).state, only(YEARLY, p).fulfilled_by) == ("done", second)


def test_funktionsaar_of_a_29_february_start(t):
    """AML § 9 stk. 3; deadlines.periods: a tenure from 29 February 2024 has each funktionsår
    end on 28 February (the anniversary is missing in common years, so it passes when February
    ends) and the next begin on 1 March — and on 29 February again in 2028."""
    p = person(t)
    seat(p, t.amg, Role.AMR, start=date(2024, 2, 29))
    run(t, date(2025, 2, 28), YEARLY)
    assert rows(YEARLY, p) == {}  # 28.2.2025 is still the first funktionsår
    run(t, date(2025, 3, 1), YEARLY)
    assert [r.params["year"] for r in rows(YEARLY, p).values()] == [2]
    run(t, date(2028, 2, 29), YEARLY)
    found = {r.params["year"]: r.due_date for r in rows(YEARLY, p).values()}
    assert found == {
        2: date(2026, 2, 28),
        3: date(2027, 2, 28),
        4: date(2028, 2, 28),
        5: date(2029, 2, 28),
    }


def test_leaving_the_amo_cancels_the_open_yearly_deadlines(t):
    """AML § 9 stk. 3: the yearly course is for members of the AMO; when the seat ends the open
    years lapse and the done ones stay."""
    p = person(t)
    m = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    complete(t, p, CourseKind.AMO_SUPPLEMENTARY_YEARLY, date(2026, 5, 1))
    run(t, date(2027, 2, 1), YEARLY)
    m.ended_on = date(2027, 3, 1)
    membership_save(m)
    run(t, date(2027, 3, 1), YEARLY)
    assert {r.params["year"]: r.state for r in rows(YEARLY, p).values()} == {
        2: "done",
        3: "cancelled",
    }


# --- Seed 003: MED-uddannelse --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("committee", "role", "wanted"),
    [
        ("hoved", Role.LEDER, True),
        ("afd", Role.MEDARBEJDERREPRAESENTANT, True),
        ("lokal", Role.MEDARBEJDERREPRAESENTANT, True),
        ("lokal", Role.SEKRETAER, False),
        ("pm", Role.TR, True),  # personalemøde med MED-status: TR and AMR
        ("pm", Role.AMR, True),
        ("pm", Role.MEDARBEJDERREPRAESENTANT, False),  # not its plain members
        ("pm", Role.LEDER, False),
        ("amg", Role.AMR, False),  # an AMG is not a MED committee
        ("trio", Role.TR, False),
    ],
)
def test_med_training_applies_to_med_members_and_tr_amr_of_a_personalemoede(
    t, committee, role, wanted
):
    """Seed 003: new members of MED committees take MED-uddannelsen within the first
    funktionsår; "Hvor der er personalemøde med MED-status gælder reglerne om MED-uddannelse
    også for TR og arbejdsmiljørepræsentanter" (and not for the personalemøde's members)."""
    p = person(t)
    seat(p, getattr(t, committee), role, start=date(2025, 3, 1))
    run(t, date(2025, 3, 1), MED)
    found = live(MED, p)
    assert bool(found) is wanted
    if wanted:
        # The first funktionsår from 1 March 2025 ends on 28 February 2026.
        assert found[0].due_date == date(2026, 2, 28)


def test_med_training_month_ends_and_completion(t):
    """Seed 003: within the first funktionsår (12 months; one from 29 February 2024 ends on
    28 February 2025, see deadlines.periods); the MED course completed fulfils it at once."""
    p = person(t)
    seat(p, t.lokal, Role.MEDARBEJDERREPRAESENTANT, start=date(2024, 2, 29))
    run(t, date(2024, 3, 1), MED)
    assert only(MED, p).due_date == date(2025, 2, 28)
    course = complete(t, p, CourseKind.MED, date(2024, 9, 9))
    row = only(MED, p)
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2024, 9, 9), course)


def test_med_training_tenure_spans_committees_without_a_gap(t):
    """Seed 003: "nyvalgte medlemmer": moving from LokalMED to AfdelingsMED without a break is
    not a new election to the MED system; the deadline keeps its start."""
    p = person(t)
    m = seat(p, t.lokal, Role.MEDARBEJDERREPRAESENTANT, start=date(2025, 1, 1))
    run(t, date(2025, 1, 1), MED)
    m.ended_on = date(2025, 6, 1)
    membership_save(m)
    seat(p, t.afd, Role.MEDARBEJDERREPRAESENTANT, start=date(2025, 6, 1))
    run(t, date(2025, 7, 1), MED)
    assert [(r.key, r.state) for r in rows(MED, p).values()] == [(f"p{p.pk}:2025-01-01", "open")]
