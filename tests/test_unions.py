"""Unions: a kreds officer sees their consenting AMR/TR members across the kreds' kommuner —
only those, only while consent lasts — with training and deadlines (overdue first), filters,
CSV export, network groups with e-mail invitations; the person manages their own statement.

Personas: the officer of the kreds; the officer of another kreds (covering the same kommune);
a plain employee; the members themselves. Builders here are shared with test_unions_privacy.py
and test_elections.py."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.engine import evaluate_kommune
from organisations.models import Person
from training.models import Completion, CourseKind, CourseType
from unions.models import (
    Kommunegruppe,
    Kreds,
    KredsOfficer,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
    Union,
    UnionMembership,
)
from unions.selectors import followed_deadlines_q, kreds_structure, member_page, member_rows
from unions.services import (
    network_invitations_send,
    network_meeting_create,
    network_meeting_invite,
    union_consent_withdraw,
    union_membership_state,
)

from . import factories as f

# Distinctive names: the privacy tests assert they never appear anywhere HR can look.
UNION_NAME = "Unionstest Lærerforening"
KREDS_NAME = "Kreds Zulu-22"
GRUPPE_A = "Gruppe Vestzulu"
GRUPPE_B = "Gruppe Østzulu"
SECRET_STRINGS = (UNION_NAME, KREDS_NAME, GRUPPE_A, GRUPPE_B, "Yankeeforbund", "Kreds Yankee")


@dataclass
class World:
    union: Union
    kreds: Kreds
    gruppe_a: Kommunegruppe
    gruppe_b: Kommunegruppe
    other_kreds: Kreds
    officer: object
    other_officer: object


def build_world(org_a, org_b) -> World:
    union = Union.objects.create(name=UNION_NAME, short_name="ULZ")
    kreds = Kreds.objects.create(union=union, name=KREDS_NAME, email="zulu22@kreds.example")
    kreds.kommuner.add(org_a.kommune, org_b.kommune)
    gruppe_a = Kommunegruppe.objects.create(kreds=kreds, name=GRUPPE_A)
    gruppe_a.kommuner.add(org_a.kommune)
    gruppe_b = Kommunegruppe.objects.create(kreds=kreds, name=GRUPPE_B)
    gruppe_b.kommuner.add(org_b.kommune)
    other_union = Union.objects.create(name="Yankeeforbund")
    other_kreds = Kreds.objects.create(union=other_union, name="Kreds Yankee")
    other_kreds.kommuner.add(org_a.kommune)
    officer = f.user("officer_zulu")
    KredsOfficer.objects.create(user=officer, kreds=kreds)
    other_officer = f.user("officer_yankee")
    KredsOfficer.objects.create(user=other_officer, kreds=other_kreds)
    return World(union, kreds, gruppe_a, gruppe_b, other_kreds, officer, other_officer)


def join(person: Person, kreds: Kreds, consent: bool = True) -> UnionMembership:
    with tenant_scope(person.kommune_id):
        return union_membership_state(person=person, kreds=kreds, consent=consent, acting_user=None)


def member(org, first, last, role=Membership.Role.AMR, committee=None, start=None, **kwargs):
    """A person with an e-mail and a seat in the org's AMG (or `committee`)."""
    with tenant_scope(org.kommune):
        person = f.person(
            org.kommune, first, last, unit=org.workplace, email=f"{first}.{last}@x.dk".lower()
        )
        f.membership(person, committee or org.amg, role, start=start, **kwargs)
    return person


def complete_amr_course(org, person, day) -> Completion:
    """The person completed the AMR basic training (22 hours) on `day`."""
    with tenant_scope(org.kommune):
        course = CourseType.objects.create(
            kommune=org.kommune, name="AMR-grunduddannelse", kind=CourseKind.AMO_BASIC
        )
        return Completion.objects.create(
            kommune=org.kommune, person=person, course_type=course, completed_on=day, hours=22
        )


@pytest.fixture
def world(org_a, org_b) -> World:
    return build_world(org_a, org_b)


def overview_url(kreds) -> str:
    return reverse("unions:overview", args=[kreds.public_id])


def export_url(kreds) -> str:
    return reverse("unions:export", args=[kreds.public_id])


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# --- what the officer sees -----------------------------------------------------------------------


