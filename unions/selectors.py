"""Reads of union data for the kreds officers: the page, the CSV export and the invitations all
use these, so what an officer can see is decided in one place.

THE TENANCY EXCEPTION. Everywhere else tenant rows are read inside one kommune's scope. A kreds
spans kommuner and its officers belong to no kommune, so these selectors read with
`scopes_disabled()`. They make up for it themselves, in every query:

- only union memberships of *this* kreds, only in kommuner the kreds covers;
- only while the person's consent is active (withdrawing it hides the person at once, because
  nothing is cached or copied: every read re-checks the consent columns);
- only what follows from those memberships (the same people's seats, deadlines and courses).

Nothing else may read union data across kommuner; the kommune's HR and leaders never read it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window

from committees.models import Membership
from core.tenancy import scopes_disabled
from deadlines.engine import registry
from deadlines.models import Deadline, Status
from deadlines.selectors import URGENCY
from organisations.models import Kommune, Person, Unit
from training.models import Completion

from .models import (
    Kommunegruppe,
    Kreds,
    KredsInquiry,
    NetworkAttendance,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
    UnionMembership,
)

# The seats a kreds follows (DESIGN: union officers see their members' AMR status; seed 000 and
# 001 also bring the TR into the yearly meeting and the kommunegruppe).
FOLLOWED_ROLES = (Membership.Role.AMR, Membership.Role.TR)
# Deadlines shown to the kreds: the training duties and the AMR's term end (new election due).
TERM_END_RULE = "committees.amr_term_end"
TRAINING_RULE_PREFIX = "training."


def followed_deadlines_q() -> Q:
    return Q(rule__startswith=TRAINING_RULE_PREFIX) | Q(rule=TERM_END_RULE)


def is_followed_rule(rule: str) -> bool:
    """`followed_deadlines_q` for one rule code."""
    return rule.startswith(TRAINING_RULE_PREFIX) or rule == TERM_END_RULE


@dataclass(frozen=True)
class FollowedDeadline:
    """An open training deadline or term end of a member, as the kreds pages show it."""

    person_id: int
    rule: str
    params: dict
    due_date: datetime.date
    status: str

    @property
    def title(self) -> str:
        rule = registry.get(self.rule)
        return rule.render_title(self) if rule else self.rule


@dataclass
class MemberRow:
    """One consenting member with an active AMR/TR seat, everything the kreds page shows."""

    union_membership: UnionMembership
    person: Person
    kommune: Kommune
    workplace: Unit | None
    seats: list[Membership] = field(default_factory=list)
    deadlines: list[FollowedDeadline] = field(default_factory=list)  # open, most urgent first
    completions: list[Completion] = field(default_factory=list)
    kommunegrupper: list[Kommunegruppe] = field(default_factory=list)
    network_groups: list[NetworkGroup] = field(default_factory=list)

    @property
    def urgency(self) -> int:
        return min((URGENCY[d.status] for d in self.deadlines), default=len(URGENCY))

    @property
    def next_due(self) -> datetime.date:
        return min((d.due_date for d in self.deadlines), default=datetime.date.max)

    @property
    def overdue(self) -> list[FollowedDeadline]:
        return [d for d in self.deadlines if d.status == Status.OVERDUE]

    @property
    def role_codes(self) -> set[str]:
        return {seat.role for seat in self.seats}


@dataclass
class KredsStructure:
    """The kreds' kommuner, kommunegrupper and network groups, loaded once per page."""

    kreds: Kreds
    kommuner: list[Kommune]
    kommunegrupper: list[Kommunegruppe]
    network_groups: list[NetworkGroup]

    @property
    def kommune_ids(self) -> set[int]:
        return {k.pk for k in self.kommuner}

    def gruppe_kommune_ids(self, gruppe: Kommunegruppe) -> set[int]:
        # Only kommuner the kreds covers, even if the group was set up with more.
        return {k.pk for k in gruppe.kommuner.all()} & self.kommune_ids

    def group_kommune_ids(self, group: NetworkGroup) -> set[int]:
        if group.kommunegruppe_id is None:
            return self.kommune_ids
        gruppe = next(g for g in self.kommunegrupper if g.pk == group.kommunegruppe_id)
        return self.gruppe_kommune_ids(gruppe)


def kreds_structure(kreds: Kreds) -> KredsStructure:
    kommuner = list(kreds.kommuner.order_by("name"))
    grupper = list(
        kreds.kommunegrupper.order_by("name").prefetch_related(
            Prefetch("kommuner", queryset=Kommune.objects.order_by("name"))
        )
    )
    groups = list(kreds.network_groups.order_by("name"))
    return KredsStructure(kreds, kommuner, grupper, groups)


