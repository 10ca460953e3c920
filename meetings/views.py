"""Portal pages of the meetings: årshjul, meeting (agenda, proposals, afbud, attendance), referat,
PDFs, calendar feed and documents.

Thin views: the tenant scope is active (TenantMiddleware); objects come from meetings/access.py
(404 for what the viewer may not see, 403 for what they may see but not do); each POST calls one
service and redirects (a `ValidationError` becomes a message, nothing is half-saved)."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee
from core.access import require_read
from core.admin_site import is_kommune_staff
from core.cache import KommuneCache
from core.tenancy import kommune_required, scopes_disabled, tenant_scope
from core.views import form_errors_to_messages, run_service
from organisations.models import Person

from . import ical, services
from .access import (
    get_action_for_user,
    get_attachment_for_user,
    get_committee_access,
    get_document_job_for_user,
    get_item_for_editing,
    get_item_for_user,
    get_meeting_for_convening,
    get_meeting_for_user,
    get_person_for_feed,
    get_referat_for_user,
    pre_meeting_access,
    require,
)
from .documents import agenda_pdf, referat_pdf, training_pdf
from .forms import (
    ActionForm,
    AfbudForm,
    AttendanceForm,
    DecideForm,
    DocumentForm,
    FinalApprovalForm,
    ItemEditForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    NotesForm,
    PreMeetingForm,
    ProposalForm,
    RequestForm,
    TrioForm,
)
from .models import AgendaItem, CalendarFeed, ItemKind, Meeting, MeetingRequest
from .selectors import (
    adjacent_meetings,
    agenda_for,
    attendance_rows,
    committee_years,
    dispatch_due,
    employee_side_ids,
    invitees,
    meeting_page_queryset,
    meetings_for_person,
    next_meeting,
    open_requests,
    procedure_for,
    proposal_deadline,
    proposals_by,
)


def _meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.public_id])


def _referat_url(meeting: Meeting) -> str:
    return reverse("meetings:referat", args=[meeting.public_id])


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the årshjul ---------------------------------------------------------------------------------


@kommune_required
@require_GET
def committee_meetings(request, public_id):
    access = get_committee_access(request, public_id)
    committee = access.committee
    today = timezone.localdate()
    try:
        year = int(request.GET.get("aar", today.year))
    except ValueError:
        year = today.year
    settings_ = procedure_for(committee)
    years = committee_years(committee, [year, year + 1], settings_)
    meetings = [m for y in years for m in y.meetings]
    adjacent = adjacent_meetings(meetings)
    for meeting in meetings:
        meeting.trio_meetings = adjacent.get(meeting.pk, [])
    person = access.viewer.person
    requests = list(open_requests(committee)) if access.is_member else []
    signed = set()
    if requests and person is not None:
        signed = set(
            MeetingRequest.objects.filter(
                pk__in=[r.pk for r in requests], signatures__person=person
            ).values_list("pk", flat=True)
        )
    context = {
        "committee": committee,
        "access": access,
        "years": years,
        "year": year,
        "today": today,
        "settings": settings_,
        "form": MeetingForm(initial={"date": today + datetime.timedelta(days=30)}),
        "requests": requests,
        "signed": signed,
        "employee_side_count": len(employee_side_ids(committee, today)),
        "request_form": RequestForm(),
    }
    return render(request, "meetings/committee.html", context)


@kommune_required
@require_POST
def meeting_create(request, public_id):
    access = get_committee_access(request, public_id)
    require(access.can_write)
    form = MeetingForm(request.POST)
    target = reverse("meetings:committee", args=[public_id])
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    try:
        meeting = services.meeting_create(
            committee=access.committee, acting_user=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return HttpResponseRedirect(target)
    messages.success(request, _("Mødet er oprettet med de faste punkter."))
    return HttpResponseRedirect(_meeting_url(meeting))


@kommune_required
@require_POST
def plan_adopt(request, public_id):
    access = get_committee_access(request, public_id)
    require(access.can_chair)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError as error:
        raise Http404 from error
    return run_service(
        request,
        lambda: services.plan_adopt(access.committee, year=year, acting_user=request.user),
        _("Mødeplanen for %(year)s er vedtaget.") % {"year": year},
        reverse("meetings:committee", args=[public_id]) + f"?aar={year}",
    )


@kommune_required
@require_POST
def request_create(request, public_id):
    access = get_committee_access(request, public_id)
    require(access.is_member and access.viewer.person is not None)
    form = RequestForm(request.POST)
    target = reverse("meetings:committee", args=[public_id])
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    return run_service(
        request,
        lambda: services.meeting_request_create(
            access.committee,
            person=access.viewer.person,
            questions=form.cleaned_data["questions"],
            acting_user=request.user,
        ),
        _("Anmodningen om et møde er oprettet."),
        target,
    )


@kommune_required
@require_POST
def request_sign(request, public_id):
    meeting_request = (
        MeetingRequest.objects.select_related("committee").filter(public_id=public_id).first()
    )
    if meeting_request is None:
        raise Http404
    access = get_committee_access(request, meeting_request.committee.public_id)
    require(access.is_member and access.viewer.person is not None)
    return run_service(
        request,
        lambda: services.meeting_request_sign(
            meeting_request, person=access.viewer.person, acting_user=request.user
        ),
        _("Du har tilsluttet dig anmodningen."),
        reverse("meetings:committee", args=[meeting_request.committee.public_id]),
    )


@kommune_required
@require_POST
def request_call(request, public_id):
    meeting_request = (
        MeetingRequest.objects.select_related("committee", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if meeting_request is None:
        raise Http404
    access = get_committee_access(request, meeting_request.committee.public_id)
    require(access.can_chair)
    form = MeetingForm(request.POST)
    target = reverse("meetings:committee", args=[meeting_request.committee.public_id])
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
    return run_service(
        request,
        lambda: services.meeting_request_call(meeting_request, acting_user=request.user, **fields),
        _("Mødet er indkaldt."),
        target,
    )


# --- the meeting ---------------------------------------------------------------------------------


@kommune_required
@require_GET
def meeting_detail(request, public_id):
    access = get_meeting_for_user(request, public_id, meeting_page_queryset())
    meeting = access.meeting
    if meeting.adjacent_to_id is not None:  # a TRIO meeting: the AMG meeting it is held next to
        meeting.adjacent_to = Meeting.objects.select_related("committee").get(
            pk=meeting.adjacent_to_id
        )
    settings_ = procedure_for(meeting.committee)
    today = timezone.localdate()
    # The page shows the agenda and its material; decisions and actions are the referat's.
    agenda = agenda_for(meeting, include_pending=access.can_chair, outcomes=False)
    person = access.viewer.person
    rows = attendance_rows(meeting)
    mine = next((r for r in rows if person is not None and r.person.pk == person.pk), None)
    deadline = proposal_deadline(meeting, settings_)
    # Who may change which item now: the formandskab every item until the agenda is locked,
    # a member their own proposals until the proposal deadline (the services' own checks).
    chair_edits = access.can_chair and services.agenda_lock_reason(meeting) is None
    if not access.is_member:
        mine_proposed = []
    elif access.can_chair:
        # The formandskab's agenda has every item already, proposals of any status included.
        mine_proposed = [
            item
            for item in agenda.items + agenda.pending + agenda.rejected
            if item.proposed_by_id == person.pk and item.kind == ItemKind.PROPOSAL
        ]
        mine_proposed.sort(key=lambda item: (item.position, item.pk))
    else:
        mine_proposed = proposals_by(meeting, person)
    for item in mine_proposed:
        item.may_change = (
            services.item_withdraw_refusal(item, person=person, today=today, deadline=deadline)
            is None
        )
    own_editable = {item.pk for item in mine_proposed if item.may_change}
    movable = [i for i in agenda.items if i.kind == ItemKind.PROPOSAL]
    for item in agenda.items:
        item.may_edit = chair_edits or item.pk in own_editable
        item.may_move = chair_edits and item.kind == ItemKind.PROPOSAL
    if movable:
        movable[0].first_movable = True
        movable[-1].last_movable = True
    context = {
        "meeting": meeting,
        "access": access,
        "agenda": agenda,
        "chair_edits": chair_edits,
        "mine_proposed": mine_proposed,
        "rows": rows,
        "mine": mine,
        "today": today,
        "proposal_deadline": deadline,
        "dispatch_due": dispatch_due(meeting, settings_),
        "can_propose": access.can_propose
        and not meeting.is_cancelled
        and meeting.agenda_settled_at is None
        and today <= deadline,
        "proposal_form": ProposalForm(),
        "afbud_form": AfbudForm(),
        "attendance_form": AttendanceForm(rows=rows) if access.can_write else None,
        "adjacent": (
            list(meeting.adjacent_meetings.select_related("committee"))
            if meeting.has_adjacent
            else []
        ),
        # The page only links to the referat: whether there is one, not the referat itself.
        "referat": meeting.referat_pk,
        **_pre_meeting_context(request, access, today),
    }
    return render(request, "meetings/meeting.html", context)


def _pre_meeting_context(request, access, today: datetime.date) -> dict:
    """The employee side's formøde, where the committee's forretningsorden grants it: when and
    where for the meeting's readers, the note for the medarbejderside, the form for its chair
    and HR (meetings/access.py `PreMeetingAccess`)."""
    meeting = access.meeting
    procedure = getattr(meeting.committee, "procedure", None)  # loaded with the meeting
    if procedure is None or not procedure.formoede or meeting.kind != Meeting.Kind.ORDINARY:
        return {}
    standing = pre_meeting_access(request, access)
    pre_meeting = standing.pre_meeting
    concerned = standing.meeting_access.is_employee_side or standing.can_convene
    if not standing.can_read or not (pre_meeting or concerned):
        return {}
    due = services.pre_meeting_due(meeting, procedure)
    form = None
    if (
        standing.can_convene
        and meeting.date > today
        and services.pre_meeting_refusal(meeting, procedure) is None
    ):
        if pre_meeting is not None:
            initial = {
                "date": pre_meeting.date,
                "start_time": pre_meeting.start_time,
                "end_time": pre_meeting.end_time,
                "location": pre_meeting.location,
                "note": pre_meeting.note if standing.can_read_note else "",
            }
        else:
            initial = {
                "date": due,
                "start_time": datetime.time(8, 0),
                "end_time": datetime.time(9, 0),
                "location": meeting.location,
            }
        form = PreMeetingForm(initial=initial, with_note=standing.can_read_note or not pre_meeting)
    return {"formoede": standing, "formoede_due": due, "formoede_form": form}


@kommune_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, public_id):
    """Change the meeting (the sekretær and the formandskab), plan a TRIO meeting next to an AMG
    meeting, or cancel it (the formandskab): a page of its own, reached from the meeting page."""
    access = get_meeting_for_user(request, public_id)
    require(access.can_write and not access.meeting.is_cancelled)
    meeting = access.meeting
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        return run_service(
            request,
            lambda: services.meeting_save(form.instance, acting_user=request.user),
            _("Mødet er ændret; udsendte invitationer opdateres."),
            _meeting_url(meeting),
        )
    if form.is_bound:
        meeting.refresh_from_db()  # the invalid form changed the instance it was bound to
    trio = access.can_chair and meeting.committee.kind == Committee.Kind.AMG
    return render(
        request,
        "meetings/meeting_edit.html",
        {
            "meeting": meeting,
            "access": access,
            "edit_form": form,
            "trio_form": TrioForm(amg=meeting.committee) if trio else None,
        },
        status=400 if form.is_bound else 200,
    )


@kommune_required
@require_POST
def meeting_cancel(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.can_chair)
    return run_service(
        request,
        lambda: services.meeting_cancel(
            access.meeting, reason=request.POST.get("reason", ""), acting_user=request.user
        ),
        _("Mødet er aflyst."),
        _meeting_url(access.meeting),
    )


@kommune_required
@require_POST
def pre_meeting_schedule(request, public_id):
    """The employee side's chair (or HR) schedules or moves the formøde before the meeting; the
    medarbejderside is invited by e-mail."""
    standing = get_meeting_for_convening(request, public_id)
    meeting = standing.meeting_access.meeting
    with_note = standing.can_read_note or standing.pre_meeting is None
    form = PreMeetingForm(request.POST, with_note=with_note)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_meeting_url(meeting))
    data = form.cleaned_data
    return run_service(
        request,
        lambda: services.pre_meeting_schedule(
            meeting,
            date=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            location=data["location"],
            note=data.get("note") if with_note else None,
            acting_user=request.user,
        ),
        _("Formødet er indkaldt; medarbejdersiden får besked pr. e-mail."),
        _meeting_url(meeting),
    )


@kommune_required
@require_POST
def trio_add(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.can_chair)
    form = TrioForm(request.POST, amg=access.meeting.committee)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_meeting_url(access.meeting))
    return run_service(
        request,
        lambda: services.trio_meeting_add(
            access.meeting, trio=form.cleaned_data["trio"], acting_user=request.user
        ),
        _("TRIO-mødet er planlagt i tilknytning til mødet."),
        _meeting_url(access.meeting),
    )


@kommune_required
@require_POST
def item_propose(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.can_propose and access.viewer.person is not None)
    form = ProposalForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_meeting_url(access.meeting))
    data = form.cleaned_data
    if access.can_write:
        action = lambda: services.item_add(  # noqa: E731
            access.meeting,
            title=data["title"],
            description=data["description"],
            recommendation=data["recommendation"],
            person=access.viewer.person,
            files=data["files"],
            acting_user=request.user,
        )
        success = _("Punktet er sat på dagsordenen.")
    else:
        action = lambda: services.item_propose(  # noqa: E731
            access.meeting,
            person=access.viewer.person,
            title=data["title"],
            description=data["description"],
            recommendation=data["recommendation"],
            files=data["files"],
            acting_user=request.user,
        )
        success = _("Dit forslag er sendt til formanden og næstformanden.")
    return run_service(request, action, success, _meeting_url(access.meeting))


def _item_edit_url(item: AgendaItem) -> str:
    return reverse("meetings:item_edit", args=[item.public_id])


@kommune_required
@require_http_methods(["GET", "POST"])
def item_edit(request, public_id):
    """Change an item's title and text (the formandskab: any item; the proposer: their own
    proposal, with its material) until the agenda is settled. GET shows the form, or why the
    item can no longer be changed."""
    edit = get_item_for_editing(request, public_id)
    item, meeting, person = edit.item, edit.access.meeting, edit.person
    today = timezone.localdate()
    refusal = services.item_edit_refusal(item, person=person, as_chair=edit.as_chair, today=today)
    material = (
        edit.is_proposer
        and services.item_withdraw_refusal(item, person=person, today=today) is None
    )
    # The formandskab of HovedMED links an item to the obligation A–K it handles.
    obligations = (
        edit.as_chair
        and meeting.committee is not None
        and (meeting.committee.kind == meeting.committee.Kind.HOVEDMED)
    )
    if request.method == "POST" and refusal is None:
        form = ItemEditForm(
            request.POST, request.FILES, item=item, material=material, obligations=obligations
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Text and obligation together or not at all.
                with transaction.atomic():
                    item = services.item_edit(
                        item,
                        person=person,
                        as_chair=edit.as_chair,
                        title=data["title"],
                        description=data["description"],
                        recommendation=data["recommendation"],
                        files=data.get("files") or (),
                        remove_attachments=data.get("remove") or (),
                        acting_user=request.user,
                    )
                    if "obligation" in data:
                        item = services.item_set_obligation(
                            item, obligation=data["obligation"], acting_user=request.user
                        )
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
                return HttpResponseRedirect(_item_edit_url(item))
            if item.status == AgendaItem.Status.PROPOSED and not edit.as_chair:
                messages.success(request, _("Forslaget er ændret og sendt til formandskabet."))
            else:
                messages.success(request, _("Punktet er ændret."))
            return HttpResponseRedirect(_meeting_url(meeting))
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_item_edit_url(item))
    if request.method == "POST":
        messages.error(request, refusal)
        return HttpResponseRedirect(_meeting_url(meeting))
    context = {
        "meeting": meeting,
        "item": item,
        "refusal": refusal,
        "as_chair": edit.as_chair,
        "form": None
        if refusal
        else ItemEditForm(item=item, material=material, obligations=obligations),
        "may_withdraw": material,
        "attachments": list(item.attachments.order_by("pk")),
    }
    return render(request, "meetings/item_edit.html", context)


@kommune_required
@require_POST
def item_withdraw(request, public_id):
    edit = get_item_for_editing(request, public_id)
    require(edit.is_proposer)
    return run_service(
        request,
        lambda: services.item_withdraw(edit.item, person=edit.person, acting_user=request.user),
        _("Dit forslag er trukket tilbage."),
        _meeting_url(edit.access.meeting),
    )


@kommune_required
@require_POST
def item_move(request, public_id):
    edit = get_item_for_editing(request, public_id)
    require(edit.as_chair)
    form = MoveForm(request.POST)
    target = _meeting_url(edit.access.meeting) + f"#punkt-{edit.item.public_id}"
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(target)
    return run_service(
        request,
        lambda: services.item_move(
            edit.item, up=form.cleaned_data["direction"] == "op", acting_user=request.user
        ),
        _("Rækkefølgen er ændret."),
        target,
    )


@kommune_required
@require_POST
def item_decide(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.can_chair)
    form = DecideForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_meeting_url(access.meeting))
    item = AgendaItem.objects.filter(
        meeting=access.meeting, public_id=form.cleaned_data["item"]
    ).first()
    if item is None:
        raise Http404
    return run_service(
        request,
        lambda: services.item_decide(
            item,
            accept=form.cleaned_data["accept"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        ),
        _("Forslaget er behandlet."),
        _meeting_url(access.meeting),
    )


@kommune_required
@require_POST
def agenda_settle(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.can_chair)
    return run_service(
        request,
        lambda: services.agenda_settle(access.meeting, acting_user=request.user),
        _("Dagsordenen er fastlagt og udsendes til medlemmerne."),
        _meeting_url(access.meeting),
    )


@kommune_required
@require_POST
def afbud(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.is_member and access.viewer.person is not None)
    person = access.viewer.person
    if request.POST.get("withdraw"):
        return run_service(
            request,
            lambda: services.afbud_withdraw(
                access.meeting, person=person, acting_user=request.user
            ),
            _("Dit afbud er trukket tilbage."),
            _meeting_url(access.meeting),
        )
    form = AfbudForm(request.POST)
    form.is_valid()
    return run_service(
        request,
        lambda: services.afbud_give(
            access.meeting,
            person=person,
            note=form.cleaned_data.get("note", ""),
            acting_user=request.user,
        ),
        _("Dit afbud er registreret."),
        _meeting_url(access.meeting),
    )


@kommune_required
@require_POST
def attendance(request, public_id):
    access = get_meeting_for_user(request, public_id)
    require(access.can_write)
    form = AttendanceForm(request.POST, rows=attendance_rows(access.meeting))
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_meeting_url(access.meeting))
    return run_service(
        request,
        lambda: services.attendance_record(
            access.meeting, statuses=form.statuses(), acting_user=request.user
        ),
        _("Fremmødet er registreret."),
        _meeting_url(access.meeting),
    )


@kommune_required
@require_GET
def meeting_agenda_pdf(request, public_id):
    access = get_meeting_for_user(request, public_id)
    return _pdf(agenda_pdf(access.meeting), f"dagsorden-{access.meeting.date:%Y-%m-%d}.pdf")


@kommune_required
@require_GET
def attachment_download(request, public_id):
    attachment = get_attachment_for_user(request, public_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )


# --- the referat ---------------------------------------------------------------------------------


@kommune_required
@require_GET
def referat_detail(request, public_id):
    access, referat = get_referat_for_user(request, public_id)
    meeting = access.meeting
    agenda = agenda_for(meeting)
    editable = access.can_write and (referat is None or referat.is_editable)
    rows = attendance_rows(meeting)
    upcoming = next_meeting(meeting)
    today = timezone.localdate()
    person = access.viewer.person
    approved_by_me = (
        referat is not None
        and person is not None
        and person.pk
        in (
            referat.first_approved_by_id,
            referat.second_approved_by_id,
        )
    )
    context = {
        "meeting": meeting,
        "access": access,
        "referat": referat,
        "agenda": agenda,
        "rows": rows,
        "editable": editable,
        "notes_form": NotesForm(initial={"notes": referat.notes if referat else ""}),
        "can_reopen": access.can_write
        and referat is not None
        and not referat.is_locked
        and (
            referat.state != referat.State.DRAFT
            or bool(referat.first_approved_by_id or referat.second_approved_by_id)
        ),
        "next_meeting": upcoming,
        "can_final": access.can_chair
        and referat is not None
        and referat.state == referat.State.SENT
        and upcoming is not None
        and upcoming.date <= today,
        "final_form": FinalApprovalForm(),
        "approved_by_me": approved_by_me,
        "today": today,
    }
    return render(request, "meetings/referat.html", context)


def _writable_item(request, public_id) -> tuple[AgendaItem, object]:
    item, access = get_item_for_user(request, public_id)
    require(access.can_write)
    return item, access


@kommune_required
@require_POST
def minutes_save(request, public_id):
    item, access = _writable_item(request, public_id)
    form = MinutesForm(request.POST, prefix=f"i{item.pk}")
    if request.headers.get("HX-Request"):
        return _minutes_autosave(request, item, form)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_referat_url(access.meeting))
    return run_service(
        request,
        lambda: services.minutes_write(
            item,
            minutes=form.cleaned_data["minutes"],
            decisions=form.decision_list(),
            outcome=_posted_outcome(item, form),
            acting_user=request.user,
        ),
        _("Referatet af punktet er gemt."),
        _referat_url(access.meeting) + f"#punkt-{item.public_id}",
    )


def _posted_outcome(item: AgendaItem, form: MinutesForm) -> str | None:
    """The committee's decision is only asked for (and only changed) on an item that needs
    one; other items' forms have no such field, and their outcome stays as it is."""
    return form.cleaned_data["outcome"] if item.asks_approval else None


