"""Training pages of the portal: the kommune's course catalogue, where a person books a seat (or
a place on the waiting list) and cancels, and the certificate download (uploads are never
served from /media/; every file goes through a view that checks access)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees.viewer import get_viewer
from core.access import access_to, require_read
from core.tenancy import kommune_required

from .access import get_certificate_for_user
from .models import CourseDate, CourseKind, Enrolment
from .services import enrolment_book, enrolment_cancel


@kommune_required
@require_GET
def certificate_download(request, public_id):
    completion = get_certificate_for_user(request, public_id)
    suffix = PurePosixPath(completion.certificate.name).suffix.lower()[:8]
    try:
        handle = completion.certificate.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    content_type, _encoding = mimetypes.guess_type(f"x{suffix}")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"kursusbevis-{completion.completed_on:%Y-%m-%d}{suffix}",
        content_type=content_type or "application/octet-stream",
    )


@kommune_required
@require_GET
def catalogue(request):
    """Upcoming course dates of the kommune, of one kind when asked (a deadline links here with
    its kind), with the seats left and the viewer's own bookings. Three queries."""
    person = get_viewer(request).person
    if person is None:
        raise Http404
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    if kind not in CourseKind.values:
        kind = ""
    dates = (
        CourseDate.objects.filter(starts_on__gt=today)
        .select_related("course_type", "provider")
        .annotate(booked=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)))
        .order_by("starts_on", "pk")
    )
    if kind:
        dates = dates.filter(course_type__kind=kind)
    mine = {
        e.course_date_id: e
        for e in Enrolment.objects.filter(person=person).exclude(status=Enrolment.Status.CANCELLED)
    }
    rows = []
    for course_date in dates[:200]:
        left = None if course_date.capacity is None else course_date.capacity - course_date.booked
        rows.append({"date": course_date, "left": left, "mine": mine.get(course_date.pk)})
    bookings = (
        Enrolment.objects.filter(person=person, course_date__starts_on__gt=today)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("course_date", "course_date__course_type")
        .order_by("course_date__starts_on")
    )
    return render(
        request,
        "training/catalogue.html",
        {
            "rows": rows,
            "kind": kind,
            "kinds": CourseKind.choices,
            "bookings": bookings,
        },
    )


@kommune_required
@require_POST
def book(request, public_id):
    course_date = require_read(request, CourseDate.objects.filter(public_id=public_id).first())
    person = get_viewer(request).person
    try:
        enrolment = enrolment_book(person=person, course_date=course_date, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.status == Enrolment.Status.WAITLISTED:
            messages.warning(
                request,
                _(
                    "Kurset er fuldt. Du står på ventelisten og får pladsen, hvis en anden melder fra."
                ),
            )
        else:
            messages.success(request, _("Du er tilmeldt %(course)s.") % {"course": course_date})
    return HttpResponseRedirect(_back(request))


@kommune_required
@require_POST
def cancel(request, public_id):
    enrolment = require_read(
        request,
        Enrolment.objects.select_related("person", "course_date")
        .filter(public_id=public_id)
        .first(),
    )
    if not access_to(request, enrolment).change:
        raise PermissionDenied
    try:
        enrolment_cancel(enrolment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Du er afmeldt %(course)s.") % {"course": enrolment.course_date}
        )
    return HttpResponseRedirect(_back(request))


def _back(request) -> str:
    kind = request.POST.get("kind", "")
    url = reverse("training:catalogue")
    return f"{url}?kind={kind}" if kind in CourseKind.values else url
