"""Who may see and change an APV in the portal.

AML § 15 a: the written APV must be available to the management, the AMO and the employees.
So an APV is visible to
- the members of the arbejdsmiljøgruppe (who also update the handlingsplan and its phases);
- the employees the group covers (their unit, or a unit above theirs, is covered);
- the leaders of the covered units (and the leaders above them);
- the kommune's HR staff.
Only the group's members (its leder, AMR and any other seat) change it: they start a new APV,
fill in the checklist, assess the problems, enter the sygefravær and write the handlingsplan
(HR maintains everything in the admin); the owner of a line of the plan updates its status. Another kommune's
APV and a missing one give the same 404; an APV the viewer may see but not change gives 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from committees.access import hr_committee_access
from committees.models import Committee
from committees.viewer import Viewer, get_viewer
from core.access import NOT_YOURS, Access, decides, either, require_read

from .models import ApvActionItem, ApvCycle, ApvProblem


def covering_amg_ids(viewer: Viewer) -> set[int]:
    """The AMGs that cover the viewer's own unit (or a unit above it)."""
    return {pk for pk, kind in viewer.covering_committees.items() if kind == Committee.Kind.AMG}


def visible_amg_ids(request) -> set[int]:
    """AMGs whose APV the viewer may read (None of the HR staff shortcut: see `may_read`)."""
    viewer = get_viewer(request)
    if not hasattr(request, "_apv_amg_ids"):
        request._apv_amg_ids = (
            viewer.committee_ids | viewer.visible_committee_ids | covering_amg_ids(viewer)
        )
    return request._apv_amg_ids


@dataclass
class CycleAccess:
    cycle: ApvCycle
    viewer: Viewer
    can_edit: bool

    def require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied


def may_read_amg(request, committee_id: int) -> bool:
    """HR reads the APV of a group covering a unit of its area (committees.access)."""
    if committee_id in visible_amg_ids(request):
        return True
    return hr_committee_access(request, committee_id).read


def may_edit_amg(request, committee_id: int) -> bool:
    return committee_id in get_viewer(request).committee_ids


def get_amg_for_user(request, public_id) -> tuple[Committee, bool]:
    committee = Committee.objects.filter(public_id=public_id, kind=Committee.Kind.AMG).first()
    if committee is None or not may_read_amg(request, committee.pk):
        raise Http404
    return committee, may_edit_amg(request, committee.pk)


def get_cycle_for_user(request, public_id) -> CycleAccess:
    cycle = ApvCycle.objects.select_related("committee").filter(public_id=public_id).first()
    require_read(request, cycle)
    return CycleAccess(cycle, get_viewer(request), may_edit_amg(request, cycle.committee_id))


def get_cycle_to_edit(request, public_id) -> ApvCycle:
    """The APV cycle, for the group's work on it: 404 as `get_cycle_for_user`, 403 for a
    reader who may not edit."""
    access = get_cycle_for_user(request, public_id)
    access.require_edit()
    return access.cycle


def get_action_item_for_user(request, public_id) -> tuple[ApvActionItem, CycleAccess]:
    item = (
        ApvActionItem.objects.select_related("cycle", "cycle__committee", "owner")
        .filter(public_id=public_id)
        .first()
    )
    require_read(request, item)
    viewer = get_viewer(request)
    is_owner = viewer.person is not None and item.owner_id == viewer.person.pk
    can_edit = may_edit_amg(request, item.cycle.committee_id) or is_owner
    return item, CycleAccess(item.cycle, viewer, can_edit)


def get_problem_for_user(request, public_id) -> tuple[ApvProblem, CycleAccess]:
    """A problem of the risk assessment, with the access to its APV."""
    problem = (
        ApvProblem.objects.select_related("cycle", "cycle__committee")
        .filter(public_id=public_id)
        .first()
    )
    if problem is None or not may_read_amg(request, problem.cycle.committee_id):
        raise Http404
    viewer = get_viewer(request)
    return problem, CycleAccess(
        problem.cycle, viewer, may_edit_amg(request, problem.cycle.committee_id)
    )


# --- the decisions (core.access.access_to) ------------------------------------------------------


@decides(ApvCycle)
def cycle_access(request, cycle: ApvCycle) -> Access:
    """Read: the group's members, the employees and leaders it covers, HR of its units.
    Change: the group's members in the portal, HR of its units in the admin."""
    read = may_read_amg(request, cycle.committee_id)
    portal = Access(read, may_edit_amg(request, cycle.committee_id))
    return either(portal, hr_committee_access(request, cycle.committee_id))


@decides(ApvCycle, "survey")
def survey_results_access(request, cycle: ApvCycle) -> Access:
    """The anonymous survey's results: whoever reads the APV, and only once the survey has
    closed (so no answer can be isolated by comparing results before and after it). Nobody
    changes an answer."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    if not cycle_access(request, cycle).read:
        return NOT_YOURS
    if not cycle.survey_has_closed(timezone.localdate()):
        return Access(False, False, _("Resultaterne vises, når spørgeskemaet er lukket."))
    return Access(True, False, _("Besvarelser er anonyme og kan ikke ændres."))


@decides(ApvActionItem)
def action_item_access(request, item: ApvActionItem) -> Access:
    """A line of the handlingsplan: as its APV; its owner also updates it."""
    decision = cycle_access(request, item.cycle)
    viewer = get_viewer(request)
    if decision.read and viewer.person is not None and item.owner_id == viewer.person.pk:
        return Access(True, True)
    return decision
