"""Who may see and do what with meetings. One helper per object type is the single place that
decides; another kommune's object and a missing one give the same 404 (the tenant scope hides the
other kommune's rows), an object the viewer may see but not change gives 403.

- Members of the committee see its meetings, agendas and (once sent) referater, propose items
  and give afbud.
- The formandskab (formand + næstformand) settles the agenda and approves the referat; in a
  committee without them (AMG, TRIO) the leder and the employee side's representative take the
  two approval slots.
- The sekretær and the formandskab write the referat and record attendance.
- The leader of a unit the committee covers may read; HR of the kommune may read (and maintains
  meetings in the admin), limited HR only for the committees covering their units.
- A published referat is readable by the employees the committee covers (seed 003: "Referater
  publiceres derudover på Medarbejdersiden").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404

from committees.access import hr_committee_access
from committees.models import Committee, Membership
from committees.viewer import Viewer, get_viewer
from core.access import NOT_YOURS, Access, decides, either

from .models import (
    EMPLOYEE_CHAIR_ROLES,
    ActionItem,
    AgendaItem,
    DocumentJob,
    ItemAttachment,
    ItemKind,
    Meeting,
    PreMeeting,
    Referat,
)
from .selectors import meeting_queryset, referat_of

Role = Membership.Role
FIRST_SLOT = "first"  # formand (ledelse in the MED committees of seed 003)
SECOND_SLOT = "second"  # næstformand (the employee side)


def approver_roles(present_roles: set[str]) -> dict[str, set[str]]:
    """The roles that fill each of the two approval slots of a committee's referat.

    Seed 003: "Referatet udsendes efter godkendelse af formanden og næstformanden". Committees
    without a formandskab (AMG, TRIO) have the leder for the first slot and the elected
    representatives for the second."""
    first = (
        {Role.FORMAND}
        if Role.FORMAND in present_roles
        else {
            Role.LEDER,
            Role.LEDELSESREPRAESENTANT,
        }
    )
    second = (
        {Role.NAESTFORMAND}
        if Role.NAESTFORMAND in present_roles
        else {
            Role.AMR,
            Role.TR,
            Role.MEDARBEJDERREPRAESENTANT,
        }
    )
    return {FIRST_SLOT: first, SECOND_SLOT: second}


@dataclass
class CommitteeAccess:
    """The viewer's standing in one committee (the årshjul page and every meeting of it)."""

    committee: object
    viewer: Viewer
    is_hr: bool = False

    @cached_property
    def roles(self) -> set[str]:
        return self.viewer.roles_in(self.committee)

    @cached_property
    def present_roles(self) -> set[str]:
        return set(
            Membership.objects.filter(committee_id=self.committee.pk, ended_on__isnull=True)
            .values_list("role", flat=True)
            .order_by()  # no default ordering: it would join committee and person to DISTINCT
            .distinct()
        )

    @property
    def is_member(self) -> bool:
        return self.committee.pk in self.viewer.committee_ids

    @cached_property
    def is_covering_leader(self) -> bool:
        return self.committee.pk in self.viewer.visible_committee_ids

    @cached_property
    def is_covered_employee(self) -> bool:
        return self.committee.pk in self.viewer.covering_committees

    @property
    def can_read_agenda(self) -> bool:
        return self.is_member or self.is_covering_leader or self.is_hr

    @property
    def can_propose(self) -> bool:
        return self.is_member

    @cached_property
    def slots(self) -> set[str]:
        """The approval slots this viewer fills (usually one; none for most members)."""
        if not self.roles:
            return set()
        return {
            slot for slot, roles in approver_roles(self.present_roles).items() if self.roles & roles
        }

    @property
    def can_chair(self) -> bool:
        """Settle the agenda, plan meetings, register the final approval and publish."""
        return bool(self.slots)

    @property
    def can_write(self) -> bool:
        """Write the referat and record attendance: the sekretær and the formandskab."""
        return Role.SEKRETAER in self.roles or self.can_chair

    @property
    def is_employee_side(self) -> bool:
        return any(
            seat.committee_id == self.committee.pk and seat.side == Membership.Side.MEDARBEJDER
            for seat in self.viewer.seats
        )

    @property
    def is_employee_chair(self) -> bool:
        """The formand or næstformand who sits for the medarbejderside: convenes the employee
        side's formøde (seed 003: the næstformand "udpeges blandt medarbejdersiden")."""
        return any(
            seat.committee_id == self.committee.pk
            and seat.side == Membership.Side.MEDARBEJDER
            and seat.role in EMPLOYEE_CHAIR_ROLES
            for seat in self.viewer.seats
        )