def test_it_shows_consenting_amr_and_tr_members_across_the_kreds_kommuner(
    client, org_a, org_b, world
):
    alfa = member(org_a, "Asta", "Alfamedlem")
    beta = member(org_b, "Bent", "Betamedlem", role=Membership.Role.TR)
    silent = member(org_a, "Svend", "Udensamtykke")
    seatless = member(org_a, "Sara", "Udenhverv", role=Membership.Role.MEDARBEJDERREPRAESENTANT)
    join(alfa, world.kreds)
    join(beta, world.kreds)
    join(silent, world.kreds, consent=False)
    join(seatless, world.kreds)

    client.force_login(world.officer)
    response = client.get(overview_url(world.kreds))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Asta Alfamedlem" in body and "Bent Betamedlem" in body
    assert "Alfa AMG Nord" in body and "Beta AMG Nord" in body
    assert "Alfa Skole Nord" in body  # the workplace
    assert "Tillidsrepræsentant (TR)" in body
    assert "Svend" not in body  # stated the kreds, but no consent
    assert "Sara" not in body  # consenting, but not an AMR or TR
    assert "Arne" not in body  # the fixture's AMR never stated a union


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False)
def test_each_member_row_lists_the_open_training_deadlines_most_urgent_first(client, org_a, world):
    from deadlines.engine import registry
    from deadlines.models import Deadline

    alfa = member(org_a, "Asta", "Alfamedlem")
    join(alfa, world.kreds)
    with tenant_scope(org_a.kommune):
        for rule, due in (
            ("training.amo_supplementary_yearly", datetime.date(2027, 3, 1)),
            ("training.amo_basic", datetime.date(2026, 10, 1)),
        ):
            Deadline.objects.create(
                kommune=org_a.kommune, rule=rule, key=f"t{alfa.pk}", person=alfa, due_date=due
            )
    client.force_login(world.officer)
    body = client.get(overview_url(world.kreds)).content.decode()
    basic = registry.get("training.amo_basic").render_title(Deadline(params={}))
    yearly = registry.get("training.amo_supplementary_yearly").title_plain
    overdue = f'<span class="badge overdue">Overskredet</span> {basic} – 01.10.2026'
    assert overdue in body
    assert '<span class="badge upcoming">Kommende</span>' in body and "01.03.2027" in body
    assert body.index(overdue) < body.index(yearly)


@time_machine.travel(datetime.datetime(2026, 11, 22, 12, 0), tick=False)
def test_the_overview_order_follows_the_deadlines_as_they_are_written(org_a, world):
    """The page is ordered by each member's next open training deadline or term end, kept on
    the union membership: set when the member states their kreds, moved by the engine's bulk
    writes and by a single deadline saved or deleted."""
    from deadlines.engine import refresh
    from deadlines.models import Deadline

    def order():
        structure = kreds_structure(world.kreds)
        page = member_page(structure, today=timezone.localdate())
        assert [r.person.pk for r in page.rows] == [
            r.person.pk for r in member_rows(structure, today=timezone.localdate())
        ]
        return [r.person.first_name for r in page.rows]

    def kept_and_expected(person):
        with tenant_scope(org_a.kommune):
            kept = UnionMembership.objects.get(person=person).next_due
            first = (
                Deadline.objects.filter(followed_deadlines_q(), person=person, state="open")
                .order_by("due_date")
                .values_list("due_date", flat=True)
                .first()
            )
        return kept, first

    asta = member(org_a, "Asta", "Alfa", start=datetime.date(2026, 9, 1))
    bent = member(org_a, "Bent", "Alfa", start=datetime.date(2026, 10, 1))
    with tenant_scope(org_a.kommune):
        refresh(org_a.kommune, persons=[asta, bent])
    join(asta, world.kreds)
    join(bent, world.kreds)
    for person in (asta, bent):
        kept, first = kept_and_expected(person)
        assert kept == first is not None
    assert order() == ["Asta", "Bent"]  # Asta started first: her training is due first

    # A single deadline saved: Bent has one due long before.
    with tenant_scope(org_a.kommune):
        early = Deadline.objects.create(
            kommune=org_a.kommune,
            rule="training.amo_basic",
            key=f"early{bent.pk}",
            person=bent,
            due_date=datetime.date(2026, 1, 1),
        )
    assert kept_and_expected(bent) == (datetime.date(2026, 1, 1),) * 2
    assert order() == ["Bent", "Asta"]
    with tenant_scope(org_a.kommune):
        early.delete()
    assert kept_and_expected(bent)[0] > datetime.date(2026, 1, 1)
    assert order() == ["Asta", "Bent"]
    # Neither a duty the kreds does not follow, nor one done, nor another person's moves it.
    kept = kept_and_expected(bent)[0]
    with tenant_scope(org_a.kommune):
        for rule, state, person in (
            ("committees.salary_talk", "open", bent),
            ("trainingx.amo_basic", "open", bent),
            ("training.amo_basic", "done", bent),
            ("training.amo_basic", "open", asta),
        ):
            Deadline.objects.create(
                kommune=org_a.kommune,
                rule=rule,
                key=f"{rule}{state}{person.pk}",
                person=person,
                state=state,
                due_date=datetime.date(2026, 2, 1),
            )
    assert kept_and_expected(bent) == (kept, kept)
    assert kept_and_expected(asta) == (datetime.date(2026, 2, 1),) * 2
    assert order() == ["Asta", "Bent"]

    # The engine's bulk writes: Asta completes her AMR training, her next duty moves.
    before = kept_and_expected(asta)[0]
    complete_amr_course(org_a, asta, datetime.date(2026, 11, 1))
    with tenant_scope(org_a.kommune):
        refresh(org_a.kommune, persons=[asta])
    kept, first = kept_and_expected(asta)
    assert kept == first and kept != before


def test_it_hides_a_member_at_once_when_consent_is_withdrawn(client, org_a, org_b, world):
    alfa = member(org_a, "Asta", "Alfamedlem")
    membership = join(alfa, world.kreds)
    client.force_login(world.officer)
    assert "Asta Alfamedlem" in client.get(overview_url(world.kreds)).content.decode()
    assert any("Asta Alfamedlem" in r for r in csv_rows(client.get(export_url(world.kreds))))

    with tenant_scope(org_a.kommune):
        union_consent_withdraw(membership, acting_user=None)

    assert "Asta" not in client.get(overview_url(world.kreds)).content.decode()
    rows = csv_rows(client.get(export_url(world.kreds)))
    assert rows[0][0] == "Navn" and len(rows) == 1
    assert member_rows(kreds_structure(world.kreds), today=timezone.localdate()) == []


