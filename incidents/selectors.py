"""Reads of incidents shared by the portal, the admin, the PDF and the deadline rules."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, CommitteeUnit, Membership
from committees.selectors import hovedmed
from organisations.models import Unit, path_ids
from organisations.selectors import omraade_of, unit_nodes

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


def incidents_to_follow_up(viewer) -> list[Incident]:
    """Open cases the viewer handles: their AMG's (or escalated to their udvalg) and those of the
    units they lead. Fixed number of queries."""
    if viewer.person is None:
        return []
    query = Q(committee_id__in=viewer.committee_ids) | Q(escalated_to_id__in=viewer.committee_ids)
    if viewer.led_unit_ids:
        query |= Q(unit_id__in=viewer.led_unit_ids)
    return list(
        Incident.objects.filter(query, closed_on__isnull=True)
        .select_related("unit", "committee")
        .order_by("-occurred_on", "-pk")[:50]
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


@dataclass
class UnitTally:
    count: int = 0
    last_year: int = 0
    absence_days: int = 0

    def add(self, this_year: bool, n: int, days: int | None) -> None:
        if this_year:
            self.count += n
            self.absence_days += days or 0
        else:
            self.last_year += n

    def row(self, name: str) -> UnitRow:
        return UnitRow(name, self.count, self.last_year, self.absence_days)


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


def yearly_overview(committee: Committee, year: int) -> Overview:
    """Counts of the year's incidents (and last year's, for the trend) in the udvalg's area: by
    kind, by unit, absence. Counts only — never a name. A fixed number of queries: the counting
    is done by the database."""
    overview = Overview(committee=committee, year=year)
    unit_ids = units_of_udvalg(committee)
    queryset = Incident.objects.filter(occurred_on__year__in=(year, year - 1))
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=unit_ids)
    queryset = queryset.annotate(year=ExtractYear("occurred_on")).order_by()

    kind_counts = Counter()
    for row in queryset.values("year", "kind").annotate(n=Count("pk")):
        kind_counts[(row["year"], row["kind"])] = row["n"]
    for kind, label in Kind.choices:
        this, last = kind_counts[(year, kind)], kind_counts[(year - 1, kind)]
        if this or last:
            overview.kinds.append(KindRow(kind, str(label), this, last))
        overview.total += this
        overview.total_last_year += last

    # By unit, and for HovedMED (the whole kommune) also by område. A large kommune has cases
    # in a thousand units: the page lists the områder and the UNIT_ROWS units with the most.
    nodes = unit_nodes()
    units, omraader = defaultdict(UnitTally), defaultdict(UnitTally)
    rows = queryset.values_list("year", "unit_id").annotate(n=Count("pk"), days=Sum("absence_days"))
    for row_year, unit_id, n, days in rows:
        units[unit_id].add(row_year == year, n, days)
        if unit_ids is None:
            omraader[omraade_of(nodes, unit_id)].add(row_year == year, n, days)

    def named(tallies) -> list[UnitRow]:
        rows = [tally.row(nodes[pk].name if pk in nodes else "—") for pk, tally in tallies.items()]
        return sorted(rows, key=lambda r: (-r.count, -r.last_year, r.name))

    all_units = named(units)
    overview.units, overview.units_total = all_units[:UNIT_ROWS], len(all_units)
    overview.omraader = named(omraader)

    this_year = queryset.filter(year=year)
    totals = this_year.aggregate(
        with_absence=Count("pk", filter=Q(absence_days__gt=0)),
        absence_days=Sum("absence_days"),
        offensive=Count("pk", filter=Q(kind__in=sorted(OFFENSIVE_KINDS))),
        by_third_party=Count("pk", filter=Q(by_third_party=True)),
        physical=Count("pk", filter=Q(nature__in=("physical", "both"))),
        psychological=Count("pk", filter=Q(nature__in=("psychological", "both"))),
    )
    overview.with_absence = totals["with_absence"] or 0
    overview.absence_days = totals["absence_days"] or 0
    overview.offensive = totals["offensive"] or 0
    overview.by_third_party = totals["by_third_party"] or 0
    overview.physical = totals["physical"] or 0
    overview.psychological = totals["psychological"] or 0
    overview.absence_days_last_year = (
        queryset.filter(year=year - 1).aggregate(days=Sum("absence_days"))["days"] or 0
    )
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
