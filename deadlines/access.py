"""Who may see and change a deadline (core.access.access_to).

A deadline is read by its person, by the members who answer for its committee (formandskab;
the AMG's leder and AMR: `selectors.responsible_committee_ids`), by the leaders of its unit and
by HR of its units. It is fulfilled by what it asks for (the course, the meeting, the APV); a duty
done outside the system (`Rule.manual_done`: a talk held, a statistic presented) is marked done
in the portal by those who answer for it. HR of its units marks any deadline done or waives it in
the admin (where its rule allows)."""

from __future__ import annotations

from committees.access import committee_unit_ids
from committees.viewer import get_viewer
from core.access import Access, decides, either, hr_area

from .models import Deadline
from .selectors import responsible_committee_ids


@decides(Deadline)
def deadline_access(request, deadline: Deadline) -> Access:
    viewer = get_viewer(request)
    own = viewer.person is not None and deadline.person_id == viewer.person.pk
    answers = deadline.person_id is None and deadline.committee_id in responsible_committee_ids(
        viewer.seats
    )
    leads = deadline.unit_id is not None and deadline.unit_id in viewer.led_unit_ids
    units: set[int] = set()
    if deadline.unit_id:
        units.add(deadline.unit_id)
    if deadline.person_id:
        units.add(deadline.person.unit_id)
    if deadline.committee_id:
        units |= committee_unit_ids(request, deadline.committee_id)
    readable = own or answers or leads
    rule = deadline.rule_obj
    portal = Access(readable, readable and rule is not None and rule.manual_done)
    return either(portal, hr_area(request).decide(units))