def _minutes_autosave(request, item, form) -> HttpResponse:
    """The referat editor saves an item as it is typed (htmx, a pause after the last key):
    the answer is the line beside the item saying it is saved, or why not (nothing saved)."""
    from django.utils.html import format_html

    error = None
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            services.minutes_write(
                item,
                minutes=form.cleaned_data["minutes"],
                decisions=form.decision_list(),
                outcome=_posted_outcome(item, form),
                acting_user=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if error:
        return HttpResponse(format_html('<span class="error">{}</span>', error))
    now = timezone.localtime()
    return HttpResponse(format_html("{} {}", _("Gemt kl."), now.strftime("%H.%M.%S")))


@kommune_required
@require_POST
def notes_save(request, public_id):
    access, _referat = get_referat_for_user(request, public_id)
    require(access.can_write)
    form = NotesForm(request.POST)
    form.is_valid()
    return run_service(
        request,
        lambda: services.referat_notes_write(
            access.meeting, notes=form.cleaned_data.get("notes", ""), acting_user=request.user
        ),
        _("Indledningen er gemt."),
        _referat_url(access.meeting),
    )


@kommune_required
@require_POST
def action_add(request, public_id):
    item, access = _writable_item(request, public_id)
    form = ActionForm(request.POST, people=invitees(access.meeting))
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_referat_url(access.meeting))
    return run_service(
        request,
        lambda: services.action_add(item, acting_user=request.user, **form.cleaned_data),
        _("Opfølgningen er tilføjet."),
        _referat_url(access.meeting) + f"#punkt-{item.public_id}",
    )