@dataclass
class MeetingAccess(CommitteeAccess):
    meeting: Meeting = None

    @classmethod
    def of(cls, meeting: Meeting, viewer: Viewer) -> MeetingAccess:
        return cls(committee=meeting.committee, viewer=viewer, meeting=meeting)

    def can_read_referat(self, referat: Referat | None) -> bool:
        if referat is None or referat.state in (Referat.State.DRAFT, Referat.State.APPROVED):
            return self.can_write or self.is_hr
        if referat.state == Referat.State.PUBLISHED:
            return self.can_read_agenda or self.is_covered_employee
        return self.can_read_agenda


def _hr_may_see(request, committee_id: int) -> bool:
    """HR reads the meetings of a committee covering a unit of its area (committees.access)."""
    return hr_committee_access(request, committee_id).read


def _access(request, meeting: Meeting | None) -> MeetingAccess:
    if meeting is None or meeting.committee is None:
        raise Http404
    access = MeetingAccess.of(meeting, get_viewer(request))
    if not (access.is_member or access.is_covering_leader):
        access.is_hr = _hr_may_see(request, meeting.committee_id)
    return access


def get_committee_access(request, public_id) -> CommitteeAccess:
    """The committee's årshjul: members, leaders of covered units and HR; else 404."""
    committee = Committee.objects.filter(public_id=public_id).first()
    if committee is None:
        raise Http404
    access = CommitteeAccess(committee, get_viewer(request))
    if not (access.is_member or access.is_covering_leader):
        access.is_hr = _hr_may_see(request, committee.pk)
    if not access.can_read_agenda:
        raise Http404
    return access


def get_meeting_for_user(request, public_id, queryset=None) -> MeetingAccess:
    """The meeting page and the agenda: members, leaders of covered units and HR. `queryset`:
    the meetings as the page reads them (`meetings.selectors.meeting_queryset` by default)."""
    queryset = meeting_queryset() if queryset is None else queryset
    access = _access(request, queryset.filter(public_id=public_id).first())
    if not access.can_read_agenda:
        raise Http404
    return access


def get_referat_for_user(request, public_id) -> tuple[MeetingAccess, Referat | None]:
    """The referat of a meeting, if the viewer may read it in its current state. Before there
    is one, only those who write it see the (empty) page."""
    access = _access(request, meeting_queryset().filter(public_id=public_id).first())
    referat = referat_of(access.meeting)
    if not access.can_read_referat(referat):
        raise Http404
    return access, referat


def require(allowed: bool) -> None:
    """A visible object, an action this viewer may not take: 403."""
    if not allowed:
        raise PermissionDenied


def get_item_for_user(request, public_id) -> tuple[AgendaItem, MeetingAccess]:
    item = AgendaItem.objects.select_related("meeting").filter(public_id=public_id).first()
    if item is None:
        raise Http404
    access = get_meeting_for_user(request, item.meeting.public_id)
    return item, access


@dataclass
class ItemEditAccess:
    """The viewer's standing towards one agenda item they may change: as the formandskab (any
    item: title, text, order) or as its proposer (their own proposal: also material and
    withdrawal). *When* a change is allowed (proposal deadline, settled agenda) is decided by
    the services (`item_edit_refusal`, `item_withdraw_refusal`), which the pages ask too."""

    item: AgendaItem
    access: MeetingAccess

    @property
    def person(self):
        return self.access.viewer.person

    @property
    def as_chair(self) -> bool:
        return self.access.can_chair

    @property
    def is_proposer(self) -> bool:
        person = self.person
        return (
            self.access.is_member
            and person is not None
            and self.item.kind == ItemKind.PROPOSAL
            and self.item.proposed_by_id == person.pk
        )


