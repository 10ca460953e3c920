"""Portal pages of the incidents: report (any employee), my cases, the case with its
investigation (only for those incidents/access.py allows; each view is logged), the yearly
overview of an arbejdsmiljøudvalg (page and PDF, counts only).

Thin views: objects come from incidents/access.py (404 for what the viewer may not see); each
POST calls one service and redirects; a `ValidationError` becomes a message and nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.viewer import get_viewer
from core.admin_site import is_kommune_staff
from core.pdf import render_pdf
from core.tenancy import kommune_required
from core.views import form_errors_to_messages, run_service

from . import forms as incident_forms
from . import services
from .access import (
    get_attachment_for_user,
    get_forward_for_injured,
    get_incident_for_user,
    get_measure_for_user,
    get_udvalg_for_overview,
    udvalg_for_hr,
)
from .attachments import MAX_BYTES, MAX_PER_CASE
from .easy import counted_absence, incident_easy_due
from .forms import (
    AbsenceForm,
    CausesForm,
    CloseForm,
    EasyForm,
    EscalateForm,
    ForwardForm,
    MeasureDoneForm,
    MeasureForm,
    ReportForm,
)
from .models import Incident, IncidentViewLog
from .selectors import (
    OVERVIEW_TITLE,
    UDVALG_KINDS,
    incidents_to_follow_up,
    udvalg_for_viewer,
    yearly_overview,
    years_for_choice,
)


def _detail_url(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.public_id])


def _handler(request, public_id):
    access = get_incident_for_user(request, public_id)
    if not access.can_handle:
        raise PermissionDenied
    return access


# --- reporting and lists -------------------------------------------------------------------------


@kommune_required
@require_GET
def index(request):
    viewer = get_viewer(request)
    own = []
    if viewer.person is not None:
        own = list(
            Incident.objects.filter(injured=viewer.person)
            .select_related("unit")
            .order_by("-occurred_on")[:50]
        )
    return render(
        request,
        "incidents/index.html",
        {
            "follow_up": incidents_to_follow_up(viewer),
            "own": own,
            "udvalg": udvalg_for_viewer(viewer),
            "is_staff": is_kommune_staff(request),
        },
    )


@kommune_required
@require_http_methods(["GET", "POST"])
def report(request):
    viewer = get_viewer(request)
    if viewer.person is None:
        # Only an employee of this kommune reports (the case belongs to their workplace); for
        # anyone else the page does not exist, the same 404 as every other page not theirs.
        raise Http404
    form = ReportForm(request.POST or None, person=viewer.person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.incident_report(
                kind=data["kind"],
                nature=data["nature"],
                by_third_party=data["by_third_party"],
                occurred_on=data["occurred_on"],
                place=data["place"],
                unit=data["unit"],
                description=data["description"],
                injured=viewer.person if data["who"] == ReportForm.WHO_SELF else None,
                reporter=viewer.person,
                absence_first_day=data["absence_first_day"],
                absence_days=data["absence_days"] or 0,
                files=request.FILES.getlist("files"),
                acting_user=request.user,
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("Tak. Hændelsen er anmeldt, og lederen og arbejdsmiljøgruppen har fået besked."),
            )
            return HttpResponseRedirect(reverse("incidents:index"))
    return render(
        request,
        "incidents/report.html",
        {"form": form, "max_files": MAX_PER_CASE, "max_mb": MAX_BYTES // 2**20},
    )


# --- the case ------------------------------------------------------------------------------------


@kommune_required
@require_GET
def detail(request, public_id):
    access = get_incident_for_user(request, public_id)
    incident = access.incident
    services.incident_log_view(incident, user=request.user, channel=IncidentViewLog.Channel.PORTAL)
    first_counted, counted = counted_absence(
        incident.occurred_on, incident.absence_first_day, incident.absence_days
    )
    context = {
        "access": access,
        "incident": incident,
        "easy_due": incident_easy_due(incident),
        "counted_days": counted,
        "today": timezone.localdate(),
        "measures": list(incident.measures.select_related("owner").order_by("due_on", "pk")),
        "forwards": _forwards(incident) if (access.can_forward or access.is_injured) else [],
        "attachments": list(incident.attachments.select_related("uploaded_by")),
        "may_attach": access.can_handle or access.is_injured,
        "max_files": MAX_PER_CASE,
        "max_mb": MAX_BYTES // 2**20,
    }
    if access.can_handle:
        context.update(
            absence_form=AbsenceForm(
                initial={
                    "absence_first_day": incident.absence_first_day,
                    "absence_days": incident.absence_days,
                }
            ),
            easy_form=EasyForm(initial={"reported_on": timezone.localdate()}),
            causes_form=CausesForm(initial={"causes": incident.causes}),
            close_form=CloseForm(),
            escalate_form=EscalateForm(),
            measure_form=MeasureForm(incident=incident),
            done_form=MeasureDoneForm(),
        )
    if access.can_forward:
        context["forward_form"] = ForwardForm()
    return render(request, "incidents/detail.html", context)


# --- photos and attachments ----------------------------------------------------------------------


@kommune_required
@require_POST
def attach(request, public_id):
    access = get_incident_for_user(request, public_id)
    if not (access.can_handle or access.is_injured):
        raise PermissionDenied
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Vælg et billede eller en fil."))
    else:
        try:
            services.incident_attach(
                access.incident, files=files, person=access.viewer.person, acting_user=request.user
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Vedhæftet."))
    return HttpResponseRedirect(_detail_url(access.incident) + "#bilag")


@kommune_required
@require_GET
def attachment(request, public_id):
    """Served only here, to those who read the case, each look logged like the case itself.
    Photos are shown inline (?vis=1) only for the image types browsers draw safely."""
    from .attachments import INLINE

    item, access = get_attachment_for_user(request, public_id)
    services.incident_log_view(
        access.incident, user=request.user, channel=IncidentViewLog.Channel.PORTAL
    )
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    inline = request.GET.get("vis") == "1" and item.content_type in INLINE
    response = FileResponse(
        handle, as_attachment=not inline, filename=item.name, content_type=item.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@kommune_required
@require_POST
def attachment_remove(request, public_id):
    item, access = get_attachment_for_user(request, public_id)
    if not access.can_handle:
        raise PermissionDenied
    services.incident_attachment_delete(item, acting_user=request.user)
    messages.success(request, _("Fjernet."))
    return HttpResponseRedirect(_detail_url(access.incident) + "#bilag")


def _forwards(incident: Incident) -> list:
    names = dict(incident_forms.kreds_choices())
    forwards = list(incident.forwards.select_related("forwarded_by"))
    for forward in forwards:
        forward.kreds_name = names.get(str(forward.kreds_public_id), str(forward.kreds_public_id))
    return forwards


def _handle_form(request, public_id, form_class, action, success):
    access = _handler(request, public_id)
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_detail_url(access.incident))
    return run_service(
        request,
        lambda: action(access.incident, form.cleaned_data),
        success,
        _detail_url(access.incident),
    )


@kommune_required
@require_POST
def absence(request, public_id):
    return _handle_form(
        request,
        public_id,
        AbsenceForm,
        lambda incident, data: services.incident_update_absence(
            incident,
            absence_first_day=data["absence_first_day"],
            absence_days=data["absence_days"] or 0,
            acting_user=request.user,
        ),
        _("Fraværet er opdateret."),
    )


@kommune_required
@require_POST
def easy(request, public_id):
    return _handle_form(
        request,
        public_id,
        EasyForm,
        lambda incident, data: services.incident_record_easy(
            incident,
            reference=data["reference"],
            reported_on=data["reported_on"],
            acting_user=request.user,
        ),
        _("Anmeldelsen til Arbejdstilsynet er registreret."),
    )


@kommune_required
@require_POST
def causes(request, public_id):
    return _handle_form(
        request,
        public_id,
        CausesForm,
        lambda incident, data: services.incident_record_causes(
            incident, causes=data["causes"], acting_user=request.user
        ),
        _("Årsagerne er gemt."),
    )


@kommune_required
@require_POST
def close(request, public_id):
    return _handle_form(
        request,
        public_id,
        CloseForm,
        lambda incident, data: services.incident_close(
            incident, closure_note=data["closure_note"], acting_user=request.user
        ),
        _("Sagen er afsluttet."),
    )


@kommune_required
@require_POST
def reopen(request, public_id):
    access = _handler(request, public_id)
    return run_service(
        request,
        lambda: services.incident_reopen(access.incident, acting_user=request.user),
        _("Sagen er genåbnet."),
        _detail_url(access.incident),
    )


@kommune_required
@require_POST
def escalate(request, public_id):
    return _handle_form(
        request,
        public_id,
        EscalateForm,
        lambda incident, data: services.incident_escalate(
            incident, reason=data["reason"], acting_user=request.user
        ),
        _("Sagen er forelagt arbejdsmiljøudvalget."),
    )


@kommune_required
@require_POST
def measure_add(request, public_id):
    access = _handler(request, public_id)
    form = MeasureForm(request.POST, incident=access.incident)
    target = _detail_url(access.incident)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    data = form.cleaned_data
    return run_service(
        request,
        lambda: services.measure_add(
            access.incident,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
            acting_user=request.user,
        ),
        _("Tiltaget er tilføjet."),
        target,
    )


@kommune_required
@require_GET
def measure(request, public_id):
    """The measure alone: what its owner needs to carry it out, without the case's details."""
    item, access = get_measure_for_user(request, public_id)
    return render(
        request,
        "incidents/measure.html",
        {"measure": item, "access": access, "form": MeasureDoneForm()},
    )