def test_it_shows_the_officer_of_another_kreds_nothing(client, org_a, org_b, world, employee_a):
    alfa = member(org_a, "Asta", "Alfamedlem")
    join(alfa, world.kreds)

    # The other kreds covers kommune A too, but Asta chose this kreds.
    client.force_login(world.other_officer)
    for url in (overview_url(world.kreds), export_url(world.kreds)):
        assert client.get(url).status_code == 404
    own = client.get(overview_url(world.other_kreds))
    assert own.status_code == 200 and "Asta" not in own.content.decode()
    own_csv = csv_rows(client.get(export_url(world.other_kreds)))
    assert len(own_csv) == 1
    # A missing kreds looks the same as someone else's.
    missing = client.get(reverse("unions:overview", args=["00000000-0000-0000-0000-000000000000"]))
    assert missing.status_code == 404

    # A plain employee is no officer at all.
    client.force_login(employee_a)
    assert client.get(reverse("unions:index")).status_code == 404
    assert client.get(overview_url(world.kreds)).status_code == 404


def test_whether_a_user_is_an_officer_comes_with_the_user(client, org_a, world):
    """Logged in through the login form, the user is loaded with whether they are a kreds
    officer: the navigation of an employee who is none asks the database nothing more (the
    link for an officer who is also an employee: the next test)."""
    employee = member(org_a, "Asta", "Alfamedlem")
    with tenant_scope(org_a.kommune):
        employee.user = f.user("asta")
        employee.save()
    kreds_link = f'href="{reverse("unions:index")}"'
    pages = (
        (world.officer, overview_url(world.kreds), True),
        (employee.user, reverse("unions:my_union"), False),
    )
    for user, url, is_officer in pages:
        client.logout()
        login = client.post(reverse("portal:login"), {"username": user.username, "password": "pw"})
        assert login.status_code == 302
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        if not is_officer:
            assert kreds_link not in page.content.decode()
        # Apart from the user's own query (which carries the flag), only an officer's pages
        # read the officer table.
        apart = [
            q["sql"]
            for q in queries.captured_queries
            if "unions_kredsofficer" in q["sql"] and '"auth_user"' not in q["sql"]
        ]
        assert bool(apart) is is_officer


def test_it_works_for_an_officer_who_is_also_an_employee_of_one_kommune(
    client, org_a, org_b, world
):
    """The officer's view does not depend on request.kommune: an officer linked to a person in
    kommune A (so the request runs in A's scope) still sees the members in kommune B."""
    join(member(org_b, "Bent", "Betamedlem"), world.kreds)
    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "Olga", "Officer", unit=org_a.workplace, user=world.officer)
    client.force_login(world.officer)
    assert "Bent Betamedlem" in client.get(overview_url(world.kreds)).content.decode()
    home = client.get(reverse("portal:home")).content.decode()
    assert overview_url(world.kreds) in home  # the kreds panel on the portal home
    # Logged in through the form (the user loaded with the officer flag): the same, and the
    # link in the navigation.
    client.logout()
    client.post(reverse("portal:login"), {"username": world.officer.username, "password": "pw"})
    home = client.get(reverse("portal:home")).content.decode()
    assert overview_url(world.kreds) in home
    assert f'href="{reverse("unions:index")}"' in home


def test_it_sends_the_officer_from_the_index_to_their_kreds(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("unions:index"))
    assert response.status_code == 302 and response["Location"] == overview_url(world.kreds)


def test_it_filters_by_kommune_and_kommunegruppe(client, org_a, org_b, world):
    join(member(org_a, "Asta", "Alfamedlem"), world.kreds)
    join(member(org_b, "Bent", "Betamedlem"), world.kreds)
    client.force_login(world.officer)

    by_kommune = client.get(overview_url(world.kreds), {"kommune": org_a.kommune.code})
    body = by_kommune.content.decode()
    assert "Asta" in body and "Bent" not in body

    by_gruppe = client.get(overview_url(world.kreds), {"kommunegruppe": world.gruppe_b.public_id})
    body = by_gruppe.content.decode()
    assert "Bent" in body and "Asta" not in body
    exported = csv_rows(
        client.get(export_url(world.kreds), {"kommunegruppe": world.gruppe_b.public_id})
    )
    assert [r[0] for r in exported[1:]] == ["Bent Betamedlem"]
    assert exported[1][3] == GRUPPE_B

    # Another kreds' kommunegruppe is not a choice: an error, and nothing shown.
    foreign = Kommunegruppe.objects.create(kreds=world.other_kreds, name="Fremmed gruppe")
    response = client.get(overview_url(world.kreds), {"kommunegruppe": foreign.public_id})
    assert response.context["form"].errors and response.context["rows"] == []
    assert (
        client.get(export_url(world.kreds), {"kommunegruppe": foreign.public_id}).status_code == 404
    )


TODAY = datetime.date(2026, 2, 2)