def get_item_for_editing(request, public_id) -> ItemEditAccess:
    """An agenda item to change. Not visible (another kommune's, a missing one, a meeting the
    viewer may not read): 404. Visible but neither the formandskab's nor the viewer's own
    proposal: 403."""
    item, access = get_item_for_user(request, public_id)
    item.meeting = access.meeting  # the one loaded with its committee
    edit = ItemEditAccess(item, access)
    require(edit.as_chair or edit.is_proposer)
    return edit


def get_attachment_for_user(request, public_id) -> ItemAttachment:
    """Material: whoever may read the agenda; with a published referat, the covered employees."""
    attachment = (
        ItemAttachment.objects.select_related("item", "item__meeting", "item__meeting__committee")
        .filter(public_id=public_id)
        .first()
    )
    if attachment is None:
        raise Http404
    access = _access(request, attachment.item.meeting)
    if access.can_read_agenda:
        return attachment
    if attachment.item.status == AgendaItem.Status.ACCEPTED and access.can_read_referat(
        referat_of(access.meeting)
    ):
        return attachment
    raise Http404


def get_action_for_user(request, public_id) -> tuple[ActionItem, bool]:
    """A follow-up action and whether the viewer may close it (its owner or the writers)."""
    action = (
        ActionItem.objects.select_related("item", "item__meeting", "owner")
        .filter(public_id=public_id)
        .first()
    )
    if action is None:
        raise Http404
    access = _access(request, action.item.meeting)
    is_owner = access.viewer.person is not None and action.owner_id == access.viewer.person.pk
    if not (is_owner or access.can_read_agenda):
        raise Http404
    return action, is_owner or access.can_write


def get_document_job_for_user(request, public_id) -> DocumentJob:
    """A background document: only the user who ordered it (in this kommune)."""
    job = DocumentJob.objects.filter(public_id=public_id, requested_by=request.user).first()
    if job is None:
        raise Http404
    return job


@dataclass
class PreMeetingAccess:
    """The viewer's standing towards the employee side's formøde before one meeting.

    - Whoever reads the meeting sees that a formøde is held, and when and where: it is held in
      working time (seed 003), and the ledelse plans around it.
    - Its note is the employees' own: the committee's members on the medarbejderside, and the
      user who convened it (HR, who may convene it, reads what they wrote). Not the
      ledelsesside, not the leaders of covered units, not HR at large.
    - The employee side's chair (`is_employee_chair`) and HR who may change the committee
      schedule or move it."""

    meeting_access: MeetingAccess
    hr_change: bool
    pre_meeting: PreMeeting | None = None

    @property
    def can_read(self) -> bool:
        return self.meeting_access.can_read_agenda

    @property
    def can_read_note(self) -> bool:
        if self.meeting_access.is_employee_side:
            return True
        user = self.meeting_access.viewer.user
        return (
            self.pre_meeting is not None
            and self.pre_meeting.convened_by_id is not None
            and self.pre_meeting.convened_by_id == getattr(user, "pk", None)
        )

    @property
    def can_convene(self) -> bool:
        return self.meeting_access.is_employee_chair or self.hr_change


def pre_meeting_access(request, access: MeetingAccess) -> PreMeetingAccess:
    """The formøde of a meeting the viewer reads (`get_meeting_for_user`)."""
    pre_meeting = PreMeeting.objects.filter(meeting_id=access.meeting.pk).first()
    if pre_meeting is not None:
        pre_meeting.meeting = access.meeting  # loaded with its committee already
    hr_change = _hr(request, access.meeting.committee_id).change
    return PreMeetingAccess(access, hr_change, pre_meeting)


def get_meeting_for_convening(request, public_id) -> PreMeetingAccess:
    """Schedule the formøde: not visible, 404; visible but not the employee side's chair or HR
    of the committee's units, 403. *Whether* a formøde may be held (the forretningsorden, an
    ordinary planned meeting) is the service's `pre_meeting_refusal`."""
    standing = pre_meeting_access(request, get_meeting_for_user(request, public_id))
    require(standing.can_convene)
    return standing


def get_person_for_feed(request):
    """The logged-in person of the request's kommune (their own calendar feed)."""
    person = get_viewer(request).person
    if person is None:
        raise Http404
    return person


# --- the decisions (core.access.access_to) ------------------------------------------------------


