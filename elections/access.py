"""Who may see an election and who may run it.

Read: the eligible employees (they are called to stand and to vote), the candidates, whoever
reads the committee (its members, the leaders of the units it covers) and HR of its units.
Open it: HR who may change the committee, the leader of a unit it covers, and for an AMR
election the committee's sitting AMR (the outgoing AMR opens the next election). The employee
side of a MED committee (only in a HovedMED, AfdelingsMED or LokalMED) is opened by the employer
side only: HR and the leaders. Run it (cancel it): HR and the leaders as above, and whoever
opened it — not every AMR of the committee, who may be a candidate. Votes are cast by the
eligible only; nobody reads who voted for whom, the product included."""

from __future__ import annotations

from django.http import Http404

from committees.access import committee_unit_ids, hr_committee_access
from committees.models import Committee, Membership
from committees.viewer import get_viewer
from core.access import Access, access_to, decides, either

from .models import Candidacy, Election, Voter


def _employer_side(request, committee: Committee) -> bool:
    if hr_committee_access(request, committee.pk).change:
        return True
    viewer = get_viewer(request)
    return bool(viewer.led_unit_ids & committee_unit_ids(request, committee.pk))


def may_open(request, committee: Committee, role: str) -> bool:
    if role == Election.Role.MED and committee.kind not in Election.MED_KINDS:
        return False
    if _employer_side(request, committee):
        return True
    viewer = get_viewer(request)
    if viewer.person is None or committee.pk not in viewer.visible_committee_ids:
        return False
    return role == Election.Role.AMR and Membership.Role.AMR in viewer.roles_in(committee)


def may_run(request, election: Election) -> bool:
    opener = request.user.is_authenticated and election.opened_by_id == request.user.pk
    return opener or _employer_side(request, election.committee)


def _takes_part(request, election: Election) -> bool:
    person = get_viewer(request).person
    if person is None:
        return False
    cache = request.__dict__.setdefault("_election_part", {})
    if election.pk not in cache:
        cache[election.pk] = (
            Voter.objects.filter(election=election, person=person).exists()
            or Candidacy.objects.filter(election=election, person=person).exists()
        )
    return cache[election.pk]


@decides(Election)
def election_access(request, election: Election) -> Access:
    viewer = get_viewer(request)
    sees_committee = election.committee_id in viewer.visible_committee_ids
    portal = Access(sees_committee or _takes_part(request, election), False)
    runs = Access(True, True) if may_run(request, election) else portal
    return either(portal, runs, hr_committee_access(request, election.committee_id))


@decides(Candidacy)
def candidacy_access(request, candidacy: Candidacy) -> Access:
    """Read with the election; changed (accepted, declined, withdrawn) by the candidate only."""
    person = get_viewer(request).person
    own = person is not None and candidacy.person_id == person.pk
    election = access_to(request, candidacy.election)
    return Access(election.read or own, own)


def get_election_for_user(request, public_id) -> Election:
    election = (
        Election.objects.filter(public_id=public_id)
        .select_related("committee", "replaces__person")
        .first()
    )
    if election is None or not access_to(request, election).read:
        raise Http404
    return election