def test_it_lists_members_with_overdue_training_first(client, org_a, org_b, world):
    """AML § 9 (as amended 2024): the AMR completes the 3-day arbejdsmiljøuddannelse within
    3 months of joining the AMO; an AMR elected in June 2025 without the course is overdue in
    February 2026, one elected in January 2026 is not yet — the overdue one comes first even
    though the name sorts last. The course done shows in its own column."""
    with time_machine.travel(datetime.datetime(2026, 2, 2, 10, tzinfo=datetime.UTC), tick=False):
        fresh = member(org_a, "Aase", "Aaberg", start=datetime.date(2026, 1, 5))
        late = member(org_a, "Øjvind", "Østergaard", start=datetime.date(2025, 6, 1))
        done = member(org_b, "Birte", "Bakke", start=datetime.date(2025, 6, 1))
        complete_amr_course(org_b, done, datetime.date(2025, 8, 1))
        for person in (fresh, late, done):
            join(person, world.kreds)
        for org in (org_a, org_b):
            evaluate_kommune(org.kommune)

        rows = member_rows(kreds_structure(world.kreds), today=TODAY)
        assert [r.person.last_name for r in rows][0] == "Østergaard"
        assert rows[0].overdue and rows[0].overdue[0].rule == "training.amo_basic"
        birte = next(r for r in rows if r.person.pk == done.pk)
        assert not birte.overdue
        assert [c.name for c in birte.completions] == ["AMR-grunduddannelse"]
        # The AMR term end (new election due) is among the deadlines the kreds follows.
        assert any(d.rule == "committees.amr_term_end" for d in birte.deadlines)

        client.force_login(world.officer)
        body = client.get(overview_url(world.kreds)).content.decode()
    assert body.index("Østergaard") < body.index("Aaberg")
    assert "Overskredet" in body and "AMR-grunduddannelse" in body


def add_members(org, kreds, n: int, start: int = 0) -> None:
    """n consenting AMRs in their own workplaces and AMGs, with deadlines and a course each."""
    with tenant_scope(org.kommune):
        course = CourseType.objects.filter(kind=CourseKind.AMO_BASIC).first()
        if course is None:
            course = CourseType.objects.create(
                kommune=org.kommune, name="3-dages", kind=CourseKind.AMO_BASIC
            )
        for i in range(start, start + n):
            wp = f.unit(org.kommune, f"Sted {i}", parent=org.omraade)
            amg = f.committee(org.kommune, f"AMG {i}", parent=org.med, units=[wp])
            person = f.person(org.kommune, "Per", f"Medlem{i:04d}", unit=wp, email=f"p{i}@x.dk")
            Membership.objects.create(
                kommune=org.kommune,
                person=person,
                committee=amg,
                role=Membership.Role.AMR,
                side=Membership.Side.MEDARBEJDER,
                start_date=datetime.date(2025, 1, 1),
                term_end=datetime.date(2027, 1, 1),
            )
            Completion.objects.create(
                kommune=org.kommune,
                person=person,
                course_type=course,
                completed_on=datetime.date(2025, 2, 1),
                hours=22,
            )
            UnionMembership.objects.create(
                kommune=org.kommune, person=person, kreds=kreds, consent_given_at=timezone.now()
            )
    evaluate_kommune(org.kommune)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_the_officer_pages_run_the_same_queries_for_10_and_300_members(client, org_a, org_b, world):
    add_members(org_a, world.kreds, 5)
    add_members(org_b, world.kreds, 5, start=5)
    client.force_login(world.officer)
    urls = [overview_url(world.kreds), export_url(world.kreds)]
    for url in urls:
        count_queries(client, url)  # warm caches (session, content types)
    small = [count_queries(client, url) for url in urls]
    assert len(member_rows(kreds_structure(world.kreds), today=timezone.localdate())) == 10

    add_members(org_a, world.kreds, 145, start=10)
    add_members(org_b, world.kreds, 145, start=155)
    large = [count_queries(client, url) for url in urls]
    assert len(member_rows(kreds_structure(world.kreds), today=timezone.localdate())) == 300
    assert small == large, (small, large)


def test_it_exports_one_line_per_seat_safe_for_spreadsheets(client, org_a, org_b, world):
    person = member(org_a, "=HYPERLINK(1)", "Regneark")
    with tenant_scope(org_a.kommune):
        f.membership(person, org_a.med, Membership.Role.TR)
    join(person, world.kreds)
    client.force_login(world.officer)
    response = client.get(export_url(world.kreds))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Navn", "E-mail", "Kommune"]
    assert len(rows) == 3  # one line per seat (AMR in the AMG, TR in the LokalMED)
    assert {r[6] for r in rows[1:]} == {"Alfa AMG Nord", "Alfa LokalMED Nord"}
    assert all(r[0].startswith("'=") for r in rows[1:])  # no formula runs in a spreadsheet
    # AMR term end: 2 years from 1.1.2025, the valgperiode's last day (deadlines/periods.py).
    assert rows[1][8] == "31.12.2026" or rows[2][8] == "31.12.2026"


# --- network groups and meetings -----------------------------------------------------------------


