"""Reads shared by the meeting pages, the PDFs, the e-mails, the calendar feeds and the rules.

Each takes what is in scope (the request's or the task's tenant scope is active) and prefetches
what it renders, so a page and its PDF run the same, flat number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone

from committees.models import Committee, CommitteeUnit, Membership
from core.tenancy import current_kommune_id
from deadlines.engine import Context, registry
from organisations.models import Person

from .models import (
    DEFAULT_DISPATCH_DAYS,
    DEFAULT_PROPOSAL_DAYS,
    DEFAULT_STANDING_ITEMS,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    ItemAttachment,
    ItemKind,
    Meeting,
    MeetingPlan,
    MeetingRequest,
    Placement,
    Procedure,
    Referat,
)

MINIMUM_RULE = "meetings.minimum_per_year"


# --- the forretningsorden ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureSettings:
    meetings_per_year: int | None
    plan_required: bool
    proposal_days: int
    dispatch_days: int
    # (kind, placement, title), in agenda order within each placement.
    standing_items: tuple[tuple[str, str, str], ...]


def hovedmed_minimum_default() -> int:
    """The kommune's local rule for HovedMED/KommuneMED (seed 003: five a year)."""
    rule = registry.get(MINIMUM_RULE)
    return Context(current_kommune_id(), timezone.localdate()).param(rule, "hovedmed_minimum")


def settings_for(
    committee: Committee, procedure: Procedure | None, hovedmed_minimum: int
) -> ProcedureSettings:
    is_hoved = committee.kind == Committee.Kind.HOVEDMED
    if procedure is None:
        return ProcedureSettings(
            meetings_per_year=hovedmed_minimum if is_hoved else None,
            plan_required=is_hoved,
            proposal_days=DEFAULT_PROPOSAL_DAYS,
            dispatch_days=DEFAULT_DISPATCH_DAYS,
            standing_items=tuple((k, p, str(t)) for k, p, t in DEFAULT_STANDING_ITEMS),
        )
    minimum = procedure.meetings_per_year
    if minimum is None and is_hoved:
        minimum = hovedmed_minimum
    items = sorted(
        procedure.standing_items.all(),
        key=lambda s: (s.placement != Placement.BEFORE, s.position, s.pk),
    )
    return ProcedureSettings(
        meetings_per_year=minimum,
        plan_required=procedure.plan_required,
        proposal_days=procedure.proposal_days,
        dispatch_days=procedure.dispatch_days,
        standing_items=tuple((s.kind, s.placement, s.title) for s in items),
    )


def procedure_for(committee: Committee) -> ProcedureSettings:
    if Committee.procedure.is_cached(committee):
        # Loaded with the committee (`meeting_queryset`): no query when it has none.
        procedure = getattr(committee, "procedure", None)
        if procedure is not None:
            prefetch_related_objects([procedure], "standing_items")
    else:
        procedure = (
            Procedure.objects.filter(committee=committee).prefetch_related("standing_items").first()
        )
    minimum = hovedmed_minimum_default() if committee.kind == Committee.Kind.HOVEDMED else 0
    return settings_for(committee, procedure, minimum)


def dispatch_days_by_committee(committee_ids) -> dict[int, int]:
    """Committee id -> days before a meeting its agenda must be out (one query)."""
    days = dict(
        Procedure.objects.filter(committee_id__in=committee_ids).values_list(
            "committee_id", "dispatch_days"
        )
    )
    return defaultdict(lambda: DEFAULT_DISPATCH_DAYS, days)


def proposal_deadline(meeting: Meeting, settings: ProcedureSettings) -> datetime.date:
    """The last day items may be proposed (seed 003: "senest 14 dage før mødet")."""
    return meeting.date - datetime.timedelta(days=settings.proposal_days)


def dispatch_due(meeting: Meeting, settings: ProcedureSettings) -> datetime.date:
    """The last day the agenda and material may go out (seed 003: "senest 7 dage før")."""
    return meeting.date - datetime.timedelta(days=settings.dispatch_days)


# --- people around a meeting ---------------------------------------------------------------------


def active_seats_on(committee_id: int, day: datetime.date):
    return Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        committee_id=committee_id,
        start_date__lte=day,
    )


def invitees(meeting: Meeting) -> list[Person]:
    """Everyone invited: the committee's members on the meeting day, each once, by name (a
    member elected to start before the meeting is invited; one leaving before it is not)."""
    person_ids = active_seats_on(meeting.committee_id, meeting.date).values("person_id")
    return list(
        Person.objects.filter(pk__in=person_ids, left_on__isnull=True).order_by(
            "last_name", "first_name", "pk"
        )
    )


