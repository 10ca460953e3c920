"""Reads of incidents shared by the portal, the admin, the PDF and the deadline rules."""

from __future__ import annotations

import datetime
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, CommitteeUnit, Membership
from committees.selectors import hovedmed
from core.cache import KommuneCache
from organisations.models import Unit, path_ids
from organisations.selectors import UnitNode, omraade_of, unit_nodes

from .models import OFFENSIVE_KINDS, Incident, Kind

# The arbejdsmiljøudvalg of the enstrenget structure (seeds 002, 003): HovedMED at the top and
# AfdelingsMED/OmrådeMED below it.
UDVALG_KINDS = (Committee.Kind.HOVEDMED, Committee.Kind.AFDELINGSMED)


def handling_committee(unit: Unit) -> Committee | None:
    """The AMO group that handles an incident or a visit at `unit`: the AMG covering the unit or
    the nearest unit above it; without one the nearest arbejdsmiljøudvalg covering it; finally
    HovedMED (the top arbejdsmiljøudvalg always answers)."""
    ancestors = path_ids(unit.path) or [unit.pk]
    depth = {pk: i for i, pk in enumerate(ancestors)}
    rows = (
        CommitteeUnit.objects.filter(
            unit_id__in=ancestors,
            committee__closed_on__isnull=True,
            committee__kind__in=(Committee.Kind.AMG, *UDVALG_KINDS),
        )
        .select_related("committee")
        .order_by("committee__pk")
    )
    best: tuple | None = None
    for row in rows:
        rank = (0 if row.committee.kind == Committee.Kind.AMG else 1, -depth[row.unit_id])
        if best is None or rank < best[0]:
            best = (rank, row.committee)
    if best is not None:
        return best[1]
    return hovedmed()


def udvalg_above(committee: Committee) -> Committee | None:
    """The arbejdsmiljøudvalg an AMG brings what it cannot solve to (BEK § 31 stk. 2 nr. 8):
    the nearest AfdelingsMED/HovedMED up the committee tree."""
    seen = set()
    current = committee.parent
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.kind in UDVALG_KINDS and current.closed_on is None:
            return current
        current = current.parent
    return None


def incident_queryset():
    return Incident.objects.select_related(
        "unit", "committee", "injured", "reported_by", "escalated_to"
    )


def follow_up(viewer):
    """The open cases the viewer handles: their AMG's (or escalated to their udvalg) and those
    of the units they lead."""
    if viewer.person is None:
        return Incident.objects.none()
    query = Q(committee_id__in=viewer.committee_ids) | Q(escalated_to_id__in=viewer.committee_ids)
    if viewer.led_unit_ids:
        query |= Q(unit_id__in=viewer.led_unit_ids)
    return Incident.objects.filter(query, closed_on__isnull=True)


def incidents_to_follow_up(viewer) -> list[Incident]:
    """`follow_up`, newest first, with unit and committee. Fixed number of queries."""
    return list(
        follow_up(viewer).select_related("unit", "committee").order_by("-occurred_on", "-pk")[:50]
    )


# --- the yearly overview (BEK § 30 stk. 2 nr. 6) ---------------------------------------------


CHART_ROW = 30  # px per kind
CHART_LABEL = 150  # px for the kind's name
CHART_BAR = 280  # px of the longest bar


@dataclass
class KindRow:
    kind: str
    label: str
    count: int
    last_year: int

    @property
    def trend(self) -> int:
        return self.count - self.last_year


@dataclass
class UnitRow:
    name: str
    count: int
    last_year: int
    absence_days: int

    @property
    def trend(self) -> int:
        return self.count - self.last_year


UNIT_ROWS = 25


