"""Duties that follow from incidents and from Arbejdstilsynet's visits (deadline rules).

Every duty hangs on the AMO group that handles the case (`Incident.committee`), so a targeted
refresh of that committee reconciles it; the person answering for it (the unit's leader, a
measure's owner) is reminded directly. Titles carry the case reference only — a deadline or a
reminder e-mail never tells what happened or to whom."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.rules import COMMITTEES, first_unit, open_committees
from deadlines.actions import IncidentsAction
from deadlines.dates import add_months
from deadlines.engine import Action, Param, Rule, Want, register
from organisations.models import path_ids
from organisations.selectors import leaders_by_unit, nearest_leader

from .easy import easy_due_date
from .models import ACCIDENT_KINDS, Incident, IncidentMeasure, InspectionOrder
from .selectors import UDVALG_KINDS

# A duty done longer ago than this is settled history: the engine keeps done rows as they are
# (only open rows lapse), so the rules need not re-derive every old case on each evaluation.
SETTLED_AFTER_DAYS = 400


def reference(pk: int, occurred_on: datetime.date) -> str:
    return f"H-{occurred_on.year}-{pk:05d}"


def leaders(ctx, paths) -> dict[int, int]:
    """unit -> its active leader, for the units on these paths: every unit once in a full
    evaluation (shared by the rules); only the ancestors of the cases in a targeted one, so
    one change does not read every unit of a large kommune."""
    if ctx.is_full:
        return ctx.memo("incident_leaders", leaders_by_unit)
    ids = {pk for path in paths for pk in path_ids(path)}
    return leaders_by_unit(ids) if ids else {}


def settled(ctx) -> datetime.date:
    return ctx.today - datetime.timedelta(days=SETTLED_AFTER_DAYS)


INCIDENT_COLUMNS = (
    "pk",
    "kind",
    "occurred_on",
    "reported_on",
    "absence_first_day",
    "absence_days",
    "easy_reported_on",
    "closed_on",
    "committee_id",
    "unit_id",
    "unit__path",
)


def unsettled_incidents(ctx) -> list:
    """The incidents of the committees in scope that the EASY report or the investigation still
    follow (one query for both rules), as named tuples of INCIDENT_COLUMNS."""

    def load():
        since = settled(ctx)
        easy = Q(kind__in=sorted(ACCIDENT_KINDS), absence_days__gt=0) & (
            Q(easy_reported_on__isnull=True) | Q(easy_reported_on__gte=since)
        )
        investigation = Q(closed_on__isnull=True) | Q(closed_on__gte=since)
        queryset = ctx.filter(
            Incident.objects.filter(easy | investigation).order_by(), "committee_id", "committee"
        )
        return list(queryset.values_list(*INCIDENT_COLUMNS, named=True))

    return ctx.memo("incidents:unsettled", load)


@register
class EasyReport(IncidentsAction, Rule):
    """BEK om anmeldelse af arbejdsulykker m.v. § 1 (since 2022): an accident with absence of at
    least 1 day beyond the injury day is reported to Arbejdstilsynet (EASY) no later than 14 days
    after the first day of absence. The numbers are settings (INCIDENT_EASY_*); recording the
    EASY reference fulfils the duty. The employer reports: the unit's leader answers for it."""

    code = "incidents.easy_report"
    title = _("Anmeld arbejdsulykke til Arbejdstilsynet (EASY): %(ref)s")
    group_title = _("Anmeld arbejdsulykke til Arbejdstilsynet (EASY)")
    source = _("BEK om anmeldelse af arbejdsulykker m.v. § 1")
    subject = "committee"
    what_to_do = _("Anmeld ulykken i EASY og registrér referencen på sagen.")
    reads = ("incidents.Incident", "organisations.Unit", "organisations.Person")

    def wants(self, ctx):
        since = settled(ctx)
        rows = [
            (
                row.pk,
                row.kind,
                row.occurred_on,
                row.absence_first_day,
                row.absence_days,
                row.easy_reported_on,
                row.committee_id,
                row.unit_id,
                row.unit__path,
            )
            for row in unsettled_incidents(ctx)
            if row.kind in ACCIDENT_KINDS
            and row.absence_days is not None
            and row.absence_days > 0
            and (row.easy_reported_on is None or row.easy_reported_on >= since)
        ]
        leader_of = leaders(ctx, [row[-1] for row in rows])
        for pk, kind, occurred, first_day, days, reported, committee_id, unit_id, path in rows:
            due = easy_due_date(kind=kind, occurred_on=occurred, first_day=first_day, days=days)
            if due is None:
                continue
            yield Want(
                key=f"c{committee_id}:i{pk}",
                due_date=due,
                person_id=nearest_leader(path, leader_of),
                committee_id=committee_id,
                unit_id=unit_id,
                params={"ref": reference(pk, occurred)},
                done_on=reported,
                fulfilled_by=(Incident, pk) if reported else None,
            )


