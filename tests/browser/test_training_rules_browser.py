"""The first year's 2-day supplementary course in a real browser (training/rules.py): an AMR who
has taken the 3-day course sees the course's two deadlines with their own dates —

- start within 9 months of the 3-day course (Arbejdstilsynet's guidance to AML § 9 stk. 3:
  "kunne være påbegyndt inden for de første ni måneder"), `training.amo_supplementary_first_start`;
- complete by the last day of the first funktionsår (AML § 9 stk. 3; deadlines.periods),
  `training.amo_supplementary_first` —

then books a 2-day course that starts in time from the course catalogue: the start date is met,
the completion date stays open until the course is held.

Dates are relative to today (the live server runs on the real clock). The expected dates are
worked out here by hand from the legal definitions, not with the product's date helpers: the
tenure starts on the 15th and the 3-day course ends on the 25th, so no month-end clamping is
involved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from playwright.sync_api import expect

from committees.models import Membership
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from tests import factories as f
from training.models import CourseDate, CourseKind, CourseType, Enrolment
from training.services import completion_record

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

START = "training.amo_supplementary_first_start"
FIRST = "training.amo_supplementary_first"
START_TITLE = (
    "Start på supplerende arbejdsmiljøuddannelse (2 dage) senest 9 måneder efter 3-dages kurset"
)
FIRST_TITLE = "Supplerende arbejdsmiljøuddannelse i første funktionsår (2 dage)"
COURSE = "Supplerende AMR-kursus, 2 dage"


def day_text(day: datetime.date) -> str:
    """A date as the portal writes it (DATE_FORMAT of the active language, Danish)."""
    return formats.date_format(day, "DATE_FORMAT")


def months_later(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


class Amr:
    """A newly elected AMR of org_a's AMG with a login, who took the 3-day course."""

    def __init__(self, org):
        today = timezone.localdate()
        # Joined on the 15th two or three months ago; the 3-day course ended on the 25th.
        self.joined = months_later(today.replace(day=15), -3 if today.day < 15 else -2)
        self.basic_on = self.joined.replace(day=25)
        # Start by: the same date 9 months after the 3-day course (a limit counted from an event).
        self.start_due = months_later(self.basic_on, 9)
        # Complete by: the last day of the first funktionsår, the day before the anniversary.
        self.first_due = self.joined.replace(year=self.joined.year + 1, day=14)
        assert today < self.start_due < self.first_due
        k = org.kommune
        with tenant_scope(k):
            self.person = f.person(k, "Asta", "Amr", unit=org.workplace, user=f.user("asta"))
            f.membership(self.person, org.amg, Membership.Role.AMR, start=self.joined)
            basic = CourseType.objects.create(
                kommune=k, name="Arbejdsmiljøuddannelse", kind=CourseKind.AMO_BASIC, hours=22
            )
            completion_record(person=self.person, course_type=basic, completed_on=self.basic_on)
            supplementary = CourseType.objects.create(
                kommune=k, name=COURSE, kind=CourseKind.AMO_SUPPLEMENTARY_FIRST, days=2, hours=14
            )
            # One course date starts after the start date (it would not meet it), one in time.
            self.too_late = CourseDate.objects.create(
                kommune=k,
                course_type=supplementary,
                starts_on=self.start_due + datetime.timedelta(days=1),
                ends_on=self.start_due + datetime.timedelta(days=2),
                location="Kursuscentret",
            )
            self.in_time = CourseDate.objects.create(
                kommune=k,
                course_type=supplementary,
                starts_on=today + datetime.timedelta(days=30),
                ends_on=today + datetime.timedelta(days=31),
                location="Rådhuset",
                capacity=12,
            )

    def deadline(self, rule: str) -> Deadline:
        return Deadline.objects.get(rule=rule, person=self.person, state__in=("open", "done"))


def open_deadline(panel, title: str):
    """The deadline's line among the open ones of "Mine frister"."""
    return panel.locator(":scope > ul > li", has_text=title)


