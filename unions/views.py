"""Union pages.

- The kreds officer's pages (/kreds/<kreds>/…): their consenting AMR/TR members across the
  kommuner of the kreds, the CSV export, network groups and meetings. An officer belongs to the
  kreds, not to a kommune: nothing here depends on `request.kommune`; the reads go through
  `unions.selectors`, which enter no kommune's scope and filter on the kreds and the consent.
- The kreds' cadence (/kreds/<kreds>/moederytme/): the meetings the kreds owes this year
  (unions.cadence); its inquiries from members (/kreds/<kreds>/henvendelser/), answered here.
- The person's own page (/kreds/mit-medlemskab/): state the kreds, give or withdraw consent,
  write to the kreds and read its answers, read the referat of the meetings they were invited to.
- The leader's page (/kreds/valg/ny/): register an AMR/TR election in a committee covering a unit
  they lead.
"""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_scopes import scopes_disabled

from committees.elections import election_register
from committees.models import Committee
from committees.viewer import get_viewer
from core.exports import spreadsheet_cell
from core.tenancy import kommune_required
from organisations.models import Person

from .access import (
    get_group_for_officer,
    get_inquiry_for_member,
    get_inquiry_for_officer,
    get_kreds_and_kommuner_for_officer,
    get_kreds_for_officer,
    get_meeting_for_member,
    get_meeting_for_officer,
    officer_kredse,
)
from .cadence import DUE_SOON_DAYS, kreds_cadence
from .forms import (
    AnswerForm,
    AttendanceForm,
    ElectionForm,
    InquiryForm,
    MemberFilterForm,
    NetworkGroupForm,
    NetworkMeetingForm,
    ReferatForm,
    UnionMembershipForm,
)
from .models import NetworkGroup
from .selectors import (
    FORWARDED_ON_OVERVIEW,
    forwarded_incidents,
    kreds_inquiries,
    kreds_structure,
    meeting_attendance,
    meeting_invitations,
    member_page_and_glance,
    member_rows,
    own_inquiries,
    own_meetings,
    workplace_of,
)
from .services import (
    inquiry_answer,
    inquiry_raise,
    kredse_covering,
    meeting_started,
    network_group_create,
    network_meeting_attendance_record,
    network_meeting_create,
    network_meeting_invite,
    network_meeting_referat_save,
    own_union_membership,
    union_consent_withdraw,
    union_membership_remove,
    union_membership_state,
)

# --- the kreds officer ---------------------------------------------------------------------------


@login_required
def kreds_index(request):
    kredse = list(officer_kredse(request.user))
    if not kredse:
        raise Http404
    if len(kredse) == 1:
        return HttpResponseRedirect(reverse("unions:overview", args=[kredse[0].public_id]))
    return render(request, "unions/index.html", {"kredse": kredse})


def _filtered_rows(request, structure):
    form = MemberFilterForm(request.GET or None, structure=structure)
    today = timezone.localdate()
    if form.is_bound and not form.is_valid():
        return form, []
    data = form.cleaned_data if form.is_bound else {}
    rows = member_rows(
        structure,
        today=today,
        kommune=data.get("kommune"),
        kommunegruppe=data.get("kommunegruppe"),
    )
    return form, rows


def _page_number(request) -> int:
    try:
        return int(request.GET.get("side", "1"))
    except ValueError:
        return 1


@login_required
def kreds_overview(request, kreds_id):
    kreds, kommuner = get_kreds_and_kommuner_for_officer(request.user, kreds_id)
    structure = kreds_structure(kreds, kommuner)
    form = MemberFilterForm(request.GET or None, structure=structure)
    today = timezone.localdate()
    invalid = form.is_bound and not form.is_valid()
    data = form.cleaned_data if form.is_bound and not invalid else {}
    # A large kommune's kreds follows hundreds of members: one page at a time, the most urgent
    # first (the CSV export has them all), read with the kreds at a glance.
    page, at_a_glance = member_page_and_glance(
        structure,
        today=today,
        kommune=data.get("kommune"),
        kommunegruppe=data.get("kommunegruppe"),
        number=1 if invalid else _page_number(request),
        page_kommune_ids=set() if invalid else None,
    )
    filters = request.GET.copy()
    filters.pop("side", None)
    return render(
        request,
        "unions/overview.html",
        {
            "kreds": kreds,
            "structure": structure,
            "form": form,
            "rows": page.rows,
            "page": page,
            "forwarded": forwarded_incidents(kreds, size=FORWARDED_ON_OVERVIEW),
            "at_a_glance": at_a_glance,
            "today": today,
            "query": filters.urlencode(),
        },
    )


