"""Training duties of the AMO and MED members (deadline rules)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from committees.rules import SEATS
from committees.tenure import (
    is_amo_basic_seat,
    is_amo_seat,
    is_med_seat,
    seats_by_person,
    tenure_start,
)
from deadlines.dates import add_months
from deadlines.engine import Action, Param, Rule, Want, register
from deadlines.periods import funktionsaar, period_last_day

from .models import Completion, CourseKind, Enrolment

# What completions() and first_year_bookings() read beside the seats (Rule.reads).
TRAINING = SEATS + (
    "training.Completion",
    "training.CourseType",
    "training.Enrolment",
    "training.CourseDate",
)


def completions(ctx) -> dict[int, list[tuple]]:
    """person id -> [(completed_on, kind, completion id, started_on)] sorted by date.
    `started_on` is the first day of the booked course date when the completion came from a
    booking; otherwise the completion date is the only day known."""

    def load():
        queryset = ctx.filter(Completion.objects.all(), "person_id", "person")
        result = defaultdict(list)
        for person_id, done_on, kind, pk, starts_on in queryset.values_list(
            "person_id",
            "completed_on",
            "course_type__kind",
            "pk",
            "enrolment__course_date__starts_on",
        ):
            started = min(starts_on, done_on) if starts_on else done_on
            result[person_id].append((done_on, kind, pk, started))
        for rows in result.values():
            rows.sort()
        return result

    return ctx.memo("completions", load)


def first_year_course(mine: list[tuple], joined) -> tuple | None:
    """The 2-day course that fulfils the first-year supplementary duty of the tenure from
    `joined`: the first one completed since joining."""
    return next(
        (c for c in mine if c[1] == CourseKind.AMO_SUPPLEMENTARY_FIRST and c[0] >= joined), None
    )


def first_year_bookings(ctx) -> dict[int, list[tuple]]:
    """person id -> [(course starts_on, booked on, enrolment id)] of seats (not the waiting
    list, not cancelled) on 2-day supplementary course dates, by start date."""

    def load():
        queryset = ctx.filter(
            Enrolment.objects.filter(
                status__in=Enrolment.SEATED,
                course_date__course_type__kind=CourseKind.AMO_SUPPLEMENTARY_FIRST,
            ),
            "person_id",
            "person",
        )
        result = defaultdict(list)
        for person_id, starts_on, booked_on, pk in queryset.values_list(
            "person_id", "course_date__starts_on", "enrolled_on", "pk"
        ):
            result[person_id].append((starts_on, booked_on, pk))
        for rows in result.values():
            rows.sort()
        return result

    return ctx.memo("first_year_bookings", load)


def basic_course_since(mine: list[tuple], joined) -> tuple | None:
    """The 3-day course completed in this tenure (from `joined`), the first one."""
    return next((c for c in mine if c[1] == CourseKind.AMO_BASIC and c[0] >= joined), None)


def unit_of(seats) -> int | None:
    return seats[0].person_unit_id if seats else None


class BookCourseAction:
    """A training deadline's action: the kommune's course catalogue, showing this kind."""

    course_kind = ""

    def action(self, deadline):
        from core.urls import address

        url = address("training:catalogue") + f"?kind={self.course_kind}"
        return Action(_("Find et kursus og tilmeld dig"), url)


@register
class AmoBasicCourse(BookCourseAction, Rule):
    """AML § 9 (as amended 2024) and BEK om arbejdsmiljøuddannelse: AMR and arbejdsleder complete
    the 3-day (22 hour) arbejdsmiljøuddannelse no later than 3 months after joining the AMO.
    Seed 003: "indenfor tre måneder efter de er valgt". A course completed earlier counts."""

    code = "training.amo_basic"
    title = _("Obligatorisk arbejdsmiljøuddannelse (3 dage)")
    course_kind = CourseKind.AMO_BASIC
    reads = TRAINING
    source = _("AML § 9")
    local_source = _("uddannelse")
    what_to_do = _("Tilmeld dig den obligatoriske 3-dages arbejdsmiljøuddannelse.")
    parameters = (Param("months", _("Måneder efter indtræden"), 3, minimum=1, maximum=3),)

    def wants(self, ctx):
        months = ctx.param(self, "months")
        done = completions(ctx)
        for person_id, seats in seats_by_person(ctx).items():
            joined = tenure_start([s for s in seats if is_amo_basic_seat(s)], ctx.today)
            if joined is None:
                continue
            course = next(
                (c for c in reversed(done.get(person_id, [])) if c[1] == CourseKind.AMO_BASIC), None
            )
            yield Want(
                key=f"p{person_id}:{joined.isoformat()}",
                due_date=add_months(joined, months),
                person_id=person_id,
                unit_id=unit_of(seats),
                done_on=course[0] if course else None,
                fulfilled_by=(Completion, course[2]) if course else None,
            )


@register
class AmoSupplementaryFirstYear(BookCourseAction, Rule):
    """AML § 9 stk. 3 and Arbejdstilsynet's guidance; seed 003 ("to dages supplerende uddannelse
    til nyvalgte i arbejdsmiljøorganisationen indenfor det første år"): the 2-day supplementary
    course must be possible to complete within the first funktionsår. Due on the last day of the
    first funktionsår (deadlines.periods: from 1 March 2026, 28 February 2027). The first 2-day
    course completed since joining fulfils it, also a late one. The second date of the same
    course (start within 9 months of the 3-day course) is `AmoSupplementaryFirstYearStart`."""

    code = "training.amo_supplementary_first"
    title = _("Supplerende arbejdsmiljøuddannelse i første funktionsår (2 dage)")
    course_kind = CourseKind.AMO_SUPPLEMENTARY_FIRST
    reads = TRAINING
    source = _("AML § 9 stk. 3; Arbejdstilsynets vejledning")
    local_source = _("uddannelse")
    what_to_do = _(
        "Gennemfør 2 dages supplerende arbejdsmiljøuddannelse inden udgangen af dit første "
        "funktionsår."
    )

    def wants(self, ctx):
        done = completions(ctx)
        for person_id, seats in seats_by_person(ctx).items():
            joined = tenure_start([s for s in seats if is_amo_seat(s)], ctx.today)
            if joined is None:
                continue
            course = first_year_course(done.get(person_id, []), joined)
            yield Want(
                key=f"p{person_id}:{joined.isoformat()}",
                due_date=funktionsaar(joined, 1)[1],
                person_id=person_id,
                unit_id=unit_of(seats),
                done_on=course[0] if course else None,
                fulfilled_by=(Completion, course[2]) if course else None,
            )


@register
class AmoSupplementaryFirstYearStart(BookCourseAction, Rule):
    """Arbejdstilsynet's guidance to AML § 9 stk. 3: the first year's 2 days "skal være tilbudt og
    kunne være påbegyndt inden for de første ni måneder efter, at de tre dages obligatorisk
    uddannelse er afsluttet". Due 9 months (a limit counted from an event: the same date,
    deadlines.dates.add_months) after the 3-day course completed in this tenure.

    - No 3-day course yet (or only one from before joining, or a member of the AMO who does not
      take it): no start date is known, and none is wanted. The 3-day course has its own deadline
      (≤ 3 months), and 3 + 9 months never comes before the end of the first funktionsår, so
      the completion deadline (`AmoSupplementaryFirstYear`) is then the binding one.
    - A start date after the first funktionsår's last day (the 3-day course taken late) is not
      wanted either: the course must be completed by then anyway.
    - Fulfilled by the first 2-day course since joining, on the day it started (its booked
      course date; else its completion date), or — before it is held — by a seat booked on a
      2-day course date that starts no later than the due date, on the day it was booked. A
      cancelled booking reopens it."""

    code = "training.amo_supplementary_first_start"
    title = _(
        "Start på supplerende arbejdsmiljøuddannelse (2 dage) senest %(months)s måneder efter "
        "3-dages kurset"
    )
    group_title = _("Start på supplerende arbejdsmiljøuddannelse i første funktionsår (2 dage)")
    course_kind = CourseKind.AMO_SUPPLEMENTARY_FIRST
    reads = TRAINING
    source = _("AML § 9 stk. 3; Arbejdstilsynets vejledning")
    local_source = _("uddannelse")
    what_to_do = _(
        "Tilmeld dig et 2-dages supplerende kursus, der begynder senest 9 måneder efter dit "
        "3-dages kursus."
    )
    parameters = (
        Param("months_after_basic", _("Måneder efter 3-dages kurset"), 9, minimum=1, maximum=9),
    )

    def wants(self, ctx):
        after_basic = ctx.param(self, "months_after_basic")
        done = completions(ctx)
        booked = first_year_bookings(ctx)
        for person_id, seats in seats_by_person(ctx).items():
            joined = tenure_start([s for s in seats if is_amo_seat(s)], ctx.today)
            if joined is None:
                continue
            mine = done.get(person_id, [])
            basic = basic_course_since(mine, joined)
            if basic is None:
                continue
            due = add_months(basic[0], after_basic)
            if due > funktionsaar(joined, 1)[1]:
                continue
            done_on, fulfilled_by = None, None
            course = first_year_course(mine, joined)
            if course is not None:
                done_on, fulfilled_by = course[3], (Completion, course[2])
            else:
                seat = next((b for b in booked.get(person_id, ()) if joined <= b[0] <= due), None)
                if seat is not None:
                    done_on, fulfilled_by = min(seat[1], ctx.today), (Enrolment, seat[2])
            yield Want(
                key=f"p{person_id}:{joined.isoformat()}",
                due_date=due,
                person_id=person_id,
                unit_id=unit_of(seats),
                params={"months": after_basic},
                done_on=done_on,
                fulfilled_by=fulfilled_by,
            )


@register
class AmoSupplementaryYearly(BookCourseAction, Rule):
    """AML § 9 stk. 3; seed 003: after the first year, 1½ days of supplementary training offered
    every funktionsår to every member of the AMO ("Udnyttes retten ... ikke i det pågældende
    funktionsår bortfalder den"). One deadline per started funktionsår, due on its last day
    (deadlines.periods); a course completed within the year fulfils it."""

    code = "training.amo_supplementary_yearly"
    title = _("Supplerende arbejdsmiljøuddannelse, funktionsår %(year)s (1½ dag)")
    group_title = _("Supplerende arbejdsmiljøuddannelse (1½ dag pr. funktionsår)")
    course_kind = CourseKind.AMO_SUPPLEMENTARY_YEARLY
    reads = TRAINING
    source = _("AML § 9 stk. 3")
    local_source = _("uddannelse")
    what_to_do = _("Tilmeld dig årets supplerende arbejdsmiljøuddannelse (1½ dag).")

    def wants(self, ctx):
        done = completions(ctx)
        kinds = (CourseKind.AMO_SUPPLEMENTARY_YEARLY, CourseKind.AMO_SUPPLEMENTARY_FIRST)
        for person_id, seats in seats_by_person(ctx).items():
            joined = tenure_start([s for s in seats if is_amo_seat(s)], ctx.today)
            if joined is None:
                continue
            # One course fulfils one duty: the 2-day course that counted for the first year
            # (even when taken late, inside year 2) does not count again.
            first = first_year_course(done.get(person_id, []), joined)
            mine = [c for c in done.get(person_id, []) if c[1] in kinds and c != first]
            year = 2
            # Generate each funktionsår from the second that has begun.
            while (period := funktionsaar(joined, year))[0] <= ctx.today:
                first_day, last_day = period
                course = next((c for c in mine if first_day <= c[0] <= last_day), None)
                yield Want(
                    key=f"p{person_id}:{joined.isoformat()}#{year}",
                    due_date=last_day,
                    person_id=person_id,
                    unit_id=unit_of(seats),
                    params={"year": year},
                    done_on=course[0] if course else None,
                    fulfilled_by=(Completion, course[2]) if course else None,
                )
                year += 1


@register
class MedCourse(BookCourseAction, Rule):
    """Seed 003: newly elected members of MED committees complete MED-uddannelsen within the first
    funktionsår ("så vidt muligt"); where the MED is a personalemøde with MED status, also the TR
    and the AMR. Due on the last day of the period of `months` (12: the first funktionsår, from
    1 March 2026 to 28 February 2027; deadlines.periods). A local rule: the kommune may switch
    it off or give more time."""

    code = "training.med_course"
    title = _("MED-uddannelse i første funktionsår")
    course_kind = CourseKind.MED
    reads = TRAINING
    source = _("Rammeaftale om medindflydelse og medbestemmelse")
    local_source = _("MED-uddannelse")
    statutory = False
    what_to_do = _("Tilmeld dig MED-uddannelsen.")
    parameters = (Param("months", _("Måneder efter indtræden"), 12, minimum=1, maximum=24),)

    def wants(self, ctx):
        months = ctx.param(self, "months")
        done = completions(ctx)
        for person_id, seats in seats_by_person(ctx).items():
            joined = tenure_start([s for s in seats if is_med_seat(s)], ctx.today)
            if joined is None:
                continue
            course = next(
                (c for c in reversed(done.get(person_id, [])) if c[1] == CourseKind.MED), None
            )
            yield Want(
                key=f"p{person_id}:{joined.isoformat()}",
                due_date=period_last_day(joined, months=months),
                person_id=person_id,
                unit_id=unit_of(seats),
                done_on=course[0] if course else None,
                fulfilled_by=(Completion, course[2]) if course else None,
            )
