"""Reads of union data for the kreds officers: the page, the CSV export and the invitations all
use these, so what an officer can see is decided in one place.

THE TENANCY EXCEPTION. Everywhere else tenant rows are read inside one kommune's scope. A kreds
spans kommuner and its officers belong to no kommune, so these selectors read with
`scopes_disabled()`, or in statements written out in SQL (the kreds overview's, read on every
request), which django-scopes does not see either. They make up for it themselves, in every
query:

- only union memberships of *this* kreds, only in kommuner the kreds covers;
- only while the person's consent is active (withdrawing it hides the person at once, because
  nothing is cached or copied: every read re-checks the consent columns);
- only what follows from those memberships (the same people's seats, deadlines and courses).

Nothing else may read union data across kommuner; the kommune's HR and leaders never read it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import F, Q, QuerySet

from committees.models import Committee, Membership
from core.rawsql import Columns, converter
from core.tenancy import scopes_disabled
from deadlines.engine import registry
from deadlines.models import DUE_SOON_DAYS, Deadline, Status
from deadlines.selectors import URGENCY
from organisations.models import Kommune, Person, Unit
from training.models import Completion, CourseType

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
# `UnionMembership.seated` is kept by the database with these roles written into its triggers
# (migration unions 0005_seated): a change here needs a migration that rewrites them.
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


@dataclass(frozen=True, slots=True)
class MemberPerson:
    """What the kreds pages show of a member (read as values: a page lists dozens)."""

    pk: int
    first_name: str
    last_name: str
    email: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class MemberSeat:
    """An active AMR/TR seat of a member, as the kreds pages show it."""

    role: str
    committee_name: str
    start_date: datetime.date
    term_end: datetime.date | None
    employer_notified_on: datetime.date | None

    def get_role_display(self) -> str:
        return Membership.role_label(self.role)


@dataclass(frozen=True, slots=True)
class MemberCourse:
    """A course the member has completed."""

    name: str
    completed_on: datetime.date


@dataclass
class MemberRow:
    """One consenting member with an active AMR/TR seat, everything the kreds page shows (the
    member's kommune is their person's: a union membership is a tenant row of it)."""

    person: MemberPerson
    kommune: Kommune
    workplace: str  # the name of the member's workplace (`workplace_of`), or ""
    seats: list[MemberSeat] = field(default_factory=list)
    deadlines: list[FollowedDeadline] = field(default_factory=list)  # open, most urgent first
    completions: list[MemberCourse] = field(default_factory=list)
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
    # Kommunegruppe pk -> the pks of its kommuner (all of them, also any the kreds does not
    # cover); read by `kreds_structure` with the groups. Without it, from `gruppe.kommuner`.
    gruppe_kommuner: dict[int, set[int]] | None = None

    @property
    def kommune_ids(self) -> set[int]:
        return {k.pk for k in self.kommuner}

    def gruppe_kommune_ids(self, gruppe: Kommunegruppe) -> set[int]:
        # Only kommuner the kreds covers, even if the group was set up with more.
        if self.gruppe_kommuner is None:
            members = {k.pk for k in gruppe.kommuner.all()}
        else:
            members = self.gruppe_kommuner.get(gruppe.pk, set())
        return members & self.kommune_ids

    def group_kommune_ids(self, group: NetworkGroup) -> set[int]:
        if group.kommunegruppe_id is None:
            return self.kommune_ids
        gruppe = next(g for g in self.kommunegrupper if g.pk == group.kommunegruppe_id)
        return self.gruppe_kommune_ids(gruppe)


def kreds_structure(kreds: Kreds, kommuner: list[Kommune] | None = None) -> KredsStructure:
    """Two statements: the kommuner (unless given, by name: `access.get_kreds_and_kommuner_for_
    officer` reads them with the kreds), and the kommunegrupper with their kommuner (one row per
    pair) followed by the network groups, in one UNION ALL written out (core.rawsql: the kreds'
    pages read it on every request, and the ORM took longer to build it than to run it)."""
    if kommuner is None:
        kommuner = list(kreds.kommuner.order_by("name"))
    gruppe, group = _structure_columns()
    # A kommunegruppe's row: its columns, one of its kommuner (or NULL), and NULLs where a
    # network group's columns are; a network group's row: NULLs, then its columns.
    sql = f"""
        SELECT 0 AS part, {gruppe.sql}, l.kommune_id, {_nulls(group.width)}, g.name AS sort_name, g.id
        FROM {Kommunegruppe._meta.db_table} g
          LEFT JOIN {Kommunegruppe.kommuner.through._meta.db_table} l ON l.kommunegruppe_id = g.id
        WHERE g.kreds_id = %s
        UNION ALL
        SELECT 1, {_nulls(gruppe.width)}, NULL, {group.sql}, n.name, n.id
        FROM {NetworkGroup._meta.db_table} n
        WHERE n.kreds_id = %s
        ORDER BY part, sort_name, {gruppe.width + group.width + 4}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, (kreds.pk, kreds.pk))
        found = cursor.fetchall()
    grupper, links, groups = {}, {}, []
    for part, *row in found:
        if part == 1:
            group_row = group.instance(row[gruppe.width + 1 :])
            group_row.kreds = kreds
            groups.append(group_row)
            continue
        pk, kommune_id = row[0], row[gruppe.width]
        if pk not in grupper:
            grupper[pk] = gruppe.instance(row)
            grupper[pk].kreds = kreds
            links[pk] = set()
        if kommune_id is not None:
            links[pk].add(kommune_id)
    return KredsStructure(kreds, kommuner, list(grupper.values()), groups, links)


