"""Portal home panels of the meetings: my upcoming meetings (agenda, propose an item, afbud) and
referater to approve or read, with my follow-up actions. A fixed number of queries each."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Membership
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


@register_panel("meetings", _("Mine kommende møder"), "meetings/panels/upcoming.html", order=15)
def upcoming_meetings(request, viewer):
    if viewer.person is None or not viewer.committee_ids:
        return None
    today = timezone.localdate()
    afbud = Attendance.objects.filter(
        meeting=OuterRef("pk"), person=viewer.person, status=Attendance.Status.AFBUD
    )
    meetings = list(
        Meeting.objects.filter(
            committee_id__in=viewer.committee_ids,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("committee__procedure")
        .annotate(has_afbud=Exists(afbud))
        .order_by("date", "start_time")[:UPCOMING_LIMIT]
    )
    for meeting in meetings:
        procedure = getattr(meeting.committee, "procedure", None)  # none: seed 003's numbers
        days = procedure.proposal_days if procedure else DEFAULT_PROPOSAL_DAYS
        meeting.proposal_deadline = meeting.date - datetime.timedelta(days=days)
        meeting.can_propose = (
            meeting.agenda_settled_at is None and today <= meeting.proposal_deadline
        )
    return {"meetings": meetings}


def _slots_by_committee(viewer) -> dict[int, set[str]]:
    """The approval slots the viewer fills in each of their committees."""
    present = defaultdict(set)
    for committee_id, role in (
        Membership.objects.filter(committee_id__in=viewer.committee_ids, ended_on__isnull=True)
        .values_list("committee_id", "role")
        .order_by()  # no default ordering: it would join committee and person to DISTINCT
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
    since = today - datetime.timedelta(days=READ_DAYS)
    covering = set(viewer.covering_committees)
    # Drafts the viewer still has to approve, and referater they can read: one query.
    draft = Q(
        state=Referat.State.DRAFT, meeting__committee_id__in=list(slots), meeting__date__lte=today
    ) & ~(Q(first_approved_by=person) | Q(second_approved_by=person))
    readable = (
        Q(meeting__committee_id__in=viewer.committee_ids, state__in=SENT_OR_LATER)
        | Q(meeting__committee_id__in=covering, state=Referat.State.PUBLISHED)
    ) & Q(meeting__date__gte=since)
    rows = list(
        Referat.objects.filter(draft | readable)
        .select_related("meeting", "meeting__committee")
        .order_by("-meeting__date", "-pk")
    )
    to_approve, to_read = [], []
    for referat in rows:
        committee_id = referat.meeting.committee_id
        if referat.state == Referat.State.DRAFT:
            if referat.meeting.date > today or person.pk in (
                referat.first_approved_by_id,
                referat.second_approved_by_id,
            ):
                continue
            mine = slots.get(committee_id, set())
            open_first = "first" in mine and referat.first_approved_by_id is None
            open_second = "second" in mine and referat.second_approved_by_id is None
            if open_first or open_second:
                to_approve.append(referat)
        elif len(to_read) < 10:
            to_read.append(referat)
    to_approve.reverse()  # the oldest draft first
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
