"""Training writes. Completing a course fulfils the matching deadline at once."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import set_history_user
from deadlines.engine import refresh

from .models import Completion, CourseDate, CourseType, Enrolment


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
    refresh(
        person.kommune, persons=[person], changed=[Completion, Enrolment], acting_user=acting_user
    )
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
        changed=[Completion],
        acting_user=acting_user,
    )
    return completion


@transaction.atomic
def completion_delete(completion: Completion, *, acting_user=None) -> None:
    person_id, kommune = completion.person_id, completion.kommune
    set_history_user(completion, acting_user)
    completion.delete()
    refresh(kommune, persons=[person_id], changed=[Completion], acting_user=acting_user)


def seats_taken(course_date: CourseDate) -> int:
    return Enrolment.objects.filter(course_date=course_date, status__in=Enrolment.SEATED).count()


@transaction.atomic
def enrolment_book(*, person, course_date: CourseDate, acting_user=None, today=None) -> Enrolment:
    """Book a seat on a course date. The course's row is locked, so two people booking the last
    seat at once get one seat and one place on the waiting list, never two seats. A person
    cancelled earlier books again on the same row."""
    today = today or timezone.localdate()
    course_date = CourseDate.objects.select_for_update().get(pk=course_date.pk)
    if course_date.starts_on <= today:
        raise ValidationError(_("Kurset er begyndt; der kan ikke længere tilmeldes."))
    enrolment = Enrolment.objects.filter(person=person, course_date=course_date).first()
    if enrolment is not None and enrolment.status != Enrolment.Status.CANCELLED:
        raise ValidationError(_("Du er allerede tilmeldt dette kursus eller står på ventelisten."))
    full = course_date.capacity is not None and seats_taken(course_date) >= course_date.capacity
    if enrolment is None:
        enrolment = Enrolment(kommune_id=person.kommune_id, person=person, course_date=course_date)
    enrolment.status = Enrolment.Status.WAITLISTED if full else Enrolment.Status.ENROLLED
    enrolment.requested_at = timezone.now()
    enrolment.full_clean()
    set_history_user(enrolment, acting_user)
    enrolment.save()
    # A booking on a course that starts in time meets a "start within" deadline at once.
    refresh(person.kommune, persons=[person], acting_user=acting_user, today=today)
    return enrolment


@transaction.atomic
def enrolment_cancel(enrolment: Enrolment, *, acting_user=None) -> Enrolment | None:
    """Cancel a booking or leave the waiting list. A freed seat goes to the first on the
    waiting list, who is returned (None if nobody moved up)."""
    course_date = CourseDate.objects.select_for_update().get(pk=enrolment.course_date_id)
    enrolment.refresh_from_db()
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise ValidationError(_("Et gennemført kursus kan ikke afmeldes."))
    if enrolment.status == Enrolment.Status.CANCELLED:
        return None
    freed = enrolment.status == Enrolment.Status.ENROLLED
    enrolment.status = Enrolment.Status.CANCELLED
    set_history_user(enrolment, acting_user)
    enrolment.save(update_fields=["status"])
    promoted = _promote(course_date, acting_user) if freed else None
    # The cancelled booking no longer meets a deadline; the one who moved up now does.
    persons = [enrolment.person_id] + ([promoted.person_id] if promoted else [])
    refresh(course_date.kommune, persons=persons, acting_user=acting_user)
    return promoted


def _promote(course_date: CourseDate, acting_user) -> Enrolment | None:
    if course_date.capacity is not None and seats_taken(course_date) >= course_date.capacity:
        return None
    first = (
        Enrolment.objects.filter(course_date=course_date, status=Enrolment.Status.WAITLISTED)
        .order_by("requested_at", "pk")
        .first()
    )
    if first is not None:
        first.status = Enrolment.Status.ENROLLED
        set_history_user(first, acting_user)
        first.save(update_fields=["status"])
    return first


@transaction.atomic
def enrolment_complete(
    enrolment: Enrolment, *, completed_on: datetime.date | None = None, acting_user=None
) -> Completion:
    """HR marks a booking completed: the completion is recorded (and fulfils the person's
    training deadline at once). Idempotent: a booking already recorded returns its completion."""
    existing = Completion.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        if enrolment.status != Enrolment.Status.COMPLETED:
            Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
        return existing
    if enrolment.status == Enrolment.Status.WAITLISTED:
        raise ValidationError(_("En deltager på ventelisten kan ikke have gennemført kurset."))
    course_date = enrolment.course_date
    return completion_record(
        person=enrolment.person,
        course_type=course_date.course_type,
        completed_on=completed_on or course_date.ends_on,
        enrolment=enrolment,
        acting_user=acting_user,
    )