def _nulls(count: int) -> str:
    return ", ".join(["NULL"] * count)


@lru_cache(maxsize=1)
def _structure_columns() -> tuple[Columns, Columns]:
    return Columns(Kommunegruppe, "g"), Columns(NetworkGroup, "n")


def _consenting_memberships(kreds: Kreds, kommune_ids: set[int]) -> QuerySet[UnionMembership]:
    """Must run inside scopes_disabled(); see the module docstring."""
    return UnionMembership.objects.consenting().filter(
        kreds=kreds,
        kommune_id__in=kommune_ids,
        person__isnull=False,
        person__left_on__isnull=True,
    )


def _seated(kreds: Kreds, kommune_ids: set[int]) -> QuerySet[UnionMembership]:
    """The consenting members (`_consenting_memberships`) who hold an active AMR/TR seat (the
    ones the kreds follows). Must run inside scopes_disabled().

    `seated` is kept on the union membership by the database (migration unions 0005): looking
    the seats up here, through the members' people and their committees, was most of the kreds
    overview's query (three index lookups per member, several hundred members at L)."""
    return _consenting_memberships(kreds, kommune_ids).filter(seated=True)


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
        seated = _seated(structure.kreds, kommune_ids)
        return _rows(structure, seated.values_list("person_id", flat=True), today)


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
    large kommune's kreds follows many AMR and TR). See `member_page_and_glance`."""
    return member_page_and_glance(
        structure,
        today=today,
        kommune=kommune,
        kommunegruppe=kommunegruppe,
        number=number,
        size=size,
    )[0]


