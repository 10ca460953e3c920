"""Training writes. Completing a course fulfils the matching deadline at once."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from core.history import set_history_user
from deadlines.engine import refresh

from .models import Completion, CourseType, Enrolment


@transaction.atomic
def completion_record(
    *,
    person,
    course_type: CourseType,
    completed_on: datetime.date,
    hours: Decimal | None = None,
    certificate=None,
    enrolment: Enrolment | None = None,
    acting_user=None,
) -> Completion:
    completion = Completion(
        kommune_id=person.kommune_id,
        person=person,
        course_type=course_type,
        completed_on=completed_on,
        hours=hours if hours is not None else course_type.hours,
        enrolment=enrolment,
    )
    if certificate is not None:
        completion.certificate = certificate
    completion.full_clean()
    set_history_user(completion, acting_user)
    completion.save()
    if enrolment is not None and enrolment.status != Enrolment.Status.COMPLETED:
        enrolment.status = Enrolment.Status.COMPLETED
        set_history_user(enrolment, acting_user)
        enrolment.save(update_fields=["status"])
    refresh(person.kommune, persons=[person], acting_user=acting_user)
    return completion


@transaction.atomic
def completion_save(completion: Completion, *, acting_user=None) -> Completion:
    """Admin edits of a completion (date, type, person) re-evaluate the person's deadlines."""
    previous_person_id = None
    if completion.pk:
        previous_person_id = (
            Completion.objects.filter(pk=completion.pk).values_list("person_id", flat=True).first()
        )
    set_history_user(completion, acting_user)
    completion.save()
    refresh(
        completion.kommune,
        persons={completion.person_id, previous_person_id},
        acting_user=acting_user,
    )
    return completion


@transaction.atomic
def completion_delete(completion: Completion, *, acting_user=None) -> None:
    person_id, kommune = completion.person_id, completion.kommune
    set_history_user(completion, acting_user)
    completion.delete()
    refresh(kommune, persons=[person_id], acting_user=acting_user)


@transaction.atomic
def enrolment_create(*, person, course_date, acting_user=None) -> Enrolment:
    enrolment = Enrolment(kommune_id=person.kommune_id, person=person, course_date=course_date)
    enrolment.full_clean()
    set_history_user(enrolment, acting_user)
    enrolment.save()
    return enrolment
