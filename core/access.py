"""Who may see what. One helper per object type decides visibility; another kommune's object
and a missing one give the same 404 (the tenant scope makes the other kommune's rows
invisible, so both are simply "not found").

Every decision has one shape, `Access(read, change, reason)`. HR staff are decided by their
`HRArea`: the whole kommune, or (django-guardian) the units of one or more områder. An object
lies in a set of units (a person in their unit, a committee in the units it covers, a seat in
its committee's units and its person's unit). HR limited to an område

- reads an object that lies in at least one of its units (a kommune-wide committee covering
  the område is read: the AMO plan with its members is known to every employee, BEK § 33
  stk. 2), and
- changes only an object that lies wholly inside the område: never a committee that spans
  other områder, never the seat of a person outside it.

Objects not tied to units (kommune-wide settings, the course catalogue) are changed by HR of
the whole kommune only. The admin (`core.admin.TenantAdmin`, every entry point), the portal's
access modules (meetings, APV, incidents, training) and the exports all ask this."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.directory import directory


@dataclass(frozen=True)
class Access:
    """One access decision: may the user read the object, change it, and why not."""

    read: bool
    change: bool
    reason: str = ""


FULL = Access(True, True)
NOT_STAFF = Access(False, False, _("Du er ikke HR i denne kommune."))
OUTSIDE = Access(False, False, _("Det ligger uden for dit område."))
SPANS = Access(True, False, _("Det omfatter enheder uden for dit område; du kan kun se det."))
KOMMUNE_WIDE = Access(
    True, False, _("Det gælder hele kommunen; kun HR for hele kommunen kan ændre det.")
)


NOT_YOURS = Access(False, False, _("Det er ikke dit at se."))
READ_ONLY = Access(True, False, _("Du kan se det, men ikke ændre det."))


def either(*decisions: Access) -> Access:
    """The widest of several decisions about one object (the portal's and HR's): read if any
    reads, change if any changes; the reason of the first that refuses what is refused."""
    read = any(d.read for d in decisions)
    change = any(d.change for d in decisions)
    if read and change:
        return FULL
    reasons = [d.reason for d in decisions if d.reason and (d.read or not read)]
    fallback = READ_ONLY if read else NOT_YOURS
    return Access(read, change, reasons[0] if reasons else fallback.reason)


# --- the one decision per object type ---------------------------------------------------------
#
# Each app's access module registers the decider of its object types (`@decides(Meeting)`), and
# every door asks `access_to(request, obj)`: the portal's getters, the admin (through HR's
# area), the exports, the document views, the e-mail recipients and the API. `read` is "may see
# the object"; `change` is "may change its data" (in the admin or the portal). Actions tied to a
# role (settle an agenda, approve a referat, start an APV) are decided beside it, in the same
# module, by the richer access objects (`MeetingAccess.can_chair`, `CycleAccess.can_edit`).

_DECIDERS: dict[tuple[type, str], Callable] = {}


def decides(model: type, aspect: str = ""):
    """Register the decider of `model` (or of one aspect of it, e.g. an incident's health
    data, an APV's survey results)."""

    def register(decider: Callable) -> Callable:
        _DECIDERS[(model, aspect)] = decider
        return decider

    return register


def access_to(request, obj, aspect: str = "") -> Access:
    """The decision about `obj` for this request. An object type without a decider is an
    error, never an open door."""
    decider = _DECIDERS.get((obj._meta.concrete_model, aspect))
    if decider is None:
        raise LookupError(f"No access decider for {type(obj).__name__} {aspect!r}")
    return decider(request, obj)


def deciders() -> dict[tuple[type, str], Callable]:
    return dict(_DECIDERS)


def require_read(request, obj, aspect: str = ""):
    """`obj` when the request may read it; else the same 404 as a missing object."""
    if obj is None or not access_to(request, obj, aspect).read:
        raise Http404
    return obj


@dataclass(frozen=True)
class HRArea:
    """What an HR staff member administers in the request's kommune."""

    is_staff: bool
    unit_ids: frozenset[int] | None  # None: the whole kommune

    @property
    def whole_kommune(self) -> bool:
        return self.is_staff and self.unit_ids is None

    def decide(self, units: Iterable[int] | None) -> Access:
        """The decision for an object lying in `units` (None: kommune-wide, not tied to units;
        an empty set: tied to no unit yet, e.g. a committee covering nothing)."""
        if not self.is_staff:
            return NOT_STAFF
        if self.unit_ids is None:
            return FULL
        if units is None:
            return KOMMUNE_WIDE
        units = {u for u in units if u is not None}
        if not units & self.unit_ids:
            return OUTSIDE
        if not units <= self.unit_ids:
            return SPANS
        return FULL


def allowed_unit_ids(request) -> list[int] | None:
    """Units a staff member limited with django-guardian may administer, with everything below
    them; None when the staff member has the whole kommune. Computed once per request."""
    if not hasattr(request, "_allowed_unit_ids"):
        from core.admin_site import staff_role

        request._allowed_unit_ids = directory().staff_unit_ids(request.user, staff_role(request))
    return request._allowed_unit_ids


def hr_area(request) -> HRArea:
    """The request user's HR area in the request's kommune (not staff: `is_staff` False)."""
    if not hasattr(request, "_hr_area"):
        from core.admin_site import is_kommune_staff

        if not is_kommune_staff(request):
            request._hr_area = HRArea(False, frozenset())
        else:
            ids = allowed_unit_ids(request)
            request._hr_area = HRArea(True, None if ids is None else frozenset(ids))
    return request._hr_area
