"""The PDF documents, rendered by core/pdf.py from the same selectors as the pages.

- agenda and referat of a meeting (small: rendered on request and for the e-mails);
- the kommune's MED organisation chart and AMO organisation chart, built from live data as
  trees drawn by Graphviz (meetings/diagrams.py: A3 landscape, an overview and a page per
  område for a large kommune, a single område can be ordered alone; lists where Graphviz is
  missing), and the AMO plan with its members that every employee must be able to know (BEK
  om samarbejde om arbejdsmiljø § 33 stk. 2);
- a person's training record."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, CommitteeUnit, Membership
from core.pdf import render_pdf
from organisations.models import Person, Unit

from .models import Meeting, Referat
from .selectors import agenda_for, attendance_rows, referat_of

# Above this many committees a chart starts every område on a new page (København: ~1,500
# AMGs) and the overview shows counts only. Albertslund (~130) flows on.
LARGE_CHART = 200


# --- agenda and referat --------------------------------------------------------------------------


def agenda_context(meeting: Meeting) -> dict:
    return {
        "kommune": meeting.kommune,
        "meeting": meeting,
        "agenda": agenda_for(meeting),
        "attendance": attendance_rows(meeting),
    }


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's next meeting after this one (not cancelled), as a referat names it."""
    if meeting.committee_id is None:
        return None
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id)
        .filter(Q(date__gt=meeting.date) | Q(date=meeting.date, start_time__gt=meeting.start_time))
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date", "start_time")
        .first()
    )


def referent_of(meeting: Meeting, referat: Referat | None) -> Person | None:
    """Who wrote the referat; before anybody has, the committee's sekretær."""
    if referat is not None and referat.referent_id:
        return referat.referent
    seat = (
        Membership.objects.filter(
            committee_id=meeting.committee_id,
            role=Membership.Role.SEKRETAER,
            ended_on__isnull=True,
        )
        .select_related("person")
        .first()
    )
    return seat.person if seat else None


def referat_context(meeting: Meeting, referat: Referat | None = None) -> dict:
    referat = referat if referat is not None else referat_of(meeting)
    rows = attendance_rows(meeting)
    return {
        "kommune": meeting.kommune,
        "meeting": meeting,
        "referat": referat,
        "referent": referent_of(meeting, referat),
        "next_meeting": next_meeting(meeting),
        "agenda": agenda_for(meeting),
        "present": [r for r in rows if r.status == "present"],
        "afbud": [r for r in rows if r.status == "afbud"],
        "absent": [r for r in rows if r.status == "absent"],
        "unrecorded": [r for r in rows if not r.status],
    }


def agenda_pdf(meeting: Meeting) -> bytes:
    return render_pdf("meetings/pdf/agenda.html", agenda_context(meeting))


def referat_pdf(meeting: Meeting, referat: Referat | None = None) -> bytes:
    return render_pdf("meetings/pdf/referat.html", referat_context(meeting, referat))


# --- organisation charts and the AMO plan --------------------------------------------------------


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
    for seat in seats:
        seat["name"] = f"{seat['person__first_name']} {seat['person__last_name']}".strip()
        seat["role_label"] = str(Membership.Role(seat["role"]).label)
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


def chart_context(kind: str, kommune, omraade: Unit | None = None) -> dict:
    from .models import DocumentJob

    if kind == DocumentJob.Kind.MED_CHART:
        chart = build_chart(Committee.MED_KINDS, MED_GROUPS, omraade)
        title = _("MED-organisationen i %(kommune)s") % {"kommune": kommune}
        template = "meetings/pdf/med_chart.html"
    elif kind == DocumentJob.Kind.AMO_CHART:
        chart = build_chart(AMO_CHART_KINDS, AMO_GROUPS, omraade)
        title = _("Arbejdsmiljøorganisationen i %(kommune)s") % {"kommune": kommune}
        template = "meetings/pdf/amo_chart.html"
    else:
        chart = build_chart(AMO_CHART_KINDS, AMO_GROUPS, omraade)
        title = _("Arbejdsmiljøorganisationen og dens medlemmer")
        template = "meetings/pdf/amo_plan.html"
    return {
        "template": template,
        "kommune": kommune,
        "title": title,
        "omraade": omraade,
        "chart": chart,
        "legend": legend(chart),
        "today": timezone.localdate(),
    }


def legend(chart: Chart) -> list[tuple[str, str]]:
    """(kind label, box colour) for the kinds the chart shows, in the order of the tree."""
    from .diagrams import FILL

    shown = {c.kind for s in chart.sections for _label, members in s.groups for c in members}
    shown |= {s.head.kind for s in chart.sections if s.head}
    if chart.top:
        shown.add(chart.top.kind)
    return [(str(kind.label), FILL[kind]) for kind in Committee.Kind if kind in shown]


def chart_pdf(kind: str, kommune, omraade: Unit | None = None) -> bytes:
    """The MED and AMO charts as diagrams drawn by Graphviz (meetings/diagrams.py); the AMO
    plan with its members, and the charts where Graphviz is missing, as lists."""
    from django.utils import formats

    from . import diagrams
    from .models import DocumentJob

    context = chart_context(kind, kommune, omraade)
    if kind in (DocumentJob.Kind.MED_CHART, DocumentJob.Kind.AMO_CHART):
        chart = context["chart"]
        subtitle = _("Pr. %(day)s · %(n)s udvalg og grupper") % {
            "day": formats.date_format(context["today"], "DATE_FORMAT"),
            "n": chart.total,
        }
        if omraade is not None:
            subtitle = f"{omraade} · {subtitle}"
        data = diagrams.safe_pdf(
            chart,
            kommune=str(kommune),
            heading=str(context["title"]),
            subtitle=subtitle,
            legend=context["legend"],
            **({"whole": False, "overview": False} if omraade is not None else {}),
        )
        if data is not None:
            return data
    return render_pdf(context["template"], context)


# --- a person's training record ------------------------------------------------------------------


def training_context(person: Person) -> dict:
    from deadlines.models import Deadline
    from training.models import Completion, Enrolment

    today = timezone.localdate()
    completions = list(
        Completion.objects.filter(person=person)
        .select_related("course_type")
        .order_by("-completed_on")
    )
    enrolments = list(
        Enrolment.objects.filter(person=person, status=Enrolment.Status.ENROLLED)
        .select_related("course_date", "course_date__course_type")
        .order_by("course_date__starts_on")
    )
    deadlines = list(
        Deadline.objects.visible()
        .filter(person=person, rule__startswith="training.")
        .with_status(today)
        .order_by("due_date")
    )
    seats = list(
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("committee")
        .order_by("committee__name")
    )
    return {
        "kommune": person.kommune,
        "person": person,
        "completions": completions,
        "enrolments": enrolments,
        "deadlines": deadlines,
        "seats": seats,
        "total_hours": sum((c.hours or 0) for c in completions),
        "today": today,
    }


def training_pdf(person: Person) -> bytes:
    return render_pdf("meetings/pdf/training_record.html", training_context(person))