def _meeting_standing(request, meeting: Meeting) -> MeetingAccess:
    """The viewer's standing in the meeting, read once per request and meeting. A meeting
    without a committee has no members: nobody's standing but HR's."""
    cache = request.__dict__.setdefault("_meeting_standing", {})
    if meeting.pk not in cache:
        if meeting.committee_id is None:
            cache[meeting.pk] = MeetingAccess(
                committee=Committee(pk=None), viewer=get_viewer(request), meeting=meeting
            )
        else:
            cache[meeting.pk] = _access(request, meeting)
    return cache[meeting.pk]


def _hr(request, committee_id: int | None) -> Access:
    return hr_committee_access(request, committee_id)


@decides(Meeting)
def meeting_access(request, meeting: Meeting) -> Access:
    """Read: members, leaders of covered units, HR of its units. Change (plan, settle, cancel):
    the formandskab, and HR of every unit the committee covers."""
    standing = _meeting_standing(request, meeting)
    portal = Access(standing.can_read_agenda, standing.can_read_agenda and standing.can_chair)
    return either(portal, _hr(request, meeting.committee_id))


@decides(AgendaItem)
def agenda_item_access(request, item: AgendaItem) -> Access:
    """Read: whoever reads the meeting; an accepted item also the employees who read the
    published referat. Change: the formandskab, the proposer of their own proposal (when is
    the services' `item_edit_refusal`), HR of the committee's units."""
    standing = _meeting_standing(request, item.meeting)
    read = standing.can_read_agenda or (
        item.status == AgendaItem.Status.ACCEPTED
        and standing.can_read_referat(referat_of(standing.meeting))
    )
    edit = ItemEditAccess(item, standing)
    portal = Access(read, read and (edit.as_chair or edit.is_proposer))
    return either(portal, _hr(request, item.meeting.committee_id))


@decides(Referat)
def referat_access(request, referat: Referat) -> Access:
    """Read: by its state (draft and approved: its writers and HR; published: the committee's
    readers and the employees it covers). Change: its writers until it is published."""
    standing = _meeting_standing(request, referat.meeting)
    read = standing.can_read_referat(referat)
    editable = referat.state != Referat.State.PUBLISHED
    portal = Access(read, read and editable and standing.can_write)
    hr = _hr(request, referat.meeting.committee_id)
    if not editable:
        hr = Access(hr.read, False, hr.reason)
    return either(portal, hr)


@decides(ItemAttachment)
def attachment_access(request, attachment: ItemAttachment) -> Access:
    """Material of an agenda item: as its item."""
    return agenda_item_access(request, attachment.item)


@decides(ActionItem)
def action_access(request, action: ActionItem) -> Access:
    """A follow-up action: its owner and the meeting's readers; closed by the owner and the
    referat's writers."""
    standing = _meeting_standing(request, action.item.meeting)
    person = standing.viewer.person
    is_owner = person is not None and action.owner_id == person.pk
    read = is_owner or standing.can_read_agenda
    portal = Access(read, is_owner or (read and standing.can_write))
    return either(portal, _hr(request, action.item.meeting.committee_id))


@decides(DocumentJob)
def document_job_access(request, job: DocumentJob) -> Access:
    """A background document: only the user who ordered it."""
    own = job.requested_by_id == request.user.pk
    return Access(own, own, "" if own else NOT_YOURS.reason)


@decides(PreMeeting)
def pre_meeting_decision(request, pre_meeting: PreMeeting) -> Access:
    """The formøde: read (date, time, place) by whoever reads its meeting; changed by the
    employee side's chair and HR of the committee's units."""
    standing = _meeting_standing(request, pre_meeting.meeting)
    hr = _hr(request, pre_meeting.meeting.committee_id)
    read = standing.can_read_agenda
    portal = Access(read, read and standing.is_employee_chair)
    return either(portal, hr)


@decides(PreMeeting, "note")
def pre_meeting_note_decision(request, pre_meeting: PreMeeting) -> Access:
    """The formøde's note is the employees' own: the medarbejderside and whoever convened it
    read it; the ledelsesside, covering leaders and HR at large do not."""
    standing = _meeting_standing(request, pre_meeting.meeting)
    hr = _hr(request, pre_meeting.meeting.committee_id)
    note = PreMeetingAccess(standing, hr.change, pre_meeting)
    if not note.can_read_note:
        return NOT_YOURS
    return Access(True, note.can_convene)