def _consenting_memberships(kreds: Kreds, kommune_ids: set[int]) -> QuerySet[UnionMembership]:
    """Must run inside scopes_disabled(); see the module docstring."""
    return UnionMembership.objects.consenting().filter(
        kreds=kreds,
        kommune_id__in=kommune_ids,
        person__isnull=False,
        person__left_on__isnull=True,
    )


def _seated(members: QuerySet[UnionMembership]) -> QuerySet[UnionMembership]:
    """The members who hold an active AMR/TR seat (the ones the kreds follows)."""
    return members.filter(
        Exists(
            Membership.objects.filter(
                person=OuterRef("person_id"),
                role__in=FOLLOWED_ROLES,
                ended_on__isnull=True,
                committee__closed_on__isnull=True,
            )
        )
    )


def _active_seats(person_ids) -> QuerySet[Membership]:
    return Membership.objects.filter(
        person_id__in=person_ids,
        role__in=FOLLOWED_ROLES,
        ended_on__isnull=True,
        committee__closed_on__isnull=True,
    )


def workplace_of(person: Person) -> Unit | None:
    unit = person.unit
    if unit is not None and unit.kind == Unit.Kind.AFDELING:
        return unit.parent
    return unit


def _kommune_ids(
    structure: KredsStructure, kommune: Kommune | None, kommunegruppe: Kommunegruppe | None
) -> set[int]:
    kommune_ids = structure.kommune_ids
    if kommune is not None:
        kommune_ids &= {kommune.pk}
    if kommunegruppe is not None:
        kommune_ids &= structure.gruppe_kommune_ids(kommunegruppe)
    return kommune_ids


def member_rows(
    structure: KredsStructure,
    *,
    today: datetime.date,
    kommune: Kommune | None = None,
    kommunegruppe: Kommunegruppe | None = None,
) -> list[MemberRow]:
    """The kreds' consenting members who hold an AMR/TR seat, optionally in one kommune or one
    kommunegruppe; members with overdue training or an overdue new election first, then by
    the next due date and name. A fixed number of queries, whatever the number of members."""
    kommune_ids = _kommune_ids(structure, kommune, kommunegruppe)
    if not kommune_ids:
        return []
    with scopes_disabled():
        members = _consenting_memberships(structure.kreds, kommune_ids)
        return _rows(structure, members, today)


# Members on one page of the kreds overview, most urgent first (the CSV export has them all).
MEMBER_PAGE_SIZE = 25


