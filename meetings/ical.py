"""iCalendar (RFC 5545/5546) for meeting invitations and the personal calendar feed.

One event per meeting, always with the same UID; SEQUENCE is the meeting's `sequence`, raised
by the services on every change of time, place or status, so a calendar replaces the event it
has. A cancelled meeting is sent with METHOD:CANCEL and STATUS:CANCELLED. Times are written in
UTC: every client converts them, and no VTIMEZONE table has to travel along."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from organisations.models import Person

from .models import Meeting

PRODID = "-//MED og arbejdsmiljø//Møder//DA"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"


def new_calendar(method: str | None = None, name: str | None = None) -> Calendar:
    """An empty calendar with the product's id; `method` for an invitation (REQUEST/CANCEL),
    `name` for a subscribed feed. The kreds' network meetings use it too."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def organizer_address() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    if name:
        organizer.params["cn"] = vText(name)
    return organizer


def meeting_event(
    meeting: Meeting,
    *,
    attendees: Iterable[Person] = (),
    url: str = "",
    description: str = "",
    stamp: datetime.datetime | None = None,
) -> Event:
    utc = datetime.UTC
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(utc))
    event.add("dtstart", meeting.starts_at().astimezone(utc))
    event.add("dtend", meeting.ends_at().astimezone(utc))
    event.add("summary", meeting.display_title)
    if meeting.location:
        event.add("location", meeting.location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("organizer", organizer_address())
    for person in attendees:
        if not person.email:
            continue
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    return event


def invitation(
    meeting: Meeting, *, attendees: Iterable[Person], url: str = "", description: str = ""
) -> bytes:
    """The .ics sent with the agenda (REQUEST), with a change (REQUEST, higher SEQUENCE) or
    with a cancellation (CANCEL)."""
    method = METHOD_CANCEL if meeting.is_cancelled else METHOD_REQUEST
    calendar = new_calendar(method)
    calendar.add_component(
        meeting_event(meeting, attendees=attendees, url=url, description=description)
    )
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting], *, name: str, url_for) -> bytes:
    """A subscribable calendar (no METHOD: it is published, not an invitation)."""
    calendar = new_calendar(name=name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url=url_for(meeting)))
    return calendar.to_ical()
