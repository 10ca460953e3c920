"""Reads of deadlines shared by the portal, e-mails and exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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


# Overdue for longer than this, a deadline is no longer "urgent news": it is grouped and counted
# below what is due now, so a year-old backlog does not bury the EASY report due in 3 days.
LONG_OVERDUE_DAYS = 90


@dataclass
class UrgencyGroups:
    now: list  # due soon and recently overdue, earliest first
    upcoming: list
    long_overdue: list
    closed: list  # done or waived recently

    @property
    def open_count(self) -> int:
        return len(self.now) + len(self.upcoming) + len(self.long_overdue)


def group_by_urgency(rows, today: datetime.date) -> UrgencyGroups:
    groups = UrgencyGroups([], [], [], [])
    cutoff = today - datetime.timedelta(days=LONG_OVERDUE_DAYS)
    for deadline in sorted(rows, key=lambda d: d.due_date):
        status = deadline.status
        if status in (Status.DONE, Status.WAIVED):
            groups.closed.append(deadline)
        elif status == Status.OVERDUE and deadline.due_date < cutoff:
            groups.long_overdue.append(deadline)
        elif status in (Status.OVERDUE, Status.DUE_SOON):
            groups.now.append(deadline)
        else:
            groups.upcoming.append(deadline)
    return groups
