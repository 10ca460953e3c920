"""The compliance overview of a kommune: deadlines counted by rule and status, per område and per
committee. One selector serves the admin page, the portal and exports; a fixed number of queries
whatever the size of the kommune."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, When

from committees.models import Committee
from organisations.models import Unit

from .engine import registry
from .models import Deadline, Status

STATUS_ORDER = [Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.DONE, Status.WAIVED]


@dataclass
class Row:
    key: int | str | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[tuple[str, int]]:
        return [(status, self.counts.get(status, 0)) for status in STATUS_ORDER]


def omraade_of_unit():
    """SQL expression: the område (top unit) of the deadline's unit, three levels deep."""
    return Case(
        When(unit__kind=Unit.Kind.OMRAADE, then=F("unit_id")),
        When(unit__kind=Unit.Kind.ARBEJDSPLADS, then=F("unit__parent_id")),
        When(unit__kind=Unit.Kind.AFDELING, then=F("unit__parent__parent_id")),
        default=None,
        output_field=IntegerField(),
    )


def base_queryset(today: datetime.date, queryset=None):
    queryset = queryset if queryset is not None else Deadline.objects.all()
    return queryset.visible().with_status(today)


def by_rule(today: datetime.date, queryset=None) -> list[Row]:
    counts = defaultdict(dict)
    for rule, status, n in (
        base_queryset(today, queryset)
        .values_list("rule", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[rule][status] = n
    rows = []
    for rule in registry.all():
        if rule.code in counts:
            rows.append(Row(rule.code, rule.title_plain, counts[rule.code]))
    return rows


def by_omraade(today: datetime.date, queryset=None) -> list[Row]:
    counts = defaultdict(dict)
    rows_qs = (
        base_queryset(today, queryset)
        .annotate(omraade=omraade_of_unit())
        .values_list("omraade", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for omraade, status, n in rows_qs:
        counts[omraade][status] = n
    names = dict(Unit.objects.filter(kind=Unit.Kind.OMRAADE).values_list("pk", "name"))
    rows = [
        Row(pk, name, counts.get(pk, {})) for pk, name in sorted(names.items(), key=lambda x: x[1])
    ]
    if None in counts:
        rows.append(Row(None, "—", counts[None]))
    return rows


def by_committee(today: datetime.date, queryset=None) -> list[Row]:
    """A committee's own duties plus those of its active members."""
    counts = defaultdict(lambda: defaultdict(int))
    base = base_queryset(today, queryset)
    for committee, status, n in (
        base.filter(committee__isnull=False)
        .values_list("committee_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[committee][status] += n
    for committee, status, n in (
        base.filter(committee__isnull=True, person__memberships__ended_on__isnull=True)
        .values_list("person__memberships__committee_id", "status")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        counts[committee][status] += n
    committees = Committee.objects.filter(closed_on__isnull=True).values_list("pk", "name", "kind")
    rows = [Row(pk, name, dict(counts.get(pk, {}))) for pk, name, _kind in committees]
    rows.sort(key=lambda r: (-r.counts.get(Status.OVERDUE, 0), r.label))
    return rows


def totals(rows: list[Row]) -> Row:
    total = Row("total", "I alt", defaultdict(int))
    for row in rows:
        for status, n in row.counts.items():
            total.counts[status] += n
    return total


# --- the whole overview in two queries (the admin page; also usable by the portal) -------------


@dataclass
class Overview:
    by_rule: list[Row]
    by_omraade: list[Row]
    by_committee: list[Row]  # committees with deadlines, most overdue first (at most `limit`)
    committees_with_deadlines: int
    total: Row


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _rule_and_unit_counts(base) -> tuple[list[tuple], list[tuple]]:
    """(rule, status, n) and (unit, status, n). PostgreSQL counts both in one scan (GROUPING
    SETS; `GROUPING(rule)` tells the sets apart, as NULL is also a real unit); other databases
    (the SQLite of the embedded run) run one GROUP BY each."""
    inner, params = _sql(base.values("rule", "unit_id", "status"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT GROUPING(d.rule), d.rule, d.unit_id, d.status, COUNT(*) "
                f"FROM ({inner}) AS d "
                "GROUP BY GROUPING SETS ((d.rule, d.status), (d.unit_id, d.status))",
                params,
            )
            rules, units = [], []
            for by_unit, rule, unit_id, status, n in cursor.fetchall():
                if by_unit:
                    units.append((unit_id, status, n))
                else:
                    rules.append((rule, status, n))
            return rules, units
        result = []
        for column in ("rule", "unit_id"):
            cursor.execute(
                f"SELECT d.{column}, d.status, COUNT(*) FROM ({inner}) AS d "
                f"GROUP BY d.{column}, d.status",
                params,
            )
            result.append([tuple(row) for row in cursor.fetchall()])
        return result[0], result[1]


def _committee_counts(base, limit: int | None) -> tuple[list[Row], int]:
    """The open committees with deadlines, most overdue first (at most `limit`), and how many
    there are. A committee counts its own duties and its active members' own deadlines (e.g.
    their training), each deadline once per committee however many seats its person holds
    there. The members' deadlines are grouped per person before the join, so it joins people to
    committees, not deadlines to seats; the ranking and the limit are done by the database."""
    from committees.models import Membership

    own, own_params = _sql(
        base.filter(committee__isnull=False)
        .values("committee_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_person, person_params = _sql(
        base.filter(committee__isnull=True, person__isnull=False)
        .values("person_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    seats, seat_params = _sql(
        Membership.objects.filter(ended_on__isnull=True)
        .values("person_id", "committee_id")
        .distinct()
        .order_by()
    )
    committees, committee_params = _sql(
        Committee.objects.filter(closed_on__isnull=True).values("id", "name").order_by()
    )
    sums = ", ".join(
        f"SUM(CASE WHEN x.status = %s THEN x.n ELSE 0 END) AS s{i}"
        for i in range(len(STATUS_ORDER))
    )
    order = {Status.OVERDUE: STATUS_ORDER.index(Status.OVERDUE)}
    order[Status.DUE_SOON] = STATUS_ORDER.index(Status.DUE_SOON)
    sql = (
        f"SELECT c.id, c.name, {sums}, COUNT(*) OVER () FROM ("
        f"SELECT o.committee_id, o.status, o.n FROM ({own}) AS o "
        "UNION ALL "
        f"SELECT m.committee_id, p.status, SUM(p.n) FROM ({per_person}) AS p "
        f"INNER JOIN ({seats}) AS m ON m.person_id = p.person_id "
        "GROUP BY m.committee_id, p.status"
        f") AS x INNER JOIN ({committees}) AS c ON c.id = x.committee_id "
        "GROUP BY c.id, c.name "
        f"ORDER BY s{order[Status.OVERDUE]} DESC, s{order[Status.DUE_SOON]} DESC, c.name, c.id"
    )
    params = (
        tuple(str(status) for status in STATUS_ORDER)
        + own_params
        + person_params
        + seat_params
        + committee_params
    )
    if limit:
        sql += " LIMIT %s"
        params += (limit,)
    rows, count = [], 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, name, *values in cursor.fetchall():
            count = values.pop()
            counts = {str(s): int(n) for s, n in zip(STATUS_ORDER, values, strict=True) if n}
            rows.append(Row(pk, name, counts))
    return rows, count


def overview(today: datetime.date, queryset=None, committee_limit: int | None = None) -> Overview:
    """By rule, by område and by committee at once, in two queries and the unit names: the
    same counts as `by_rule`, `by_omraade` and `by_committee`, without joining a row per
    deadline and without sending a row per committee to Python. A fixed number of queries.

    `committee_limit`: only the committees with the most overdue (then due soon) deadlines; a
    large kommune has thousands of committees, more than a page can show."""
    base = base_queryset(today, queryset).order_by()
    rule_rows, unit_rows = _rule_and_unit_counts(base)

    rule_counts = defaultdict(dict)
    for rule, status, n in rule_rows:
        rule_counts[rule][status] = n
    rules = [
        Row(rule.code, rule.title_plain, rule_counts[rule.code])
        for rule in registry.all()
        if rule.code in rule_counts
    ]

    units = {
        pk: (kind, parent_id, name)
        for pk, kind, parent_id, name in Unit.objects.values_list("pk", "kind", "parent_id", "name")
    }

    def omraade(unit_id):
        # As omraade_of_unit(): område → itself, arbejdsplads → parent, afdeling → grandparent.
        kind, parent_id, _name = units.get(unit_id, (None, None, None))
        if kind == Unit.Kind.OMRAADE:
            return unit_id
        if kind == Unit.Kind.ARBEJDSPLADS:
            return parent_id
        if kind == Unit.Kind.AFDELING:
            return units.get(parent_id, (None, None, None))[1]
        return None

    omraade_counts = defaultdict(lambda: defaultdict(int))
    for unit_id, status, n in unit_rows:
        omraade_counts[omraade(unit_id)][status] += n
    names = {pk: name for pk, (kind, _p, name) in units.items() if kind == Unit.Kind.OMRAADE}
    omraader = [
        Row(pk, name, dict(omraade_counts.get(pk, {})))
        for pk, name in sorted(names.items(), key=lambda x: x[1])
    ]
    if None in omraade_counts:
        omraader.append(Row(None, "—", dict(omraade_counts[None])))

    committees, count = _committee_counts(base, committee_limit)
    return Overview(
        by_rule=rules,
        by_omraade=omraader,
        by_committee=committees,
        committees_with_deadlines=count,
        total=totals(rules),
    )