@login_required
def kreds_incidents(request, kreds_id):
    """Every injury forwarded to the kreds, newest first, a page at a time."""
    kreds = get_kreds_for_officer(request.user, kreds_id)
    return render(
        request,
        "unions/incidents.html",
        {"kreds": kreds, "forwarded": forwarded_incidents(kreds, number=_page_number(request))},
    )


@login_required
def kreds_incident(request, kreds_id, incident_id):
    """One injury forwarded to the kreds. The forward (with live consent) is the only way in:
    anything else, like a case of another kreds or a withdrawn consent, is the same 404 as a
    missing case. Every view is logged on the case (who, when — not what)."""
    from incidents.access import incident_visible_to_kreds_officer
    from incidents.models import Incident, IncidentViewLog
    from incidents.services import incident_log_view

    kreds = get_kreds_for_officer(request.user, kreds_id)
    with scopes_disabled():
        incident = (
            Incident.objects.select_related("kommune", "unit", "injured")
            .filter(public_id=incident_id)
            .first()
        )
        if incident is None or not incident_visible_to_kreds_officer(incident, [kreds.public_id]):
            raise Http404
        incident_log_view(incident, user=request.user, channel=IncidentViewLog.Channel.KREDS)
    return render(request, "unions/incident.html", {"kreds": kreds, "incident": incident})


CSV_HEADER = [
    "Navn",
    "E-mail",
    "Kommune",
    "Kommunegruppe",
    "Arbejdsplads",
    "Hverv",
    "Udvalg",
    "Valgt fra",
    "Valgperiode slutter",
    "Arbejdsgiver underrettet",
    "Overskredne frister",
    "Kommende frister",
    "Gennemført uddannelse",
    "Netværksgruppe",
]


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


