"""The organisation charts' data: open committees of the kinds asked for, grouped by område
under their AfdelingsMED, with the people each box names — read in a handful of queries
whatever the size. Drawn by meetings/diagrams.py, printed by meetings/documents.py."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, CommitteeUnit, Membership
from organisations.models import Unit

# Above this many committees a chart starts every område on a new page (København: ~1,500
# AMGs) and the overview shows counts only. Albertslund (~130) flows on.
LARGE_CHART = 200


@dataclass
class ChartCommittee:
    pk: int
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    public_id: object = None
    units: list[str] = field(default_factory=list)
    omraade_ids: list[int] = field(default_factory=list)  # the områder among its units
    seats: list[dict] = field(default_factory=list)
    children: list[ChartCommittee] = field(default_factory=list)

    def people(self, roles) -> list[dict]:
        return [s for s in self.seats if s["role"] in roles]

    @property
    def key_people(self) -> list[dict]:
        """Who the chart names: the formandskab of a MED committee or arbejdsmiljøudvalg; the
        leder and AMR of an AMG (and the TR of a TRIO)."""
        Role = Membership.Role
        if self.kind == Committee.Kind.AMG:
            return self.people((Role.LEDER, Role.AMR))
        if self.kind == Committee.Kind.TRIO:
            return self.people((Role.LEDER, Role.AMR, Role.TR))
        return self.people((Role.FORMAND, Role.NAESTFORMAND))


@dataclass
class ChartSection:
    """One område: its AfdelingsMED/OmrådeMED and everything below it."""

    title: str
    head: ChartCommittee | None
    groups: list[tuple[str, list[ChartCommittee]]]

    @property
    def omraade_id(self) -> int | None:
        """The område this section is (the unit its AfdelingsMED covers), for its own page."""
        return self.head.omraade_ids[0] if self.head and self.head.omraade_ids else None

    @property
    def count(self) -> int:
        return sum(len(members) for _label, members in self.groups) + (1 if self.head else 0)


@dataclass
class Chart:
    top: ChartCommittee | None
    sections: list[ChartSection]
    large: bool
    total: int


def _load_committees(kinds) -> dict[int, ChartCommittee]:
    """Open committees with their covered units and active seats: three queries in all."""
    today = timezone.localdate()
    committees = {
        pk: ChartCommittee(pk, name, kind, str(Committee.Kind(kind).label), parent_id, public_id)
        for pk, name, kind, parent_id, public_id in Committee.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=today), kind__in=kinds
        )
        .order_by("name")
        .values_list("pk", "name", "kind", "parent_id", "public_id")
    }
    for committee_id, unit_name, unit_id, unit_kind in (
        CommitteeUnit.objects.filter(committee_id__in=list(committees))
        .order_by("unit__name")
        .values_list("committee_id", "unit__name", "unit_id", "unit__kind")
    ):
        committees[committee_id].units.append(unit_name)
        if unit_kind == Unit.Kind.OMRAADE:
            committees[committee_id].omraade_ids.append(unit_id)
    seats = (
        Membership.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=today),
            committee_id__in=list(committees),
            start_date__lte=today,
        )
        .order_by("role", "person__last_name", "person__first_name")
        .values(
            "committee_id",
            "role",
            "person__first_name",
            "person__last_name",
            "person__email",
            "person__phone",
        )
    )
    role_labels = {role.value: str(role.label) for role in Membership.Role}
    for seat in seats:
        seat["name"] = f"{seat['person__first_name']} {seat['person__last_name']}".strip()
        seat["role_label"] = role_labels[seat["role"]]
        committees[seat["committee_id"]].seats.append(seat)
    return committees


def _sections_by_committee() -> dict[int, int]:
    """Committee -> the AfdelingsMED above it (its område), over ALL kinds: an AMG's parent is
    often a LokalMED, which the AMO chart itself does not show. One query."""
    rows = {
        pk: (parent_id, kind)
        for pk, parent_id, kind in Committee.objects.values_list("pk", "parent_id", "kind")
    }
    result = {}
    for pk in rows:
        seen, current = set(), pk
        while current is not None and current not in seen:
            seen.add(current)
            parent_id, kind = rows.get(current, (None, None))
            if kind == Committee.Kind.AFDELINGSMED:
                result[pk] = current
                break
            current = parent_id
    return result


def _omraade_heads(omraade: Unit | None) -> set[int] | None:
    if omraade is None:
        return None
    return set(
        CommitteeUnit.objects.filter(
            unit=omraade, committee__kind=Committee.Kind.AFDELINGSMED
        ).values_list("committee_id", flat=True)
    )


def build_chart(kinds, group_kinds, omraade: Unit | None = None) -> Chart:
    """The tree of `kinds` grouped by område; inside an område the committees are grouped by
    `group_kinds` ((kind, label) in order). TRIO groups are shown under their AMG."""
    committees = _load_committees(kinds)
    sections_of = _sections_by_committee()
    heads = _omraade_heads(omraade)
    top = next((c for c in committees.values() if c.kind == Committee.Kind.HOVEDMED), None)
    by_section: dict[int | None, list[ChartCommittee]] = defaultdict(list)
    for committee in committees.values():
        if committee.kind in (Committee.Kind.HOVEDMED, Committee.Kind.AFDELINGSMED):
            continue
        if committee.kind == Committee.Kind.TRIO and committee.parent_id in committees:
            parent = committees[committee.parent_id]
            if parent.kind == Committee.Kind.AMG:
                parent.children.append(committee)
                continue
        by_section[sections_of.get(committee.pk)].append(committee)
    sections = []
    afdelinger = sorted(
        (c for c in committees.values() if c.kind == Committee.Kind.AFDELINGSMED),
        key=lambda c: c.name,
    )
    for head in afdelinger:
        if heads is not None and head.pk not in heads:
            continue
        title = ", ".join(head.units) or head.name
        sections.append(_section(title, head, by_section.get(head.pk, []), group_kinds))
    if heads is None and by_section.get(None):
        sections.append(_section(_("Direkte under HovedMED"), None, by_section[None], group_kinds))
    total = len(committees)
    return Chart(top=top, sections=sections, large=total > LARGE_CHART, total=total)


def _section(title, head, members, group_kinds) -> ChartSection:
    groups = []
    for kind, label in group_kinds:
        found = [c for c in members if c.kind == kind]
        if found:
            groups.append((label, found))
    return ChartSection(title=title, head=head, groups=groups)


MED_GROUPS = (
    (Committee.Kind.LOKALMED, _("ArbejdspladsMED/LokalMED")),
    (Committee.Kind.PERSONALEMOEDE, _("Personalemøder med MED-status")),
    (Committee.Kind.ADHOC, _("Ad hoc MED-udvalg")),
)
AMO_GROUPS = ((Committee.Kind.AMG, _("Arbejdsmiljøgrupper")),)
AMO_CHART_KINDS = (*Committee.AMO_KINDS, Committee.Kind.TRIO)