@dataclass
class Overview:
    committee: Committee
    year: int
    kinds: list[KindRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)  # the UNIT_ROWS with the most cases
    units_total: int = 0  # units with a case this year or last
    omraader: list[UnitRow] = field(default_factory=list)  # HovedMED only: the whole kommune
    total: int = 0
    total_last_year: int = 0
    with_absence: int = 0
    absence_days: int = 0
    absence_days_last_year: int = 0
    offensive: int = 0
    by_third_party: int = 0
    physical: int = 0
    psychological: int = 0

    @property
    def trend(self) -> int:
        return self.total - self.total_last_year

    @property
    def chart(self) -> dict:
        """Geometry of the server-rendered SVG bars: per kind this year's bar (dark) and last
        year's (light), scaled to the largest count."""
        peak = max([1] + [max(r.count, r.last_year) for r in self.kinds])
        bars = [
            {
                "label": r.label,
                "count": r.count,
                "last_year": r.last_year,
                "y": CHART_ROW * i,
                "width": round(CHART_BAR * r.count / peak, 1),
                "last_width": round(CHART_BAR * r.last_year / peak, 1),
            }
            for i, r in enumerate(self.kinds)
        ]
        return {"bars": bars, "height": CHART_ROW * len(bars) + 4}


def units_of_udvalg(committee: Committee) -> set[int] | None:
    """The units an arbejdsmiljøudvalg answers for: those covered by it and by every committee
    below it, and everything under them. None for HovedMED (the whole kommune). Three queries,
    whatever the size of the organisation."""
    if committee.kind == Committee.Kind.HOVEDMED:
        return None
    children = defaultdict(list)
    for pk, parent_id in Committee.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    subtree, stack = set(), [committee.pk]
    while stack:
        pk = stack.pop()
        if pk in subtree:
            continue
        subtree.add(pk)
        stack.extend(children.get(pk, []))
    covered = set(
        CommitteeUnit.objects.filter(committee_id__in=subtree).values_list("unit_id", flat=True)
    )
    result = set()
    for pk, path in Unit.objects.values_list("pk", "path"):
        if covered.intersection(path_ids(path)):
            result.add(pk)
    return result


# The counts of the yearly overview, in one statement: per kind, per unit and for the whole area,
# this year's and last year's side by side. On PostgreSQL one scan of the incidents counts all
# three (GROUPING SETS); other databases (the SQLite of the embedded run) get the same rows from
# a UNION ALL. The year is told by a date comparison: EXTRACT(YEAR …) per row cost more than the
# counting (~4 ms against ~2 ms for the two years of København).
_COLUMNS = """COUNT(CASE WHEN d.occurred_on >= %(start)s THEN 1 END),
  COUNT(CASE WHEN d.occurred_on < %(start)s THEN 1 END),
  SUM(CASE WHEN d.occurred_on >= %(start)s THEN d.absence_days ELSE 0 END),
  SUM(CASE WHEN d.occurred_on < %(start)s THEN d.absence_days ELSE 0 END),
  COUNT(CASE WHEN d.occurred_on >= %(start)s AND d.absence_days > 0 THEN 1 END),
  COUNT(CASE WHEN d.occurred_on >= %(start)s AND d.by_third_party THEN 1 END),
  COUNT(CASE WHEN d.occurred_on >= %(start)s AND d.nature IN ('physical', 'both') THEN 1 END),
  COUNT(CASE WHEN d.occurred_on >= %(start)s AND d.nature IN ('psychological', 'both') THEN 1 END)"""
_BY_KIND, _BY_UNIT, _TOTAL = 1, 2, 3


