"""Who is looking: the logged-in user as a person of the request's kommune, with their seats,
the units they lead and the committees they may see. The portal's pages and the apps' access
modules (`<app>/access.py`) ask it; HR's scope is core's (`core.access.hr_area`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from core.cache import KommuneCache
from organisations.models import Person, Unit, path_ids

from .models import Committee, CommitteeUnit, Membership


@dataclass
class Viewer:
    """The logged-in user as a person of the request's kommune, with their roles."""

    user: object
    kommune: object
    person: Person | None
    _cache: dict = field(default_factory=dict)

    def _kept(self, name: str, compute):
        """`compute()` from the kommune cache (core.cache), for what is read from seats,
        committees, their units and the units' paths and leaders only: a change to any of
        them replaces the kommune's token (deadlines.overview.COUNTED_MODELS, api.sync), and
        a change to the person (their unit) too (meetings.apps). Most pages ask for these."""
        parts = ("committees.viewer", name, self.person.pk, self.person.unit_id)
        return KommuneCache(self.kommune.pk).get_or_set(parts, compute)

    @cached_property
    def seats(self) -> list[Membership]:
        if self.person is None:
            return []
        return self._kept(
            "seats",
            lambda: list(
                Membership.objects.filter(person=self.person, ended_on__isnull=True)
                .select_related("committee")
                .order_by("committee__name")
            ),
        )

    @cached_property
    def committee_ids(self) -> set[int]:
        return {seat.committee_id for seat in self.seats if seat.committee.closed_on is None}

    @cached_property
    def led_unit_ids(self) -> set[int]:
        """Units the person leads, and everything below them."""
        if self.person is None:
            return set()

        def compute() -> set[int]:
            paths = list(Unit.objects.filter(leader=self.person).values_list("path", flat=True))
            if not paths:
                return set()
            query = Q()
            for prefix in paths:
                query |= Q(path__startswith=prefix)
            return set(Unit.objects.filter(query).values_list("pk", flat=True))

        return self._kept("led_units", compute)

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
        person = self.person
        if person is None or person.unit is None:
            return {}
        ancestors = path_ids(person.unit.path) or [person.unit_id]
        return self._kept(
            "covering",
            lambda: dict(
                CommitteeUnit.objects.filter(unit_id__in=ancestors).values_list(
                    "committee_id", "committee__kind"
                )
            ),
        )

    @cached_property
    def visible_committee_ids(self) -> set[int]:
        """Committees the person sits in, plus those covering the units they lead."""
        ids = set(self.committee_ids)
        if self.led_unit_ids:
            ids |= self._kept(
                "led_committees",
                lambda: set(
                    CommitteeUnit.objects.filter(unit__in=self.led_unit_ids).values_list(
                        "committee_id", flat=True
                    )
                ),
            )
        return ids


def get_viewer(request) -> Viewer:
    if not hasattr(request, "_viewer"):
        person = None
        if request.kommune is not None and request.user.is_authenticated:
            person = (
                Person.objects.filter(user=request.user, left_on__isnull=True)
                .select_related("unit")
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