@kommune_required
@require_POST
def action_remove(request, public_id):
    action, _can_close = get_action_for_user(request, public_id)
    _item, access = _writable_item(request, action.item.public_id)
    return run_service(
        request,
        lambda: services.action_remove(action, acting_user=request.user),
        _("Opfølgningen er fjernet."),
        _referat_url(access.meeting),
    )


@kommune_required
@require_POST
def action_close(request, public_id):
    action, can_close = get_action_for_user(request, public_id)
    require(can_close)
    target = request.POST.get("next") or reverse("portal:home")
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("portal:home")
    return run_service(
        request,
        lambda: services.action_close(action, acting_user=request.user),
        _("Opfølgningen er markeret som udført."),
        target,
    )


@kommune_required
@require_POST
def referat_approve(request, public_id):
    access, _referat = get_referat_for_user(request, public_id)
    require(access.can_chair and access.viewer.person is not None)
    return run_service(
        request,
        lambda: services.referat_approve(
            access.meeting,
            person=access.viewer.person,
            slots=access.slots,
            acting_user=request.user,
        ),
        _("Din godkendelse er registreret."),
        _referat_url(access.meeting),
    )


@kommune_required
@require_POST
def referat_reopen(request, public_id):
    access, _referat = get_referat_for_user(request, public_id)
    require(access.can_write)
    return run_service(
        request,
        lambda: services.referat_reopen(access.meeting, acting_user=request.user),
        _("Referatet er genåbnet som kladde; det skal godkendes igen."),
        _referat_url(access.meeting),
    )