def test_a_network_meeting_invites_the_groups_consenting_members_once(
    client, org_a, org_b, world, eager_celery, django_capture_on_commit_callbacks
):
    """Seed 001: one AMR network per kommunegruppe, meetings of about 2 hours on a theme."""
    asta = member(org_a, "Asta", "Alfamedlem")
    tove = member(org_a, "Tove", "Trmedlem", role=Membership.Role.TR)  # AMR-only group
    bent = member(org_b, "Bent", "Betamedlem")  # the other kommunegruppe
    svend = member(org_a, "Svend", "Udensamtykke")
    for person in (asta, tove, bent):
        join(person, world.kreds)
    join(svend, world.kreds, consent=False)
    group = NetworkGroup.objects.create(
        kreds=world.kreds, kommunegruppe=world.gruppe_a, name="AMR-netværk Vest"
    )

    client.force_login(world.officer)
    page = client.get(reverse("unions:network", args=[world.kreds.public_id]))
    assert "AMR-netværk Vest" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("unions:meeting_new", args=[world.kreds.public_id, group.public_id]),
            {
                "day": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
                "start_time": "15:00",
                "duration_minutes": "120",
                "theme": "Støj i klasselokalet",
                "location": "Kredskontoret",
            },
        )
    assert response.status_code == 302
    meeting = NetworkMeeting.objects.get(group=group)
    assert meeting.duration == datetime.timedelta(hours=2)
    assert [m.to for m in mail.outbox] == [["asta.alfamedlem@x.dk"]]
    assert "Støj i klasselokalet" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    # The calendar invitation parses back to the meeting (RFC 5546 REQUEST).
    from icalendar import Calendar

    ((filename, ics, mimetype),) = mail.outbox[0].attachments
    assert (filename, mimetype) == ("netvaerksmoede.ics", "text/calendar; method=REQUEST")
    calendar = Calendar.from_ical(ics)
    assert calendar["method"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(hours=2)
    assert str(event["summary"]) == "AMR-netværk Vest: Støj i klasselokalet"
    assert str(event["attendee"]) == "mailto:asta.alfamedlem@x.dk"

    # A second run (a redelivered task) sends nothing; a new consenting AMR is added by "invite new".
    assert network_invitations_send(meeting.pk) == {}
    nina = member(org_a, "Nina", "Nymedlem")
    join(nina, world.kreds)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("unions:meeting", args=[world.kreds.public_id, meeting.public_id]))
    assert [m.to for m in mail.outbox][1:] == [["nina.nymedlem@x.dk"]]

    # Withdrawn consent: gone from the meeting page at once.
    with tenant_scope(org_a.kommune), scopes_disabled():
        union_consent_withdraw(UnionMembership.objects.get(person=nina), acting_user=None)
    detail = client.get(reverse("unions:meeting", args=[world.kreds.public_id, meeting.public_id]))
    assert "Asta" in detail.content.decode() and "Nina" not in detail.content.decode()


def test_an_invitation_is_not_sent_after_consent_is_withdrawn(org_a, org_b, world):
    asta = member(org_a, "Asta", "Alfamedlem")
    membership = join(asta, world.kreds)
    group = NetworkGroup.objects.create(
        kreds=world.kreds, name="Årligt møde for AMR og TR", roles=NetworkGroup.Roles.AMR_TR
    )
    meeting = network_meeting_create(
        group=group,
        starts_at=timezone.now() + datetime.timedelta(days=30),
        theme="Årsmøde",
        location="Hotel",
        acting_user=world.officer,
    )
    # Withdrawn while the invitation waits: the kreds' record of it leaves with the consent.
    with tenant_scope(org_a.kommune):
        union_consent_withdraw(membership, acting_user=None)
    assert network_invitations_send(meeting.pk) == {}
    with scopes_disabled():
        assert not NetworkInvitation.objects.exists()
    # Withdrawn in a transaction that races the send (committed after the invitation was
    # queued, before it was claimed): the send re-checks the consent and skips it.
    with tenant_scope(org_a.kommune):
        UnionMembership.objects.filter(pk=membership.pk).update(
            consent_withdrawn_at=None, consent_given_at=timezone.now()
        )
    network_meeting_invite(meeting, acting_user=world.officer)
    with tenant_scope(org_a.kommune):
        UnionMembership.objects.filter(pk=membership.pk).update(consent_withdrawn_at=timezone.now())
    assert network_invitations_send(meeting.pk) == {"skipped": 1}
    assert mail.outbox == []
    with scopes_disabled():
        assert NetworkInvitation.objects.get().state == NetworkInvitation.State.SKIPPED