@dataclass
class AttendanceRow:
    person: Person
    roles: list[str]
    status: str = ""
    note: str = ""

    @property
    def status_label(self) -> str:
        return Attendance.Status(self.status).label if self.status else ""


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """The invitees with their roles and what was recorded (afbud, present, absent)."""
    # The invitees (as `invitees`) and their roles in one read of their seats.
    seats = (
        active_seats_on(meeting.committee_id, meeting.date)
        .filter(person__left_on__isnull=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person_id", "role")
    )
    people: list[Person] = []
    roles: dict[int, list[str]] = defaultdict(list)
    for seat in seats:
        if seat.person_id not in roles:
            people.append(seat.person)
        roles[seat.person_id].append(str(Membership.Role(seat.role).label))
    recorded = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows = []
    for person in people:
        row = AttendanceRow(person, roles.get(person.pk, []))
        if person.pk in recorded:
            row.status = recorded[person.pk].status
            row.note = recorded[person.pk].note
        rows.append(row)
    # Someone recorded who is no longer a member (left since) still shows in the referat.
    shown = {p.pk for p in people}
    extra = [a for a in recorded.values() if a.person_id not in shown]
    if extra:
        others = Person.objects.in_bulk([a.person_id for a in extra])
        for a in extra:
            rows.append(AttendanceRow(others[a.person_id], [], a.status, a.note))
    return rows


# --- the agenda and the referat ------------------------------------------------------------------


def items_queryset(include_pending: bool = False, *, outcomes: bool = True):
    """Agenda items with their material and, with `outcomes`, the referat's decisions and
    actions (the meeting page shows neither)."""
    queryset = AgendaItem.objects.select_related("proposed_by").prefetch_related(
        Prefetch("attachments", queryset=ItemAttachment.objects.order_by("pk"))
    )
    if outcomes:
        queryset = queryset.prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("position", "pk")),
            Prefetch(
                "actions",
                queryset=ActionItem.objects.select_related("owner").order_by("due_on", "pk"),
            ),
        )
    if not include_pending:
        queryset = queryset.filter(status=AgendaItem.Status.ACCEPTED)
    return queryset.order_by("position", "pk")


@dataclass
class Agenda:
    meeting: Meeting
    items: list[AgendaItem]
    pending: list[AgendaItem] = field(default_factory=list)
    rejected: list[AgendaItem] = field(default_factory=list)


def agenda_for(meeting: Meeting, *, include_pending: bool = False, outcomes: bool = True) -> Agenda:
    """The numbered agenda (accepted items), and — for the formandskab — the proposals waiting
    to be settled and those not taken up. Items are numbered 1…n, decisions n.1, n.2 … (with
    `outcomes`: the referat's decisions and actions loaded)."""
    items = list(items_queryset(include_pending, outcomes=outcomes).filter(meeting=meeting))
    for item in items:
        item.meeting = meeting  # the pages ask each item about its meeting: no query per item
    accepted = [i for i in items if i.status == AgendaItem.Status.ACCEPTED]
    for number, item in enumerate(accepted, start=1):
        item.number = number
        if not outcomes:
            continue
        for index, decision in enumerate(item.decisions.all(), start=1):
            decision.number = f"{number}.{index}"
    return Agenda(
        meeting=meeting,
        items=accepted,
        pending=[i for i in items if i.status == AgendaItem.Status.PROPOSED],
        rejected=[i for i in items if i.status == AgendaItem.Status.REJECTED],
    )


def proposals_by(meeting: Meeting, person: Person | None) -> list[AgendaItem]:
    """The person's own proposals to the meeting, whatever their status (they see what waits
    for the formandskab, what was taken up and what was not), with their material."""
    if person is None:
        return []
    items = list(
        AgendaItem.objects.filter(meeting=meeting, proposed_by=person, kind=ItemKind.PROPOSAL)
        .prefetch_related(Prefetch("attachments", queryset=ItemAttachment.objects.order_by("pk")))
        .order_by("position", "pk")
    )
    for item in items:
        item.meeting = meeting
    return items


def meeting_queryset():
    return Meeting.objects.select_related(
        "committee", "committee__procedure", "adjacent_to", "adjacent_to__committee"
    )


def meeting_page_queryset():
    """The meetings as their page reads them: with the pk of the referat, if there is one (the
    page only links to it), and whether a meeting was planned next to it, in the same query. The
    meeting it was planned next to (a TRIO meeting's AMG meeting) is read by the page when it
    has one (`adjacent_to_id`)."""
    return Meeting.objects.select_related("committee", "committee__procedure").annotate(
        referat_pk=Subquery(Referat.objects.filter(meeting_id=OuterRef("pk")).values("pk")[:1]),
        has_adjacent=Exists(Meeting.objects.filter(adjacent_to_id=OuterRef("pk"))),
    )


