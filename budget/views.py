"""The budget procedure in the portal: the year's timeline with each committee's point on its
agenda, the hearing response of a local MED committee, the responses for KommuneMED (and as one
PDF), and the rationalisation cases. Every page asks budget/access.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from committees.viewer import get_viewer
from core.pdf import render_pdf
from core.tenancy import kommune_required

from .access import (
    answering_committees,
    case_access,
    get_case_for_user,
    get_process_for_user,
    may_read_all_responses,
    process_access,
    responses_readable,
)
from .models import AgendaPoint, BudgetProcess, HearingResponse, RationalisationCase
from .services import TEXT_LIMIT, hearing_respond

Step = AgendaPoint.Step


class ResponseForm(forms.Form):
    text = forms.CharField(
        label=_("Udvalgets høringssvar"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Skriv udvalgets høringssvar.")},
    )


@kommune_required
@require_GET
def index(request):
    """The budget years and the cases the viewer may read."""
    processes = [p for p in BudgetProcess.objects.all()[:10] if process_access(request, p).read]
    cases = [
        c
        for c in RationalisationCase.objects.select_related("ad_hoc_committee")
        .prefetch_related("units")
        .order_by("-announced_on", "-pk")[:50]
        if case_access(request, c).read
    ]
    if not processes and not cases:
        raise Http404
    return render(request, "budget/index.html", {"processes": processes, "cases": cases})


def _timeline(process: BudgetProcess, points: list[AgendaPoint], responses: dict) -> list[dict]:
    """The year's steps in order, each with its date and whether it is behind us."""
    today = timezone.localdate()
    heard = [p for p in points if p.step == Step.HEARING]
    steps = [
        {
            "title": _("KommuneMED orienteres om og drøfter tidsplanen"),
            "day": process.timeline_by,
            "points": [p for p in points if p.step == Step.TIMELINE],
        },
        {
            "title": _("Budgetkataloget sendes i høring"),
            "day": process.hearing_sent_on or process.catalogue_on,
            "done": process.hearing_sent_on is not None,
        },
        {
            "title": _("Frist for MED-udvalgenes høringssvar"),
            "day": process.hearing_deadline,
            "answered": sum(1 for p in heard if p.committee_id in responses),
            "heard": len(heard),
        },
        {
            "title": _("KommuneMED drøfter kataloget og høringssvarene"),
            "day": process.adoption_planned,
            "points": [p for p in points if p.step == Step.CATALOGUE],
        },
        {
            "title": _("Kommunalbestyrelsen vedtager budgettet"),
            "day": process.adopted_on or process.adoption_planned,
            "done": process.adopted_on is not None,
        },
    ]
    if process.adopted_on is not None:
        steps.append(
            {
                "title": _("MED-udvalgene orienteres om det vedtagne budget og udmøntningen"),
                "day": process.orientation_by,
                "points": [p for p in points if p.step == Step.ADOPTED],
            }
        )
    for step in steps:
        step.setdefault("done", step["day"] is not None and step["day"] < today)
        if "points" in step:
            step["done"] = bool(step["points"]) and all(p.approved for p in step["points"])
    return steps


def _with_meetings(queryset) -> list[AgendaPoint]:
    """Points with their meeting and whether its referat is finally approved. One query."""
    points = list(queryset.select_related("committee", "agenda_item__meeting__referat"))
    for point in points:
        meeting = point.agenda_item.meeting if point.agenda_item_id else None
        referat = getattr(meeting, "referat", None) if meeting else None
        point.meeting = meeting
        point.approved = referat is not None and referat.is_locked
    return points


def _points(process: BudgetProcess, committee_ids: set[int] | None) -> list[AgendaPoint]:
    """The process's points (of these committees; None: all)."""
    queryset = AgendaPoint.objects.filter(process=process)
    if committee_ids is not None:
        queryset = queryset.filter(committee_id__in=committee_ids)
    return _with_meetings(queryset.order_by("due_on", "committee__name"))