def test_a_failed_invitation_is_retried_by_the_sweep_then_given_up(
    org_a, org_b, world, monkeypatch, settings, eager_celery
):
    """A failed send is recorded and retried with backoff by the outbox's sweep until
    OUTBOX_MAX_ATTEMPTS; a send that succeeds is never repeated."""
    from core import outbox

    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_MINUTES = 15
    asta = member(org_a, "Asta", "Alfamedlem")
    bent = member(org_b, "Bent", "Betamedlem")
    join(asta, world.kreds)
    join(bent, world.kreds)
    group = NetworkGroup.objects.create(kreds=world.kreds, name="AMR-netværk")
    meeting = network_meeting_create(
        group=group,
        starts_at=timezone.now() + datetime.timedelta(days=30),
        theme="Tema",
        location="Kredsen",
        acting_user=world.officer,
    )
    real_send = outbox.send_templated

    def flaky(to, *args, **kwargs):
        if "bent.betamedlem@x.dk" in to:
            raise ConnectionRefusedError("smtp down")
        return real_send(to, *args, **kwargs)

    monkeypatch.setattr(outbox, "send_templated", flaky)
    start = timezone.now()
    assert network_invitations_send(meeting.pk) == {"sent": 1, "failed": 1}
    with scopes_disabled():
        failed = NetworkInvitation.objects.get(union_membership__person=bent)
    assert (failed.state, failed.attempts) == (NetworkInvitation.State.PENDING, 1)
    assert "smtp down" in failed.last_error

    def sweep(minutes: int) -> int:
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            return outbox.sweep()["unions.network_invitation"]

    assert sweep(10) == 0  # the backoff (15 minutes) is not over: Asta's sent one is not touched
    assert sweep(16) == 1  # the second attempt
    assert sweep(40) == 0  # then 30 minutes
    assert sweep(50) == 1  # the third attempt gives up
    assert sweep(600) == 0
    with scopes_disabled():
        failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (NetworkInvitation.State.FAILED, 3)
    assert len(failed.errors) == 3
    assert [m.to for m in mail.outbox] == [["asta.alfamedlem@x.dk"]]

    # A retry that succeeds sends exactly once.
    with scopes_disabled():
        NetworkInvitation.objects.filter(pk=failed.pk).update(
            state=NetworkInvitation.State.PENDING, attempts=1
        )
    monkeypatch.setattr(outbox, "send_templated", real_send)
    assert sweep(700) == 1
    assert sweep(710) == 0
    assert [m.to for m in mail.outbox] == [["asta.alfamedlem@x.dk"], ["bent.betamedlem@x.dk"]]


def test_an_officer_cannot_use_another_kreds_kommunegruppe(client, world):
    foreign = Kommunegruppe.objects.create(kreds=world.other_kreds, name="Fremmed gruppe")
    client.force_login(world.officer)
    response = client.post(
        reverse("unions:network", args=[world.kreds.public_id]),
        {"name": "Snyd", "kommunegruppe": foreign.public_id, "roles": "amr"},
    )
    assert response.status_code == 200
    assert "kommunegruppe" in response.context["form"].errors
    assert not NetworkGroup.objects.filter(name="Snyd").exists()
    other_group = NetworkGroup.objects.create(kreds=world.other_kreds, name="Deres gruppe")
    url = reverse("unions:meeting_new", args=[world.kreds.public_id, other_group.public_id])
    assert client.get(url).status_code == 404


# --- the person's own statement ------------------------------------------------------------------


@pytest.fixture
def asta_login(org_a):
    user = f.user("asta")
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Asta", "Alfamedlem", unit=org_a.workplace, user=user)
        f.membership(person, org_a.amg, Membership.Role.AMR)
    return user, person


def test_a_person_states_their_kreds_gives_and_withdraws_consent(client, org_a, world, asta_login):
    user, person = asta_login
    only_b = Kreds.objects.create(union=world.union, name="Kreds kun B")
    only_b.kommuner.add(world.gruppe_b.kommuner.get())
    client.force_login(user)
    url = reverse("unions:my_union")
    page = client.get(url).content.decode()
    assert KREDS_NAME in page and "Kreds kun B" not in page  # only kredse covering kommune A

    # A kreds that does not cover the person's kommune is refused; nothing is saved.
    response = client.post(url, {"action": "save", "kreds": only_b.public_id, "consent": "on"})
    assert "Vælg en kreds, der dækker din kommune." in response.content.decode()
    with scopes_disabled():
        assert not UnionMembership.objects.exists()

    client.post(url, {"action": "save", "kreds": world.kreds.public_id, "consent": "on"})
    with tenant_scope(org_a.kommune):
        membership = UnionMembership.objects.get(person=person)
    assert membership.has_consent
    assert "Kredsen kan se dine hverv." in client.get(reverse("portal:home")).content.decode()
    assert member_rows(kreds_structure(world.kreds), today=timezone.localdate())

    client.post(url, {"action": "withdraw"})
    with tenant_scope(org_a.kommune):
        membership.refresh_from_db()
    assert not membership.has_consent
    assert member_rows(kreds_structure(world.kreds), today=timezone.localdate()) == []

    # Moving to another kreds never carries an old consent over.
    client.post(url, {"action": "save", "kreds": world.kreds.public_id, "consent": "on"})
    client.post(url, {"action": "save", "kreds": world.other_kreds.public_id})
    with tenant_scope(org_a.kommune):
        membership.refresh_from_db()
    assert membership.kreds == world.other_kreds and not membership.has_consent


def test_a_person_can_erase_their_statement_with_its_history(client, org_a, world, asta_login):
    user, person = asta_login
    join(person, world.kreds)
    client.force_login(user)
    client.post(reverse("unions:my_union"), {"action": "remove"})
    with tenant_scope(org_a.kommune):
        assert not UnionMembership.objects.exists()
        assert not UnionMembership.history.exists()


def test_the_own_page_needs_a_person(client, world, django_user_model):
    # A kreds officer with no person in any kommune is taken to the kreds view instead.
    client.force_login(world.officer)
    response = client.get(reverse("unions:my_union"))
    assert response.status_code == 302
    assert response["Location"] == reverse("unions:index")
    # Anyone else without a person gets the portal's "no kommune" page.
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    response = client.get(reverse("unions:my_union"))
    assert response.status_code == 403


# --- demo ----------------------------------------------------------------------------------------


