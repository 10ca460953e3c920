"""The course catalogue (issue 11): an AMR books a seat from the deadline; a full course puts
them on a waiting list with a clear message; a cancellation gives the seat to the first on the
list; HR marking a booking completed in the admin records the completion, which fulfils the
training deadline."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tenancy import tenant_scope
from deadlines.models import Deadline
from training.models import Completion, CourseDate, CourseKind, CourseType, Enrolment

from . import factories as f


@pytest.fixture
def course(org_a):
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        basic = CourseType.objects.create(
            kommune=org_a.kommune, name="Arbejdsmiljøuddannelse", kind=CourseKind.AMO_BASIC, days=3
        )
        return CourseDate.objects.create(
            kommune=org_a.kommune,
            course_type=basic,
            starts_on=today + datetime.timedelta(days=20),
            ends_on=today + datetime.timedelta(days=22),
            location="Rådhuset",
            capacity=1,
        )


def person_with_login(org, first, username):
    user = f.user(username)
    with tenant_scope(org.kommune):
        f.person(org.kommune, first, "Kursist", unit=org.workplace, user=user)
    return user


def status(org, user) -> str | None:
    with tenant_scope(org.kommune):
        row = Enrolment.objects.filter(person__user=user).first()
        return row.status if row else None


def test_the_training_deadline_leads_to_the_catalogue_of_its_kind(client, org_a, course):
    arne = org_a.amr.person
    arne.user = f.user("arne")
    with tenant_scope(org_a.kommune):
        arne.save()
        deadline = Deadline.objects.filter(person=arne, rule="training.amo_basic").first()
    assert deadline is not None  # the AMR's 3-day course duty (AML § 9)
    client.force_login(arne.user)
    page = client.get(reverse("deadlines:detail", args=[deadline.public_id])).content.decode()
    catalogue = reverse("training:catalogue") + "?kind=amo_basic"
    assert catalogue in page
    listing = client.get(catalogue).content.decode()
    assert "Arbejdsmiljøuddannelse" in listing and "Rådhuset" in listing


def test_a_full_course_waitlists_and_a_cancellation_gives_the_seat_on(client, org_a, course):
    first = person_with_login(org_a, "Anna", "anna")
    second = person_with_login(org_a, "Bo", "bo")
    book = reverse("training:book", args=[course.public_id])

    client.force_login(first)
    client.post(book)
    assert status(org_a, first) == Enrolment.Status.ENROLLED
    again = client.post(book, follow=True).content.decode()
    assert "allerede tilmeldt" in again  # a second booking changes nothing

    client.force_login(second)
    full = client.post(book, follow=True).content.decode()
    assert "Kurset er fuldt. Du står på ventelisten" in full
    assert status(org_a, second) == Enrolment.Status.WAITLISTED

    client.force_login(first)
    with tenant_scope(org_a.kommune):
        mine = Enrolment.objects.get(person__user=first)
    client.force_login(second)
    # Another person's booking: not theirs to see, the same 404 as a missing one.
    assert client.post(reverse("training:cancel", args=[mine.public_id])).status_code == 404
    client.force_login(first)
    assert client.post(reverse("training:cancel", args=[mine.public_id])).status_code == 302
    assert status(org_a, first) == Enrolment.Status.CANCELLED
    assert status(org_a, second) == Enrolment.Status.ENROLLED  # the waiting list moves up


def test_a_course_that_has_begun_takes_no_bookings(client, org_a, course):
    with tenant_scope(org_a.kommune):
        CourseDate.objects.filter(pk=course.pk).update(starts_on=timezone.localdate())
    user = person_with_login(org_a, "Carl", "carl")
    client.force_login(user)
    page = client.post(reverse("training:book", args=[course.public_id]), follow=True)
    assert "Kurset er begyndt" in page.content.decode()
    assert status(org_a, user) is None


def test_hr_marking_a_booking_completed_fulfils_the_training_deadline(client, org_a, hr_a, course):
    arne = org_a.amr.person
    with tenant_scope(org_a.kommune):
        booking = Enrolment.objects.create(kommune=org_a.kommune, person=arne, course_date=course)
        deadline = Deadline.objects.get(person=arne, rule="training.amo_basic")
        assert deadline.state == Deadline.State.OPEN
    client.force_login(hr_a)
    url = reverse("admin:training_coursedate_change", args=[course.pk])
    data = {
        "course_type": course.course_type_id,
        "provider": "",
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat(),
        "location": course.location,
        "capacity": "1",
        "enrolments-TOTAL_FORMS": "1",
        "enrolments-INITIAL_FORMS": "1",
        "enrolments-MIN_NUM_FORMS": "0",
        "enrolments-MAX_NUM_FORMS": "1000",
        "enrolments-0-id": booking.pk,
        "enrolments-0-course_date": course.pk,
        "enrolments-0-person": arne.pk,
        "enrolments-0-status": Enrolment.Status.COMPLETED,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_scope(org_a.kommune):
        completion = Completion.objects.get(enrolment=booking)
        assert completion.completed_on == course.ends_on
        deadline.refresh_from_db()
        assert deadline.state == Deadline.State.DONE  # fulfilled at once
        assert completion.history.latest().history_user == hr_a
