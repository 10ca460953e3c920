"""Who may see and change a committee and its seats, as HR staff (the portal's members and
leaders are decided by `committees.viewer.Viewer` and the meetings/APV access modules, which
ask this module for HR), and who may see a person.

A committee lies in the units it covers; a seat lies in its committee's units and in its
person's unit. HR limited to an område reads a committee covering any unit of it (and its
seats) and changes only a committee wholly inside it, and a seat only when the person works
there too (`core.access.HRArea.decide`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy

from core.access import Access, decides, either, hr_area
from organisations.models import Person

from .models import AmoProposal, Committee, CommitteeUnit, Membership
from .viewer import Viewer, get_viewer


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


Outcome = AmoProposal.Outcome
# A member of the AMO proposes; a TR or a secretary who sits in the meetings does not.
PROPOSER_ROLES = frozenset(Membership.Role) - {Membership.Role.TR, Membership.Role.SEKRETAER}


# --- AMO proposals (committees/proposals.py): who may do what ----------------------------------


def proposer_committee_ids(viewer: Viewer) -> set[int]:
    """The open AMO committees the viewer may submit proposals in."""
    return {
        seat.committee_id
        for seat in viewer.seats
        if seat.role in PROPOSER_ROLES
        and seat.committee.kind in Committee.AMO_KINDS
        and seat.committee.closed_on is None
    }


def leads_committee_units(request, committee_id: int) -> bool:
    """Does the viewer lead a unit the committee covers (or a unit above one)?"""
    viewer = get_viewer(request)
    if viewer.person is None or not viewer.led_unit_ids:
        return False
    return bool(viewer.led_unit_ids & committee_unit_ids(request, committee_id))


def may_read_committee_proposals(request, committee: Committee) -> bool:
    if committee.pk in get_viewer(request).visible_committee_ids:
        return True
    return hr_committee_access(request, committee.pk).read


def may_decide(request, proposal: AmoProposal) -> bool:
    """The employer side of this proposal (see the module docstring); not the submitter."""
    viewer = get_viewer(request)
    if viewer.person is not None and proposal.submitted_by_id == viewer.person.pk:
        return False
    if leads_committee_units(request, proposal.committee_id):
        return True
    return hr_committee_access(request, proposal.committee_id).change


@dataclass
class ProposalAccess:
    proposal: AmoProposal
    can_decide: bool

    @property
    def decision_open(self) -> bool:
        return self.can_decide and self.proposal.outcome == Outcome.PENDING

    @property
    def reasons_open(self) -> bool:
        return self.can_decide and self.proposal.awaits_reasons


@decides(AmoProposal)
def proposal_access(request, proposal: AmoProposal) -> Access:
    """Read: the committee's members, the leaders of the units it covers (and above), the
    submitter, HR of its units. Change (decide, give the reasons): the employer — those leaders
    and HR who may change the committee — never the submitter."""
    viewer = get_viewer(request)
    own = viewer.person is not None and proposal.submitted_by_id == viewer.person.pk
    readable = own or proposal.committee_id in viewer.visible_committee_ids
    hr = hr_committee_access(request, proposal.committee_id)
    if not readable:
        return hr
    employer = may_decide(request, proposal)
    reason = "" if employer else gettext_lazy("Kun arbejdsgiveren beslutter forslaget.")
    return either(Access(True, employer, reason), hr)


def get_amo_committee_for_user(request, public_id) -> tuple[Committee, bool]:
    """An AMO committee whose proposals the viewer may read, and whether they may submit one
    there. Missing, another kommune's, not an AMO committee and not visible: the same 404."""
    committee = (
        Committee.objects.filter(public_id=public_id, kind__in=Committee.AMO_KINDS)
        .only("pk", "public_id", "name", "kind", "closed_on", "kommune_id")
        .first()
    )
    if committee is None or not may_read_committee_proposals(request, committee):
        raise Http404
    return committee, committee.pk in proposer_committee_ids(get_viewer(request))


def get_proposal_for_user(request, public_id) -> ProposalAccess:
    proposal = (
        AmoProposal.objects.select_related("committee", "submitted_by", "decided_by")
        .filter(public_id=public_id)
        .first()
    )
    if proposal is None or not proposal_access(request, proposal).read:
        raise Http404
    return ProposalAccess(proposal, may_decide(request, proposal))


def get_proposal_to_decide(request, public_id) -> AmoProposal:
    """The proposal for the employer's decision or reasons: 404 as above, 403 for a reader."""
    access = get_proposal_for_user(request, public_id)
    if not access.can_decide:
        raise PermissionDenied
    return access.proposal
