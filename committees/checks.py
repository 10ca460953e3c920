"""Structural checks of a kommune's MED and arbejdsmiljø organisation.

Each check returns findings with a link to the admin page where HR fixes them. All checks of a
kommune together run a fixed number of queries, whatever the size of the kommune: the snapshot
loads the rows once and every check works on it in Python."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import Kommune, Person, Unit, UnitAddress, path_ids

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


def _agreement(snap: OrganisationSnapshot, topic: str) -> str:
    """The kommune's own MED-aftale by its name (never another kommune's), with what it says;
    the same wording as a deadline rule's local source (deadlines.engine.Rule.source_for)."""
    name = snap.kommune.med_agreement_name or _("kommunens MED-aftale")
    return _("%(agreement)s (%(topic)s)") % {"agreement": name, "topic": topic}


def _address_key(address: UnitAddress) -> tuple[str, str]:
    # The same address typed twice (on the workplace and on one of its afdelinger) is one place.
    return (" ".join(address.street.lower().split()), address.postcode.strip())


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
        self.addresses = list(
            UnitAddress.objects.filter(unit__closed_on__isnull=True).order_by("street", "pk")
        )

    def covered_by(self, kind: str) -> set[int]:
        ids = set()
        for committee_id, unit_ids in self.coverage.items():
            if self.open_committees[committee_id].kind == kind:
                ids |= unit_ids
        return ids

    def committees_of(self, kind: str) -> list[Committee]:
        return [c for c in self.open_committees.values() if c.kind == kind]

    @cached_property
    def seats(self) -> dict[int, list[Membership]]:
        """Committee id -> its current seats."""
        seats = defaultdict(list)
        for membership in self.memberships:
            seats[membership.committee_id].append(membership)
        return seats

    @cached_property
    def children(self) -> dict[int, list[int]]:
        children = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id in self.units:
                children[unit.parent_id].append(unit.pk)
        return children

    @cached_property
    def led_by(self) -> dict[int, list[Unit]]:
        """Person id -> the open units the person leads."""
        led = defaultdict(list)
        for unit in self.units.values():
            if unit.leader_id:
                led[unit.leader_id].append(unit)
        return led

    @cached_property
    def _workplace_ids(self) -> dict[int, int]:
        """Unit id -> the id of the workplace it is or lies in (units above a workplace: none)."""
        result = {}
        for unit in self.units.values():
            for ancestor_id in _ancestor_ids(unit):
                ancestor = self.units.get(ancestor_id)
                if ancestor and ancestor.kind == Unit.Kind.ARBEJDSPLADS:
                    result[unit.pk] = ancestor_id
                    break
        return result

    def workplace_of(self, unit_id: int | None) -> Unit | None:
        workplace_id = self._workplace_ids.get(unit_id)
        return self.units[workplace_id] if workplace_id is not None else None

    def subtree(self, unit_id: int) -> list[int]:
        """The unit and every open unit below it."""
        ids, stack = [], [unit_id]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(self.children.get(current, ()))
        return ids

    def employees(self, unit: Unit) -> int:
        """Employees of a unit, by its headcount or the people registered on it."""
        return max(unit.headcount, self.people_per_unit.get(unit.pk, 0))

    def workplace_employees(self, workplace: Unit) -> int:
        below = [self.units[i] for i in self.subtree(workplace.pk)]
        return max(
            workplace.headcount,
            sum(u.headcount for u in below if u.pk != workplace.pk),
            sum(self.people_per_unit.get(u.pk, 0) for u in below),
        )

    def workplaces(self) -> list[Unit]:
        return [u for u in self.units.values() if u.kind == Unit.Kind.ARBEJDSPLADS]

    def lies_within(self, unit_id: int | None, root_ids: set[int]) -> bool:
        unit = self.units.get(unit_id)
        return unit is not None and bool(root_ids.intersection(_ancestor_ids(unit)))

    @cached_property
    def nearest_amgs(self) -> dict[int, frozenset[int]]:
        """Unit id -> the AMGs that answer for it: those covering the unit itself or, failing
        that, its nearest covered ancestor (an afdeling with an AMG of its own is that AMG's,
        not the workplace AMG's as well)."""
        amgs_at = defaultdict(set)
        for committee in self.committees_of(Committee.Kind.AMG):
            for unit_id in self.coverage[committee.pk]:
                amgs_at[unit_id].add(committee.pk)
        result = {}
        for unit in self.units.values():
            for ancestor_id in reversed(_ancestor_ids(unit)):
                if ancestor_id in amgs_at:
                    result[unit.pk] = frozenset(amgs_at[ancestor_id])
                    break
            else:
                result[unit.pk] = frozenset()
        return result


