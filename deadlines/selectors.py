"""Reads of deadlines shared by the portal, e-mails and exports."""

from __future__ import annotations

import datetime

from django.db.models import Q

from committees.models import Committee, Membership

from .models import Deadline, Status

# The roles that answer for a committee's own duties.
CHAIR_ROLES = (Membership.Role.FORMAND, Membership.Role.NAESTFORMAND)
AMO_GROUP_ROLES = (Membership.Role.LEDER, Membership.Role.AMR)
URGENCY = {
    Status.OVERDUE: 0,
    Status.DUE_SOON: 1,
    Status.UPCOMING: 2,
    Status.WAIVED: 3,
    Status.DONE: 4,
}


def responsible_committee_ids(seats) -> set[int]:
    ids = set()
    for seat in seats:
        if seat.role in CHAIR_ROLES or (
            seat.committee.kind in (Committee.Kind.AMG, Committee.Kind.TRIO)
            and seat.role in AMO_GROUP_ROLES
        ):
            ids.add(seat.committee_id)
    return ids


def deadlines_for_viewer(viewer, today: datetime.date, done_since_days: int = 90):
    """The viewer's own deadlines and those of the committees they answer for, most urgent
    first; done ones only from the last `done_since_days`."""
    if viewer.person is None:
        return []
    committees = responsible_committee_ids(viewer.seats)
    queryset = (
        Deadline.objects.visible()
        .filter(Q(person=viewer.person) | Q(committee__in=committees, person__isnull=True))
        .exclude(
            state=Deadline.State.DONE, done_on__lt=today - datetime.timedelta(days=done_since_days)
        )
        .with_status(today)
        .select_related("committee", "person")
    )
    rows = list(queryset)
    rows.sort(key=lambda d: (URGENCY[d.status], d.due_date))
    return rows
