"""The compliance overview of a kommune: deadlines counted by rule and status, per område and per
committee. One selector serves the admin page and the portal: counted in a fixed number of
queries whatever the size of the kommune, then kept in the kommune cache until the counted data
changes (`kommune_overview`), and counted again in the background as soon as a change commits
(`overview_refresh`), so that the first page after a change finds the new counts."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace

from celery import shared_task
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, When
from django.utils import timezone

from committees.models import Committee, CommitteeUnit
from core.cache import KommuneCache, cache_available, clear_kommune_caches, on_clear_committed
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Unit
from organisations.selectors import omraade_of, unit_nodes

from .engine import registry
from .models import Deadline, Status

logger = logging.getLogger(__name__)

STATUS_ORDER = [Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.DONE, Status.WAIVED]
# A large kommune has thousands of committees: the pages list those with the most overdue
# deadlines (HR's drill-down, the deadline list, filters by any committee).
COMMITTEE_ROWS = 100


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
    """(rule, status, n) and (unit, status, n). PostgreSQL counts both in one scan: the deadlines
    are first grouped by rule, unit and status (a few thousand groups, hashed), and the two
    totals are taken from those groups (GROUPING SETS; `GROUPING(rule)` tells them apart, as
    NULL is also a real unit). GROUPING SETS straight over the deadlines sorted all of them
    (tens of thousands, on disk at the default work_mem) for the rule set. Other databases
    (the SQLite of the embedded run) run one GROUP BY each."""
    inner, params = _sql(base.values("rule", "unit_id", "status"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT GROUPING(g.rule), g.rule, g.unit_id, g.status, SUM(g.n) FROM ("
                "SELECT d.rule, d.unit_id, d.status, COUNT(*) AS n "
                f"FROM ({inner}) AS d GROUP BY d.rule, d.unit_id, d.status"
                ") AS g GROUP BY GROUPING SETS ((g.rule, g.status), (g.unit_id, g.status))",
                params,
            )
            rules, units = [], []
            for by_unit, rule, unit_id, status, n in cursor.fetchall():
                if by_unit:
                    units.append((unit_id, status, int(n)))
                else:
                    rules.append((rule, status, int(n)))
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
    there (the seats are made distinct per person and committee before the join). Each
    deadline is one row (own) or one row per committee of its person (members'), counted per
    committee and status in one pass; the ranking and the limit are done by the database."""
    from committees.models import Membership

    own, own_params = _sql(
        base.filter(committee__isnull=False).values("committee_id", "status").order_by()
    )
    members, member_params = _sql(
        base.filter(committee__isnull=True, person__isnull=False)
        .values("person_id", "status")
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
        f"SUM(CASE WHEN y.status = %s THEN 1 ELSE 0 END) AS s{i}" for i in range(len(STATUS_ORDER))
    )
    columns = ", ".join(f"x.s{i}" for i in range(len(STATUS_ORDER)))
    overdue = STATUS_ORDER.index(Status.OVERDUE)
    due_soon = STATUS_ORDER.index(Status.DUE_SOON)
    sql = (
        f"SELECT c.id, c.name, {columns}, COUNT(*) OVER () FROM ("
        f"SELECT y.committee_id, {sums} FROM ("
        f"SELECT o.committee_id, o.status FROM ({own}) AS o "
        "UNION ALL "
        f"SELECT m.committee_id, p.status FROM ({members}) AS p "
        f"INNER JOIN ({seats}) AS m ON m.person_id = p.person_id"
        ") AS y GROUP BY y.committee_id"
        f") AS x INNER JOIN ({committees}) AS c ON c.id = x.committee_id "
        f"ORDER BY x.s{overdue} DESC, x.s{due_soon} DESC, c.name, c.id"
    )
    params = (
        tuple(str(status) for status in STATUS_ORDER)
        + own_params
        + member_params
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


@dataclass
class Counts:
    """The overview's numbers as plain data (what the kommune cache keeps): built into rows
    with the rule titles of the request's language by `build`."""

    by_rule: dict[str, dict[str, int]]
    by_omraade: list[tuple[int | None, str, dict[str, int]]]
    by_committee: list[tuple[int, str, dict[str, int]]]
    committees_with_deadlines: int

    def first_committees(self, limit: int) -> Counts:
        """The same counts with only the `limit` committees ranked first (the ranking of
        `counts` is a total order, so these are the ones `committee_limit` would give)."""
        return replace(self, by_committee=self.by_committee[:limit])


def counts(today: datetime.date, queryset=None, committee_limit: int | None = None) -> Counts:
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

    nodes = unit_nodes()
    omraade_counts = defaultdict(lambda: defaultdict(int))
    for unit_id, status, n in unit_rows:
        omraade_counts[omraade_of(nodes, unit_id)][status] += n
    names = {pk: node.name for pk, node in nodes.items() if node.kind == Unit.Kind.OMRAADE}
    omraader = [
        (pk, name, dict(omraade_counts.get(pk, {})))
        for pk, name in sorted(names.items(), key=lambda x: x[1])
    ]
    if None in omraade_counts:
        omraader.append((None, "—", dict(omraade_counts[None])))

    committees, count = _committee_counts(base, committee_limit)
    return Counts(
        by_rule=dict(rule_counts),
        by_omraade=omraader,
        by_committee=[(row.key, row.label, row.counts) for row in committees],
        committees_with_deadlines=count,
    )


def build(numbers: Counts) -> Overview:
    rules = [
        Row(rule.code, rule.title_plain, numbers.by_rule[rule.code])
        for rule in registry.all()
        if rule.code in numbers.by_rule
    ]
    return Overview(
        by_rule=rules,
        by_omraade=[Row(*row) for row in numbers.by_omraade],
        by_committee=[Row(*row) for row in numbers.by_committee],
        committees_with_deadlines=numbers.committees_with_deadlines,
        total=totals(rules),
    )


def overview(today: datetime.date, queryset=None, committee_limit: int | None = None) -> Overview:
    """The counts of `counts`, as rows."""
    return build(counts(today, queryset, committee_limit))


def limit_to_units(queryset, unit_ids):
    """Deadlines of the units (a limited HR's), and committee duties of the committees covering
    any of them."""
    coverage = CommitteeUnit.objects.filter(committee=OuterRef("committee_id"), unit__in=unit_ids)
    return queryset.filter(unit__in=unit_ids) | queryset.filter(unit__isnull=True).filter(
        Exists(coverage)
    )


def _cache_parts(today: datetime.date, unit_ids: list[int] | None, committee_limit: int | None):
    restriction = None if unit_ids is None else tuple(sorted(unit_ids))
    return ("deadlines.overview", today.isoformat(), committee_limit, restriction)


def _compute(today: datetime.date, unit_ids: list[int] | None, committee_limit: int | None):
    def compute() -> Counts:
        queryset = Deadline.objects.all()
        if unit_ids is not None:
            queryset = limit_to_units(queryset, unit_ids)
        return counts(today, queryset, committee_limit)

    return compute


def kommune_overview(
    kommune_id: int,
    today: datetime.date,
    unit_ids: list[int] | None = None,
    committee_limit: int | None = None,
) -> Overview:
    """`overview` of the active kommune (only its units `unit_ids` when given) from the kommune
    cache: computed once, then kept until the kommune's deadlines, committees, seats or units
    change (`clear_on_change`) or the day changes. The page then costs the same at any size.
    After a committed change `overview_refresh` has usually counted it already."""
    parts = _cache_parts(today, unit_ids, committee_limit)
    compute = _compute(today, unit_ids, committee_limit)
    return build(KommuneCache(kommune_id).get_or_set(parts, compute))


@shared_task(name="deadlines.overview_refresh")
def overview_refresh(kommune_id: int) -> None:
    """Count the whole kommune's overview into the kommune cache, as the pages (the first
    COMMITTEE_ROWS committees) and the dashboard (every committee) read it, so that the first
    page after a change finds it: queued when a change commits (`refresh_after_change`).

    One count serves both: the pages' rows are the first of the dashboard's. Correct whenever
    it runs: each value is kept under the token read before its data was (see
    `KommuneCache.get_or_set`); the pages' token is read first, so they never get the
    dashboard's count of older rows. A request that comes first counts for itself."""
    from organisations.models import Kommune

    if not cache_available():
        return
    with scopes_disabled():
        kommune = Kommune.objects.filter(pk=kommune_id).first()
    if kommune is None:
        return
    cache, today = KommuneCache(kommune.pk), timezone.localdate()
    with tenant_scope(kommune):

        def every_committee() -> Counts:
            return cache.get_or_set(_cache_parts(today, None, None), _compute(today, None, None))

        cache.get_or_set(
            _cache_parts(today, None, COMMITTEE_ROWS),
            lambda: every_committee().first_committees(COMMITTEE_ROWS),
        )
        every_committee()  # when a page had counted its own rows first


def refresh_after_change(kommune_id: int) -> None:
    """After a transaction that changed the kommune's counted data committed: count again in
    the background. Not when the cache is down (nothing to keep the count in)."""
    if not cache_available():
        return
    try:
        overview_refresh.delay(kommune_id)
    except Exception:  # noqa: BLE001 - the broker is down: the next request counts for itself
        logger.warning("could not queue the overview recount of kommune %s", kommune_id)


# Every model the counts read. The engine writes deadlines in bulk (no signals) and clears the
# cache itself (engine.Writes.flush).
COUNTED_MODELS = [
    ("deadlines", "Deadline"),
    ("committees", "Committee"),
    ("committees", "Membership"),
    ("committees", "CommitteeUnit"),
    ("organisations", "Unit"),
]


def clear_on_change(sender, instance, **kwargs) -> None:
    clear_kommune_caches([instance.kommune_id])


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for app_label, model_name in COUNTED_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"deadlines.overview:{app_label}.{model_name}"
        post_save.connect(clear_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(clear_on_change, sender=model, dispatch_uid=uid + ":delete")
    on_clear_committed(refresh_after_change)