def check_amg_coverage(snap: OrganisationSnapshot) -> CheckResult:
    result = CheckResult(
        "amg_coverage",
        _("Alle enheder med ansatte er dækket af en arbejdsmiljøgruppe"),
        _("AML § 7; BEK om systematisk arbejdsmiljøarbejde § 24; MED-aftalens nærhedsprincip"),
    )
    covered = snap.covered_by(Committee.Kind.AMG)
    for unit in snap.units.values():
        employees = snap.employees(unit)
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


def check_amg_per_address(snap: OrganisationSnapshot) -> CheckResult:
    """A workplace with several addresses has an AMG at each of them, unless the kommune's
    MED-aftale lets one AMG span them (`Kommune.amg_may_span_addresses`); then each address
    still needs some AMG. Single-address workplaces are check_amg_coverage's."""
    may_span = snap.kommune.amg_may_span_addresses
    if may_span:
        title = _("Alle adresser på en arbejdsplads er dækket af en arbejdsmiljøgruppe")
        topic = _("én arbejdsmiljøgruppe kan dække flere adresser")
    else:
        title = _("En arbejdsmiljøgruppe på hver adresse af en arbejdsplads")
        topic = _("nærhedsprincippet: en arbejdsmiljøgruppe på hver adresse")
    result = CheckResult(
        "amg_per_address",
        title,
        "; ".join(
            [
                _(
                    "AML § 7; BEK om systematisk arbejdsmiljøarbejde § 24 (antallet af "
                    "arbejdsmiljøgrupper afhænger bl.a. af arbejdspladsens geografi)"
                ),
                _agreement(snap, topic),
            ]
        ),
    )
    addresses_of_unit = defaultdict(list)
    for address in snap.addresses:
        if address.unit_id in snap.units:
            addresses_of_unit[address.unit_id].append(address)
    committee_names = {pk: str(c) for pk, c in snap.open_committees.items()}
    for workplace in snap.workplaces():
        # address key -> (the first row with it, the units at it)
        places: dict[tuple[str, str], tuple[UnitAddress, list[int]]] = {}
        for unit_id in sorted(snap.subtree(workplace.pk)):
            for address in addresses_of_unit.get(unit_id, ()):
                key = _address_key(address)
                places.setdefault(key, (address, []))[1].append(unit_id)
        if len(places) < 2 or not snap.workplace_employees(workplace):
            continue
        amgs_at = {
            key: set().union(*(snap.nearest_amgs[u] for u in unit_ids))
            for key, (_address, unit_ids) in places.items()
        }
        for key, (address, unit_ids) in sorted(places.items()):
            amgs = amgs_at[key]
            concerned = frozenset({workplace.pk, *unit_ids})
            values = {"address": address, "workplace": workplace}
            if not amgs:
                message = _("%(address)s (%(workplace)s) er ikke dækket af en arbejdsmiljøgruppe.")
            elif may_span or any(
                all(pk not in others for k, others in amgs_at.items() if k != key) for pk in amgs
            ):
                continue  # an AMG of this address alone, or the agreement lets one span them
            else:
                message = _(
                    "%(address)s (%(workplace)s) har ingen arbejdsmiljøgruppe for sig selv: "
                    "%(amgs)s dækker også arbejdspladsens andre adresser."
                )
                values["amgs"] = _(" og ").join(sorted(committee_names[pk] for pk in amgs))
            result.findings.append(
                Finding(message % values, _url(snap.units[unit_ids[0]]), concerned)
            )
    return result


