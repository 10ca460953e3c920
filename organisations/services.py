"""Writes to the organisation. Views, the admin and imports call these; history records the actor."""

from __future__ import annotations

from django.db import transaction

from core.cache import clear_kommune_caches
from core.history import set_history_user

from .models import Unit


def unit_compute_path(unit: Unit) -> str:
    parent_path = unit.parent.path if unit.parent_id else ""
    return f"{parent_path}{unit.pk}/"


@transaction.atomic
def unit_save(unit: Unit, *, acting_user=None) -> Unit:
    """Save a unit and keep the materialised paths of it and everything below it right."""
    set_history_user(unit, acting_user)
    old_path = unit.path
    if unit.pk is None:
        unit.save()
    unit.path = unit_compute_path(unit)
    unit.save()
    if old_path and old_path != unit.path:
        # Re-parented: rewrite the prefix of every descendant (three levels, a handful of rows).
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            set_history_user(child, acting_user)
            child.save(update_fields=["path"])
    return unit


def staff_granted_units(staff) -> list[Unit]:
    """Units the staff member holds `administer_unit` on (django-guardian, direct FK table)."""
    from .models import UnitUserObjectPermission

    return list(
        Unit.objects.filter(
            pk__in=UnitUserObjectPermission.objects.filter(
                user=staff.user, permission__codename="administer_unit"
            ).values("content_object_id")
        )
    )


@transaction.atomic
def staff_save(staff, *, units, acting_user=None):
    """Save an HR staff member and set the units they are limited to (replacing earlier grants
    within this kommune)."""
    from guardian.shortcuts import assign_perm, remove_perm

    set_history_user(staff, acting_user)
    staff.save()
    wanted = {unit.pk: unit for unit in units}
    current = {unit.pk: unit for unit in staff_granted_units(staff)}
    for pk in current.keys() - wanted.keys():
        remove_perm("organisations.administer_unit", staff.user, current[pk])
    for pk in wanted.keys() - current.keys():
        assign_perm("organisations.administer_unit", staff.user, wanted[pk])
    return staff


@transaction.atomic
def person_save(person, *, acting_user=None):
    """Saving a person (a new unit, leaving) re-evaluates their deadlines at once."""
    from deadlines.engine import refresh

    set_history_user(person, acting_user)
    person.save()
    refresh(person.kommune, persons=[person], acting_user=acting_user)
    return person


def kommune_agreement_name_save(kommune, name: str, *, acting_user=None):
    """The name of the kommune's MED-aftale, shown as the local part of every rule's source."""
    kommune.med_agreement_name = name
    set_history_user(kommune, acting_user)
    kommune.save(update_fields=["med_agreement_name"])
    return kommune


def person_anonymise(person) -> None:
    """Blank a person row for good (GDPR art. 17): no name, contact, employee number or login
    left; the row stays so the seats and records that point to it hold together."""
    from core.privacy import ANONYMOUS

    Person = type(person)
    Person.objects.filter(pk=person.pk).update(
        first_name=ANONYMOUS,
        last_name="",
        email="",
        phone="",
        employee_number="",
        job_title="",
        language="",
        user=None,
    )
    clear_kommune_caches([person.kommune_id])  # the name is gone from cached diagrams too


def person_erase(person, *, acting_user=None):
    """Erase a person who has left (GDPR art. 17) where no legal duty keeps the data: see
    core.privacy.person_erase. Refused for a person who has not left."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from core.privacy import person_erase as erase

    if person.left_on is None or person.left_on > timezone.localdate():
        raise ValidationError(_("Kun en person, der er fratrådt, kan slettes."))
    return erase(person, anonymise=person_anonymise)
