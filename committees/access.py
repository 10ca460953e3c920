"""Who may see and change a committee and its seats, as HR staff (the portal's members and
leaders are decided by `committees.viewer.Viewer` and the meetings/APV access modules, which
ask this module for HR), and who may see a person.

A committee lies in the units it covers; a seat lies in its committee's units and in its
person's unit. HR limited to an område reads a committee covering any unit of it (and its
seats) and changes only a committee wholly inside it, and a seat only when the person works
there too (`core.access.HRArea.decide`)."""

from __future__ import annotations

from core.access import Access, decides, either, hr_area
from organisations.models import Person

from .models import Committee, CommitteeUnit, Membership
from .viewer import get_viewer


def committee_unit_ids(request, committee_id: int) -> set[int]:
    """The units a committee covers, read once per request."""
    cache = request.__dict__.setdefault("_committee_units", {})
    if committee_id not in cache:
        cache[committee_id] = set(
            CommitteeUnit.objects.filter(committee_id=committee_id).values_list(
                "unit_id", flat=True
            )
        )
    return cache[committee_id]


def hr_committee_access(request, committee_id: int | None) -> Access:
    """HR's access to a committee (and everything of it: meetings, APV, proposals)."""
    area = hr_area(request)
    if committee_id is None or area.unit_ids is None:
        return area.decide(None if committee_id is None else ())
    return area.decide(committee_unit_ids(request, committee_id))


def hr_membership_access(request, membership: Membership) -> Access:
    area = hr_area(request)
    if area.unit_ids is None:
        return area.decide(())
    person_unit = membership.person.unit_id if membership.person_id else None
    units = (
        set(committee_unit_ids(request, membership.committee_id))
        if membership.committee_id
        else set()
    )
    committee = area.decide(units)
    if not committee.read:
        return committee
    return area.decide(units | {person_unit})


# --- the decisions (core.access.access_to) ------------------------------------------------------


@decides(Committee)
def committee_access(request, committee: Committee) -> Access:
    """Read: its members, the leaders of the units it covers, HR of its units. Change (its
    coverage, its data): HR of every unit it covers."""
    viewer = get_viewer(request)
    portal = Access(committee.pk in viewer.visible_committee_ids, False)
    return either(portal, hr_committee_access(request, committee.pk))


@decides(Membership)
def membership_access(request, membership: Membership) -> Access:
    """Read: the seat's person, whoever reads its committee. Change: HR of the committee's
    units and the person's unit (a seat is changed through elections and the admin)."""
    viewer = get_viewer(request)
    own = viewer.person is not None and membership.person_id == viewer.person.pk
    readable = own or membership.committee_id in viewer.visible_committee_ids
    return either(Access(readable, False), hr_membership_access(request, membership))


@decides(Person)
def person_access(request, person: Person) -> Access:
    """A person is read by themself, by the leaders of their unit (and the units above it) and
    by HR of their unit; changed by HR of their unit only (the portal changes no person's
    data). Decided here, beside the seats, because it asks who is looking (the viewer)."""
    viewer = get_viewer(request)
    own = viewer.person is not None and viewer.person.pk == person.pk
    leads = person.unit_id is not None and person.unit_id in viewer.led_unit_ids
    return either(Access(own or leads, False), hr_area(request).decide({person.unit_id}))