def referat_of(meeting: Meeting) -> Referat | None:
    return (
        Referat.objects.filter(meeting=meeting)
        .select_related(
            "first_approved_by", "second_approved_by", "final_approved_by", "final_meeting"
        )
        .first()
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's next planned meeting: where this referat is finally approved."""
    return (
        Meeting.objects.filter(
            committee_id=meeting.committee_id,
            status=Meeting.Status.PLANNED,
        )
        .filter(Q(date__gt=meeting.date) | Q(date=meeting.date, start_time__gt=meeting.start_time))
        .order_by("date", "start_time")
        .first()
    )


# --- the årshjul ---------------------------------------------------------------------------------


@dataclass
class Year:
    year: int
    meetings: list[Meeting]
    plan: MeetingPlan | None
    minimum: int | None

    @property
    def held_or_planned(self) -> int:
        return sum(1 for m in self.meetings if not m.is_cancelled)

    @property
    def short_of_minimum(self) -> int:
        if not self.minimum:
            return 0
        return max(self.minimum - self.held_or_planned, 0)


def committee_years(committee: Committee, years: list[int], settings: ProcedureSettings):
    """The årshjul: meetings per year (with their referat state), the plan and the minimum."""
    meetings = list(
        Meeting.objects.filter(committee=committee, date__year__in=years)
        .select_related("referat", "adjacent_to", "adjacent_to__committee")
        .annotate(item_count=Count("items", filter=Q(items__status=AgendaItem.Status.ACCEPTED)))
        .order_by("date", "start_time")
    )
    plans = {p.year: p for p in MeetingPlan.objects.filter(committee=committee, year__in=years)}
    by_year = defaultdict(list)
    for meeting in meetings:
        by_year[meeting.date.year].append(meeting)
    return [Year(y, by_year[y], plans.get(y), settings.meetings_per_year) for y in years]


def adjacent_meetings(meetings: list[Meeting]) -> dict[int, list[Meeting]]:
    """TRIO meetings held next to these (AMG) meetings, by the AMG meeting's id."""
    result = defaultdict(list)
    rows = Meeting.objects.filter(adjacent_to__in=[m.pk for m in meetings]).select_related(
        "committee"
    )
    for row in rows:
        result[row.adjacent_to_id].append(row)
    return result


def open_requests(committee: Committee):
    return (
        MeetingRequest.objects.filter(committee=committee, meeting__isnull=True)
        .select_related("created_by")
        .annotate(signature_count=Count("signatures"))
        .order_by("-created_at")
    )


def employee_side_ids(committee: Committee, day: datetime.date) -> set[int]:
    """The employee representatives (seed 003: "medarbejderrepræsentanterne")."""
    return set(
        active_seats_on(committee.pk, day)
        .filter(side=Membership.Side.MEDARBEJDER)
        .values_list("person_id", flat=True)
    )


# --- for a person -------------------------------------------------------------------------------


def person_committee_ids(person: Person, day: datetime.date) -> set[int]:
    return set(
        Membership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day), person=person
        ).values_list("committee_id", flat=True)
    )


def meetings_for_person(person: Person, since: datetime.date, until: datetime.date | None = None):
    """The meetings of the committees the person sits in (for the panel and the feed)."""
    committee_ids = (
        Membership.objects.filter(person=person)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=since))
        .values("committee_id")
    )
    queryset = Meeting.objects.filter(committee_id__in=committee_ids, date__gte=since)
    if until is not None:
        queryset = queryset.filter(date__lte=until)
    return queryset.select_related("committee").order_by("date", "start_time")


def covered_unit_paths(committee_ids) -> dict[int, list[str]]:
    paths = defaultdict(list)
    for committee_id, path in CommitteeUnit.objects.filter(
        committee_id__in=committee_ids
    ).values_list("committee_id", "unit__path"):
        paths[committee_id].append(path)
    return paths


def next_open_meeting(committee: Committee, on_or_after: datetime.date) -> Meeting | None:
    """The committee's next planned meeting, on or after the day, whose agenda still takes
    items: not settled, not dispatched (`services.agenda_lock_reason`). One query. Procedures
    that put a point before a committee (an organisation change, a budget step) ask it."""
    return (
        Meeting.objects.filter(
            committee=committee,
            date__gte=on_or_after,
            status=Meeting.Status.PLANNED,
            dispatched_at__isnull=True,
            agenda_settled_at__isnull=True,
        )
        .order_by("date", "pk")
        .first()
    )
