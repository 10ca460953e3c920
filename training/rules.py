"""Training duties of the AMO and MED members (deadline rules)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from committees.tenure import (
    is_amo_basic_seat,
    is_amo_seat,
    is_med_seat,
    seats_by_person,
    tenure_start,
)
from deadlines.dates import add_months, add_years
from deadlines.engine import Action, Param, Rule, Want, register

from .models import Completion, CourseKind


def completions(ctx) -> dict[int, list[tuple]]:
    """person id -> [(completed_on, kind, completion id)] sorted by date."""

    def load():
        queryset = ctx.filter(Completion.objects.all(), "person_id", "person")
        result = defaultdict(list)
        for row in queryset.values_list("person_id", "completed_on", "course_type__kind", "pk"):
            result[row[0]].append(row[1:])
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


def unit_of(seats) -> int | None:
    return seats[0].person_unit_id if seats else None


class BookCourseAction:
    """A training deadline's action: the kommune's course catalogue, showing this kind."""

    course_kind = ""

    def action(self, deadline):
        from django.urls import reverse

        url = reverse("training:catalogue") + f"?kind={self.course_kind}"
        return Action(_("Find et kursus og tilmeld dig"), url)


@register
class AmoBasicCourse(BookCourseAction, Rule):
    """AML § 9 (as amended 2024) and BEK om arbejdsmiljøuddannelse: AMR and arbejdsleder complete
    the 3-day (22 hour) arbejdsmiljøuddannelse no later than 3 months after joining the AMO.
    Seed 003: "indenfor tre måneder efter de er valgt". A course completed earlier counts."""

    code = "training.amo_basic"
    title = _("Obligatorisk arbejdsmiljøuddannelse (3 dage)")
    course_kind = CourseKind.AMO_BASIC
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
    """AML § 9 stk. 3 and AT's guidance; seed 003: new AMO members are offered 2 days of
    supplementary training within the first year, so it can start no later than 9 months after
    the 3-day course."""

    code = "training.amo_supplementary_first"
    title = _("Supplerende arbejdsmiljøuddannelse i første funktionsår (2 dage)")
    course_kind = CourseKind.AMO_SUPPLEMENTARY_FIRST
    source = _("AML § 9 stk. 3; Arbejdstilsynets vejledning")
    local_source = _("uddannelse")
    what_to_do = _("Tilmeld dig 2 dages supplerende arbejdsmiljøuddannelse.")
    parameters = (
        Param("months_after_basic", _("Måneder efter 3-dages kurset"), 9, minimum=1, maximum=9),
    )

    def wants(self, ctx):
        after_basic = ctx.param(self, "months_after_basic")
        done = completions(ctx)
        for person_id, seats in seats_by_person(ctx).items():
            joined = tenure_start([s for s in seats if is_amo_seat(s)], ctx.today)
            if joined is None:
                continue
            due = add_years(joined, 1)
            mine = done.get(person_id, [])
            basic = next((c for c in mine if c[1] == CourseKind.AMO_BASIC and c[0] >= joined), None)
            if basic is not None:
                due = min(due, add_months(basic[0], after_basic))
            course = first_year_course(mine, joined)
            yield Want(
                key=f"p{person_id}:{joined.isoformat()}",
                due_date=due,
                person_id=person_id,
                unit_id=unit_of(seats),
                done_on=course[0] if course else None,
                fulfilled_by=(Completion, course[2]) if course else None,
            )


@register
class AmoSupplementaryYearly(BookCourseAction, Rule):
    """AML § 9 stk. 3; seed 003: after the first year, 1½ days of supplementary training offered
    every funktionsår to every member of the AMO. One deadline per funktionsår, due at its end."""

    code = "training.amo_supplementary_yearly"
    title = _("Supplerende arbejdsmiljøuddannelse, funktionsår %(year)s (1½ dag)")
    group_title = _("Supplerende arbejdsmiljøuddannelse (1½ dag pr. funktionsår)")
    course_kind = CourseKind.AMO_SUPPLEMENTARY_YEARLY
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
            # Funktionsår 2 starts one year after joining; generate each started year.
            while add_years(joined, year - 1) <= ctx.today:
                start, end = add_years(joined, year - 1), add_years(joined, year)
                course = next((c for c in mine if start <= c[0] < end), None)
                yield Want(
                    key=f"p{person_id}:{joined.isoformat()}#{year}",
                    due_date=end,
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
    and the AMR. A local rule: the kommune may switch it off."""

    code = "training.med_course"
    title = _("MED-uddannelse i første funktionsår")
    course_kind = CourseKind.MED
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
                due_date=add_months(joined, months),
                person_id=person_id,
                unit_id=unit_of(seats),
                done_on=course[0] if course else None,
                fulfilled_by=(Completion, course[2]) if course else None,
            )
