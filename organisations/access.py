"""Who may see and change a person (core.access.access_to).

A person is read by themself, by the leaders of their unit (and the units above it) and by HR
of their unit; changed by HR of their unit only (the portal changes no person's data)."""

from __future__ import annotations

from core.access import Access, decides, either, get_viewer, hr_area

from .models import Person


@decides(Person)
def person_access(request, person: Person) -> Access:
    viewer = get_viewer(request)
    own = viewer.person is not None and viewer.person.pk == person.pk
    leads = person.unit_id is not None and person.unit_id in viewer.led_unit_ids
    return either(Access(own or leads, False), hr_area(request).decide({person.unit_id}))