@register
class Investigation(IncidentsAction, Rule):
    """BEK om systematisk arbejdsmiljøarbejde § 31 stk. 2 nr. 4 and § 33 stk. 4: the AMO
    follows up on every accident, poisoning, health damage and near miss — causes investigated,
    preventive measures decided. How soon is local (default 30 days after the report); closing
    the case fulfils it."""

    code = "incidents.investigation"
    title = _("Undersøg hændelse og beslut forebyggelse: %(ref)s")
    group_title = _("Undersøg hændelse og beslut forebyggelse")
    source = _("BEK om systematisk arbejdsmiljøarbejde § 31 stk. 2 nr. 4 og § 33 stk. 4")
    subject = "committee"
    what_to_do = _(
        "Undersøg årsagerne i arbejdsmiljøgruppen, beslut forebyggende tiltag og afslut sagen."
    )
    parameters = (Param("days", _("Dage efter anmeldelsen"), 30, minimum=1, maximum=90),)
    reads = ("incidents.Incident", "organisations.Unit")  # unsettled_incidents reads the path

    def wants(self, ctx):
        days = ctx.param(self, "days")
        since = settled(ctx)
        for row in unsettled_incidents(ctx):
            if row.closed_on is not None and row.closed_on < since:
                continue
            pk, occurred, reported_on, closed_on = (
                row.pk,
                row.occurred_on,
                row.reported_on,
                row.closed_on,
            )
            committee_id, unit_id = row.committee_id, row.unit_id
            yield Want(
                key=f"c{committee_id}:i{pk}",
                due_date=reported_on + datetime.timedelta(days=days),
                committee_id=committee_id,
                unit_id=unit_id,
                params={"ref": reference(pk, occurred)},
                done_on=closed_on,
                fulfilled_by=(Incident, pk) if closed_on else None,
            )


@register
class MeasureDue(IncidentsAction, Rule):
    """BEK om systematisk arbejdsmiljøarbejde § 31 stk. 2 nr. 4: the AMG helps carry out the
    measures that prevent a repeat. Each measure has an owner and a due date."""

    code = "incidents.measure"
    title = _("Forebyggende tiltag efter hændelse %(ref)s")
    group_title = _("Forebyggende tiltag efter hændelse")
    source = _("BEK om systematisk arbejdsmiljøarbejde § 31 stk. 2 nr. 4")
    subject = "committee"
    what_to_do = _("Gennemfør det forebyggende tiltag og registrér det som gennemført.")
    reads = ("incidents.IncidentMeasure", "incidents.Incident")

    def wants(self, ctx):
        queryset = ctx.filter(
            IncidentMeasure.objects.filter(Q(done_on__isnull=True) | Q(done_on__gte=settled(ctx))),
            "incident__committee_id",
            "committee",
        )
        rows = queryset.values_list(
            "pk",
            "owner_id",
            "due_on",
            "done_on",
            "incident_id",
            "incident__occurred_on",
            "incident__committee_id",
            "incident__unit_id",
        )
        for pk, owner_id, due_on, done_on, incident_id, occurred, committee_id, unit_id in rows:
            yield Want(
                key=f"c{committee_id}:m{pk}",
                due_date=due_on,
                person_id=owner_id,
                committee_id=committee_id,
                unit_id=unit_id,
                params={"ref": reference(incident_id, occurred)},
                done_on=done_on,
                fulfilled_by=(IncidentMeasure, pk) if done_on else None,
            )


