"""Portal home panels of the meetings: my upcoming meetings (agenda, propose an item, afbud) and
referater to approve or read, with my follow-up actions. A fixed number of queries each."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Membership
from portal.registry import register_panel

from .access import approver_roles
from .models import (
    DEFAULT_PROPOSAL_DAYS,
    ActionItem,
    Attendance,
    Meeting,
    MeetingRequest,
    Procedure,
    Referat,
)
from .selectors import committees_covering

UPCOMING_DAYS = 60
UPCOMING_LIMIT = 10
READ_DAYS = 90


@register_panel("meetings", _("Mine kommende møder"), "meetings/panels/upcoming.html", order=15)
def upcoming_meetings(request, viewer):
    if viewer.person is None or not viewer.committee_ids:
        return None
    today = timezone.localdate()
    meetings = list(
        Meeting.objects.filter(
            committee_id__in=viewer.committee_ids,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("committee")
        .order_by("date", "start_time")[:UPCOMING_LIMIT]
    )
    if not meetings:
        return {"meetings": []}
    days = defaultdict(
        lambda: DEFAULT_PROPOSAL_DAYS,
        Procedure.objects.filter(committee_id__in={m.committee_id for m in meetings}).values_list(
            "committee_id", "proposal_days"
        ),
    )
    afbud = set(
        Attendance.objects.filter(
            person=viewer.person, meeting__in=meetings, status=Attendance.Status.AFBUD
        ).values_list("meeting_id", flat=True)
    )
    for meeting in meetings:
        meeting.proposal_deadline = meeting.date - datetime.timedelta(
            days=days[meeting.committee_id]
        )
        meeting.can_propose = (
            meeting.agenda_settled_at is None and today <= meeting.proposal_deadline
        )
        meeting.has_afbud = meeting.pk in afbud
    return {"meetings": meetings}


def _slots_by_committee(viewer) -> dict[int, set[str]]:
    """The approval slots the viewer fills in each of their committees."""
    present = defaultdict(set)
    for committee_id, role in (
        Membership.objects.filter(committee_id__in=viewer.committee_ids, ended_on__isnull=True)
        .values_list("committee_id", "role")
        .distinct()
    ):
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


@register_panel("referater", _("Referater"), "meetings/panels/referater.html", order=16)
def referater(request, viewer):
    if viewer.person is None:
        return None
    today = timezone.localdate()
    person = viewer.person
    slots = _slots_by_committee(viewer) if viewer.committee_ids else {}
    to_approve = []
    if slots:
        drafts = (
            Referat.objects.filter(
                state=Referat.State.DRAFT,
                meeting__committee_id__in=list(slots),
                meeting__date__lte=today,
            )
            .exclude(Q(first_approved_by=person) | Q(second_approved_by=person))
            .select_related("meeting", "meeting__committee")
            .order_by("meeting__date")
        )
        for referat in drafts:
            mine = slots[referat.meeting.committee_id]
            open_first = "first" in mine and referat.first_approved_by_id is None
            open_second = "second" in mine and referat.second_approved_by_id is None
            if open_first or open_second:
                to_approve.append(referat)
    since = today - datetime.timedelta(days=READ_DAYS)
    covering = committees_covering(person.unit) if person.unit_id else set()
    readable = Q(
        meeting__committee_id__in=viewer.committee_ids,
        state__in=(Referat.State.SENT, Referat.State.FINAL, Referat.State.PUBLISHED),
    ) | Q(meeting__committee_id__in=covering, state=Referat.State.PUBLISHED)
    to_read = list(
        Referat.objects.filter(readable, meeting__date__gte=since)
        .select_related("meeting", "meeting__committee")
        .order_by("-meeting__date")[:10]
    )
    actions = list(
        ActionItem.objects.filter(
            owner=person,
            done_on__isnull=True,
            item__meeting__referat__state__in=Referat.APPROVED_STATES,
        )
        .select_related("item__meeting__committee")
        .order_by("due_on")[:10]
    )
    requests = []
    if slots:
        requests = list(
            MeetingRequest.objects.filter(
                committee_id__in=list(slots), majority_at__isnull=False, meeting__isnull=True
            ).select_related("committee")
        )
    if not (to_approve or to_read or actions or requests) and not viewer.committee_ids:
        return None
    return {"to_approve": to_approve, "to_read": to_read, "actions": actions, "requests": requests}
