"""Portal home panels of the meetings: my upcoming meetings (agenda, propose an item, afbud) and
referater to approve or read, with my follow-up actions. A fixed number of queries each."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Membership
from core.cache import KommuneCache
from core.panels import register_panel

from .access import approver_roles
from .models import (
    DEFAULT_PROPOSAL_DAYS,
    ActionItem,
    Attendance,
    Meeting,
    MeetingRequest,
    Referat,
)

UPCOMING_DAYS = 60
UPCOMING_LIMIT = 10
READ_DAYS = 90
SENT_OR_LATER = (Referat.State.SENT, Referat.State.FINAL, Referat.State.PUBLISHED)


@register_panel(
    "meetings",
    _("Mine kommende møder"),
    "meetings/panels/upcoming.html",
    order=15,
    reads=("meetings.Meeting", "meetings.Attendance", "meetings.Procedure"),
)
def upcoming_meetings(request, viewer):
    if viewer.person is None or not viewer.committee_ids:
        return None
    today = timezone.localdate()
    afbud = Attendance.objects.filter(
        meeting=OuterRef("pk"), person=viewer.person, status=Attendance.Status.AFBUD
    )
    rows = (
        Meeting.objects.filter(
            committee_id__in=viewer.committee_ids,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .values(
            "public_id",
            "title",
            "includes_amo_discussion",
            "date",
            "start_time",
            "location",
            "status",
            "agenda_settled_at",
            "committee__name",
            "committee__procedure__proposal_days",
            has_afbud=Exists(afbud),
        )
        .order_by("date", "start_time")[:UPCOMING_LIMIT]
    )
    meetings = []
    for row in rows:
        meeting = Meeting(
            public_id=row["public_id"],
            title=row["title"],
            includes_amo_discussion=row["includes_amo_discussion"],
            date=row["date"],
            start_time=row["start_time"],
            location=row["location"],
            status=row["status"],
            agenda_settled_at=row["agenda_settled_at"],
            committee=Committee(name=row["committee__name"]),
        )
        meeting.has_afbud = row["has_afbud"]
        days = row["committee__procedure__proposal_days"]  # none: seed 003's numbers
        meeting.proposal_deadline = meeting.date - datetime.timedelta(
            days=DEFAULT_PROPOSAL_DAYS if days is None else days
        )
        meeting.can_propose = (
            meeting.agenda_settled_at is None and today <= meeting.proposal_deadline
        )
        meetings.append(meeting)
    return {"meetings": meetings}


def _slots_by_committee(viewer) -> dict[int, set[str]]:
    """The approval slots the viewer fills in each of their committees."""
    present = defaultdict(set)

    def roles() -> list[tuple[int, str]]:
        return list(
            Membership.objects.filter(committee_id__in=viewer.committee_ids, ended_on__isnull=True)
            .values_list("committee_id", "role")
            .order_by()  # no default ordering: it would join committee and person to DISTINCT
            .distinct()
        )

    # Seats only: kept in the kommune cache, whose token any change of a seat replaces.
    parts = ("meetings.present_roles", tuple(sorted(viewer.committee_ids)))
    for committee_id, role in KommuneCache(viewer.kommune.pk).get_or_set(parts, roles):
        present[committee_id].add(role)
    mine = defaultdict(set)
    for seat in viewer.seats:
        mine[seat.committee_id].add(seat.role)
    result = {}
    for committee_id in viewer.committee_ids:
        slots = {
            slot
            for slot, roles in approver_roles(present[committee_id]).items()
            if mine[committee_id] & roles
        }
        if slots:
            result[committee_id] = slots
    return result


def _meeting(row: dict, prefix: str = "meeting__") -> Meeting:
    """A Meeting to print (its `__str__` and link) from the few columns a list reads: the
    panels list meetings as values, without the whole rows of the meeting and its committee."""
    return Meeting(
        public_id=row[f"{prefix}public_id"],
        title=row[f"{prefix}title"],
        includes_amo_discussion=row[f"{prefix}includes_amo_discussion"],
        date=row[f"{prefix}date"],
        committee=Committee(name=row[f"{prefix}committee__name"]),
    )


MEETING_FIELDS = (
    "meeting__public_id",
    "meeting__title",
    "meeting__includes_amo_discussion",
    "meeting__date",
    "meeting__committee_id",
    "meeting__committee__name",
)


@dataclass
class ReferatRow:
    meeting: Meeting
    state: str

    def get_state_display(self) -> str:
        return Referat.State(self.state).label


@register_panel(
    "referater",
    _("Referater"),
    "meetings/panels/referater.html",
    order=16,
    reads=(
        "meetings.Referat",
        "meetings.Meeting",
        "meetings.AgendaItem",
        "meetings.ActionItem",
        "meetings.MeetingRequest",
    ),
)
def referater(request, viewer):
    if viewer.person is None:
        return None
    today = timezone.localdate()
    person = viewer.person
    slots = _slots_by_committee(viewer) if viewer.committee_ids else {}
    since = today - datetime.timedelta(days=READ_DAYS)
    covering = set(viewer.covering_committees)
    # Drafts the viewer may still have to approve, and the referater of the last READ_DAYS of
    # their committees and those covering them: one query of the columns the list prints; the
    # loop below decides which of them the viewer approves or reads.
    rows = (
        Referat.objects.filter(
            Q(state=Referat.State.DRAFT, meeting__committee_id__in=list(slots))
            | Q(meeting__committee_id__in=viewer.committee_ids | covering)
        )
        .filter(
            Q(state=Referat.State.DRAFT, meeting__date__lte=today) | Q(meeting__date__gte=since)
        )
        .values("state", "first_approved_by_id", "second_approved_by_id", *MEETING_FIELDS)
        .order_by("-meeting__date", "-pk")
    )
    to_approve, to_read = [], []
    for row in rows:
        committee_id, state, day = row["meeting__committee_id"], row["state"], row["meeting__date"]
        if state == Referat.State.DRAFT:
            first, second = row["first_approved_by_id"], row["second_approved_by_id"]
            if day > today or person.pk in (first, second):
                continue
            mine = slots.get(committee_id, set())
            if ("first" in mine and first is None) or ("second" in mine and second is None):
                to_approve.append(ReferatRow(_meeting(row), state))
        elif len(to_read) < 10 and day >= since:
            readable = (committee_id in viewer.committee_ids and state in SENT_OR_LATER) or (
                committee_id in covering and state == Referat.State.PUBLISHED
            )
            if readable:
                to_read.append(ReferatRow(_meeting(row), state))
    to_approve.reverse()  # the oldest draft first
    actions = list(
        ActionItem.objects.filter(
            owner=person,
            done_on__isnull=True,
            item__meeting__referat__state__in=Referat.APPROVED_STATES,
        )
        .values("public_id", "text", "due_on", committee=F("item__meeting__committee__name"))
        .order_by("due_on", "pk")[:10]
    )
    requests = []
    if slots:
        requests = list(
            MeetingRequest.objects.filter(
                committee_id__in=list(slots), majority_at__isnull=False, meeting__isnull=True
            )
            .values(
                "questions",
                committee_public_id=F("committee__public_id"),
                committee_name=F("committee__name"),
            )
            .order_by("-created_at")
        )
    if not (to_approve or to_read or actions or requests) and not viewer.committee_ids:
        return None
    return {"to_approve": to_approve, "to_read": to_read, "actions": actions, "requests": requests}