@kommune_required
@require_POST
def referat_final(request, public_id):
    access, _referat = get_referat_for_user(request, public_id)
    require(access.can_chair and access.viewer.person is not None)
    form = FinalApprovalForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return HttpResponseRedirect(_referat_url(access.meeting))
    upcoming = next_meeting(access.meeting)
    if upcoming is None:
        messages.error(request, _("Udvalget har intet næste møde."))
        return HttpResponseRedirect(_referat_url(access.meeting))
    return run_service(
        request,
        lambda: services.referat_final_approve(
            access.meeting,
            at_meeting=upcoming,
            person=access.viewer.person,
            acting_user=request.user,
        ),
        _("Referatet er endeligt godkendt og låst."),
        _referat_url(access.meeting),
    )


@kommune_required
@require_POST
def referat_publish(request, public_id):
    access, _referat = get_referat_for_user(request, public_id)
    require(access.can_chair)
    return run_service(
        request,
        lambda: services.referat_publish(access.meeting, acting_user=request.user),
        _("Referatet er offentliggjort for udvalgets medlemmer og de ansatte, det dækker."),
        _referat_url(access.meeting),
    )


@kommune_required
@require_GET
def meeting_referat_pdf(request, public_id):
    access, referat = get_referat_for_user(request, public_id)
    return _pdf(referat_pdf(access.meeting, referat), f"referat-{access.meeting.date:%Y-%m-%d}.pdf")


