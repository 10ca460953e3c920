"""Reads of the APV shared by the portal page, the CSV and the PDF (one selector each), and the
survey results."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from committees.models import Committee, CommitteeUnit, Membership
from organisations.models import Person, Unit

from .models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvProblem,
    Area,
    SurveyInvitation,
    SurveyResponse,
)


def covered_unit_ids(committee: Committee) -> set[int]:
    """The units an AMG covers and everything below them (two queries)."""
    paths = list(
        Unit.objects.filter(
            pk__in=CommitteeUnit.objects.filter(committee=committee).values("unit_id")
        ).values_list("path", flat=True)
    )
    if not paths:
        return set()
    query = Q()
    for prefix in paths:
        query |= Q(path__startswith=prefix)
    return set(Unit.objects.filter(query).values_list("pk", flat=True))


def covered_people(committee: Committee) -> QuerySet[Person]:
    """The employees an AMG covers: the people of its units (and below) who have not left."""
    return Person.objects.filter(
        unit_id__in=covered_unit_ids(committee), left_on__isnull=True
    ).order_by("pk")


def eligible_owners(committee: Committee, unit_ids: set[int] | None = None) -> QuerySet[Person]:
    """Who may own a line of the AMG's handlingsplan: the people the group covers, its members
    and the leaders of the covered units (a leader often sits in a unit above the workplace).
    Only the kommune's people (the tenant scope) who have not left. Three queries."""
    if unit_ids is None:
        unit_ids = covered_unit_ids(committee)
    members = Membership.objects.filter(committee=committee, ended_on__isnull=True).values(
        "person_id"
    )
    leaders = Unit.objects.filter(pk__in=unit_ids, leader__isnull=False).values("leader_id")
    return (
        Person.objects.filter(left_on__isnull=True)
        .filter(Q(unit_id__in=unit_ids) | Q(pk__in=members) | Q(pk__in=leaders))
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )


AREA_ORDER = {value: index for index, value in enumerate(Area.values)}


def items_by_area(items) -> list[tuple[str, list]]:
    """Kortlægning points (or their forms, via `.instance`) grouped by area in the usual order
    of the APV areas (fysisk, ergonomisk, kemisk, biologisk, psykisk, ulykker)."""
    groups: dict[str, list] = defaultdict(list)
    for entry in items:
        item = getattr(entry, "instance", entry)
        groups[item.area].append(entry)
    labels = dict(Area.choices)
    return [
        (str(labels.get(area, "")), groups[area])
        for area in sorted(groups, key=lambda a: AREA_ORDER.get(a, len(AREA_ORDER)))
    ]


def problems_by_risk(cycle: ApvCycle) -> list[ApvProblem]:
    """The risk assessment, highest risk (likelihood × consequence) first, with the number of
    handlingsplan lines each has. One query."""
    return list(
        ApvProblem.objects.filter(cycle=cycle)
        .annotate(risk=F("likelihood") * F("consequence"), plan_lines=Count("action_items"))
        .order_by("-risk", "area", "pk")
    )


def checklist_items(cycle: ApvCycle) -> QuerySet[ApvCycleItem]:
    return ApvCycleItem.objects.filter(cycle=cycle).order_by("order", "pk")


def open_cycle(committee: Committee) -> ApvCycle | None:
    """The group's APV in progress (its handlingsplan not yet adopted), if any."""
    return (
        ApvCycle.objects.filter(committee=committee, plan_adopted_on__isnull=True)
        .order_by("-started_on", "-pk")
        .first()
    )


def handlingsplan_rows(cycle: ApvCycle) -> list[ApvActionItem]:
    """The written handlingsplan: the page, the CSV and the PDF all read this."""
    return list(
        ApvActionItem.objects.filter(cycle=cycle)
        .select_related("owner", "assessment")
        .order_by("due_on", "pk")
    )


def latest_cycles(committee_ids) -> dict[int, ApvCycle]:
    """AMG id -> its newest APV cycle (one query)."""
    result: dict[int, ApvCycle] = {}
    rows = (
        ApvCycle.objects.filter(committee_id__in=committee_ids)
        .select_related("committee")
        .order_by("committee_id", "-started_on", "-pk")
    )
    for cycle in rows:
        result.setdefault(cycle.committee_id, cycle)
    return result


def open_items_for(committee_ids, limit: int = 20) -> list[ApvActionItem]:
    return list(
        ApvActionItem.objects.filter(cycle__committee_id__in=committee_ids)
        .exclude(status=ApvActionItem.Status.DONE)
        .select_related("owner", "cycle", "cycle__committee")
        .order_by("due_on", "pk")[:limit]
    )


# --- the anonymous survey ------------------------------------------------------------------------


@dataclass
class ItemResult:
    area: str
    text: str
    counts: dict[int, int]
    answered: int

    @property
    def problem_share(self) -> int:
        """Per cent of those who answered the question who see minor or major problems."""
        if not self.answered:
            return 0
        return round(100 * (self.counts.get(1, 0) + self.counts.get(2, 0)) / self.answered)


@dataclass
class SurveyResults:
    invited: int
    responded: int
    minimum: int
    closed: bool = False
    items: list[ItemResult] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        """Results are shown only once the survey has closed (for good), and only when enough
        have answered that nobody can be singled out.

        Not while it is open: results that change with each answer give away that answer to
        anyone who compares the page before and after (the 6th answer = the results after 6
        minus the results after 5). While open only the number who answered is shown."""
        return self.closed and self.responded >= self.minimum

    @property
    def too_few(self) -> bool:
        """Closed with fewer answers than the minimum: no results, ever."""
        return self.closed and self.responded < self.minimum

    @property
    def rate(self) -> int:
        return round(100 * self.responded / self.invited) if self.invited else 0


def survey_results(cycle: ApvCycle, today: datetime.date | None = None) -> SurveyResults:
    """The survey's status and, once it is closed with at least APV_SURVEY_MIN_RESPONSES
    answers, the counts per question. Until then no item is computed at all, so no template,
    export or admin page can show them by mistake. Two queries, three with results."""
    today = today or timezone.localdate()
    invited = SurveyInvitation.objects.filter(cycle=cycle).exclude(
        state=SurveyInvitation.State.SKIPPED
    )
    results = SurveyResults(
        invited=invited.count(),
        responded=SurveyResponse.objects.filter(cycle=cycle).count(),
        minimum=settings.APV_SURVEY_MIN_RESPONSES,
        closed=cycle.survey_has_closed(today),
    )
    if not results.visible:
        return results
    counts: dict[int, Counter] = defaultdict(Counter)
    for answers in SurveyResponse.objects.filter(cycle=cycle).values_list("answers", flat=True):
        for item_id, rating in answers.items():
            counts[int(item_id)][int(rating)] += 1
    for item in cycle.items.order_by("order", "pk"):
        item_counts = counts.get(item.pk, Counter())
        results.items.append(
            ItemResult(
                area=item.get_area_display(),
                text=item.text,
                counts=dict(item_counts),
                answered=sum(item_counts.values()),
            )
        )
    return results