@kommune_required
@require_GET
def process_detail(request, public_id):
    process = get_process_for_user(request, public_id)
    viewer = get_viewer(request)
    sees_all = may_read_all_responses(request)
    responses = {r.committee_id: r for r in responses_readable(request, process)}
    points = _points(process, None if sees_all else viewer.visible_committee_ids)
    all_points = points if sees_all else _points(process, None)
    answered = _answered(process)
    for point in points:
        point.answered = point.committee_id in answered
        point.handled = point.answered if point.step == Step.HEARING else point.approved
    answering = answering_committees(viewer, process)
    for committee in answering:
        committee.response = responses.get(committee.pk)
        committee.form = ResponseForm(
            initial={"text": committee.response.text if committee.response else ""},
            prefix=str(committee.public_id),
        )
    return render(
        request,
        "budget/process.html",
        {
            "process": process,
            "timeline": _timeline(process, all_points, answered),
            "groups": _groups(points),
            "answering": answering,
            "hearing_open": process.hearing_open,
            "responses": sorted(responses.values(), key=lambda r: r.committee.name),
            "sees_all": sees_all,
            "cases": list(process.cases.order_by("-announced_on")),
        },
    )


def _groups(points: list[AgendaPoint]) -> list[dict]:
    """The points by step, in the year's order, with how many committees have handled theirs
    (answered the hearing; took the point at a meeting whose referat is finally approved)."""
    groups = []
    for step in (Step.TIMELINE, Step.HEARING, Step.CATALOGUE, Step.ADOPTED):
        mine = [p for p in points if p.step == step]
        if mine:
            groups.append(
                {
                    "label": Step(step).label,
                    "points": mine,
                    "handled": sum(1 for p in mine if p.handled),
                }
            )
    return groups


def _answered(process: BudgetProcess) -> dict[int, bool]:
    return dict.fromkeys(
        HearingResponse.objects.filter(process=process).values_list("committee_id", flat=True),
        True,
    )


@kommune_required
@require_POST
def respond(request, public_id, committee_id):
    process = get_process_for_user(request, public_id)
    viewer = get_viewer(request)
    committee = next(
        (c for c in answering_committees(viewer, process) if str(c.public_id) == str(committee_id)),
        None,
    )
    if committee is None:
        raise Http404
    form = ResponseForm(request.POST, prefix=str(committee.public_id))
    back = HttpResponseRedirect(reverse("budget:process", args=[process.public_id]))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    try:
        hearing_respond(
            process,
            committee,
            text=form.cleaned_data["text"],
            person=viewer.person,
            acting_user=request.user,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return back
    messages.success(
        request, _("Høringssvaret fra %(committee)s er afgivet.") % {"committee": committee.name}
    )
    return back


@kommune_required
@require_GET
def responses_pdf(request, public_id):
    process = get_process_for_user(request, public_id)
    if not may_read_all_responses(request):
        raise Http404
    heard = list(
        AgendaPoint.objects.filter(process=process, step=Step.HEARING)
        .select_related("committee")
        .order_by("committee__name")
    )
    responses = {r.committee_id: r for r in responses_readable(request, process)}
    pdf = render_pdf(
        "budget/pdf/responses.html",
        {
            "process": process,
            "kommune": process.kommune,
            "rows": [(p.committee, responses.get(p.committee_id)) for p in heard],
            "answered": sum(1 for p in heard if p.committee_id in responses),
            "day": timezone.localdate(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoeringssvar-budget-{process.year}.pdf"'
    return response


@kommune_required
@require_GET
def case_detail(request, public_id):
    case = get_case_for_user(request, public_id)
    points = _with_meetings(AgendaPoint.objects.filter(case=case).order_by("due_on"))
    return render(
        request,
        "budget/case.html",
        {"case": case, "points": points, "units": sorted(u.name for u in case.units.all())},
    )