# --- calendar feed -------------------------------------------------------------------------------


@kommune_required
def feed_manage(request):
    person = get_person_for_feed(request)
    token = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            services.feed_revoke(person, acting_user=request.user)
            messages.success(request, _("Kalenderadressen er slettet; den virker ikke længere."))
            return HttpResponseRedirect(reverse("meetings:feed"))
        token = services.feed_issue(person, acting_user=request.user)
    feed = CalendarFeed.objects.filter(person=person).first()
    url = request.build_absolute_uri(reverse("meetings:feed_ics", args=[token])) if token else None
    return render(request, "meetings/feed.html", {"person": person, "feed": feed, "feed_url": url})


@require_GET
def feed_ics(request, token):
    """The subscribable calendar: no login (calendar programs cannot log in); the secret token
    is the key. An unknown, revoked or replaced token is a 404."""
    digest = services.feed_token_hash(token)
    with scopes_disabled():
        feed = (
            CalendarFeed.objects.select_related("person", "kommune")
            .filter(token_hash=digest)
            .first()
        )
    if feed is None or feed.person.left_on is not None:
        raise Http404
    with tenant_scope(feed.kommune):
        since = timezone.localdate() - datetime.timedelta(days=365)
        meetings = list(meetings_for_person(feed.person, since))
        data = ical.feed(
            meetings,
            name=_("Møder – %(name)s") % {"name": feed.person.full_name},
            url_for=lambda m: request.build_absolute_uri(_meeting_url(m)),
        )
        services.feed_touch(feed)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- documents -----------------------------------------------------------------------------------