def member_page_and_glance(
    structure: KredsStructure,
    *,
    today: datetime.date,
    kommune: Kommune | None = None,
    kommunegruppe: Kommunegruppe | None = None,
    number: int = 1,
    size: int = MEMBER_PAGE_SIZE,
    page_kommune_ids: set[int] | None = None,
) -> tuple[ListPage, list[KommuneCompliance]]:
    """One page of `member_rows` (optionally of one kommune or kommunegruppe) and the kreds at
    a glance (`KommuneCompliance` for every kommune of the kreds, whatever the filter), from
    one read of the kreds' seated members: the database orders, numbers and counts them, and
    only the page's members are loaded (a fixed number of queries, whatever the number of
    members). `page_kommune_ids` (set()) gives an empty page with the glance (an invalid
    filter).

    The order of `member_rows` — urgency, then the next due date, then the name — is the order
    of the next due date of the member's open followed deadlines (an open deadline's urgency
    follows from its due date), kept on the union membership as `next_due`; a member is behind
    (an overdue followed deadline) when that date has passed."""
    kreds_ids = structure.kommune_ids
    if page_kommune_ids is None:
        page_kommune_ids = _kommune_ids(structure, kommune, kommunegruppe)
    if not kreds_ids:
        return ListPage([], 0, 1, size), []
    number = max(1, number)
    with scopes_disabled():
        people, total, counts = _numbered(structure, page_kommune_ids, today, number, size)
        if not people and number > 1 and total:
            # Past the last page (a stale link): show the last page.
            number = -(-total // size)
            people, total, counts = _numbered(structure, page_kommune_ids, today, number, size)
        rows = _rows(structure, people, today) if people else []
    glance = [
        KommuneCompliance(kommune, *counts.get(kommune.pk, (0, 0)))
        for kommune in structure.kommuner
    ]
    return ListPage(rows, total, number, size), glance


def _numbered(
    structure: KredsStructure, page_kommune_ids: set[int], today: datetime.date, number, size
) -> tuple[list[int], int, dict[int, tuple[int, int]]]:
    """(the people of the members on page `number`, the members of the filtered kommuner, per
    kommune of the kreds (members, behind)). One query: the kreds' seated members are numbered
    in the page's order (the filtered kommuner's first) and counted per kommune by window
    functions, and only the page's rows and one row per kommune come back. Must run inside
    scopes_disabled()."""
    seated = _seated(structure.kreds, structure.kommune_ids)
    members, params = (
        seated.values(
            "kommune_id",
            "next_due",
            "person_id",
            last_name=F("person__last_name"),
            first_name=F("person__first_name"),
        )
        .order_by()
        .query.sql_with_params()
    )
    # Written out around the ORM's query of the members (which keeps the privacy filters in
    # one place): the window functions cost more to build in the ORM than to run.
    # `next_due` is kept on the row when deadlines are written (services.py), so the database
    # sorts a column instead of running a subquery per member.
    placeholders = ", ".join(["%s"] * len(page_kommune_ids)) or "NULL"
    on_page = f"m.kommune_id IN ({placeholders})"
    sql = f"""
        SELECT m.person_id, m.position, m.page_total, m.kommune_id, m.members, m.behind FROM (
          SELECT m.person_id, m.kommune_id,
            ROW_NUMBER() OVER (ORDER BY CASE WHEN {on_page} THEN 0 ELSE 1 END,
              m.next_due ASC NULLS LAST, m.last_name, m.first_name, m.person_id) AS position,
            COUNT(CASE WHEN {on_page} THEN 1 END) OVER () AS page_total,
            ROW_NUMBER() OVER (PARTITION BY m.kommune_id) AS kommune_position,
            COUNT(*) OVER (PARTITION BY m.kommune_id) AS members,
            COUNT(CASE WHEN m.next_due < %s THEN 1 END) OVER (PARTITION BY m.kommune_id) AS behind
          FROM ({members}) AS m
        ) AS m
        WHERE (m.position > %s AND m.position <= %s AND m.position <= m.page_total)
          OR m.kommune_position = 1"""
    first, last = (number - 1) * size, number * size
    ids = sorted(page_kommune_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*ids, *ids, today, *params, first, last))
        found = cursor.fetchall()
    page, total, counts = [], 0, {}
    for person_id, position, page_total, kommune_id, members, behind in found:
        total = page_total
        counts[kommune_id] = (members, behind)
        if first < position <= min(last, page_total):
            page.append(person_id)
    return page, total, counts


def _open_status(due_date: datetime.date, today: datetime.date) -> str:
    """The status of an open deadline (`Deadline.status_on`, `with_status`), told in Python:
    the page reads a hundred or more, and the ORM's CASE cost more to build than this."""
    if due_date < today:
        return Status.OVERDUE.value
    if (due_date - today).days <= DUE_SOON_DAYS:
        return Status.DUE_SOON.value
    return Status.UPCOMING.value


