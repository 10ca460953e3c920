"""Who may reach a completed course's certificate (kursusbevis): the person it belongs to, and
the kommune's HR (an HR limited to some units: only for people of those units). Anyone else,
another kommune's certificate and a missing one get the same 404."""

from __future__ import annotations

from django.http import Http404

from core.access import get_viewer
from core.admin import allowed_unit_ids
from core.admin_site import is_kommune_staff

from .models import Completion


def get_certificate_for_user(request, public_id) -> Completion:
    """The completion whose certificate the request may download (it has one)."""
    # Tenant-scoped manager: another kommune's completion is not found at all.
    completion = Completion.objects.select_related("person").filter(public_id=public_id).first()
    if completion is None or not completion.certificate:
        raise Http404
    person = get_viewer(request).person
    if person is not None and completion.person_id == person.pk:
        return completion
    if is_kommune_staff(request):
        unit_ids = allowed_unit_ids(request)
        if unit_ids is None or completion.person.unit_id in unit_ids:
            return completion
    raise Http404