def _may_order_documents(request) -> bool:
    """Every employee must be able to know the AMO (BEK § 33 stk. 2): anyone of the kommune."""
    from committees.viewer import get_viewer

    return get_viewer(request).person is not None or is_kommune_staff(request)


@kommune_required
def documents(request):
    if not _may_order_documents(request):
        raise Http404
    form = DocumentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            job = services.document_request(
                kind=form.cleaned_data["kind"],
                omraade=form.cleaned_data["omraade"],
                user=request.user,
                kommune=request.kommune,
            )
            messages.success(request, _("Dokumentet dannes; det kan hentes her om lidt."))
            return HttpResponseRedirect(reverse("meetings:document", args=[job.public_id]))
        form_errors_to_messages(request, form)
    from .models import DocumentJob

    jobs = DocumentJob.objects.filter(requested_by=request.user).select_related("omraade")[:20]
    return render(request, "meetings/documents.html", {"form": form, "jobs": jobs})


@kommune_required
@require_GET
def organisation(request):
    """The MED and AMO organisation as diagrams: zoom, pan, a box opens the committee where
    the viewer may read it, the viewer's own committees highlighted.

    The diagrams and the list are drawn once per kommune structure, chart, område, language
    and viewer standing (the committees the viewer may open and their own), and kept in the
    kommune cache until the structure or a name in it changes (core.cache): dot and the list of
    a København-sized kommune take some 100 ms."""
    from committees.viewer import get_viewer

    if not _may_order_documents(request):
        raise Http404
    viewer = get_viewer(request)
    readable, mine = viewer.visible_committee_ids, viewer.committee_ids
    kind = "amo" if request.GET.get("diagram") == "amo" else "med"
    omraade = request.GET.get("omraade", "")
    parts = (
        "meetings.organisation",
        kind,
        omraade if omraade.isdigit() else "",
        get_language(),
        tuple(sorted(readable)),
        tuple(sorted(mine)),
    )
    drawn = KommuneCache(request.kommune.pk).get_or_set(
        parts, lambda: _organisation_drawn(request, readable, mine)
    )
    # Changes to the charts awaiting HovedMED (seed 003: every change is approved by it), shown
    # beside the approved structure and marked as proposals.
    from reorganisation.selectors import pending_changes

    pdf_url = reverse("meetings:organisation_pdf", args=[kind])
    if omraade.isdigit():
        pdf_url += f"?omraade={omraade}"
    return render(
        request,
        "meetings/organisation.html",
        {**drawn, "pending_changes": pending_changes(), "pdf_url": pdf_url},
    )