@register
class InspectionOrderDue(IncidentsAction, Rule):
    """AML § 77 and Arbejdstilsynet's påbud: a påbud is complied with by its deadline (a
    strakspåbud at once); a rådgivningspåbud also requires an authorised arbejdsmiljørådgiver
    (seed 004). Seed 003: "Der tages action på besøg eller vejledninger/påbud fra
    Arbejdstilsynet". Vejledninger have no deadline."""

    code = "incidents.inspection_order"
    title = _("Påbud fra Arbejdstilsynet: %(title)s")
    group_title = _("Påbud fra Arbejdstilsynet")
    source = _("Arbejdsmiljøloven § 77; Arbejdstilsynets påbud")
    subject = "committee"
    what_to_do = _("Efterkom påbuddet og registrér hvad der er gjort.")
    reads = COMMITTEES + (
        "incidents.InspectionOrder",
        "incidents.InspectionVisit",
        "organisations.Unit",
        "organisations.Person",
    )

    def wants(self, ctx):
        queryset = ctx.filter(
            InspectionOrder.objects.exclude(kind=InspectionOrder.Kind.VEJLEDNING).filter(
                Q(complied_on__isnull=True) | Q(complied_on__gte=settled(ctx)),
                visit__committee__isnull=False,
                due_on__isnull=False,
            ),
            "visit__committee_id",
            "committee",
        )
        rows = queryset.values_list(
            "pk",
            "title",
            "due_on",
            "complied_on",
            "visit__committee_id",
            "visit__unit_id",
            "visit__unit__path",
        )
        rows = list(rows)
        leader_of = leaders(ctx, [row[-1] for row in rows])
        for pk, title, due_on, complied_on, committee_id, unit_id, path in rows:
            yield Want(
                key=f"c{committee_id}:o{pk}",
                due_date=due_on,
                person_id=nearest_leader(path, leader_of),
                committee_id=committee_id,
                unit_id=unit_id or first_unit(ctx, committee_id),
                params={"title": title[:80]},
                done_on=complied_on,
                fulfilled_by=(InspectionOrder, pk) if complied_on else None,
            )


@register
class YearlyOverview(Rule):
    """BEK om systematisk arbejdsmiljøarbejde § 30 stk. 2 nr. 6 (quoted in seed 003): the
    arbejdsmiljøudvalg "skal en gang årligt udarbejde en samlet oversigt over ulykker,
    forgiftninger og sundhedsskader i virksomheden" — here HovedMED and every AfdelingsMED/
    OmrådeMED (the udvalg of the enstrenget structure, incidents.selectors.UDVALG_KINDS), each
    for its own area. One deadline per calendar year: the overview of year Y is prepared and
    discussed in the udvalg by the end of month `month` of Y + 1 (the law: within the following
    year; a kommune that takes it with the årlige arbejdsmiljødrøftelse sets an earlier month).
    The product draws the overview (incidents:overview); the formandskab marks the duty done
    with the meeting where the udvalg discussed it. The last two years are followed: an open
    overview lapses when a newer one is due a year later."""

    code = "incidents.yearly_overview"
    title = _("Årsoversigt over arbejdsulykker m.v. %(year)s")
    group_title = _("Årsoversigt over arbejdsulykker m.v.")
    source = _("BEK om systematisk arbejdsmiljøarbejde § 30 stk. 2 nr. 6")
    local_source = _("arbejdsmiljøudvalgets opgaver")
    subject = "committee"
    manual_done = True
    what_to_do = _(
        "Gennemgå årsoversigten over ulykker, forgiftninger, sundhedsskader og tilløb i "
        "udvalget, og registrér mødet."
    )
    parameters = (Param("month", _("Senest i måned (1–12) året efter"), 12, minimum=1, maximum=12),)
    reads = COMMITTEES

    def action(self, deadline):
        from django.urls import reverse

        if deadline.committee_id is None:
            return None
        url = reverse("incidents:overview", args=[deadline.committee.public_id])
        year = (deadline.params or {}).get("year")
        return Action(_("Åbn årsoversigten"), f"{url}?aar={year}" if year else url)

    def wants(self, ctx):
        month = ctx.param(self, "month")
        for committee in open_committees(ctx, UDVALG_KINDS):
            for year in (ctx.today.year - 2, ctx.today.year - 1):
                if committee.established_on.year > year:
                    continue
                # The last day of `month` in the year after the overview's year.
                due = add_months(datetime.date(year + 1, month, 1), 1) - datetime.timedelta(days=1)
                yield Want(
                    key=f"c{committee.pk}:{year}",
                    due_date=due,
                    committee_id=committee.pk,
                    unit_id=first_unit(ctx, committee.pk),
                    params={"year": year},
                )