def check_local_med_coverage(snap: OrganisationSnapshot) -> CheckResult:
    """Every workplace with employees has a local MED forum: a LokalMED/ArbejdspladsMED or a
    personalemøde med MED-status covering it (or a unit above it), or an AfdelingsMED that
    covers the workplace itself, where that committee is the local level. An AfdelingsMED
    covering only the område does not count: it is the level above the workplace."""
    result = CheckResult(
        "local_med_coverage",
        _("Alle arbejdspladser har et lokalt MED-udvalg eller et personalemøde med MED-status"),
        "; ".join(
            [
                _("Rammeaftale om medindflydelse og medbestemmelse"),
                _agreement(
                    snap, _("MED-udvalg eller personalemøde med MED-status på hver arbejdsplads")
                ),
            ]
        ),
    )
    local = snap.covered_by(Committee.Kind.LOKALMED) | snap.covered_by(
        Committee.Kind.PERSONALEMOEDE
    )
    direct = snap.covered_by(Committee.Kind.AFDELINGSMED)

    def covered(unit: Unit) -> bool:
        return unit.pk in direct or bool(local.intersection(_ancestor_ids(unit)))

    for workplace in snap.workplaces():
        if covered(workplace):
            continue
        # A workplace whose every afdeling has its own forum is covered through them.
        parts = [snap.units[i] for i in snap.subtree(workplace.pk) if i != workplace.pk]
        if parts and all(covered(part) for part in parts):
            continue
        employees = snap.workplace_employees(workplace)
        if not employees:
            continue
        result.findings.append(
            Finding(
                _(
                    "%(unit)s (%(n)s ansatte) er hverken dækket af et lokalt MED-udvalg eller "
                    "et personalemøde med MED-status."
                )
                % {"unit": workplace, "n": employees},
                _url(workplace),
                frozenset({workplace.pk}),
            )
        )
    return result


def _is_top_management(snap: OrganisationSnapshot, person: Person) -> bool:
    """Top management sits above the workplaces: the kommunaldirektør and the direktører are
    registered on no unit or on an område/forvaltning, or lead one. A person employed at a
    workplace or afdeling (and leading none of the top units) is local management."""
    if any(unit.parent_id is None for unit in snap.led_by.get(person.pk, ())):
        return True
    unit = snap.units.get(person.unit_id)
    return unit is None or unit.kind == Unit.Kind.OMRAADE


def check_top_management(snap: OrganisationSnapshot) -> CheckResult:
    """The strategic arbejdsmiljøudvalg (HovedMED in the enstrenget structure) is chaired by
    the employer's side, and the chair is the kommune's top management (the
    kommunaldirektør, as e.g. a KommuneMED forretningsorden says: "Formand for KommuneMED er
    kommunaldirektøren"), so that the top management takes part in the strategic AMO."""
    result = CheckResult(
        "top_management",
        _("Den øverste ledelse deltager i det strategiske arbejdsmiljøudvalg (HovedMED)"),
        "; ".join(
            [
                _(
                    "BEK om systematisk arbejdsmiljøarbejde § 33 stk. 1: virksomhedens øverste "
                    "ledelse er repræsenteret i arbejdsmiljøorganisationen"
                ),
                _agreement(snap, _("HovedMEDs forretningsorden: formanden er kommunaldirektøren")),
            ]
        ),
    )
    hovedmeds = snap.committees_of(Committee.Kind.HOVEDMED)
    if not hovedmeds:
        # Kommune-wide: only HR of the whole kommune sees it (no unit to touch an område).
        result.findings.append(
            Finding(
                _("Kommunen har intet HovedMED (arbejdsmiljøudvalget på det strategiske niveau)."),
                reverse("admin:committees_committee_add"),
            )
        )
    for committee in hovedmeds:
        concerned = frozenset(snap.coverage[committee.pk])
        chairs = [
            seat
            for seat in snap.seats[committee.pk]
            if seat.role == Membership.Role.FORMAND and seat.side == Membership.Side.LEDELSE
        ]
        if not chairs:
            result.findings.append(
                Finding(
                    _("%(committee)s har ingen formand fra ledelsessiden.")
                    % {"committee": committee},
                    _url(committee),
                    concerned,
                )
            )
            continue
        if not any(_is_top_management(snap, seat.person) for seat in chairs):
            for seat in chairs:
                result.findings.append(
                    Finding(
                        _(
                            "%(person)s er formand for %(committee)s, men er ansat på "
                            "%(unit)s og dermed ikke en del af den øverste ledelse."
                        )
                        % {
                            "person": seat.person,
                            "committee": committee,
                            "unit": snap.units[seat.person.unit_id],
                        },
                        _url(seat),
                        concerned | {seat.person.unit_id},
                    )
                )
    return result


