"""Deadlines of the budget procedure and of the rationalisation cases (budget/models.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from committees.rules import COMMITTEES, LOCKED_MEETINGS, first_unit
from deadlines.engine import Action, Rule, Want, register
from meetings.models import Meeting, Referat

from .models import AgendaPoint, HearingResponse

Step = AgendaPoint.Step

# What _points() reads (Rule.reads).
POINTS = (
    COMMITTEES
    + LOCKED_MEETINGS
    + (
        "budget.AgendaPoint",
        "budget.BudgetProcess",
        "budget.RationalisationCase",
        "meetings.AgendaItem",
    )
)

SOURCE = _("Aftale om trivsel og sundhed på arbejdspladsen § 5 (HovedMED-opgave B)")
BUDGET_GUIDELINE = _(
    "procedureretningslinjerne for drøftelse af budgettets konsekvenser for arbejds- og "
    "personaleforhold og for større rationaliserings- og omstillingsprojekter"
)


def _points(ctx, steps):
    """The points of open committees in scope, with their meeting and its referat's state.
    One query for the evaluation."""

    def load():
        queryset = ctx.filter(
            AgendaPoint.objects.filter(committee__closed_on__isnull=True),
            "committee_id",
            "committee",
        )
        return list(
            queryset.order_by("pk").values(
                "pk",
                "step",
                "committee_id",
                "due_on",
                "process_id",
                "process__public_id",
                "process__year",
                "process__adopted_on",
                "case_id",
                "case__public_id",
                "case__title",
                "agenda_item__meeting_id",
                "agenda_item__meeting__date",
                "agenda_item__meeting__referat__state",
            )
        )

    return [p for p in ctx.memo("budget_points", load) if p["step"] in steps]


def _title(point) -> str:
    if point["case_id"] is not None:
        return str(_("Orientering og drøftelse: %(title)s") % {"title": point["case__title"]})
    year = point["process__year"]
    if point["step"] == Step.TIMELINE:
        return str(_("Budget %(year)s: tidsplanen for budgetprocessen") % {"year": year})
    if point["step"] == Step.CATALOGUE:
        return str(_("Budget %(year)s: budgetkataloget og høringssvarene") % {"year": year})
    return str(_("Budget %(year)s: orientering om det vedtagne budget") % {"year": year})


@register
class BudgetPointRule(Rule):
    """Seed 003 (Albertslund), the guideline on the budget's consequences for working and staff
    conditions: KommuneMED "i marts/april måned orienteret om og drøfter den politiske
    tidsplan", then the budget catalogue with the committees' hearing responses; after adoption
    KommuneMED, AfdelingsMED, ArbejdspladsMED and the personalemøder med MED-status "bliver
    orienteret om og drøfter" what the budget means for them. The guideline on larger
    rationalisation and restructuring projects: outside the budget "bliver KommuneMED orienteret
    hurtigst muligt". Each such point is due on the day HR set for it and is fulfilled by the
    committee's meeting that took it, once the referat is finally approved (or marked done)."""

    code = "budget.med_point"
    title = _("%(title)s")
    group_title = _("Budget og omstilling på MED-udvalgets dagsorden")
    source = SOURCE
    local_source = BUDGET_GUIDELINE
    subject = "committee"
    statutory = False
    manual_done = True
    what_to_do = _(
        "Punktet sættes selv på udvalgets næste møde med åben dagsorden: behandl det, og få "
        "referatet godkendt."
    )
    reads = POINTS

    def action(self, deadline):
        from django.urls import reverse

        params = deadline.params or {}
        if params.get("case"):
            return Action(_("Åbn projektet"), reverse("budget:case", args=[params["case"]]))
        if params.get("process"):
            return Action(
                _("Åbn budgetprocessen"), reverse("budget:process", args=[params["process"]])
            )
        return None

    def wants(self, ctx):
        for point in _points(ctx, (Step.TIMELINE, Step.CATALOGUE, Step.ADOPTED, Step.CASE)):
            approved = point["agenda_item__meeting__referat__state"] in Referat.LOCKED_STATES
            params = {"title": _title(point)}
            if point["case_id"] is not None:
                params["case"] = str(point["case__public_id"])
            else:
                params["process"] = str(point["process__public_id"])
            yield Want(
                key=f"bp{point['pk']}",
                due_date=point["due_on"],
                committee_id=point["committee_id"],
                unit_id=first_unit(ctx, point["committee_id"]),
                params=params,
                done_on=point["agenda_item__meeting__date"] if approved else None,
                fulfilled_by=(Meeting, point["agenda_item__meeting_id"]) if approved else None,
            )


@register
class HearingResponseRule(Rule):
    """Seed 003: the administrative timeline makes clear "hvornår arbejdspladsMED får mulighed
    for at afgive høringssvar til budgetkatalog". Each local MED committee (AfdelingsMED,
    ArbejdspladsMED, personalemøde med MED-status) answers by the hearing's last day; the
    response given fulfils it. It is the committee's right to be heard: once the budget is
    adopted, a committee that did not answer owes nothing any more (the open row ends)."""

    code = "budget.hearing_response"
    title = _("Budget %(year)s: høringssvar til budgetkataloget")
    group_title = _("Høringssvar til budgetkataloget")
    source = SOURCE
    local_source = BUDGET_GUIDELINE
    subject = "committee"
    statutory = False
    what_to_do = _(
        "Drøft budgetkataloget i udvalget; formand eller næstformand afgiver høringssvaret i "
        "portalen."
    )
    reads = POINTS + ("budget.HearingResponse",)

    def action(self, deadline):
        from django.urls import reverse

        process = (deadline.params or {}).get("process")
        if not process:
            return None
        return Action(_("Afgiv høringssvar"), reverse("budget:process", args=[process]))

    def wants(self, ctx):
        points = _points(ctx, (Step.HEARING,))
        if not points:
            return
        responses = {
            (process_id, committee_id): (pk, day)
            for pk, process_id, committee_id, day in ctx.filter(
                HearingResponse.objects.all(), "committee_id", "committee"
            ).values_list("pk", "process_id", "committee_id", "submitted_on")
        }
        for point in points:
            response = responses.get((point["process_id"], point["committee_id"]))
            if response is None and point["process__adopted_on"] is not None:
                continue
            yield Want(
                key=f"bh{point['pk']}",
                due_date=point["due_on"],
                committee_id=point["committee_id"],
                unit_id=first_unit(ctx, point["committee_id"]),
                params={
                    "year": point["process__year"],
                    "process": str(point["process__public_id"]),
                },
                done_on=response[1] if response else None,
                fulfilled_by=(HearingResponse, response[0]) if response else None,
            )
