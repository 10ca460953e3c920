"""Duties around meetings (deadline rules): the forretningsorden's minimum number of meetings,
next year's meeting plan, the dispatch of agendas, the follow-up actions of referater, and the
employee side's right to a formøde.

Each loads what it needs in one or two queries per evaluation (flat for any kommune size)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Membership
from committees.rules import COMMITTEES, first_unit, open_committees
from deadlines.actions import CommitteeMeetingsAction
from deadlines.dates import add_months
from deadlines.engine import Action, Param, Rule, Want, register

from .models import (
    DEFAULT_DISPATCH_DAYS,
    EMPLOYEE_CHAIR_ROLES,
    ActionItem,
    Meeting,
    MeetingPlan,
    PreMeeting,
    Procedure,
    Referat,
)

# How far back meetings keep their dispatch duty in the evaluation (older rows stay as they are).
DISPATCH_HORIZON_DAYS = 400


def _committees(ctx) -> list[Committee]:
    # The open committees the committee rules load already (one query per evaluation).
    return open_committees(ctx, Committee.Kind.values)


def _procedures(ctx) -> dict[int, dict]:
    def load():
        queryset = ctx.filter(Procedure.objects.all(), "committee_id", "committee")
        return {
            row["committee_id"]: row
            for row in queryset.values(
                "committee_id", "meetings_per_year", "plan_required", "dispatch_days", "formoede"
            )
        }

    return ctx.memo("meetings:procedures", load)


def _planned_meetings(ctx) -> list[tuple]:
    """(pk, committee, date, dispatched_at, committee closed on) of the planned meetings of the
    committees in scope from the first day the rules below look at, by date: one query for
    the minimum number of meetings (held since 1 January last year) and the dispatch of
    agendas (within DISPATCH_HORIZON_DAYS, and every future meeting)."""

    def load():
        first = min(
            ctx.today - datetime.timedelta(days=DISPATCH_HORIZON_DAYS),
            datetime.date(ctx.today.year - 1, 1, 1),
        )
        queryset = ctx.filter(
            Meeting.objects.filter(status=Meeting.Status.PLANNED, date__gte=first),
            "committee_id",
            "committee",
        )
        return list(
            queryset.order_by("date").values_list(
                "pk", "committee_id", "date", "dispatched_at", "committee__closed_on"
            )
        )

    return ctx.memo("meetings:planned", load)


def _minimum(ctx, committee: Committee, hovedmed_minimum: int) -> int | None:
    """Seed 003: KommuneMED meets at least five times a year (the kommune's local number); any
    committee's forretningsorden may set its own minimum."""
    row = _procedures(ctx).get(committee.pk)
    minimum = row["meetings_per_year"] if row else None
    if minimum is None and committee.kind == Committee.Kind.HOVEDMED:
        minimum = hovedmed_minimum
    return minimum


def _plan_required(ctx, committee: Committee) -> bool:
    row = _procedures(ctx).get(committee.pk)
    if row is None:
        return committee.kind == Committee.Kind.HOVEDMED
    return row["plan_required"]


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


@register
class MeetingsPerYear(CommitteeMeetingsAction, Rule):
    """Seed 003 (Albertslund, KommuneMED's forretningsorden): "Der afholdes møde i MED-udvalget …
    dog mindst fem gange om året". Due at the end of each calendar year, fulfilled on the day the
    minimum-th meeting is held. The number is local: the kommune's default for HovedMED, or the
    committee's own forretningsorden."""

    code = "meetings.minimum_per_year"
    title = _("Mindst %(count)s møder i %(year)s")
    group_title = _("Mindste antal møder om året")
    source = ""
    local_source = _("forretningsorden for udvalgets møder")
    subject = "committee"
    statutory = False
    what_to_do = _("Planlæg og hold udvalgets møder, så årets mindste antal nås.")
    parameters = (
        Param(
            "hovedmed_minimum",
            _("Mindste antal møder om året i HovedMED/KommuneMED"),
            5,
            minimum=1,
            maximum=52,
        ),
    )
    reads = COMMITTEES + ("meetings.Procedure", "meetings.Meeting")

    def wants(self, ctx):
        hovedmed_minimum = ctx.param(self, "hovedmed_minimum")
        committees = [(c, m) for c in _committees(ctx) if (m := _minimum(ctx, c, hovedmed_minimum))]
        if not committees:
            return
        years = (ctx.today.year - 1, ctx.today.year)
        ids = {c.pk for c, _m in committees}
        held = defaultdict(list)
        for _pk, committee_id, day, _dispatched, _closed in _planned_meetings(ctx):
            if committee_id in ids and day.year >= years[0] and day <= ctx.today:
                held[(committee_id, day.year)].append(day)
        for committee, minimum in committees:
            for year in years:
                if committee.established_on.year > year:
                    continue
                days = held[(committee.pk, year)]
                done = days[minimum - 1] if len(days) >= minimum else None
                yield Want(
                    key=f"c{committee.pk}:{year}",
                    due_date=_year_end(year),
                    committee_id=committee.pk,
                    unit_id=first_unit(ctx, committee.pk),
                    params={"count": minimum, "year": year},
                    done_on=done,
                )


@register
class NextYearPlan(CommitteeMeetingsAction, Rule):
    """Seed 003: "der udarbejdes mødeplan for året senest i december måned". The plan for a year
    is due at the end of the month (local number, December) of the year before; it is fulfilled
    when the committee's årshjul for that year is adopted."""

    code = "meetings.next_year_plan"
    title = _("Mødeplan for %(year)s")
    group_title = _("Årlig mødeplan")
    source = ""
    local_source = _("forretningsorden for udvalgets møder")
    subject = "committee"
    statutory = False
    what_to_do = _("Læg næste års møder i årshjulet og vedtag mødeplanen.")
    parameters = (Param("month", _("Senest i måned (1–12) året før"), 12, minimum=1, maximum=12),)
    reads = COMMITTEES + ("meetings.Procedure", "meetings.MeetingPlan")

    def wants(self, ctx):
        month = ctx.param(self, "month")
        committees = [c for c in _committees(ctx) if _plan_required(ctx, c)]
        if not committees:
            return
        targets = (ctx.today.year, ctx.today.year + 1)
        adopted = {
            (committee_id, year): (pk, day)
            for pk, committee_id, year, day in MeetingPlan.objects.filter(
                committee_id__in=[c.pk for c in committees],
                year__in=targets,
                adopted_on__isnull=False,
            ).values_list("pk", "committee_id", "year", "adopted_on")
        }
        for committee in committees:
            for year in targets:
                # The last day of `month` in the year before the plan's year.
                due = add_months(datetime.date(year - 1, month, 1), 1) - datetime.timedelta(days=1)
                if committee.established_on > due:
                    continue
                plan = adopted.get((committee.pk, year))
                yield Want(
                    key=f"c{committee.pk}:plan{year}",
                    due_date=due,
                    committee_id=committee.pk,
                    unit_id=first_unit(ctx, committee.pk),
                    params={"year": year},
                    done_on=plan[1] if plan else None,
                    fulfilled_by=(MeetingPlan, plan[0]) if plan else None,
                )


@register
class AgendaDispatch(CommitteeMeetingsAction, Rule):
    """Seed 003: "Udsendelse af materiale til møderne sker senest 7 dage før mødet" (the
    committee's forretningsorden may set another number). Fulfilled when the dispatch job sent
    the agenda; a late dispatch is an overdue deadline like any other."""

    code = "meetings.agenda_dispatch"
    title = _("Udsendelse af dagsorden til mødet %(date)s")
    group_title = _("Udsendelse af dagsorden")
    source = ""
    local_source = _("forretningsorden for udvalgets møder")
    subject = "committee"
    statutory = False
    what_to_do = _("Fastlæg dagsordenen, så den og materialet udsendes til tiden.")
    reads = COMMITTEES + ("meetings.Procedure", "meetings.Meeting")

    def wants(self, ctx):
        since = ctx.today - datetime.timedelta(days=DISPATCH_HORIZON_DAYS)
        procedures = _procedures(ctx)
        for pk, committee_id, day, dispatched_at, closed_on in _planned_meetings(ctx):
            if day < since or closed_on is not None:
                continue
            row = procedures.get(committee_id)
            days = row["dispatch_days"] if row else DEFAULT_DISPATCH_DAYS
            done = timezone.localdate(dispatched_at) if dispatched_at else None
            yield Want(
                key=f"m{pk}",
                due_date=day - datetime.timedelta(days=days),
                committee_id=committee_id,
                unit_id=first_unit(ctx, committee_id),
                params={"date": day.strftime("%d.%m.%Y")},
                done_on=done,
                fulfilled_by=(Meeting, pk) if done else None,
            )


@register
class ActionFollowUp(CommitteeMeetingsAction, Rule):
    """A follow-up action in a referat approved by the formandskab is a duty of its owner by
    its due date (the forretningsorden's referat; seed 003). Closing the action fulfils it."""

    code = "meetings.action_follow_up"
    title = _("Opfølgning fra referat: %(action)s")
    group_title = _("Opfølgning fra referat")
    source = ""
    local_source = _("forretningsorden: referat godkendt af formand og næstformand")
    subject = "person"
    statutory = False
    what_to_do = _("Udfør opfølgningen og markér den som udført på referatet.")
    reads = (
        "meetings.ActionItem",
        "meetings.AgendaItem",
        "meetings.Meeting",
        "meetings.Referat",
        "organisations.Person",
    )

    def wants(self, ctx):
        queryset = ctx.filter(
            ActionItem.objects.filter(item__meeting__referat__state__in=Referat.APPROVED_STATES),
            "owner_id",
            "person",
        ).filter(
            Q(owner__left_on__isnull=True)
            | Q(owner__left_on__gt=ctx.today)
            | Q(done_on__isnull=False)
        )
        for pk, owner_id, unit_id, committee_id, text, due_on, done_on in queryset.values_list(
            "pk",
            "owner_id",
            "owner__unit_id",
            "item__meeting__committee_id",
            "text",
            "due_on",
            "done_on",
        ):
            yield Want(
                key=f"a{pk}",
                due_date=due_on,
                person_id=owner_id,
                committee_id=committee_id,
                unit_id=unit_id,
                params={"action": text[:120]},
                done_on=done_on,
                fulfilled_by=(ActionItem, pk) if done_on else None,
            )


@register
class PreMeetingRight(Rule):
    """Seed 003 (Albertslund, KommuneMED's forretningsorden, the model for every MED
    committee): "Medarbejderne kan afholde en 1 times formøde inden det planlagte møde." A right
    of the medarbejderside where the committee's own forretningsorden grants it
    (`Procedure.formoede`), not a duty: each planned ordinary meeting ahead has a row due
    `formoede_days` before it, with the employee side's chair (the formand or næstformand who sits
    for the medarbejderside) as responsible, done when a formøde is scheduled on or before that
    day. A meeting cancelled, or held without a formøde, leaves no open row (it is no longer
    wanted, and the engine cancels the open row)."""

    code = "meetings.formoede"
    title = _("Formøde før mødet %(date)s")
    group_title = _("Medarbejdersidens formøde")
    source = ""
    local_source = _("forretningsorden: medarbejdersidens formøde før hvert ordinært møde")
    subject = "committee"
    statutory = False
    what_to_do = _(
        "Medarbejdersiden kan holde formøde i arbejdstiden før mødet; det er jeres ret, ikke en "
        "pligt. Vil I holde det, indkalder medarbejdersidens formand eller næstformand fra "
        "mødesiden."
    )
    reads = COMMITTEES + (
        "meetings.Meeting",
        "meetings.Procedure",
        "meetings.PreMeeting",
        "committees.Membership",
    )

    def action(self, deadline):
        meeting = (deadline.params or {}).get("id")
        if not meeting:
            return None
        return Action(_("Åbn mødet"), reverse("meetings:meeting", args=[meeting]))

    def wants(self, ctx):
        if not ctx.is_full and not any(p["formoede"] for p in _procedures(ctx).values()):
            # A change touches a few committees, most without a formøde in their
            # forretningsorden (the AMGs): the plain read of their procedures spares the query
            # below, which costs several times as much to build.
            return
        # The employee side's chair on the day of the evaluation, as a subquery: the rule reads
        # the meetings, their forretningsorden, their formøde and the chair in one query.
        chair = (
            Membership.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=ctx.today),
                committee_id=OuterRef("committee_id"),
                side=Membership.Side.MEDARBEJDER,
                role__in=EMPLOYEE_CHAIR_ROLES,
                start_date__lte=ctx.today,
            )
            .order_by("start_date", "pk")
            .values("person_id")[:1]
        )
        queryset = ctx.filter(
            Meeting.objects.filter(
                status=Meeting.Status.PLANNED,
                kind=Meeting.Kind.ORDINARY,
                date__gt=ctx.today,
                committee__closed_on__isnull=True,
                committee__procedure__formoede=True,
            ),
            "committee_id",
            "committee",
        ).annotate(chair_id=Subquery(chair))
        rows = queryset.values_list(
            "pk",
            "public_id",
            "committee_id",
            "date",
            "committee__procedure__formoede_days",
            "pre_meeting__pk",
            "pre_meeting__date",
            "pre_meeting__convened_at",
            "chair_id",
        )
        for pk, public_id, committee_id, day, days, pre_pk, pre_day, convened, chair_id in rows:
            due = day - datetime.timedelta(days=days)
            held = pre_pk is not None and pre_day <= due
            yield Want(
                key=f"m{pk}",
                due_date=due,
                person_id=chair_id,
                committee_id=committee_id,
                unit_id=first_unit(ctx, committee_id),
                params={"date": day.strftime("%d.%m.%Y"), "id": str(public_id)},
                done_on=min(timezone.localdate(convened), due) if held else None,
                fulfilled_by=(PreMeeting, pre_pk) if held else None,
            )
