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
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Membership
from organisations.models import Person, Unit


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
    if hasattr(request, "_allowed_unit_ids"):
        return request._allowed_unit_ids
    from django.db.models import Q
    from guardian.shortcuts import get_objects_for_user

    from core.admin_site import staff_role

    role = staff_role(request)
    result = None
    if not request.user.is_superuser and role is not None and not role.all_units:
        granted = get_objects_for_user(
            request.user,
            "organisations.administer_unit",
            klass=Unit.objects.all(),
            with_superuser=False,
            accept_global_perms=False,
        ).values_list("path", flat=True)
        query = Q(pk__in=[])
        for prefix in granted:
            query |= Q(path__startswith=prefix)
        result = list(Unit.objects.filter(query).values_list("pk", flat=True))
    request._allowed_unit_ids = result
    return result


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


@dataclass
class Viewer:
    """The logged-in user as a person of the request's kommune, with their roles."""

    user: object
    kommune: object
    person: Person | None
    _cache: dict = field(default_factory=dict)

    @cached_property
    def seats(self) -> list[Membership]:
        if self.person is None:
            return []
        return list(
            Membership.objects.filter(person=self.person, ended_on__isnull=True)
            .select_related("committee")
            .order_by("committee__name")
        )

    @cached_property
    def committee_ids(self) -> set[int]:
        return {seat.committee_id for seat in self.seats if seat.committee.closed_on is None}

    @cached_property
    def led_unit_ids(self) -> set[int]:
        """Units the person leads, and everything below them."""
        if self.person is None or getattr(self.person, "leads_units", True) is False:
            return set()
        paths = list(Unit.objects.filter(leader=self.person).values_list("path", flat=True))
        if not paths:
            return set()
        from django.db.models import Q

        query = Q()
        for prefix in paths:
            query |= Q(path__startswith=prefix)
        return set(Unit.objects.filter(query).values_list("pk", flat=True))

    @property
    def is_leader(self) -> bool:
        return bool(self.led_unit_ids) or any(
            seat.role in Membership.LEADER_ROLES for seat in self.seats
        )

    @cached_property
    def is_hovedmed_member(self) -> bool:
        # A seat in a closed HovedMED (replaced by a new one) gives no standing, as in
        # `committee_ids`.
        return any(
            seat.committee.kind == Committee.Kind.HOVEDMED and seat.committee.closed_on is None
            for seat in self.seats
        )

    def roles_in(self, committee: Committee) -> set[str]:
        return {seat.role for seat in self.seats if seat.committee_id == committee.pk}

    @cached_property
    def covering_committees(self) -> dict[int, str]:
        """Committees covering the person's own unit or a unit above it, with their kind (the
        AMG and the MED committees the person is represented in). One query, shared by the
        panels and pages of the request."""
        from committees.models import CommitteeUnit
        from organisations.models import path_ids

        person = self.person
        if person is None or person.unit is None:
            return {}
        ancestors = path_ids(person.unit.path) or [person.unit_id]
        return dict(
            CommitteeUnit.objects.filter(unit_id__in=ancestors).values_list(
                "committee_id", "committee__kind"
            )
        )

    @cached_property
    def visible_committee_ids(self) -> set[int]:
        """Committees the person sits in, plus those covering the units they lead."""
        from committees.models import CommitteeUnit

        ids = set(self.committee_ids)
        if self.led_unit_ids:
            ids |= set(
                CommitteeUnit.objects.filter(unit__in=self.led_unit_ids).values_list(
                    "committee_id", flat=True
                )
            )
        return ids


def get_viewer(request) -> Viewer:
    if not hasattr(request, "_viewer"):
        person = None
        if request.kommune is not None and request.user.is_authenticated:
            person = (
                Person.objects.filter(user=request.user, left_on__isnull=True)
                .select_related("unit")
                # Most people lead no unit: then their led units need no query of their own.
                .annotate(leads_units=Exists(Unit.objects.filter(leader=OuterRef("pk"))))
                .first()
            )
        request._viewer = Viewer(request.user, request.kommune, person)
    return request._viewer


def get_committee_for_user(request, public_id) -> tuple[Committee, bool]:
    """The committee if the viewer may see it, and whether they may act as its chair
    (formand/næstformand). Missing, another kommune's and not-visible all raise the same 404."""
    viewer = get_viewer(request)
    committee = Committee.objects.filter(public_id=public_id).first()
    if committee is None or committee.pk not in viewer.visible_committee_ids:
        raise Http404
    can_chair = bool(
        viewer.roles_in(committee) & {Membership.Role.FORMAND, Membership.Role.NAESTFORMAND}
    )
    return committee, can_chair
