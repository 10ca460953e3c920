"""Portal pages of the APV: my groups' APVs, one APV with its phases and handlingsplan (members
update status and follow-up), the handlingsplan as CSV and PDF (one selector for all three), and
the public, token-based survey answer page.

Thin views: objects come from apv/access.py (404 for what the viewer may not see, 403 for what
they may see but not change); each POST calls one service and redirects."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee
from core.access import get_viewer
from core.pdf import render_pdf
from core.tenancy import tenant_scope
from portal.views import kommune_required

from . import services
from .access import get_action_item_for_user, get_amg_for_user, get_cycle_for_user, visible_amg_ids
from .forms import ActionItemUpdateForm, FollowUpForm, SurveyForm
from .models import ApvCycle, ApvProblem
from .selectors import handlingsplan_rows, latest_cycles, survey_results


def _run(request, action, success: str, target: str):
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(target)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for text in errors:
            messages.error(request, f"{label}: {text}" if label else text)


def _cycle_url(cycle: ApvCycle) -> str:
    return reverse("apv:cycle", args=[cycle.public_id])


@kommune_required
@require_GET
def index(request):
    """The APVs of the groups the viewer sits in, is covered by or leads."""
    viewer = get_viewer(request)
    groups = list(
        Committee.objects.filter(
            pk__in=visible_amg_ids(request), kind=Committee.Kind.AMG, closed_on__isnull=True
        ).order_by("name")
    )
    latest = latest_cycles([g.pk for g in groups])
    rows = [(g, latest.get(g.pk), g.pk in viewer.committee_ids) for g in groups]
    return render(request, "apv/index.html", {"rows": rows})


@kommune_required
@require_GET
def amg(request, public_id):
    committee, can_edit = get_amg_for_user(request, public_id)
    cycles = list(ApvCycle.objects.filter(committee=committee).order_by("-started_on", "-pk"))
    return render(
        request, "apv/amg.html", {"committee": committee, "cycles": cycles, "can_edit": can_edit}
    )


@kommune_required
@require_GET
def cycle(request, public_id):
    access = get_cycle_for_user(request, public_id)
    apv = access.cycle
    viewer = access.viewer
    plan = handlingsplan_rows(apv)
    person_id = viewer.person.pk if viewer.person else None
    for item in plan:
        item.editable = access.can_edit or item.owner_id == person_id
        if item.editable:
            item.form = ActionItemUpdateForm(
                initial={"status": item.status, "follow_up": item.follow_up},
                prefix=str(item.public_id),
            )
    problems = list(apv.problems.order_by("area", "pk"))
    return render(
        request,
        "apv/cycle.html",
        {
            "cycle": apv,
            "access": access,
            "phases": ApvCycle.Phase.choices,
            "items": list(apv.items.order_by("order", "pk")),
            "problems": problems,
            "levels": ApvProblem.Level,
            "sickness": list(apv.sickness.order_by("period_start")),
            "plan": plan,
            "follow_ups": list(apv.follow_ups.order_by("held_on")),
            "survey": survey_results(apv) if apv.method == ApvCycle.Method.SURVEY else None,
            "follow_up_form": FollowUpForm(initial={"held_on": timezone.localdate()}),
        },
    )


@kommune_required
@require_POST
def advance(request, public_id):
    access = get_cycle_for_user(request, public_id)
    access.require_edit()
    return _run(
        request,
        lambda: services.apv_cycle_advance(access.cycle, acting_user=request.user),
        _("APV'en er gået videre til næste fase."),
        _cycle_url(access.cycle),
    )


@kommune_required
@require_POST
def follow_up(request, public_id):
    access = get_cycle_for_user(request, public_id)
    access.require_edit()
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(_cycle_url(access.cycle))
    return _run(
        request,
        lambda: services.apv_follow_up_record(
            access.cycle,
            held_on=form.cleaned_data["held_on"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        _("Opfølgningen er registreret."),
        _cycle_url(access.cycle),
    )


@kommune_required
@require_POST
def item_update(request, public_id):
    item, access = get_action_item_for_user(request, public_id)
    if not access.can_edit:
        raise PermissionDenied
    form = ActionItemUpdateForm(request.POST, prefix=str(item.public_id))
    target = _cycle_url(item.cycle) + f"#punkt-{item.public_id}"
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(target)
    return _run(
        request,
        lambda: services.action_item_update(
            item,
            status=form.cleaned_data["status"],
            follow_up=form.cleaned_data["follow_up"],
            acting_user=request.user,
        ),
        _("Punktet er opdateret."),
        target,
    )


# --- the handlingsplan as CSV and PDF (the same selector as the page) ---------------------------


@kommune_required
@require_GET
def plan_csv(request, public_id):
    access = get_cycle_for_user(request, public_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="handlingsplan.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly (æ, ø, å)
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Problem"),
            _("Risiko"),
            _("Årsag"),
            _("Løsning"),
            _("Ansvarlig"),
            _("Frist"),
            _("Status"),
            _("Udført"),
            _("Opfølgning"),
        ]
    )
    for item in handlingsplan_rows(access.cycle):
        writer.writerow(
            [
                item.problem,
                item.assessment.get_level_display() if item.assessment else "",
                item.cause,
                item.measure,
                item.owner.full_name,
                item.due_on.strftime("%d.%m.%Y"),
                item.get_status_display(),
                item.closed_on.strftime("%d.%m.%Y") if item.closed_on else "",
                item.follow_up,
            ]
        )
    return response


@kommune_required
@require_GET
def plan_pdf(request, public_id):
    access = get_cycle_for_user(request, public_id)
    data = render_pdf(
        "apv/pdf/handlingsplan.html",
        {
            "kommune": request.kommune,
            "cycle": access.cycle,
            "plan": handlingsplan_rows(access.cycle),
        },
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="handlingsplan.pdf"'
    return response


# --- the anonymous survey (public: the token is the only key) -----------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token):
    invitation = services.survey_invitation_for_token(token)
    if invitation is None:
        return _survey_page(request, "apv/survey_invalid.html", {}, status=404)
    today = timezone.localdate()
    with tenant_scope(invitation.kommune_id):
        apv = invitation.cycle
        if invitation.used:
            return _survey_page(request, "apv/survey_done.html", {"cycle": apv, "already": True})
        if not apv.survey_is_open(today):
            return _survey_page(request, "apv/survey_closed.html", {"cycle": apv}, status=410)
        form = SurveyForm(request.POST or None, items=apv.items.order_by("order", "pk"))
        if request.method == "POST" and form.is_valid():
            try:
                services.survey_submit(token, form.answers(), today=today)
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                return _survey_page(request, "apv/survey_done.html", {"cycle": apv})
        return _survey_page(request, "apv/survey.html", {"cycle": apv, "form": form})


def _survey_page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, context, status=status)
    # The link is the key: never leak it to another site or keep it in a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
