"""The organisation's answers to the shared layer (core.directory): which kommuner a user may
work in, and who is HR of which units."""

from __future__ import annotations

from django.db.models import Q

from core import directory
from core.tenancy import scopes_disabled

from .models import Kommune, KommuneStaff, Person, Unit


@directory.register
class OrganisationDirectory(directory.Directory):
    def kommune_ids(self) -> list[int]:
        with scopes_disabled():
            return list(Kommune.objects.order_by("pk").values_list("pk", flat=True))

    def kommuner_for_user(self, user) -> list[Kommune]:
        """As HR staff, through a linked person who has not left, or all (superuser)."""
        if not user.is_authenticated:
            return []
        with scopes_disabled():
            if user.is_superuser:
                return list(Kommune.objects.order_by("name"))
            staff_ids = KommuneStaff.objects.filter(user=user).values("kommune_id")
            person_ids = Person.objects.filter(user=user, left_on__isnull=True).values("kommune_id")
            return list(
                Kommune.objects.filter(Q(pk__in=staff_ids) | Q(pk__in=person_ids)).order_by("name")
            )

    def staff_kommune_ids(self, user) -> set[int]:
        with scopes_disabled():
            return set(KommuneStaff.objects.filter(user=user).values_list("kommune_id", flat=True))

    def staff_role(self, user, kommune) -> KommuneStaff | None:
        return KommuneStaff.objects.filter(user=user).first()

    def staff_unit_ids(self, user, role) -> list[int] | None:
        """HR limited with django-guardian: the granted units and everything below them."""
        from guardian.shortcuts import get_objects_for_user

        if user.is_superuser or role is None or role.all_units:
            return None
        granted = get_objects_for_user(
            user,
            "organisations.administer_unit",
            klass=Unit.objects.all(),
            with_superuser=False,
            accept_global_perms=False,
        ).values_list("path", flat=True)
        query = Q(pk__in=[])
        for prefix in granted:
            query |= Q(path__startswith=prefix)
        return list(Unit.objects.filter(query).values_list("pk", flat=True))

    def granted_units(self, role) -> list[Unit]:
        from .services import staff_granted_units

        return staff_granted_units(role)