def _rows_sql(count: int) -> str:
    """The statement of `_rows` for `count` people: their active AMR/TR seats with the person
    and workplace (part 0, by role and committee), their open followed deadlines (part 1, by due
    date: `followed_deadlines_q`) and their completed courses (part 2, newest first), in one
    UNION ALL. Written out: a page reads it on every request, and the ORM took longer to build
    the three queries than the database to answer them. The first part's empty columns are
    typed for the parts below (PostgreSQL resolves a UNION's types pair by pair)."""
    ids, roles = ", ".join(["%s"] * count), ", ".join(["%s"] * len(FOLLOWED_ROLES))
    membership, committee = Membership._meta.db_table, Committee._meta.db_table
    person, unit = Person._meta.db_table, Unit._meta.db_table
    deadline, completion = Deadline._meta.db_table, Completion._meta.db_table
    course_type = CourseType._meta.db_table
    return f"""
        SELECT 0 AS part, m.person_id, p.first_name AS name, p.last_name, p.email, p.kommune_id,
          u.kind, u.name AS unit_name, parent.name AS parent_name, m.role,
          c.name AS committee_name, m.start_date, m.term_end, m.employer_notified_on,
          CAST(NULL AS date) AS due_date, CAST(NULL AS integer) AS deadline_id,
          NULL AS params, CAST(NULL AS date) AS completed_on
        FROM {membership} m
          JOIN {committee} c ON c.id = m.committee_id
          JOIN {person} p ON p.id = m.person_id
          LEFT JOIN {unit} u ON u.id = p.unit_id
          LEFT JOIN {unit} parent ON parent.id = u.parent_id
        WHERE m.person_id IN ({ids}) AND m.role IN ({roles}) AND m.ended_on IS NULL
          AND c.closed_on IS NULL
        UNION ALL
        SELECT 1, d.person_id, d.rule, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, d.due_date, d.id, d.params, NULL
        FROM {deadline} d
        WHERE d.person_id IN ({ids}) AND d.state = %s AND (d.rule LIKE %s OR d.rule = %s)
        UNION ALL
        SELECT 2, t.person_id, ct.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, t.completed_on
        FROM {completion} t JOIN {course_type} ct ON ct.id = t.course_type_id
        WHERE t.person_id IN ({ids})
        ORDER BY part, role, committee_name, due_date, deadline_id, completed_on DESC"""


def _rows(structure: KredsStructure, people, today: datetime.date) -> list[MemberRow]:
    """Rows of these members (only those with an active AMR/TR seat), sorted. `people`: the
    person ids of members, already limited to the kreds and the consent. One statement
    (`_rows_sql`): a page lists dozens of members, read as values."""
    people = list(people)
    if not people:
        return []
    kommuner = {k.pk: k for k in structure.kommuner}  # the members are in the kreds' kommuner
    rows = {}
    params = (
        *people,
        *FOLLOWED_ROLES,
        *people,
        Deadline.State.OPEN,
        f"{TRAINING_RULE_PREFIX}%",
        TERM_END_RULE,
        *people,
    )
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(len(people)), params)
        found = cursor.fetchall()
    # The values as the ORM reads them (SQLite gives dates as text; JSON comes as text).
    start, end, notified_on = (
        converter(Membership, name) for name in ("start_date", "term_end", "employer_notified_on")
    )
    due_on, params_of = converter(Deadline, "due_date"), converter(Deadline, "params")
    completed_on = converter(Completion, "completed_on")
    for part, person_id, name, last, email, kommune_id, kind, unit, parent, *rest in found:
        role, committee_name, start_date, term_end, notified, due_date, _pk, values, done = rest
        if part == 0:
            # A member is a row of the page only with a seat (seats come first).
            row = rows.get(person_id)
            if row is None:
                # The workplace as `workplace_of` tells it: a department's is its parent unit.
                workplace = (parent if kind == Unit.Kind.AFDELING else unit) or ""
                row = rows[person_id] = MemberRow(
                    person=MemberPerson(person_id, name, last, email),
                    kommune=kommuner.get(kommune_id) or Kommune.objects.get(pk=kommune_id),
                    workplace=workplace,
                )
            row.seats.append(
                MemberSeat(
                    role, committee_name, start(start_date), end(term_end), notified_on(notified)
                )
            )
        elif (row := rows.get(person_id)) is None:
            continue
        elif part == 1:
            due_date = due_on(due_date)
            row.deadlines.append(
                FollowedDeadline(
                    person_id, name, params_of(values), due_date, _open_status(due_date, today)
                )
            )
        else:
            row.completions.append(MemberCourse(name, completed_on(done)))

    # The kommunegrupper and network groups of each kommune, worked out once per kommune.
    grupper = {
        pk: [g for g in structure.kommunegrupper if pk in structure.gruppe_kommune_ids(g)]
        for pk in kommuner
    }
    groups = {
        pk: [
            (g, set(g.role_codes))
            for g in structure.network_groups
            if pk in structure.group_kommune_ids(g)
        ]
        for pk in kommuner
    }
    for row in rows.values():
        row.deadlines.sort(key=lambda d: (URGENCY[d.status], d.due_date))
        row.kommunegrupper = grupper.get(row.kommune.pk, [])
        roles = row.role_codes
        row.network_groups = [g for g, codes in groups.get(row.kommune.pk, []) if roles & codes]
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