def _organisation_drawn(request, readable: set[int], mine: set[int]) -> dict:
    """The organisation page's heading, diagrams and list as HTML (what the cache keeps)."""
    from . import diagrams

    def link(committee):
        if committee.pk in readable and committee.public_id:
            return reverse("portal:committee", args=[committee.public_id])
        return None

    context = diagrams.page_context(request, link=link, mine=mine)
    return {
        "title": str(context["title"]),
        "omraade_name": context["omraade"].name if context["omraade"] else "",
        "diagram_html": render_to_string("meetings/_organisation_diagram.html", context),
    }


@kommune_required
@require_GET
def organisation_pdf(request, kind):
    """The MED or AMO chart as a PDF, for anyone of the kommune (BEK § 33 stk. 2), from the file
    kept for the kommune's current structure (documents.stored_chart): a file read; drawn first
    only when the structure changed and the background task (tasks.meetings_render_charts) has
    not drawn it yet. The chart is the same for every viewer (no links, no highlight)."""
    from django.http import HttpResponseNotModified

    from organisations.models import Unit

    from .documents import CHARTS, stored_chart

    if kind not in CHARTS or not _may_order_documents(request):
        raise Http404
    omraade = None
    wanted = request.GET.get("omraade", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        omraade = Unit.objects.filter(
            pk=wanted, kind=Unit.Kind.OMRAADE, closed_on__isnull=True
        ).first()
        if omraade is None:
            raise Http404
    stored = stored_chart(CHARTS[kind], request.kommune, omraade)
    if request.headers.get("If-None-Match") == f'"{stored.digest}"':
        response = HttpResponseNotModified()
    else:
        try:
            handle = stored.path.open("rb")
        except FileNotFoundError:  # replaced by a newer drawing since it was looked up
            stored = stored_chart(CHARTS[kind], request.kommune, omraade)
            handle = stored.path.open("rb")
        response = FileResponse(
            handle,
            filename=f"{CHARTS[kind]}-{timezone.localdate():%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )
    response["ETag"] = f'"{stored.digest}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@kommune_required
@require_GET
def document(request, public_id):
    job = get_document_job_for_user(request, public_id)
    if request.GET.get("hent") and job.state == job.State.DONE and job.file:
        try:
            handle = job.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{job.kind}-{job.created:%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )
    return render(request, "meetings/document.html", {"job": job})


@kommune_required
@require_GET
def training_record_pdf(request):
    """A person's own training record; HR may fetch anyone's with ?person=<public id>."""
    from committees.viewer import get_viewer

    wanted = request.GET.get("person")
    if wanted and is_kommune_staff(request):
        try:
            wanted = uuid.UUID(wanted)
        except ValueError as error:
            raise Http404 from error
        person = require_read(request, Person.objects.filter(public_id=wanted).first())
    else:
        person = get_viewer(request).person
        if person is None:
            raise Http404
    return _pdf(training_pdf(person), f"uddannelse-{person.pk}.pdf")