@login_required
def kreds_export(request, kreds_id):
    """The same rows as the page (same selector, same filters), one line per seat."""
    kreds, kommuner = get_kreds_and_kommuner_for_officer(request.user, kreds_id)
    structure = kreds_structure(kreds, kommuner)
    form, rows = _filtered_rows(request, structure)
    if form.is_bound and form.errors:
        raise Http404
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"{kreds.union}-{kreds.name}") or "kreds"
    response["Content-Disposition"] = f'attachment; filename="{name}-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (æøå) correctly with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in rows:
        overdue = [d for d in row.deadlines if d.status == "overdue"]
        coming = [d for d in row.deadlines if d.status != "overdue"]
        for seat in row.seats:
            writer.writerow(
                [
                    spreadsheet_cell(v)
                    for v in (
                        row.person.full_name,
                        row.person.email,
                        row.kommune.name,
                        ", ".join(g.name for g in row.kommunegrupper),
                        row.workplace or "",
                        seat.get_role_display(),
                        seat.committee_name,
                        _day(seat.start_date),
                        _day(seat.term_end),
                        _day(seat.employer_notified_on),
                        " | ".join(f"{d.title} ({_day(d.due_date)})" for d in overdue),
                        " | ".join(f"{d.title} ({_day(d.due_date)})" for d in coming),
                        " | ".join(f"{c.name} ({_day(c.completed_on)})" for c in row.completions),
                        ", ".join(g.name for g in row.network_groups),
                    )
                ]
            )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def network_groups(request, kreds_id):
    kreds = get_kreds_for_officer(request.user, kreds_id)
    form = NetworkGroupForm(request.POST or None, kreds=kreds)
    if request.method == "POST" and form.is_valid():
        try:
            network_group_create(
                kreds=kreds,
                name=form.cleaned_data["name"],
                kommunegruppe=form.cleaned_data["kommunegruppe"],
                roles=form.cleaned_data["roles"],
                kind=form.cleaned_data["kind"],
                meetings_per_year=form.cleaned_data["meetings_per_year"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Netværksgruppen er oprettet."))
            return HttpResponseRedirect(reverse("unions:network", args=[kreds.public_id]))
    now = timezone.now()
    year = now.year
    groups = (
        NetworkGroup.objects.filter(kreds=kreds)
        .select_related("kommunegruppe")
        .annotate(meetings_this_year=Count("meetings", filter=Q(meetings__starts_at__year=year)))
        .prefetch_related("meetings")
        .order_by("name")
    )
    return render(
        request,
        "unions/network.html",
        {"kreds": kreds, "groups": groups, "form": form, "now": now, "year": year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def network_meeting_new(request, kreds_id, group_id):
    kreds = get_kreds_for_officer(request.user, kreds_id)
    group = get_group_for_officer(kreds, group_id)
    form = NetworkMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = network_meeting_create(
                group=group,
                starts_at=data["starts_at"],
                duration=data["duration"],
                theme=data["theme"],
                location=data["location"],
                description=data["description"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mødet er oprettet, og invitationerne sendes."))
            return HttpResponseRedirect(
                reverse("unions:meeting", args=[kreds.public_id, meeting.public_id])
            )
    return render(
        request, "unions/meeting_form.html", {"kreds": kreds, "group": group, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def network_meeting_detail(request, kreds_id, meeting_id):
    """The meeting: its invited members, who attended, the short referat. Three forms, told
    apart by `action`; a refused one changes nothing and shows its Danish error."""
    kreds = get_kreds_for_officer(request.user, kreds_id)
    meeting = get_meeting_for_officer(kreds, meeting_id)
    invitations = meeting_invitations(meeting)
    action = request.POST.get("action", "invite") if request.method == "POST" else ""
    attendance_form = AttendanceForm(
        request.POST if action == "attendance" else None,
        invitations=invitations,
        initial={"attended": sorted(meeting_attendance(meeting))},
    )
    referat_form = ReferatForm(
        request.POST if action == "referat" else None, initial={"referat": meeting.referat}
    )
    if action == "invite":
        added = network_meeting_invite(meeting, acting_user=request.user)
        messages.success(request, _("%(count)s nye invitationer sendes.") % {"count": added})
        return HttpResponseRedirect(request.path)
    if action == "attendance" and attendance_form.is_valid():
        try:
            network_meeting_attendance_record(
                meeting,
                attended_ids=set(attendance_form.cleaned_data["attended"]),
                acting_user=request.user,
            )
        except ValidationError as error:
            attendance_form.add_error(None, error)
        else:
            messages.success(request, _("Fremmødet er gemt."))
            return HttpResponseRedirect(request.path)
    if action == "referat" and referat_form.is_valid():
        try:
            network_meeting_referat_save(
                meeting, referat=referat_form.cleaned_data["referat"], acting_user=request.user
            )
        except ValidationError as error:
            referat_form.add_error(None, error)
        else:
            messages.success(request, _("Referatet er gemt."))
            return HttpResponseRedirect(request.path)
    attended = meeting_attendance(meeting)
    return render(
        request,
        "unions/meeting.html",
        {
            "kreds": kreds,
            "meeting": meeting,
            "invitations": invitations,
            "attended": attended,
            "started": meeting_started(meeting),
            "attendance_form": attendance_form,
            "referat_form": referat_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _year(request) -> int:
    """The year asked for (?aar=2025): the current one when it is missing or not a year."""
    today = timezone.localdate()
    value = request.GET.get("aar")
    if value is None:
        return today.year
    try:
        year = int(value)
    except ValueError:
        year = 0
    if not 2000 <= year <= today.year + 1:
        messages.error(request, _("Ukendt år; viser i år."))
        return today.year
    return year


@login_required
def kreds_cadence_page(request, kreds_id):
    """The meetings the kreds owes in a year (unions.cadence), due and overdue first."""
    kreds = get_kreds_for_officer(request.user, kreds_id)
    year = _year(request)
    duties = kreds_cadence(kreds, year=year)
    today = timezone.localdate()
    return render(
        request,
        "unions/cadence.html",
        {
            "kreds": kreds,
            "duties": duties,
            "year": year,
            "years": [y for y in (year - 1, year + 1) if 2000 <= y <= today.year + 1],
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


@login_required
def kreds_inquiries_page(request, kreds_id):
    kreds = get_kreds_for_officer(request.user, kreds_id)
    page = kreds_inquiries(kreds, number=_page_number(request))
    return render(request, "unions/inquiries.html", {"kreds": kreds, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def kreds_inquiry_page(request, kreds_id, inquiry_id):
    kreds = get_kreds_for_officer(request.user, kreds_id)
    inquiry = get_inquiry_for_officer(kreds, inquiry_id)
    membership = inquiry.union_membership
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inquiry_answer(inquiry, answer=form.cleaned_data["answer"], acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Svaret er sendt til medlemmet."))
            return HttpResponseRedirect(request.path)
    with scopes_disabled():
        workplace = workplace_of(membership.person)
    return render(
        request,
        "unions/inquiry.html",
        {
            "kreds": kreds,
            "inquiry": inquiry,
            "person": membership.person,
            "kommune": membership.kommune,
            "workplace": workplace,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- the person's own statement ------------------------------------------------------------------


@kommune_required
@require_http_methods(["GET", "POST"])
def my_union(request):
    viewer = get_viewer(request)
    if viewer.person is None:
        raise Http404
    membership = own_union_membership(viewer.person)
    kredse = kredse_covering(request.kommune.pk)
    initial = {}
    if membership is not None:
        initial = {"kreds": membership.kreds, "consent": membership.has_consent}
    action = request.POST.get("action", "save")
    form = UnionMembershipForm(
        request.POST if request.method == "POST" and action == "save" else None,
        kredse=kredse,
        initial=initial,
    )
    if request.method == "POST":
        if action == "withdraw" and membership is not None:
            union_consent_withdraw(membership, acting_user=request.user)
            messages.success(
                request,
                _("Dit samtykke er trukket tilbage. Kredsen kan ikke længere se dine hverv."),
            )
            return HttpResponseRedirect(request.path)
        if action == "remove" and membership is not None:
            union_membership_remove(membership, acting_user=request.user)
            messages.success(request, _("Dine oplysninger om faglig organisation er slettet."))
            return HttpResponseRedirect(request.path)
        if action == "save" and form.is_valid():
            try:
                union_membership_state(
                    person=viewer.person,
                    kreds=form.cleaned_data["kreds"],
                    consent=form.cleaned_data["consent"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Dine oplysninger er gemt."))
                return HttpResponseRedirect(request.path)
    return render(
        request,
        "unions/my_union.html",
        {
            "membership": membership,
            "form": form,
            "has_kredse": kredse.exists(),
            "inquiries": own_inquiries(membership),
            "meetings": own_meetings(membership if membership and membership.has_consent else None),
        },
    )


@kommune_required
@require_http_methods(["GET", "POST"])
def my_inquiry_new(request):
    """A consenting member writes to their kreds (seed 000: "Henvende sig til Kredsens
    miljøansvarlige ved konkrete problemstillinger")."""
    viewer = get_viewer(request)
    if viewer.person is None:
        raise Http404
    membership = own_union_membership(viewer.person)
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if membership is None:
            form.add_error(None, _("Oplys først din faglige organisation og kreds."))
        else:
            try:
                inquiry = inquiry_raise(
                    membership=membership,
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Din henvendelse er sendt til kredsen."))
                return HttpResponseRedirect(reverse("unions:my_inquiry", args=[inquiry.public_id]))
    return render(
        request,
        "unions/my_inquiry_form.html",
        {"membership": membership, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@kommune_required
def my_inquiry(request, inquiry_id):
    viewer = get_viewer(request)
    inquiry = get_inquiry_for_member(viewer.person, inquiry_id)
    return render(request, "unions/my_inquiry.html", {"inquiry": inquiry})


@kommune_required
def my_meeting(request, meeting_id):
    """A network meeting the member was invited to, with its referat."""
    viewer = get_viewer(request)
    meeting = get_meeting_for_member(viewer.person, meeting_id)
    return render(request, "unions/my_meeting.html", {"meeting": meeting})


# --- the leader registers an election ------------------------------------------------------------


def leader_election_form(viewer, data=None) -> ElectionForm:
    """The leader's scope: open committees covering a unit they lead, and the people employed in
    the units they lead."""
    committees = (
        Committee.objects.filter(closed_on__isnull=True, coverage__unit__in=viewer.led_unit_ids)
        .distinct()
        .order_by("name")
    )
    persons = (
        Person.objects.filter(unit__in=viewer.led_unit_ids, left_on__isnull=True)
        .select_related("unit")
        .order_by("last_name", "first_name")
    )
    return ElectionForm(
        data,
        committees=committees,
        persons=persons,
        invalid_messages={
            "committee": _("Vælg et udvalg, der dækker en enhed, du er leder for."),
            "person": _("Vælg en medarbejder i en enhed, du er leder for."),
        },
    )


def register_from_form(form: ElectionForm, acting_user) -> object | None:
    """Shared by the leader's page and HR's admin page: call the service, turn its errors into
    form errors. Nothing is saved on an error (the service is atomic)."""
    data = form.cleaned_data
    try:
        return election_register(
            committee=data["committee"],
            person=data["person"],
            role=data["role"],
            start_date=data["start_date"],
            term_end=data["term_end"],
            employer_notified_on=data["employer_notified_on"],
            acting_user=acting_user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


def election_registered_message(seat) -> str:
    # Says nothing about a kreds: whether one was told would reveal the union membership.
    return _("Valget er registreret: %(person)s som %(role)s i %(committee)s.") % {
        "person": seat.person,
        "role": seat.get_role_display(),
        "committee": seat.committee,
    }


@kommune_required
@require_http_methods(["GET", "POST"])
def election_new(request):
    viewer = get_viewer(request)
    if not viewer.led_unit_ids:
        raise Http404
    form = leader_election_form(viewer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        seat = register_from_form(form, request.user)
        if seat is not None:
            messages.success(request, election_registered_message(seat))
            return HttpResponseRedirect(
                reverse("portal:committee", args=[seat.committee.public_id])
            )
    return render(request, "unions/election_form.html", {"form": form})