@kommune_required
@require_POST
def measure_done(request, public_id):
    item, access = get_measure_for_user(request, public_id)
    form = MeasureDoneForm(request.POST)
    if access is not None:
        target = _detail_url(access.incident)
    else:
        target = reverse("incidents:measure", args=[item.public_id])
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    return run_service(
        request,
        lambda: services.measure_complete(
            item, note=form.cleaned_data["note"], acting_user=request.user
        ),
        _("Tiltaget er registreret som gennemført."),
        target,
    )


@kommune_required
@require_POST
def forward(request, public_id):
    access = get_incident_for_user(request, public_id)
    if not access.can_forward:
        raise PermissionDenied
    form = ForwardForm(request.POST)
    target = _detail_url(access.incident)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    data = form.cleaned_data
    return run_service(
        request,
        lambda: services.incident_forward(
            access.incident,
            kreds_public_id=data["kreds"],
            consent_given_on=data["consent_given_on"],
            forwarded_by=access.viewer.person,
            acting_user=request.user,
        ),
        _("Sagen er videresendt til kredsen."),
        target,
    )


@kommune_required
@require_POST
def forward_withdraw(request, public_id):
    item = get_forward_for_injured(request, public_id)
    return run_service(
        request,
        lambda: services.incident_forward_withdraw(item, acting_user=request.user),
        _("Samtykket er trukket tilbage. Kredsen kan ikke længere se sagen."),
        _detail_url(item.incident),
    )


