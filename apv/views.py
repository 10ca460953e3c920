"""Portal pages of the APV: my groups' APVs, one APV with its phases and handlingsplan, the
handlingsplan as CSV and PDF (one selector for all three), and the public, token-based survey
answer page. The members of the arbejdsmiljøgruppe do the APV here: they start it, fill in the
checklist (or send the survey), assess the problems, enter the sygefravær, write the
handlingsplan, move it through its phases and follow it up; the employees it covers read it.

Thin views: objects come from apv/access.py (404 for what the viewer may not see, 403 for what
they may see but not change); each POST calls one service and redirects."""

from __future__ import annotations

import csv
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee
from committees.viewer import get_viewer
from core.exports import spreadsheet_row
from core.pdf import render_pdf
from core.tenancy import kommune_required, tenant_scope
from core.views import form_errors_to_messages, run_service

from . import services
from .access import (
    get_action_item_for_user,
    get_amg_for_user,
    get_cycle_for_user,
    get_cycle_to_edit,
    get_problem_for_user,
    may_edit_amg,
    visible_amg_ids,
)
from .forms import (
    ActionItemForm,
    ActionItemUpdateForm,
    ChecklistFormSet,
    FollowUpForm,
    ProblemForm,
    SicknessFormSet,
    StartCycleForm,
    SurveyForm,
    SurveyOpenForm,
)
from .models import ApvActionItem, ApvCycle, ApvProblem, risk_level
from .selectors import (
    checklist_items,
    eligible_owners,
    handlingsplan_rows,
    items_by_area,
    latest_cycles,
    problems_by_risk,
    survey_results,
)

Phase = ApvCycle.Phase


def _cycle_url(cycle: ApvCycle, anchor: str = "") -> str:
    url = reverse("apv:cycle", args=[cycle.public_id])
    return f"{url}#{anchor}" if anchor else url


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _not_now(request, cycle: ApvCycle, text: str):
    """A page for another phase: back to the APV with the reason (the service would refuse)."""
    messages.error(request, text)
    return HttpResponseRedirect(_cycle_url(cycle))


def _plan_is_written(cycle: ApvCycle) -> bool:
    return cycle.phase >= Phase.HANDLINGSPLAN


def _risk_is_open(cycle: ApvCycle) -> bool:
    return cycle.plan_adopted_on is None and cycle.phase <= Phase.HANDLINGSPLAN


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
    in_progress = next((c for c in cycles if c.plan_adopted_on is None), None)
    may_start = can_edit and in_progress is None and committee.closed_on is None
    return render(
        request,
        "apv/amg.html",
        {
            "committee": committee,
            "cycles": cycles,
            "can_edit": can_edit,
            "in_progress": in_progress,
            "start_form": StartCycleForm() if may_start else None,
        },
    )


