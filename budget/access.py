"""Who may see and do what in the budget procedure and the rationalisation cases.

- **A budget year** (its timeline, the catalogue, the adopted budget) is read by every member of
  an open MED committee, by leaders, and by HR of the whole kommune, who changes it (the admin).
- **A hearing response** is read by KommuneMED's members, by the members of the committee that
  gave it and the leaders of the units it covers, and by HR of those units; the committee's
  formandskab (formand, næstformand) gives and changes it (`services.may_answer`).
- **A rationalisation case** is read by KommuneMED's members, the members of its ad hoc MED
  committee, the leaders of the units it concerns, and HR of the whole kommune, who changes it:
  it may concern people's jobs before anything is decided.

Missing, another kommune's and not-readable objects are the same 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from committees.access import hr_committee_access
from committees.models import Committee, CommitteeUnit, Membership
from committees.viewer import Viewer, get_viewer
from core.access import FULL, Access, decides, either, hr_area

from .models import AgendaPoint, BudgetProcess, HearingResponse, RationalisationCase

# Who answers the hearing for a committee: its formandskab.
ANSWERING_ROLES = (Membership.Role.FORMAND, Membership.Role.NAESTFORMAND)


def sits_in_med(viewer: Viewer) -> bool:
    return any(
        seat.committee.kind in Committee.MED_KINDS and seat.committee.closed_on is None
        for seat in viewer.seats
    )


def hr_whole_kommune(request) -> Access:
    """The budget and the cases are the kommune's: HR of the whole kommune reads and changes
    them (the admin's `WholeKommuneAdmin`); HR of an område reads them in the portal only if
    they sit in a MED committee or lead a unit, like anyone else."""
    if hr_area(request).whole_kommune:
        return FULL
    return Access(False, False, _("Kun HR for hele kommunen har adgang."))


@decides(BudgetProcess)
def process_access(request, process: BudgetProcess) -> Access:
    viewer = get_viewer(request)
    portal = Access(viewer.person is not None and (sits_in_med(viewer) or viewer.is_leader), False)
    return either(portal, hr_whole_kommune(request))


@decides(HearingResponse)
def response_access(request, response: HearingResponse) -> Access:
    viewer = get_viewer(request)
    readable = viewer.is_hovedmed_member or response.committee_id in viewer.visible_committee_ids
    return either(Access(readable, False), _hr_read(request, response.committee_id))


def _hr_read(request, committee_id: int) -> Access:
    hr = hr_committee_access(request, committee_id)
    return Access(hr.read, False, hr.reason)


@decides(RationalisationCase)
def case_access(request, case: RationalisationCase) -> Access:
    viewer = get_viewer(request)
    unit_ids = {u.pk for u in case.units.all()}
    readable = (
        viewer.is_hovedmed_member
        or (
            case.ad_hoc_committee_id is not None
            and case.ad_hoc_committee_id in viewer.committee_ids
        )
        or bool(viewer.led_unit_ids & unit_ids)
    )
    return either(Access(readable, False), hr_whole_kommune(request))


def answering_committees(viewer: Viewer, process: BudgetProcess) -> list[Committee]:
    """The committees heard in the process whose formandskab the viewer is in (they give the
    response: `services.may_answer`). One query, none without such a seat."""
    mine = {seat.committee_id for seat in viewer.seats if seat.role in ANSWERING_ROLES}
    if not mine:
        return []
    return [
        point.committee
        for point in AgendaPoint.objects.filter(
            process=process, step=AgendaPoint.Step.HEARING, committee_id__in=mine
        ).select_related("committee")
    ]


def responses_readable(request, process: BudgetProcess) -> list[HearingResponse]:
    """The process's responses the viewer may read, with their committees. At most three
    queries, however many committees answered."""
    responses = list(
        HearingResponse.objects.filter(process=process).select_related("committee", "submitted_by")
    )
    if may_read_all_responses(request):
        return responses
    visible = set(get_viewer(request).visible_committee_ids)
    area = hr_area(request)
    if area.is_staff and area.unit_ids:
        visible |= set(
            CommitteeUnit.objects.filter(unit_id__in=area.unit_ids).values_list(
                "committee_id", flat=True
            )
        )
    return [r for r in responses if r.committee_id in visible]


def may_read_all_responses(request) -> bool:
    """KommuneMED's members and HR of the whole kommune read every response (and the PDF)."""
    return get_viewer(request).is_hovedmed_member or hr_area(request).whole_kommune


def get_process_for_user(request, public_id) -> BudgetProcess:
    process = BudgetProcess.objects.filter(public_id=public_id).first()
    if process is None or not process_access(request, process).read:
        raise Http404
    return process


def get_case_for_user(request, public_id) -> RationalisationCase:
    case = (
        RationalisationCase.objects.select_related("ad_hoc_committee", "process")
        .prefetch_related("units")
        .filter(public_id=public_id)
        .first()
    )
    if case is None or not case_access(request, case).read:
        raise Http404
    return case