# --- the yearly overview (BEK § 30 stk. 2 nr. 6) -------------------------------------------------


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("aar", today.year - 1))
    except ValueError:
        return today.year - 1
    return year if 2000 <= year <= today.year else today.year - 1


@kommune_required
@require_GET
def overview_index(request):
    from committees.models import Committee

    viewer = get_viewer(request)
    udvalg = udvalg_for_viewer(viewer)
    if is_kommune_staff(request):
        everyone = Committee.objects.filter(kind__in=UDVALG_KINDS, closed_on__isnull=True)
        mine = {c.pk for c in udvalg}
        udvalg += [
            c
            for c in udvalg_for_hr(request, list(everyone.order_by("kind", "name")))
            if c.pk not in mine
        ]
    return render(
        request,
        "incidents/overview_index.html",
        {"udvalg": udvalg, "year": _year(request), "title": OVERVIEW_TITLE},
    )


def _overview_context(request, public_id) -> dict:
    committee = get_udvalg_for_overview(request, public_id)
    year = _year(request)
    return {
        "kommune": request.kommune,
        "overview": yearly_overview(committee, year),
        "years": years_for_choice(timezone.localdate()),
        "title": OVERVIEW_TITLE,
    }


@kommune_required
@require_GET
def overview(request, public_id):
    return render(request, "incidents/overview.html", _overview_context(request, public_id))


@kommune_required
@require_GET
def overview_pdf(request, public_id):
    context = _overview_context(request, public_id)
    data = render_pdf("incidents/pdf/overview.html", context)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"haendelser-{context['overview'].year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
