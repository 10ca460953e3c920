"""The personal calendar feed: a secret, revocable address (only its hash is stored); a new
address or a revocation makes the old link a 404; the feed is a valid iCalendar of the
person's meetings, cancelled ones marked so."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from core.tenancy import tenant_scope
from meetings import services
from meetings.models import CalendarFeed

from .samples_meetings import at, build_med, new_meeting

TODAY = date(2026, 2, 1)


@pytest.fixture
def w(org_a):
    with at(date(2026, 1, 5)):
        return build_med(org_a)


def feed_url(client) -> str:
    body = client.post(reverse("meetings:feed")).content.decode()
    match = re.search(r'value="(http[^"]+\.ics)"', body)
    assert match, body
    return match.group(1).removeprefix("http://testserver")


def test_it_issues_a_secret_feed_of_my_meetings(client, w, org_b):
    with at(TODAY):
        meeting = new_meeting(w, date(2026, 3, 2), location="Rådhuset")
        cancelled = new_meeting(w, date(2026, 4, 6))
        with tenant_scope(w.kommune):
            services.meeting_cancel(cancelled)
            new_meeting_elsewhere = services.meeting_create(
                committee=w.org.other_amg, date=date(2026, 3, 3)
            )
        client.force_login(w.users["rep"])
        url = feed_url(client)
        client.logout()  # calendar programs do not log in
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {meeting.ical_uid, cancelled.ical_uid}
    assert new_meeting_elsewhere.ical_uid not in events
    assert str(events[meeting.ical_uid]["location"]) == "Rådhuset"
    assert str(events[cancelled.ical_uid]["status"]) == "CANCELLED"
    assert int(events[cancelled.ical_uid]["sequence"]) == 1
    assert "METHOD" not in calendar  # published, not an invitation
    with tenant_scope(w.kommune):
        feed = CalendarFeed.objects.get(person=w.rep)
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        assert token not in feed.token_hash and len(feed.token_hash) == 64
        assert feed.last_used_at is not None


def test_a_new_address_or_revoking_makes_the_old_link_404(client, w):
    with at(TODAY):
        new_meeting(w, date(2026, 3, 2))
        client.force_login(w.users["rep"])
        first = feed_url(client)
        second = feed_url(client)
        assert first != second
        assert client.get(first).status_code == 404
        assert client.get(second).status_code == 200
        page = client.get(reverse("meetings:feed")).content.decode()
        assert second.split("/")[-1] not in page  # the address is shown once only
        client.post(reverse("meetings:feed"), {"revoke": "1"})
        assert client.get(second).status_code == 404
        assert client.get(reverse("meetings:feed_ics", args=["ukendt"])).status_code == 404
        with tenant_scope(w.kommune):
            assert not CalendarFeed.objects.filter(person=w.rep).exists()


def test_a_person_who_left_has_no_feed(client, w):
    with at(TODAY):
        client.force_login(w.users["rep"])
        url = feed_url(client)
        with tenant_scope(w.kommune):
            w.rep.left_on = TODAY
            w.rep.save(update_fields=["left_on"])
        assert client.get(url).status_code == 404


def test_a_user_without_a_person_gets_404(client, hr_a, org_a):
    client.force_login(hr_a)
    assert client.get(reverse("meetings:feed")).status_code == 404