def _counts(queryset, year: int) -> list[tuple]:
    """(grouping, kind, unit id, count, last year's count, absence days, last year's, with
    absence, by a third party, physical, psychological — the last four this year only)."""
    inner, params = (
        queryset.values(
            "kind", "unit_id", "occurred_on", "absence_days", "by_third_party", "nature"
        )
        .order_by()
        .query.sql_with_params()
    )
    columns = _COLUMNS.replace("%(start)s", "%s")
    start = (datetime.date(year, 1, 1),) * columns.count("%s")
    if connection.vendor == "postgresql":
        # GROUPING(kind, unit_id): 1 grouped by kind, 2 by unit, 3 neither (the total).
        sql = (
            f"SELECT GROUPING(d.kind, d.unit_id), d.kind, d.unit_id, {columns} "
            f"FROM ({inner}) AS d GROUP BY GROUPING SETS ((d.kind), (d.unit_id), ())"
        )
        arguments = (*start, *params)
    else:
        branches = [
            (_BY_KIND, "d.kind, NULL", "GROUP BY d.kind"),
            (_BY_UNIT, "NULL, d.unit_id", "GROUP BY d.unit_id"),
            (_TOTAL, "NULL, NULL", ""),
        ]
        sql = " UNION ALL ".join(
            f"SELECT {grouping}, {keys}, {columns} FROM ({inner}) AS d {group}"
            for grouping, keys, group in branches
        )
        arguments = (*start, *params) * len(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return cursor.fetchall()


def _unit_nodes(kommune_id: int) -> dict[int, UnitNode]:
    """The kommune's units (~1,000 in a large one) to name the rows and find their område,
    kept in the kommune cache: every save or delete of a unit replaces the kommune's token
    (`deadlines.overview.COUNTED_MODELS`; the HR sync clears it after its writes)."""
    return KommuneCache(kommune_id).get_or_set(("organisations.unit_nodes",), unit_nodes)


def yearly_overview(committee: Committee, year: int) -> Overview:
    """Counts of the year's incidents (and last year's, for the trend) in the udvalg's area: by
    kind, by unit (for HovedMED also by område), absence. Counts only — never a name. One
    query for the counts, whatever the number of incidents and units: the database counts (a
    large kommune has cases in a thousand units; the page lists the områder and the UNIT_ROWS
    units with the most cases)."""
    overview = Overview(committee=committee, year=year)
    unit_ids = units_of_udvalg(committee)
    # A range of dates, not their year: the (kommune, occurred_on) index applies.
    queryset = Incident.objects.filter(
        occurred_on__gte=datetime.date(year - 1, 1, 1), occurred_on__lte=datetime.date(year, 12, 31)
    )
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=unit_ids)

    kinds, units = {}, {}
    for grouping, kind, unit_id, n, last, days, days_last, *this_year in _counts(queryset, year):
        if grouping == _BY_KIND:
            kinds[kind] = (n, last)
        elif grouping == _BY_UNIT:
            units[unit_id] = (n, last, days or 0)
        else:
            overview.total, overview.total_last_year = n, last
            overview.absence_days, overview.absence_days_last_year = days or 0, days_last or 0
            (
                overview.with_absence,
                overview.by_third_party,
                overview.physical,
                overview.psychological,
            ) = this_year
    for kind, label in Kind.choices:
        this, last = kinds.get(kind, (0, 0))
        if this or last:
            overview.kinds.append(KindRow(kind, str(label), this, last))
        if kind in OFFENSIVE_KINDS:
            overview.offensive += this

    nodes = _unit_nodes(committee.kommune_id) if units else {}
    omraader = defaultdict(lambda: [0, 0, 0])
    if unit_ids is None:  # HovedMED: the whole kommune, also by område
        for unit_id, counts in units.items():
            tally = omraader[omraade_of(nodes, unit_id)]
            for i, n in enumerate(counts):
                tally[i] += n

    def ranked(tallies: dict, limit: int | None = None) -> list[UnitRow]:
        """Most cases first (then last year's, then the name); only the rows shown are made."""
        keyed = (
            ((-counts[0], -counts[1], nodes[pk].name if pk in nodes else "—"), counts)
            for pk, counts in tallies.items()
        )
        chosen = sorted(keyed) if limit is None else heapq.nsmallest(limit, keyed)
        return [UnitRow(key[2], *counts) for key, counts in chosen]

    overview.units, overview.units_total = ranked(units, UNIT_ROWS), len(units)
    overview.omraader = ranked(omraader)
    return overview


def udvalg_for_viewer(viewer) -> list[Committee]:
    """The arbejdsmiljøudvalg whose overview the viewer may read: those they sit in."""
    return [
        seat.committee
        for seat in viewer.seats
        if seat.committee.kind in UDVALG_KINDS and seat.committee.closed_on is None
    ]


def members_of(committee_ids) -> list[Membership]:
    return list(
        Membership.objects.filter(committee_id__in=committee_ids, ended_on__isnull=True)
        .select_related("person")
        .order_by("person_id")
    )


OVERVIEW_TITLE = _("Årsoversigt over arbejdsulykker m.v.")


def years_for_choice(today: datetime.date) -> list[int]:
    return list(range(today.year, today.year - 6, -1))