@kommune_required
@require_POST
def start(request, public_id):
    """A member starts the group's next APV (the kommune's default checklist is copied in)."""
    committee, can_edit = get_amg_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    target = reverse("apv:amg", args=[committee.public_id])
    form = StartCycleForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    try:
        apv = services.apv_cycle_start(
            committee=committee, method=form.cleaned_data["method"], acting_user=request.user
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return HttpResponseRedirect(target)
    messages.success(request, _("APV'en er startet."))
    return HttpResponseRedirect(_cycle_url(apv))


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
    items = list(checklist_items(apv))
    can_edit = access.can_edit
    today = timezone.localdate()
    survey_form = None
    survey = survey_results(apv, today) if apv.method == ApvCycle.Method.SURVEY else None
    # A closed survey stays closed (see ApvCycle.survey_has_closed): no form to send it again.
    if can_edit and survey and not survey.closed and apv.phase == Phase.KORTLAEGNING:
        survey_form = SurveyOpenForm(initial={"closes_on": apv.survey_closes_on})
    return render(
        request,
        "apv/cycle.html",
        {
            "cycle": apv,
            "access": access,
            "phases": ApvCycle.Phase.choices,
            "items": items,
            "areas": items_by_area(items),
            "problems": problems_by_risk(apv),
            "levels": ApvProblem.Level,
            "sickness": list(apv.sickness.order_by("period_start")),
            "plan": plan,
            "follow_ups": list(apv.follow_ups.order_by("held_on")),
            "survey": survey,
            "survey_form": survey_form,
            "follow_up_form": FollowUpForm(initial={"held_on": today}),
            "may_map": (
                can_edit
                and apv.method == ApvCycle.Method.CHECKLIST
                and apv.phase == Phase.KORTLAEGNING
            ),
            "may_assess": can_edit and _risk_is_open(apv),
            "may_enter_sickness": can_edit and apv.phase == Phase.SYGEFRAVAER,
            "may_plan": can_edit and _plan_is_written(apv),
        },
    )


@kommune_required
@require_POST
def advance(request, public_id):
    apv = get_cycle_to_edit(request, public_id)
    return run_service(
        request,
        lambda: services.apv_cycle_advance(apv, acting_user=request.user),
        _("APV'en er gået videre til næste fase."),
        _cycle_url(apv),
    )


@kommune_required
@require_POST
def follow_up(request, public_id):
    apv = get_cycle_to_edit(request, public_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_cycle_url(apv))
    return run_service(
        request,
        lambda: services.apv_follow_up_record(
            apv,
            held_on=form.cleaned_data["held_on"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        _("Opfølgningen er registreret."),
        _cycle_url(apv),
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
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    return run_service(
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


# --- the group's APV work: kortlægning, risk assessment, sygefravær, handlingsplan ---------------


@kommune_required
@require_http_methods(["GET", "POST"])
def checklist(request, public_id):
    """Phase 1 by checklist: every point by area, answered and noted in one form, saved whole."""
    apv = get_cycle_to_edit(request, public_id)
    if apv.method != ApvCycle.Method.CHECKLIST:
        return _not_now(request, apv, _("Denne APV kortlægges med spørgeskema, ikke tjekliste."))
    if apv.phase != Phase.KORTLAEGNING:
        return _not_now(request, apv, _("Kortlægningen er afsluttet."))
    formset = ChecklistFormSet(request.POST or None, queryset=checklist_items(apv))
    if request.method == "POST" and formset.is_valid():
        findings = [
            (form.instance, form.cleaned_data["finding"], form.cleaned_data["note"])
            for form in formset.initial_forms
            if form.has_changed()
        ]
        try:
            services.apv_checklist_record(apv, findings, acting_user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Kortlægningen er gemt."))
            return HttpResponseRedirect(_cycle_url(apv, "h-map"))
    return render(
        request,
        "apv/checklist.html",
        {"cycle": apv, "formset": formset, "areas": items_by_area(formset.forms)},
    )


def _problem_page(request, form, apv: ApvCycle, problem: ApvProblem | None):
    if request.method == "POST" and form.is_valid():
        try:
            services.apv_problem_record(form.save(commit=False), acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Problemet og risikovurderingen er gemt."))
            return HttpResponseRedirect(_cycle_url(apv, "h-risk"))
    return render(
        request,
        "apv/problem_form.html",
        {"cycle": apv, "form": form, "problem": problem, "matrix": risk_matrix()},
    )


def risk_matrix() -> list[tuple[int, list[tuple[int, str, str]]]]:
    """The 5 × 5 matrix shown beside the form: consequence rows (5 at the top), likelihood
    columns, each cell its score and level."""
    rows = []
    for consequence in range(5, 0, -1):
        cells = []
        for likelihood in range(1, 6):
            score = likelihood * consequence
            level = risk_level(score)
            cells.append((score, level, str(ApvProblem.Level(level).label)))
        rows.append((consequence, cells))
    return rows


@kommune_required
@require_http_methods(["GET", "POST"])
def problem_new(request, public_id):
    """Add a problem; from a checklist point answered "problem" (?punkt=) the form starts with
    its area, text and note."""
    apv = get_cycle_to_edit(request, public_id)
    if not _risk_is_open(apv):
        return _not_now(
            request, apv, _("Handlingsplanen er vedtaget; risikovurderingen kan ikke ændres.")
        )
    initial = {}
    point = request.GET.get("punkt", "")
    valid = point.isdigit() and len(point) < 10
    item = checklist_items(apv).filter(pk=int(point)).first() if valid else None
    if item is not None:
        initial = {"area": item.area, "title": item.text[:200], "description": item.note}
    form = ProblemForm(
        request.POST or None,
        instance=ApvProblem(cycle=apv, kommune_id=apv.kommune_id),
        initial=initial,
    )
    return _problem_page(request, form, apv, None)


@kommune_required
@require_http_methods(["GET", "POST"])
def problem_edit(request, public_id):
    problem, access = get_problem_for_user(request, public_id)
    access.require_edit()
    apv = access.cycle
    if not _risk_is_open(apv):
        return _not_now(
            request, apv, _("Handlingsplanen er vedtaget; risikovurderingen kan ikke ændres.")
        )
    form = ProblemForm(request.POST or None, instance=problem)
    return _problem_page(request, form, apv, problem)


@kommune_required
@require_http_methods(["GET", "POST"])
def sickness(request, public_id):
    """Phase 2: the sygefravær figures of the group's area, edited together and saved whole."""
    apv = get_cycle_to_edit(request, public_id)
    if apv.phase != Phase.SYGEFRAVAER:
        return _not_now(request, apv, _("Sygefraværet registreres i fase 2."))
    formset = SicknessFormSet(
        request.POST or None, queryset=apv.sickness.order_by("period_start", "pk")
    )
    if request.method == "POST" and formset.is_valid():
        deleted = [form.instance for form in formset.deleted_forms if form.instance.pk]
        rows = [
            form.instance
            for form in formset.forms
            if form.has_changed() and form not in formset.deleted_forms
        ]
        try:
            services.apv_sickness_record(apv, save=rows, delete=deleted, acting_user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Sygefraværet er gemt."))
            return HttpResponseRedirect(_cycle_url(apv, "h-sick"))
    return render(request, "apv/sickness.html", {"cycle": apv, "formset": formset})


def _action_item_form(request, apv: ApvCycle, instance: ApvActionItem, initial=None):
    return ActionItemForm(
        request.POST or None,
        instance=instance,
        initial=initial or {},
        owners=eligible_owners(apv.committee),
        problems=apv.problems.order_by("area", "pk"),
        today=timezone.localdate(),
    )


def _action_item_page(request, form, apv: ApvCycle, item: ApvActionItem | None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.action_item_record(form.save(commit=False), acting_user=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Punktet i handlingsplanen er gemt."))
            return HttpResponseRedirect(_cycle_url(apv, f"punkt-{saved.public_id}"))
    return render(request, "apv/action_item_form.html", {"cycle": apv, "form": form, "item": item})


@kommune_required
@require_http_methods(["GET", "POST"])
def action_item_new(request, public_id):
    """Write a line of the handlingsplan, usually from a problem of the risk assessment
    (?problem=<its id>): problem, cause, measure, owner and due date."""
    apv = get_cycle_to_edit(request, public_id)
    if not _plan_is_written(apv):
        return _not_now(
            request,
            apv,
            _("Handlingsplanen skrives i fase 3, når kortlægning og sygefravær er afsluttet."),
        )
    initial = {}
    wanted = request.GET.get("problem", "")
    try:
        problem = apv.problems.filter(public_id=uuid.UUID(wanted)).first() if wanted else None
    except ValueError:
        problem = None
    if problem is not None:
        initial = {"assessment": problem.public_id, "problem": problem.title}
    item = ApvActionItem(cycle=apv, kommune_id=apv.kommune_id)
    return _action_item_page(request, _action_item_form(request, apv, item, initial), apv, None)


@kommune_required
@require_http_methods(["GET", "POST"])
def action_item_edit(request, public_id):
    """Change a line of the plan (the owner of the line updates only its status and follow-up,
    through `item_update`; the plan itself is the group's)."""
    item, access = get_action_item_for_user(request, public_id)
    if not may_edit_amg(request, item.cycle.committee_id):
        raise PermissionDenied
    apv = access.cycle
    if not _plan_is_written(apv):
        return _not_now(
            request,
            apv,
            _("Handlingsplanen skrives i fase 3, når kortlægning og sygefravær er afsluttet."),
        )
    return _action_item_page(request, _action_item_form(request, apv, item), apv, item)


@kommune_required
@require_POST
def survey_manage(request, public_id):
    """Phase 1 by survey: the group sends the anonymous survey (again, to new employees) or
    closes it."""
    apv = get_cycle_to_edit(request, public_id)
    target = _cycle_url(apv, "h-map")
    if apv.method != ApvCycle.Method.SURVEY:
        return _not_now(request, apv, _("Denne APV kortlægges med tjekliste, ikke spørgeskema."))
    if request.POST.get("action") == "close":
        return run_service(
            request,
            lambda: services.survey_close(apv, acting_user=request.user),
            _("Spørgeskemaet er lukket."),
            target,
        )
    form = SurveyOpenForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)

    def send():
        invited = services.survey_open(
            apv, closes_on=form.cleaned_data["closes_on"], acting_user=request.user
        )
        messages.info(
            request,
            ngettext("%(n)s medarbejder inviteret.", "%(n)s medarbejdere inviteret.", invited)
            % {"n": invited},
        )

    return run_service(request, send, _("Spørgeskemaet er sendt."), target)


# --- the handlingsplan as CSV and PDF (the same selector as the page) ---------------------------


@kommune_required
@require_GET
def plan_csv(request, public_id):
    access = get_cycle_for_user(request, public_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="handlingsplan.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly (æ, ø, å)
    writer = csv.writer(response, delimiter=";")
    # Every cell holds text the group typed: none of it may run as a formula in Excel.
    writer.writerow(
        spreadsheet_row(
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
    )
    for item in handlingsplan_rows(access.cycle):
        writer.writerow(
            spreadsheet_row(
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
        return _survey_page(
            request,
            "apv/survey.html",
            {"cycle": apv, "form": form, "minimum": settings.APV_SURVEY_MIN_RESPONSES},
        )


def _survey_page(request, template: str, context: dict, status: int = 200):
    response = render(request, template, context, status=status)
    # The link is the key: never leak it to another site or keep it in a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