def test_the_union_demo_loads_once_and_shows_only_consenting_members(client, db):
    from organisations.demo_loader import load_demo
    from unions.demo import load_union_demo

    today = datetime.date(2026, 11, 22)
    load_demo(today=today)
    load_union_demo(today)
    with scopes_disabled():
        counts = (
            UnionMembership.objects.count(),
            Kreds.objects.count(),
            NetworkMeeting.objects.count(),
        )
    load_union_demo(today)
    with scopes_disabled():
        assert (
            (UnionMembership.objects.count(), Kreds.objects.count(), NetworkMeeting.objects.count())
            == counts
            == (7, 3, 2)
        )

    kreds22 = Kreds.objects.get(name="Kreds 22")
    rows = member_rows(kreds_structure(kreds22), today=today)
    assert len(rows) == 5  # five consent to Kreds 22; one chose Hovedstaden, one did not consent
    login = client.post(reverse("portal:login"), {"username": "kreds.officer", "password": "demo"})
    assert login.status_code == 302
    response = client.get(reverse("unions:index"), follow=True)
    assert response.status_code == 200
    assert rows[0].person.full_name in response.content.decode()

    # Issue 14: the network group is one meeting short this year; the yearly meeting was held,
    # with attendance and a referat; one raised problem awaits an answer.
    from unions.cadence import kreds_cadence
    from unions.selectors import kreds_inquiries, meeting_attendance

    with time_machine.travel(datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC)):
        duties = {d.title: d for d in kreds_cadence(kreds22, year=2026)}
    assert duties["AMR-netværk Albertslund"].short
    assert not duties["Årligt møde for AMR og TR"].short
    held = NetworkMeeting.objects.get(group__kind="yearly")
    assert held.referat and len(meeting_attendance(held)) == 3
    [inquiry] = kreds_inquiries(kreds22).rows
    assert not inquiry.is_answered


# --- the superusers' admin of the union side -----------------------------------------------------


def test_superusers_maintain_unions_in_the_admin(client, org_a, org_b, world):
    admin_user = f.user("root", staff=True, superuser=True)
    client.force_login(admin_user)
    client.post(reverse("admin:choose_kommune"), {"kommune": org_a.kommune.pk})
    for model in ("union", "kreds", "kommunegruppe", "kredsofficer", "networkgroup"):
        for view in ("changelist", "add"):
            response = client.get(reverse(f"admin:unions_{model}_{view}"))
            assert response.status_code == 200, (model, view)
    assert KREDS_NAME in client.get(reverse("admin:unions_kreds_changelist")).content.decode()

    # A kommunegruppe can only hold kommuner its kreds covers.
    response = client.post(
        reverse("admin:unions_kommunegruppe_add"),
        {"kreds": world.other_kreds.pk, "name": "For bred", "kommuner": [org_b.kommune.pk]},
    )
    assert response.status_code == 200
    assert "kommuner" in response.context["adminform"].form.errors
    assert not Kommunegruppe.objects.filter(name="For bred").exists()


# --- injuries forwarded by an AMR ----------------------------------------------------------------


def test_a_forwarded_injury_reaches_only_that_kreds_until_consent_is_withdrawn(
    client, org_a, world
):
    """Seed 000: with the injured person's consent the AMR forwards the case to the kreds, which
    then sees that case only; the other kreds gets the same 404 as a missing case."""
    from incidents.models import IncidentViewLog
    from incidents.services import incident_forward, incident_forward_withdraw

    from .samples_incidents import make_incident

    with tenant_scope(org_a.kommune):
        injured = f.person(org_a.kommune, "Ida", "Skadet", unit=org_a.workplace)
        forwarded = make_incident(org_a, injured=injured, description="Faldt på trappen")
        make_incident(org_a, injured=injured, description="Ikke videresendt")
        forward = incident_forward(
            forwarded,
            kreds_public_id=world.kreds.public_id,
            consent_given_on=timezone.localdate(),
            forwarded_by=org_a.amr.person,
        )
    url = reverse("unions:incident", args=[world.kreds.public_id, forwarded.public_id])

    client.force_login(world.officer)
    page = client.get(overview_url(world.kreds))
    assert page.context["forwarded"].rows == [forwarded]
    # Its line: the date linking to the case, the kind, kommune and workplace; no health data.
    line = page.content.decode().split('<tr class="forwarded">')[1].split("</tr>")[0]
    assert f'<a href="{url}">{forwarded.occurred_on:%d.%m.%Y}</a>' in line
    assert forwarded.get_kind_display() in line and org_a.kommune.name in line
    assert forwarded.unit.name in line and "Faldt" not in line
    detail = client.get(url)
    assert detail.status_code == 200
    assert "Faldt på trappen" in detail.content.decode() and "Ida Skadet" in detail.content.decode()
    with tenant_scope(org_a.kommune):
        log = IncidentViewLog.objects.get(incident=forwarded)
    assert (log.username, log.channel) == ("officer_zulu", IncidentViewLog.Channel.KREDS)

    client.force_login(world.other_officer)
    other_url = reverse("unions:incident", args=[world.other_kreds.public_id, forwarded.public_id])
    assert client.get(other_url).status_code == 404
    assert client.get(url).status_code == 404  # not an officer of this kreds
    missing = reverse("unions:incident", args=[world.other_kreds.public_id, world.kreds.public_id])
    assert client.get(missing).status_code == 404

    with tenant_scope(org_a.kommune):
        incident_forward_withdraw(forward)
    client.force_login(world.officer)
    assert client.get(overview_url(world.kreds)).context["forwarded"].rows == []
    assert client.get(url).status_code == 404


