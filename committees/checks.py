"""Structural checks of a kommune's MED and arbejdsmiljø organisation.

Each check returns findings with a link to the admin page where HR fixes them. All checks of a
kommune together run a fixed number of queries, whatever the size of the kommune."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import Kommune, Person, Unit, path_ids

from .models import Committee, CommitteeUnit, Membership
from .services import add_years


@dataclass
class Finding:
    message: str
    url: str
    # The units the finding concerns: HR limited to an område sees those touching it.
    units: frozenset[int] = frozenset()


@dataclass
class CheckResult:
    code: str
    title: str
    source: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _ancestor_ids(unit: Unit) -> list[int]:
    return path_ids(unit.path)


class OrganisationSnapshot:
    """The rows the checks need, loaded once."""

    def __init__(self, kommune: Kommune):
        self.kommune = kommune
        self.units = {u.pk: u for u in Unit.objects.filter(closed_on__isnull=True)}
        self.people_per_unit = dict(
            Person.objects.filter(left_on__isnull=True, unit__isnull=False)
            .values_list("unit_id")
            .annotate(n=Count("pk"))
        )
        self.open_committees = {c.pk: c for c in Committee.objects.filter(closed_on__isnull=True)}
        self.coverage = defaultdict(set)  # committee id -> unit ids
        for committee_id, unit_id in CommitteeUnit.objects.filter(
            committee__closed_on__isnull=True
        ).values_list("committee_id", "unit_id"):
            self.coverage[committee_id].add(unit_id)
        self.memberships = list(
            Membership.objects.filter(ended_on__isnull=True).select_related("person", "committee")
        )
        self.leader_person_ids = set(
            Unit.objects.filter(closed_on__isnull=True, leader__isnull=False).values_list(
                "leader_id", flat=True
            )
        )

    def covered_by(self, kind: str) -> set[int]:
        ids = set()
        for committee_id, unit_ids in self.coverage.items():
            if self.open_committees[committee_id].kind == kind:
                ids |= unit_ids
        return ids

    def workplace_of(self, unit_id: int | None) -> Unit | None:
        unit = self.units.get(unit_id)
        if unit is None:
            return None
        for ancestor_id in _ancestor_ids(unit):
            ancestor = self.units.get(ancestor_id)
            if ancestor and ancestor.kind == Unit.Kind.ARBEJDSPLADS:
                return ancestor
        return None


def check_amg_coverage(snap: OrganisationSnapshot) -> CheckResult:
    result = CheckResult(
        "amg_coverage",
        _("Alle enheder med ansatte er dækket af en arbejdsmiljøgruppe"),
        _("AML § 7; BEK om systematisk arbejdsmiljøarbejde § 24; MED-aftalens nærhedsprincip"),
    )
    covered = snap.covered_by(Committee.Kind.AMG)
    for unit in snap.units.values():
        employees = max(unit.headcount, snap.people_per_unit.get(unit.pk, 0))
        if unit.kind == Unit.Kind.OMRAADE and not snap.people_per_unit.get(unit.pk):
            continue  # an område's headcount is the sum of its workplaces
        if employees and not covered.intersection(_ancestor_ids(unit)):
            result.findings.append(
                Finding(
                    _("%(unit)s (%(n)s ansatte) er ikke dækket af en arbejdsmiljøgruppe.")
                    % {"unit": unit, "n": employees},
                    _url(unit),
                    frozenset({unit.pk}),
                )
            )
    return result


def check_trio(snap: OrganisationSnapshot) -> CheckResult:
    result = CheckResult(
        "trio",
        _("Arbejdspladser med både TR og AMR har en TRIO"),
        _("Albertslunds retningslinje for TRIO-samarbejde (KommuneMED 18.12.2019)"),
    )
    roles_at = defaultdict(set)
    for membership in snap.memberships:
        if membership.role in (Membership.Role.TR, Membership.Role.AMR):
            workplace = snap.workplace_of(membership.person.unit_id)
            if workplace is not None:
                roles_at[workplace.pk].add(membership.role)
    trio_units = snap.covered_by(Committee.Kind.TRIO)
    for workplace_id, roles in roles_at.items():
        if len(roles) < 2:
            continue
        workplace = snap.units[workplace_id]
        below = {u.pk for u in snap.units.values() if u.path.startswith(workplace.path)}
        if not trio_units & below:
            result.findings.append(
                Finding(
                    _("%(unit)s har både TR og AMR, men ingen TRIO.") % {"unit": workplace},
                    _url(workplace),
                    frozenset({workplace.pk}),
                )
            )
    return result


def check_amg_composition(snap: OrganisationSnapshot) -> CheckResult:
    result = CheckResult(
        "amg_composition",
        _("Hver arbejdsmiljøgruppe har mindst én leder og én AMR"),
        _("BEK om systematisk arbejdsmiljøarbejde § 7"),
    )
    roles = defaultdict(set)
    for membership in snap.memberships:
        roles[membership.committee_id].add(membership.role)
    for committee in snap.open_committees.values():
        if committee.kind != Committee.Kind.AMG:
            continue
        missing = []
        if Membership.Role.LEDER not in roles[committee.pk]:
            missing.append(_("leder"))
        if Membership.Role.AMR not in roles[committee.pk]:
            missing.append(_("AMR"))
        if missing:
            result.findings.append(
                Finding(
                    _("%(amg)s mangler %(missing)s.")
                    % {"amg": committee, "missing": _(" og ").join(missing)},
                    _url(committee),
                    frozenset(snap.coverage[committee.pk]),
                )
            )
    return result


def check_amr_not_leader(snap: OrganisationSnapshot) -> CheckResult:
    result = CheckResult(
        "amr_not_leader",
        _("En AMR er ikke leder"),
        _("AML § 8: arbejdsmiljørepræsentanten vælges af og blandt de ansatte"),
    )
    leaders = set(snap.leader_person_ids)
    for membership in snap.memberships:
        if membership.side == Membership.Side.LEDELSE:
            leaders.add(membership.person_id)
    seen = set()
    for membership in snap.memberships:
        if (
            membership.role == Membership.Role.AMR
            and membership.person_id in leaders
            and membership.person_id not in seen
        ):
            seen.add(membership.person_id)
            result.findings.append(
                Finding(
                    _("%(person)s er AMR i %(committee)s og samtidig leder.")
                    % {"person": membership.person, "committee": membership.committee},
                    _url(membership),
                    frozenset({membership.person.unit_id}),
                )
            )
    return result


def check_amr_term(snap: OrganisationSnapshot) -> CheckResult:
    years = snap.kommune.amr_term_years
    result = CheckResult(
        "amr_term",
        _("AMR-valgperioden er højst %(years)s år") % {"years": years},
        _("AML § 8 og BEK § 9: 2 år, op til 4 år efter aftale (kommunens indstilling)"),
    )
    for membership in snap.memberships:
        if membership.role != Membership.Role.AMR:
            continue
        limit = add_years(membership.start_date, years)
        if membership.term_end is None:
            message = _("%(person)s (%(committee)s) har ingen slutdato for valgperioden.")
        elif membership.term_end > limit:
            message = _("%(person)s (%(committee)s) har en valgperiode ud over %(limit)s.")
        else:
            continue
        result.findings.append(
            Finding(
                message
                % {
                    "person": membership.person,
                    "committee": membership.committee,
                    "limit": limit.strftime("%d.%m.%Y"),
                },
                _url(membership),
                frozenset({membership.person.unit_id}),
            )
        )
    return result


CHECKS = [
    check_amg_coverage,
    check_trio,
    check_amg_composition,
    check_amr_not_leader,
    check_amr_term,
]
TITLE = gettext_lazy("Strukturtjek")


def run_structural_checks(kommune: Kommune, unit_ids=None) -> list[CheckResult]:
    """Run every check for the kommune whose scope is active; with `unit_ids` (HR limited
    to an område, `core.access.allowed_unit_ids`) only the findings touching those units."""
    snap = OrganisationSnapshot(kommune)
    results = [check(snap) for check in CHECKS]
    if unit_ids is not None:
        area = set(unit_ids)
        for result in results:
            result.findings = [f for f in result.findings if f.units & area]
    return results


def structural_issue_count(results: list[CheckResult]) -> int:
    return sum(len(r.findings) for r in results)
