"""The compliance overview of a kommune: deadlines counted by rule and status, per område and per
committee. One selector serves the admin page, the portal and exports; a fixed number of queries
whatever the size of the kommune."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

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
