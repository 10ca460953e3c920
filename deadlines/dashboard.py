"""HR's dashboard (the admin's first page): the same counts as the compliance overview (no second
set of numbers) drawn as bars, the trend of overdue deadlines over the last 12 months from the
daily snapshots, the coming meetings with their dispatch dates, the accident reports due to the
Arbejdstilsynet and the people missing their course. A fixed number of queries at any size;
limited to the HR member's area like every admin page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.db.utils import IntegrityError
from django.utils.translation import gettext as _

from committees.models import CommitteeUnit
from core.cache import KommuneCache

from .models import DailyCount, Deadline, Status
from .overview import COMMITTEE_ROWS, STATUS_ORDER, Overview, kommune_overview, limit_to_units

TREND_DAYS = 365
AMO_BASIC = "training.amo_basic"
UPCOMING_MEETINGS = 8


def record_daily_count(kommune_id: int, today: datetime.date) -> DailyCount:
    """Today's snapshot of the whole kommune's counts (idempotent: one row a day)."""
    existing = DailyCount.objects.filter(kommune_id=kommune_id, day=today).first()
    if existing is not None:
        return existing
    total = kommune_overview(kommune_id, today, committee_limit=COMMITTEE_ROWS).total.counts
    row = DailyCount(
        kommune_id=kommune_id,
        day=today,
        overdue=total.get(Status.OVERDUE, 0),
        due_soon=total.get(Status.DUE_SOON, 0),
        upcoming=total.get(Status.UPCOMING, 0),
        done=total.get(Status.DONE, 0),
        waived=total.get(Status.WAIVED, 0),
    )
    try:
        row.save()
    except IntegrityError:  # recorded at the same moment by another process
        return DailyCount.objects.get(kommune_id=kommune_id, day=today)
    return row


@dataclass
class Bar:
    label: str
    counts: dict
    link: str = ""
    parts: list = field(default_factory=list)  # `segments` at the chart's scale

    @property
    def total(self) -> int:
        return sum(self.counts.get(status, 0) for status in STATUS_ORDER)

    aria: str = ""  # the bar in words, for screen readers

    def segments(self, scale: int) -> list[tuple[str, int, float]]:
        """(status, count, width in %) of the bar, the widest bar of the chart being 100 %."""
        return [
            (status, self.counts.get(status, 0), 100 * self.counts.get(status, 0) / scale)
            for status in STATUS_ORDER
            if self.counts.get(status, 0)
        ]

    def draw(self, scale: int, labels: dict[str, str]) -> None:
        """`parts`: (status, count, width in % with two decimals, label) of each segment, and
        `aria`, made here once rather than by template filters for every segment."""
        self.parts = [
            (status, n, f"{width:.2f}", labels[status]) for status, n, width in self.segments(scale)
        ]
        self.aria = ", ".join(f"{label} {n}" for _status, n, _width, label in self.parts)


@dataclass
class Dashboard:
    overview: Overview
    by_omraade: list[Bar]
    by_rule: list[Bar]
    scale_omraade: int
    scale_rule: int
    trend: list[tuple[datetime.date, int]] = field(default_factory=list)
    trend_points: str = ""
    trend_max: int = 0
    meetings: list = field(default_factory=list)
    easy_due: list = field(default_factory=list)
    missing_course: int = 0


def _bars(rows, link) -> list[Bar]:
    return [Bar(str(row.label), dict(row.counts), link(row)) for row in rows if row.total]


def _trend(kommune_id: int, today: datetime.date) -> list[tuple[datetime.date, int]]:
    """One point a week over the last year (the last snapshot of each week)."""
    rows = DailyCount.objects.filter(
        kommune_id=kommune_id, day__gt=today - datetime.timedelta(days=TREND_DAYS)
    ).values_list("day", "overdue")
    weekly: dict[tuple, tuple] = {}
    for day, overdue in sorted(rows):
        weekly[day.isocalendar()[:2]] = (day, overdue)
    return list(weekly.values())


def _polyline(points: list[tuple[datetime.date, int]], width=600, height=120) -> tuple[str, int]:
    if not points:
        return "", 0
    top = max(n for _d, n in points) or 1
    first = points[0][0]
    span = max((points[-1][0] - first).days, 1)
    coords = [
        f"{(day - first).days * width / span:.1f},{height - n * height / top:.1f}"
        for day, n in points
    ]
    return " ".join(coords), top


def dashboard(request, today: datetime.date, *, changelist: str) -> Dashboard:
    from core.access import allowed_unit_ids

    kommune_id = request.kommune.pk
    unit_ids = allowed_unit_ids(request)
    # The overview's own counts, as its page reads them (the same cached value; the dashboard
    # shows no committees, and the full list of a large kommune's is thousands of rows).
    overview = kommune_overview(kommune_id, today, unit_ids, committee_limit=COMMITTEE_ROWS)
    by_omraade = _bars(
        overview.by_omraade, lambda row: f"{changelist}?omraade={row.key}" if row.key else ""
    )
    for bar, row in zip(by_omraade, [r for r in overview.by_omraade if r.total], strict=True):
        if row.key is None:
            bar.label = _("Udvalg på tværs af områderne")
    by_rule = sorted(
        _bars(overview.by_rule, lambda row: f"{changelist}?rule={row.key}"),
        key=lambda bar: (-bar.counts.get(Status.OVERDUE, 0), -bar.total),
    )[:10]
    board = Dashboard(
        overview=overview,
        by_omraade=by_omraade,
        by_rule=by_rule,
        scale_omraade=max((bar.total for bar in by_omraade), default=1) or 1,
        scale_rule=max((bar.total for bar in by_rule), default=1) or 1,
    )
    labels = {status: str(Status(status).label) for status in STATUS_ORDER}
    for bars, scale in ((by_omraade, board.scale_omraade), (by_rule, board.scale_rule)):
        for bar in bars:
            bar.draw(scale, labels)
    facts = _deadline_facts(kommune_id, today, unit_ids)
    board.easy_due = facts["easy_due"]
    if unit_ids is None:
        board.trend = facts["trend"]
        board.trend_points, board.trend_max = _polyline(board.trend)
    board.meetings = _upcoming_meetings(today, unit_ids)
    # The overdue basic courses are the overview's own count (an overdue deadline is an open one
    # past its day): no second set of numbers, and no count of the kommune's deadlines here.
    board.missing_course = next(
        (row.counts.get(Status.OVERDUE, 0) for row in overview.by_rule if row.key == AMO_BASIC),
        0,
    )
    return board


def _deadline_facts(kommune_id: int, today: datetime.date, unit_ids) -> dict:
    """The EASY reports due and, for HR of the whole kommune, today's snapshot (recorded if
    missing) and the trend: kept in the kommune cache beside the overview, so they are read
    again only when the kommune's deadlines, committees or units change or the day changes.
    The snapshots themselves are written once a day (here or by the nightly evaluation) and
    never changed."""

    def compute() -> dict:
        deadlines = Deadline.objects.visible()
        if unit_ids is not None:
            deadlines = limit_to_units(deadlines, unit_ids)
        facts = {
            "easy_due": list(
                deadlines.filter(state=Deadline.State.OPEN, rule="incidents.easy_report")
                .order_by("due_date")
                .values_list("due_date", "unit__name", "public_id")[:10]
            ),
            "trend": [],
        }
        if unit_ids is None:
            record_daily_count(kommune_id, today)
            facts["trend"] = _trend(kommune_id, today)
        return facts

    restriction = None if unit_ids is None else tuple(sorted(unit_ids))
    parts = ("deadlines.dashboard", today.isoformat(), restriction)
    return KommuneCache(kommune_id).get_or_set(parts, compute)


def _upcoming_meetings(today: datetime.date, unit_ids):
    from meetings.models import Meeting
    from meetings.selectors import dispatch_days_by_committee

    # Not cancelled, said as the statuses it may have: PostgreSQL then reads the kommune's
    # meetings of the coming days in date order from its (kommune, status, date) index instead
    # of every meeting the kommune ever held.
    statuses = [s for s in Meeting.Status.values if s != Meeting.Status.CANCELLED]
    meetings = (
        Meeting.objects.filter(
            date__gte=today,
            date__lte=today + datetime.timedelta(days=60),
            committee__isnull=False,
            status__in=statuses,
        )
        .select_related("committee")
        .order_by("date", "start_time", "pk")
    )
    if unit_ids is not None:
        covered = CommitteeUnit.objects.filter(
            committee=OuterRef("committee_id"), unit__in=unit_ids
        )
        meetings = meetings.filter(Exists(covered))
    rows = list(meetings[:UPCOMING_MEETINGS])
    days = dispatch_days_by_committee({m.committee_id for m in rows})
    return [
        (meeting, meeting.date - datetime.timedelta(days=days[meeting.committee_id]))
        for meeting in rows
    ]