def check_trio(snap: OrganisationSnapshot) -> CheckResult:
    result = CheckResult(
        "trio",
        _("Arbejdspladser med både TR og AMR har en TRIO"),
        _agreement(snap, _("retningslinje for TRIO-samarbejde")),
    )
    roles_at = defaultdict(set)
    for membership in snap.memberships:
        if membership.role in (Membership.Role.TR, Membership.Role.AMR):
            workplace = snap.workplace_of(membership.person.unit_id)
            if workplace is not None:
                roles_at[workplace.pk].add(membership.role)
    with_trio = {
        workplace.pk
        for unit_id in snap.covered_by(Committee.Kind.TRIO)
        if (workplace := snap.workplace_of(unit_id)) is not None
    }
    for workplace_id, roles in roles_at.items():
        if len(roles) < 2 or workplace_id in with_trio:
            continue
        workplace = snap.units[workplace_id]
        result.findings.append(
            Finding(
                _("%(unit)s har både TR og AMR, men ingen TRIO.") % {"unit": workplace},
                _url(workplace),
                frozenset({workplace_id}),
            )
        )
    return result


def check_trio_composition(snap: OrganisationSnapshot) -> CheckResult:
    """A TRIO is the leader, a TR and an AMR of one workplace (more than one TR or AMR may
    join); each of them works at that workplace (nærhedsprincip: they share its daily life)."""
    result = CheckResult(
        "trio_composition",
        _("Hver TRIO består af leder, TR og AMR fra samme arbejdsplads"),
        _agreement(snap, _("retningslinje for TRIO-samarbejde")),
    )
    wanted = [
        (_("leder"), lambda seat: seat.side == Membership.Side.LEDELSE),
        (_("TR"), lambda seat: seat.role == Membership.Role.TR),
        (_("AMR"), lambda seat: seat.role == Membership.Role.AMR),
    ]
    for trio in snap.committees_of(Committee.Kind.TRIO):
        covered = snap.coverage[trio.pk]
        if not covered:
            result.findings.append(
                Finding(_("%(trio)s dækker ingen arbejdsplads.") % {"trio": trio}, _url(trio))
            )
            continue
        # A TRIO on an afdeling belongs to the afdeling's workplace.
        roots = {
            workplace.pk if (workplace := snap.workplace_of(u)) is not None else u
            for u in covered
            if u in snap.units
        }
        concerned = frozenset(covered)
        if len(roots) > 1:
            result.findings.append(
                Finding(
                    _("%(trio)s dækker flere arbejdspladser (%(units)s); en TRIO hører til én.")
                    % {
                        "trio": trio,
                        "units": ", ".join(sorted(str(snap.units[r]) for r in roots)),
                    },
                    _url(trio),
                    concerned,
                )
            )
        seats = snap.seats[trio.pk]
        missing = [label for label, fits in wanted if not any(fits(seat) for seat in seats)]
        if missing:
            result.findings.append(
                Finding(
                    _("%(trio)s mangler %(missing)s.")
                    % {"trio": trio, "missing": _(" og ").join(missing)},
                    _url(trio),
                    concerned,
                )
            )
        place = ", ".join(sorted(str(snap.units[r]) for r in roots))
        for seat in seats:
            if not any(fits(seat) for _label, fits in wanted):
                continue  # a secretary is not one of the three
            works_there = snap.lies_within(seat.person.unit_id, roots)
            if not works_there and seat.side == Membership.Side.LEDELSE:
                works_there = any(
                    snap.lies_within(unit.pk, roots) for unit in snap.led_by.get(seat.person_id, ())
                )
            if not works_there:
                result.findings.append(
                    Finding(
                        _("%(person)s (%(role)s i %(trio)s) arbejder ikke på %(place)s.")
                        % {
                            "person": seat.person,
                            "role": seat.get_role_display(),
                            "trio": trio,
                            "place": place,
                        },
                        _url(seat),
                        (concerned | {seat.person.unit_id}) - {None},
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
        # The outer bound: the same date `years` later. A term stored before the valgperiode was
        # counted to its last day (deadlines/periods.py) ends on that date and is no finding.
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
    check_amg_per_address,
    check_local_med_coverage,
    check_top_management,
    check_trio,
    check_trio_composition,
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