@dataclass
class ListPage:
    """One page of a long list (members, forwarded injuries)."""

    rows: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def member_page(
    structure: KredsStructure,
    *,
    today: datetime.date,
    kommune: Kommune | None = None,
    kommunegruppe: Kommunegruppe | None = None,
    number: int = 1,
    size: int = MEMBER_PAGE_SIZE,
) -> ListPage:
    """One page of `member_rows`, in the same order, for a kreds with hundreds of members (a
    large kommune's kreds follows many AMR and TR). The database orders and counts the members
    and only the page's members are loaded. The order of `member_rows` — urgency, then the next
    due date, then the name — is the order of the next due date of the member's open deadlines
    (an open deadline's urgency follows from its due date), kept on the row as `next_due`. A
    fixed number of queries, whatever the number of members."""
    kommune_ids = _kommune_ids(structure, kommune, kommunegruppe)
    if not kommune_ids:
        return ListPage([], 0, 1, size)
    number = max(1, number)
    with scopes_disabled():
        members = _consenting_memberships(structure.kreds, kommune_ids)
        seated = _seated(members)
        ordered = (
            # `next_due` is kept on the row when deadlines are written (services.py), so the
            # database sorts a column instead of running a subquery per member.
            seated.annotate(total=Window(Count("pk")))
            .order_by(
                F("next_due").asc(nulls_last=True),
                "person__last_name",
                "person__first_name",
                "person_id",
            )
            .values_list("pk", "total")
        )
        found = list(ordered[(number - 1) * size : number * size])
        if not found and number > 1:
            # Past the last page (a stale link): show the last page.
            number = max(1, -(-seated.count() // size))
            found = list(ordered[(number - 1) * size : number * size])
        total = found[0][1] if found else 0
        page_ids = [pk for pk, _total in found]
        rows = _rows(structure, UnionMembership.objects.filter(pk__in=page_ids), today)
    return ListPage(rows, total, number, size)


def _rows(structure: KredsStructure, members, today: datetime.date) -> list[MemberRow]:
    """Rows of these union memberships (only those with an active AMR/TR seat), sorted. Must
    run inside scopes_disabled(); `members` is already limited to the kreds and the consent."""
    people = members.values("person_id")
    seats_by_person = defaultdict(list)
    for seat in (
        _active_seats(people).select_related("committee").order_by("role", "committee__name")
    ):
        seats_by_person[seat.person_id].append(seat)
    if not seats_by_person:
        return []
    rows = {
        um.person_id: MemberRow(
            union_membership=um,
            person=um.person,
            kommune=um.kommune,
            workplace=workplace_of(um.person),
            seats=seats_by_person[um.person_id],
        )
        for um in members.select_related(
            "person", "person__unit", "person__unit__parent", "kommune"
        )
        if um.person_id in seats_by_person
    }
    deadlines = (
        Deadline.objects.filter(
            followed_deadlines_q(), person__in=people, state=Deadline.State.OPEN
        )
        .with_status(today)
        # What the page and the CSV show of a deadline (its title comes from the rule and the
        # params), read as values: a member row lists several.
        .values_list("person_id", "rule", "params", "due_date", "status")
        .order_by("due_date", "pk")
    )
    for values in deadlines:
        deadline = FollowedDeadline(*values)
        if deadline.person_id in rows:
            rows[deadline.person_id].deadlines.append(deadline)
    completions = (
        Completion.objects.filter(person__in=people)
        .select_related("course_type")
        .order_by("-completed_on")
    )
    for completion in completions:
        if completion.person_id in rows:
            rows[completion.person_id].completions.append(completion)

    for row in rows.values():
        row.deadlines.sort(key=lambda d: (URGENCY[d.status], d.due_date))
        row.kommunegrupper = [
            g for g in structure.kommunegrupper if row.kommune.pk in structure.gruppe_kommune_ids(g)
        ]
        row.network_groups = [
            g
            for g in structure.network_groups
            if row.kommune.pk in structure.group_kommune_ids(g)
            and row.role_codes & set(g.role_codes)
        ]
    return sorted(
        rows.values(),
        key=lambda r: (r.urgency, r.next_due, r.person.last_name, r.person.first_name, r.person.pk),
    )


# Injuries forwarded to the kreds, newest first: a few on the overview, all on their own page.
FORWARDED_ON_OVERVIEW = 10
FORWARDED_PAGE_SIZE = 50


def forwarded_incidents(kreds: Kreds, *, number: int = 1, size: int = FORWARDED_PAGE_SIZE):
    """Page `number` of the injuries forwarded to the kreds by an AMR with the injured
    person's consent (seed 000), in any kommune of the kreds, and how many there are; a
    withdrawn consent removes the case at once. The injured person need not be an AMR or TR, so
    these are listed on their own, not per member row."""
    from incidents.access import incidents_forwarded_to_kreds

    number = max(1, number)
    rows, total = incidents_forwarded_to_kreds(
        kreds.public_id, offset=(number - 1) * size, limit=size
    )
    if not rows and total:
        # Past the last page (a stale link): the last page.
        number = -(-total // size)
        rows, total = incidents_forwarded_to_kreds(
            kreds.public_id, offset=(number - 1) * size, limit=size
        )
    return ListPage(rows, total, number, size)


def group_invitees(group: NetworkGroup, structure: KredsStructure) -> list[UnionMembership]:
    """The consenting members a network group invites: in the group's kommuner, holding an active
    seat of a role the group is for, with an e-mail address."""
    kommune_ids = structure.group_kommune_ids(group)
    if not kommune_ids:
        return []
    with scopes_disabled():
        members = _consenting_memberships(structure.kreds, kommune_ids).exclude(person__email="")
        seated = _active_seats(members.values("person_id")).filter(role__in=group.role_codes)
        return list(
            members.filter(person__in=seated.values("person_id"))
            .select_related("person")
            .order_by("person__last_name", "person__first_name")
        )


def meeting_invitations(meeting) -> list[NetworkInvitation]:
    """The invitations of a meeting the officer may see: only members whose consent is still
    active (a withdrawn consent hides even that the person was invited)."""
    with scopes_disabled():
        return list(
            NetworkInvitation.objects.filter(
                meeting=meeting,
                union_membership__in=UnionMembership.objects.consenting().filter(
                    kreds=meeting.group.kreds, person__isnull=False
                ),
            )
            .select_related("union_membership__person", "union_membership__kommune")
            .order_by("union_membership__person__last_name")
        )


@dataclass
class KommuneCompliance:
    kommune: Kommune
    members: int
    behind: int  # members with an overdue training duty or an expired AMR term

    @property
    def on_track(self) -> int:
        return self.members - self.behind

    @property
    def share(self) -> int:
        """Per cent of the members on track (for the bar)."""
        return round(100 * self.on_track / self.members) if self.members else 0


def compliance_by_kommune(
    structure: KredsStructure, today: datetime.date
) -> list[KommuneCompliance]:
    """The kreds at a glance: per kommune, how many consenting AMR/TR members it follows and how
    many of them are behind (an overdue followed deadline). Two queries, whatever the size."""
    kommune_ids = structure.kommune_ids
    if not kommune_ids:
        return []
    with scopes_disabled():
        members = _consenting_memberships(structure.kreds, kommune_ids)
        seated = _seated(members)
        overdue = Deadline.objects.visible().filter(
            followed_deadlines_q(),
            person=OuterRef("person_id"),
            state=Deadline.State.OPEN,
            due_date__lt=today,
        )
        rows = (
            seated.annotate(behind=Exists(overdue))
            .values("kommune_id")
            .annotate(members=Count("pk"), behind_count=Count("pk", filter=Q(behind=True)))
            .order_by()
        )
        counts = {r["kommune_id"]: (r["members"], r["behind_count"]) for r in rows}
    return [
        KommuneCompliance(kommune, *counts.get(kommune.pk, (0, 0)))
        for kommune in structure.kommuner
    ]


def meeting_attendance(meeting) -> set[int]:
    """The union memberships recorded as attending, among the still consenting members (like
    the invitations, a withdrawn consent hides it)."""
    with scopes_disabled():
        return set(
            NetworkAttendance.objects.filter(
                meeting=meeting,
                union_membership__in=UnionMembership.objects.consenting().filter(
                    kreds=meeting.group.kreds, person__isnull=False
                ),
            ).values_list("union_membership_id", flat=True)
        )


# --- inquiries (seed 000: the AMR raises a concrete problem with the kreds) ----------------------

INQUIRY_PAGE_SIZE = 50


def visible_inquiries(kreds: Kreds) -> QuerySet[KredsInquiry]:
    """The inquiries the kreds' officers may read: raised to this kreds by a member who is
    still of this kreds, still consents and is still employed in a kommune the kreds covers.
    Must run inside scopes_disabled(); see the module docstring."""
    members = _consenting_memberships(kreds, kreds.kommuner.values("pk"))
    return KredsInquiry.objects.filter(kreds=kreds, union_membership__in=members)


def kreds_inquiries(kreds: Kreds, *, number: int = 1, size: int = INQUIRY_PAGE_SIZE) -> ListPage:
    """Page `number` of the kreds' inquiries: unanswered first (oldest first: they have waited
    longest), then the answered, newest first. Three queries, whatever the number."""
    number = max(1, number)
    with scopes_disabled():
        inquiries = visible_inquiries(kreds)
        total = inquiries.count()
        pages = max(1, -(-total // size))
        number = min(number, pages)
        rows = list(
            inquiries.select_related(
                "union_membership__person", "union_membership__kommune", "answered_by"
            ).order_by(
                F("answered_at").desc(nulls_first=True),
                "created",
            )[(number - 1) * size : number * size]
        )
    # Unanswered: oldest first; answered: newest first (ordered above by answered_at desc).
    return ListPage(rows, total, number, size)


def open_inquiry_count(kreds: Kreds) -> int:
    with scopes_disabled():
        return visible_inquiries(kreds).filter(answered_at__isnull=True).count()


def own_inquiries(membership: UnionMembership | None) -> list[KredsInquiry]:
    """The member's own inquiries, newest first (in the member's kommune scope)."""
    if membership is None:
        return []
    return list(
        KredsInquiry.objects.filter(union_membership=membership)
        .select_related("kreds")
        .order_by("-created")[:50]
    )


def own_meetings(membership: UnionMembership | None) -> list[NetworkMeeting]:
    """The network meetings the member was invited to, newest first (their referat is theirs
    to read). In the member's kommune scope; the invitations leave with the consent."""
    if membership is None:
        return []
    invited = NetworkInvitation.objects.filter(union_membership=membership).values("meeting_id")
    return list(
        NetworkMeeting.objects.filter(pk__in=invited)
        .select_related("group")
        .order_by("-starts_at")[:20]
    )