def book_the_course_in_time(page, amr: Amr) -> None:
    """From the start deadline's action, the catalogue of 2-day courses: book the one in time."""
    panel = page.locator("#panel-deadlines")
    open_deadline(panel, START_TITLE).get_by_role(
        "link", name="Find et kursus og tilmeld dig"
    ).click()
    page.wait_for_url(
        "**" + reverse("training:catalogue") + f"?kind={CourseKind.AMO_SUPPLEMENTARY_FIRST}"
    )
    assert page.locator("#kind").input_value() == CourseKind.AMO_SUPPLEMENTARY_FIRST
    expect(page.locator("tbody tr", has_text="Kursuscentret")).to_contain_text(COURSE)
    row = page.locator("tbody tr", has_text="Rådhuset")
    expect(row).to_contain_text(COURSE)
    expect(row.locator('td[data-label="Ledige pladser"]')).to_have_text("12")
    row.get_by_role("button", name="Tilmeld").click()
    expect(page.locator("ul.messages")).to_contain_text(f"Du er tilmeldt {amr.in_time}.")
    expect(page.locator("#h-mine").locator("..")).to_contain_text("Tilmeldt")


def test_the_amr_sees_both_dates_and_a_booking_in_time_meets_the_start_date(page, org_a):
    amr = Amr(org_a)
    with tenant_scope(org_a.kommune):
        start, first = amr.deadline(START), amr.deadline(FIRST)
    assert (start.state, start.due_date) == ("open", amr.start_due)
    assert (first.state, first.due_date) == ("open", amr.first_due)

    # The AMR's portal shows both deadlines of the 2-day course, each with its own date.
    log_in(page, "asta")
    page.wait_for_url("**/")
    panel = page.locator("#panel-deadlines")
    start_line, first_line = open_deadline(panel, START_TITLE), open_deadline(panel, FIRST_TITLE)
    expect(start_line).to_contain_text(f"Frist {day_text(amr.start_due)}")
    expect(first_line).to_contain_text(f"Frist {day_text(amr.first_due)}")
    expect(start_line).to_contain_text("AML § 9 stk. 3")
    expect(start_line).to_contain_text(
        "Tilmeld dig et 2-dages supplerende kursus, der begynder senest 9 måneder efter dit "
        "3-dages kursus."
    )
    expect(first_line).to_contain_text(
        "Gennemfør 2 dages supplerende arbejdsmiljøuddannelse inden udgangen af dit første "
        "funktionsår."
    )

    book_the_course_in_time(page, amr)
    with tenant_scope(org_a.kommune):
        booking = Enrolment.objects.get(person=amr.person, course_date=amr.in_time)
        assert booking.status == Enrolment.Status.ENROLLED

    # The booking refreshed the AMR's deadlines at once (training.services.enrolment_book).
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        start, first = amr.deadline(START), amr.deadline(FIRST)
        assert (start.state, start.done_on, start.fulfilled_by) == ("done", today, booking)
        assert (first.state, first.due_date) == ("open", amr.first_due)

    page.goto("/")
    panel = page.locator("#panel-deadlines")
    # The start date is met: it has left the open deadlines for the recently fulfilled ones ...
    expect(open_deadline(panel, START_TITLE)).to_have_count(0)
    recent = panel.locator("details", has_text="opfyldt for nylig")
    recent.locator("summary").click()
    done_line = recent.locator("li", has_text=START_TITLE)
    expect(done_line).to_be_visible()
    expect(done_line.locator(".badge")).to_have_text("Opfyldt")
    expect(done_line).to_contain_text(f"Opfyldt {day_text(today)}")
    # ... while the course itself still has to be completed by the end of the first funktionsår.
    first_line = open_deadline(panel, FIRST_TITLE)
    expect(first_line).to_contain_text(f"Frist {day_text(amr.first_due)}")
    expect(first_line.locator(".badge")).not_to_have_text("Opfyldt")


def test_a_booking_shows_on_the_deadline_at_once(page, org_a):
    """The engine's contract (deadlines/engine.py): services refresh the deadlines of the people
    a change touches at once; the nightly run only repairs what was missed."""
    amr = Amr(org_a)
    log_in(page, "asta")
    page.wait_for_url("**/")
    book_the_course_in_time(page, amr)
    page.goto("/")
    panel = page.locator("#panel-deadlines")
    expect(panel).to_contain_text(FIRST_TITLE)
    expect(open_deadline(panel, START_TITLE)).to_have_count(0, timeout=2_000)
