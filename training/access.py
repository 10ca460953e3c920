"""Who may reach a completed course and its certificate (kursusbevis): the person it belongs
to, the leaders of their unit, and the kommune's HR (an HR limited to some units: only for
people of those units), who also change it. Anyone else, another kommune's certificate and a
missing one get the same 404."""

from __future__ import annotations

from django.http import Http404

from committees.viewer import get_viewer
from core.access import Access, access_to, decides, either, hr_area

from .models import Completion, CourseDate, Enrolment


@decides(Completion)
def completion_access(request, completion: Completion) -> Access:
    viewer = get_viewer(request)
    own = viewer.person is not None and completion.person_id == viewer.person.pk
    leads = completion.person.unit_id in viewer.led_unit_ids
    hr = hr_area(request).decide({completion.person.unit_id})
    return either(Access(own or leads, False), hr)


@decides(CourseDate)
def course_date_access(request, course_date: CourseDate) -> Access:
    """The course catalogue: every person of the kommune reads it (and books a seat for
    themself); HR of the whole kommune changes it (a kommune-wide catalogue)."""
    person = get_viewer(request).person
    return either(Access(person is not None, False), hr_area(request).decide(None))


@decides(Enrolment)
def enrolment_access(request, enrolment: Enrolment) -> Access:
    """A booking: its person reads and cancels it; HR of the person's unit too."""
    viewer = get_viewer(request)
    own = viewer.person is not None and enrolment.person_id == viewer.person.pk
    return either(Access(own, own), hr_area(request).decide({enrolment.person.unit_id}))


def get_certificate_for_user(request, public_id) -> Completion:
    """The completion whose certificate the request may download (it has one)."""
    # Tenant-scoped manager: another kommune's completion is not found at all.
    completion = Completion.objects.select_related("person").filter(public_id=public_id).first()
    if completion is None or not completion.certificate:
        raise Http404
    if not access_to(request, completion).read:
        raise Http404
    return completion