def test_the_overview_shows_the_newest_forwarded_injuries_and_links_to_all(client, org_a, world):
    """Forwarded injuries accumulate year after year: the overview shows the newest ten and
    links to a paged list of all of them, which only the kreds' own officers can open."""
    from incidents.services import incident_forward
    from unions.selectors import FORWARDED_ON_OVERVIEW

    from .samples_incidents import make_incident

    n = FORWARDED_ON_OVERVIEW + 2
    with tenant_scope(org_a.kommune):
        injured = f.person(org_a.kommune, "Ida", "Skadet", unit=org_a.workplace)
        cases = []
        for day in range(1, n + 1):
            case = make_incident(org_a, injured=injured, occurred_on=datetime.date(2026, 3, day))
            incident_forward(
                case,
                kreds_public_id=world.kreds.public_id,
                consent_given_on=datetime.date(2026, 3, day),
                forwarded_by=org_a.amr.person,
            )
            cases.append(case)
    newest_first = [c.pk for c in reversed(cases)]
    client.force_login(world.officer)
    page = client.get(overview_url(world.kreds))
    shown = page.context["forwarded"]
    assert [c.pk for c in shown.rows] == newest_first[:FORWARDED_ON_OVERVIEW]
    assert shown.total == n
    all_url = reverse("unions:incidents", args=[world.kreds.public_id])
    assert all_url in page.content.decode()
    listing = client.get(all_url)
    assert [c.pk for c in listing.context["forwarded"].rows] == newest_first
    assert client.get(all_url, {"side": 99}).context["forwarded"].number == 1

    client.force_login(world.other_officer)
    assert client.get(all_url).status_code == 404


def test_the_overview_shows_each_kommune_at_a_glance(client, org_a, org_b, world):
    """Issue 11: how many of the kreds' members are on track, by kommune. A new AMR whose 3-day
    course is overdue is behind; one elected last week is on track; a member without consent
    is not counted at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    late = member(org_a, "Lars", "Sen", start=datetime.date.today() - datetime.timedelta(days=200))
    fresh = member(org_a, "Frida", "Ny", start=datetime.date.today() - datetime.timedelta(days=7))
    quiet = member(
        org_b, "Stig", "Stille", start=datetime.date.today() - datetime.timedelta(days=200)
    )
    for person in (late, fresh):
        join(person, world.kreds)
    join(quiet, world.kreds, consent=False)
    client.force_login(world.officer)
    client.get(overview_url(world.kreds))  # the session's first request
    with CaptureQueriesContext(connection) as small:
        page = client.get(overview_url(world.kreds)).content.decode()
    assert "1 af 2 medlemmer på rette spor" in page and "1 er bagud" in page
    assert "0 af 0 medlemmer på rette spor" in page  # kommune B: nobody consents yet
    for n in range(5):
        join(member(org_a, f"Ekstra{n}", "Medlem"), world.kreds)
    with CaptureQueriesContext(connection) as large:
        client.get(overview_url(world.kreds))
    assert len(large) == len(small)  # the same queries with more members


def test_the_glance_counts_every_kommune_while_the_list_shows_one(client, org_a, org_b, world):
    """The page reads the list and the glance in one query: filtered to kommune B, the list
    shows B's members only, the glance still counts both kommuner; a page past the end shows
    the last page; an invalid filter shows no list but the glance."""
    late = member(org_a, "Lars", "Sen", start=datetime.date.today() - datetime.timedelta(days=200))
    beta = member(org_b, "Bent", "Betamedlem")
    for person in (late, beta):
        join(person, world.kreds)
    client.force_login(world.officer)
    url = overview_url(world.kreds)
    response = client.get(url, {"kommune": org_b.kommune.code})
    page = response.content.decode()
    assert "Bent Betamedlem" in page and "Lars Sen" not in page
    assert "0 af 1 medlem på rette spor" in page and "1 er bagud" in page  # A, unfiltered
    glance = {row.kommune: (row.members, row.behind) for row in response.context["at_a_glance"]}
    assert glance[org_a.kommune] == (1, 1) and glance[org_b.kommune][0] == 1
    assert response.context["page"].total == 1
    response = client.get(url, {"kommune": org_b.kommune.code, "side": 7})
    assert response.context["page"].number == 1
    assert [r.person.pk for r in response.context["rows"]] == [beta.pk]
    invalid = client.get(url, {"kommune": "no-such-kommune"})
    assert invalid.context["rows"] == [] and "1 er bagud" in invalid.content.decode()


def test_the_member_filters_are_written_as_django_writes_them():
    """`unions.forms.PlainSelect` gives the same select as Django's, chosen option and error
    attributes included."""
    import html
    import re

    from django import forms

    from unions.forms import PlainSelect

    choices = [("", "Alle kommuner"), ("k1", "Albertslund"), ("k2", "Aabenraa & Co")]

    def normal(markup: str) -> str:
        return html.unescape(re.sub(r">\s+<", "><", str(markup)).strip())

    for value in ("", "k2", None, "ukendt"):
        attrs = {"id": "id_kommune", "aria-invalid": "true", "required": True, "hidden": False}
        ours = PlainSelect(choices=choices).render("kommune", value, attrs)
        django = forms.Select(choices=choices).render("kommune", value, attrs)
        assert normal(ours) == normal(django), value
