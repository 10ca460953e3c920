"""Issue 14: the election of an AMR/TR as a procedure — the call for candidates, candidacies,
fredsvalg, the secret ballot, the result registered as the seat, the employer's notice by e-mail
with a PDF (its sending is the protection date, AML § 9 a), the kreds told when the person
consents, the 3-day course deadline starting at once (AML § 9), every step in the history.
Also: several seats with several marks on one ballot paper, and the election of a MED
committee's employee side (medarbejderrepræsentanter: no employer's notice, no kreds notice)."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from committees.models import Membership
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from elections import services
from elections.models import Ballot, Candidacy, Election, ElectionMessage, Voter
from unions.models import ElectionNotice

from . import factories as f

TODAY = datetime.date(2026, 3, 2)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


@pytest.fixture
def staff(org_a):
    """The AMG's workplace: the leader (with e-mail), the outgoing AMR and four colleagues."""
    k = org_a.kommune
    with tenant_scope(k):
        leader = org_a.leader_person
        leader.email = "lene.leder@a.dk"
        leader.save()
        org_a.workplace.leader = leader
        org_a.workplace.save()
        amr = org_a.amr
        amr.term_end = TODAY + datetime.timedelta(days=40)
        amr.save()
        amr.person.email = "arne@a.dk"
        amr.person.save()
        people = [
            f.person(k, first, "Alfa", unit=org_a.workplace, email=f"{first.lower()}@a.dk")
            for first in ("Birte", "Carl", "Dorte", "Emil")
        ]
        hr = f.hr_user(k, "hr_valg")
    return {"leader": leader, "amr": amr, "people": people, "hr": hr}


def open_amr_election(org_a, staff, **kwargs):
    with tenant_scope(org_a.kommune), at(TODAY):
        return services.election_open(
            committee=org_a.amg,
            role=Election.Role.AMR,
            nomination_deadline=TODAY + datetime.timedelta(days=14),
            term_start=TODAY + datetime.timedelta(days=41),
            replaces=staff["amr"],
            acting_user=staff["hr"],
            **kwargs,
        )


def test_contested_election_end_to_end(
    org_a, staff, eager_celery, django_capture_on_commit_callbacks
):
    """The whole path through the services: call → candidacies → vote → count → seat → notices."""
    birte, carl, dorte, emil = staff["people"]
    with django_capture_on_commit_callbacks(execute=True):
        election = open_amr_election(org_a, staff, message="Mød op til fyraftensmødet.")
    with tenant_scope(org_a.kommune):
        voters = set(Voter.objects.filter(election=election).values_list("person_id", flat=True))
    # The leader neither votes nor stands for AMR (AML § 8: elected by and among the employees).
    assert staff["leader"].pk not in voters
    assert voters == {staff["amr"].person_id} | {p.pk for p in staff["people"]}
    calls = [m for m in mail.outbox if "opstil kandidater" in m.subject]
    assert sorted(m.to[0] for m in calls) == [
        "arne@a.dk",
        "birte@a.dk",
        "carl@a.dk",
        "dorte@a.dk",
        "emil@a.dk",
    ]
    assert "16. marts 2026" in calls[0].body and "fyraftensmødet" in calls[0].body
    mail.outbox.clear()

    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=3)):
        with django_capture_on_commit_callbacks(execute=True):
            services.candidacy_nominate(election, person=birte, by=birte, acting_user=None)
            proposed = services.candidacy_nominate(
                election, person=carl, by=dorte, acting_user=None
            )
        assert [m.to for m in mail.outbox] == [["carl@a.dk"]]
        assert "foreslået" in mail.outbox[0].subject
        services.candidacy_answer(proposed, accept=True, acting_user=None)
        # The leader cannot stand for AMR.
        with pytest.raises(ValidationError) as error:
            services.candidacy_nominate(
                election, person=staff["leader"], by=dorte, acting_user=None
            )
        assert "ikke valgbar" in str(error.value)
        # Not before the deadline has passed.
        with pytest.raises(ValidationError):
            services.nomination_close(election)

    mail.outbox.clear()
    after_deadline = TODAY + datetime.timedelta(days=15)
    with tenant_scope(org_a.kommune), at(after_deadline):
        with pytest.raises(ValidationError):
            services.candidacy_nominate(election, person=emil, by=emil, acting_user=None)
        with django_capture_on_commit_callbacks(execute=True):
            services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.VOTING
        assert election.voting_closes_on == after_deadline + datetime.timedelta(days=6)
        assert len([m for m in mail.outbox if "Stem til valget" in m.subject]) == 5
        b = Candidacy.objects.get(election=election, person=birte)
        c = Candidacy.objects.get(election=election, person=carl)
        for voter, choice in ((birte, b), (carl, c), (dorte, b), (emil, b)):
            services.ballot_cast(election, voter=voter, candidacy=choice)
        with pytest.raises(ValidationError) as error:
            services.ballot_cast(election, voter=dorte, candidacy=c)
        assert "allerede stemt" in str(error.value)
        with pytest.raises(ValidationError):
            services.ballot_cast(election, voter=staff["leader"], candidacy=c)
        # Nothing links a ballot to a voter: no voter, no time on the ballot.
        assert {field.name for field in Ballot._meta.fields} == {
            "id",
            "kommune",
            "election",
            "candidacy",
        }
        assert not hasattr(Ballot, "history") and not hasattr(Voter, "history")
        # Results only after closing.
        assert Candidacy.objects.filter(election=election, votes__isnull=False).count() == 0

    mail.outbox.clear()
    count_day = election.voting_closes_on + datetime.timedelta(days=1)
    with tenant_scope(org_a.kommune), at(count_day):
        with django_capture_on_commit_callbacks(execute=True):
            services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.ELECTED
        assert election.result["cast"] == 4 and election.result["eligible"] == 5
        assert {(c["name"], c["votes"], c["elected"]) for c in election.result["candidates"]} == {
            ("Birte Alfa", 3, True),
            ("Carl Alfa", 1, False),
        }
        seat = Membership.objects.get(person=birte, committee=org_a.amg, role=Membership.Role.AMR)
        # The term starts as agreed, the day after the outgoing AMR's term; 2 years (AML § 8).
        assert seat.start_date == TODAY + datetime.timedelta(days=41)
        assert seat.term_end is not None and seat.term_end.year == seat.start_date.year + 2
        # The employer (the workplace's leader) was e-mailed a PDF notice; its sending is the
        # protection date.
        notice = next(m for m in mail.outbox if m.to == ["lene.leder@a.dk"])
        assert "Birte Alfa er valgt som Arbejdsmiljørepræsentant" in notice.subject
        ((name, data, mimetype),) = notice.attachments
        assert mimetype == "application/pdf"
        text = pdf_text(data)
        assert "Meddelelse om valg" in text and "Birte Alfa" in text and "§ 9 a" in text
        assert seat.employer_notified_on == count_day
        # The candidates and the opener's person (none: HR has no person) got the result PDF.
        results = [m for m in mail.outbox if "Resultat af valget" in m.subject]
        assert sorted(m.to[0] for m in results) == ["birte@a.dk", "carl@a.dk"]
        result_text = pdf_text(results[0].attachments[0][1])
        assert "Birte Alfa" in result_text and "Afgivne stemmer" in result_text
        assert "Stemmeberettigede" in result_text
        # The outgoing AMR's seat ends the day before the new term.
        staff["amr"].refresh_from_db()
        assert staff["amr"].ended_on == seat.start_date - datetime.timedelta(days=1)
        # History: each step with who did it.
        reasons = [h.history_change_reason for h in election.history.order_by("history_date")]
        assert reasons == ["Valget er åbnet", "Afstemningen er åbnet", "Stemmerne er talt op"]
        assert election.history.earliest("history_date").history_user == staff["hr"]


def test_unopposed_election_starts_course_deadline_and_tells_kreds(
    org_a, staff, eager_celery, django_capture_on_commit_callbacks
):
    """Fredsvalg: one candidate for one seat is elected without a vote. The term starts at once,
    so the 3-day course deadline (AML § 9: within 3 months) starts at once; the kreds of a
    consenting member is told."""
    from tests.test_unions import world as _world  # noqa: F401  (documents the kreds setup)
    from unions.models import Kreds, Union, UnionMembership

    birte = staff["people"][0]
    with tenant_scope(org_a.kommune), at(TODAY):
        union = Union.objects.create(name="BUPL")
        kreds = Kreds.objects.create(union=union, name="Kreds 1", email="kreds1@bupl.dk")
        kreds.kommuner.add(org_a.kommune)
        UnionMembership.objects.create(
            kommune=org_a.kommune,
            person=birte,
            kreds=kreds,
            consent_given_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        election = services.election_open(
            committee=org_a.amg,
            role=Election.Role.AMR,
            nomination_deadline=TODAY + datetime.timedelta(days=7),
            term_start=TODAY + datetime.timedelta(days=7),
            seats=2,
            acting_user=staff["hr"],
        )
        services.candidacy_nominate(election, person=birte, by=birte, acting_user=None)
    close_day = TODAY + datetime.timedelta(days=8)
    with tenant_scope(org_a.kommune), at(close_day):
        with django_capture_on_commit_callbacks(execute=True):
            services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.ELECTED and election.result["unopposed"]
        seat = Membership.objects.get(person=birte, role=Membership.Role.AMR)
        assert seat.start_date == close_day
        course = Deadline.objects.get(rule="training.amo_basic", person=birte)
        assert course.due_date == datetime.date(2026, 6, 10)
        assert ElectionNotice.objects.filter(membership=seat, kreds=kreds).exists()
        assert any(m.to == ["kreds1@bupl.dk"] for m in mail.outbox)
        result = next(m for m in mail.outbox if "Resultat" in m.subject)
        assert "Fredsvalg" in pdf_text(result.attachments[0][1])


def test_no_candidates_and_validation(org_a, org_b, staff):
    with tenant_scope(org_a.kommune), at(TODAY):
        with pytest.raises(ValidationError) as error:
            services.election_open(
                committee=org_a.amg,
                role=Election.Role.AMR,
                nomination_deadline=TODAY - datetime.timedelta(days=1),
                term_start=TODAY,
                acting_user=staff["hr"],
            )
        assert (
            "Kandidatfristen kan ikke ligge før i dag."
            in error.value.message_dict["nomination_deadline"]
        )
        assert Election.objects.count() == 0 and ElectionMessage.objects.count() == 0
        election = open_amr_election(org_a, staff)
        with pytest.raises(ValidationError) as error:
            open_amr_election(org_a, staff)
        assert "allerede et valg i gang" in str(error.value)
    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=15)):
        services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.NO_CANDIDATES
        # The seat stays as it was: the term-end deadline stays open.
        staff["amr"].refresh_from_db()
        assert staff["amr"].ended_on is None


def test_tie_is_settled_by_lot(org_a, staff):
    birte, carl, dorte, emil = staff["people"]
    with tenant_scope(org_a.kommune):
        election = open_amr_election(org_a, staff)
        with at(TODAY):
            for p in (birte, carl):
                services.candidacy_nominate(election, person=p, by=p, acting_user=None)
        with at(TODAY + datetime.timedelta(days=15)):
            services.elections_advance()
            election.refresh_from_db()
            b = Candidacy.objects.get(election=election, person=birte)
            c = Candidacy.objects.get(election=election, person=carl)
            services.ballot_cast(election, voter=dorte, candidacy=b)
            services.ballot_cast(election, voter=emil, candidacy=c)
        with at(TODAY + datetime.timedelta(days=30)):
            services.elections_advance()
        election.refresh_from_db()
        assert len(election.result["lot"]) == 2
        assert sum(c["elected"] for c in election.result["candidates"]) == 1


def test_portal_pages_and_access(client, org_a, org_b, staff):
    """The pages: the eligible see and vote; another kommune's user gets the same 404 as a
    missing election; the opener needs the right to run the election."""
    birte, carl, dorte, _emil = staff["people"]
    election = open_amr_election(org_a, staff)
    with at(TODAY + datetime.timedelta(days=1)):
        _portal_pages(client, org_a, org_b, staff, election)


def _portal_pages(client, org_a, org_b, staff, election):
    dorte = staff["people"][2]
    url = reverse("elections:detail", args=[election.public_id])
    f.login_as(client, org_a, dorte, "dorte")
    page = client.get(url)
    assert page.status_code == 200 and "Opstil kandidater" in page.text
    # A colleague may not open an election; the leader may.
    new_url = reverse("elections:new", args=[org_a.amg.public_id])
    assert client.get(new_url).status_code == 404
    with tenant_scope(org_b.kommune):
        outsider = f.person(org_b.kommune, "Olga", "Beta", unit=org_b.workplace)
    client.logout()
    f.login_as(client, org_b, outsider, "olga")
    missing = reverse("elections:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404 == client.get(missing).status_code
    client.logout()
    f.login_as(client, org_a, staff["leader"], "lene")
    assert client.get(new_url).status_code == 200


def test_the_demo_has_an_election_in_progress(db):
    """The demo shows the procedure midway: Albertslund's AMG votes; the AMR login has not."""
    from django.contrib.auth import get_user_model

    from organisations.demo_loader import load_demo
    from organisations.models import Kommune

    load_demo(today=TODAY)
    kommune = Kommune.objects.get(code="albertslund")
    amr_login = get_user_model().objects.get(username="amr.albertslund")
    with tenant_scope(kommune):
        election = Election.objects.get()
        assert election.state == Election.State.VOTING
        assert election.voting_closes_on > TODAY
        assert election.candidacies.filter(state=Candidacy.State.ACCEPTED).count() == 2
        assert 0 < election.ballots.count() < election.voters.count()
        me = Voter.objects.get(election=election, person__user=amr_login)
        assert not me.has_voted
        assert not election.candidacies.filter(person__user=amr_login).exists()
        assert election.replaces is None  # a new seat: the group gets a second AMR


def test_the_term_end_deadline_leads_into_the_election(client, org_a, staff):
    """AML § 8: the AMR's term-end deadline's action opens the election of that seat; once one
    is open, it leads there."""
    from deadlines.engine import refresh
    from deadlines.selectors import deadlines_for_viewer  # noqa: F401  (the panel's reader)

    with tenant_scope(org_a.kommune), at(TODAY):
        refresh(org_a.kommune, persons=[staff["amr"].person_id], committees=[org_a.amg.pk])
        deadline = Deadline.objects.get(rule="committees.amr_term_end", person=staff["amr"].person)
        action = deadline.rule_obj.action(deadline)
    assert action.url == reverse("elections:for_deadline", args=[deadline.public_id])
    f.login_as(client, org_a, staff["amr"].person, "arne")
    with at(TODAY):
        response = client.get(action.url)
        assert response.status_code == 302
        assert f"replaces={staff['amr'].public_id}" in response.url
        form = client.get(response.url)
        assert form.status_code == 200 and str(staff["amr"].person) in form.text
        election = open_amr_election(org_a, staff)
        assert client.get(action.url).url == reverse("elections:detail", args=[election.public_id])
    # A colleague who may not open it gets the same 404 as a missing deadline.
    client.logout()
    f.login_as(client, org_a, staff["people"][0], "birte")
    with tenant_scope(org_a.kommune):
        election.delete()
    with at(TODAY):
        assert client.get(action.url).status_code == 404


@pytest.mark.parametrize("pages", ["detail", "list"])
def test_the_pages_queries_do_not_grow_with_the_electorate(client, org_a, staff, pages):
    """The election's page and the list cost the same number of queries with 5 eligible and 2
    candidates as with 35 and 8 (two data sizes, same count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    election = open_amr_election(org_a, staff)
    dorte = staff["people"][2]
    f.login_as(client, org_a, dorte, "dorte_q")
    url = (
        reverse("elections:detail", args=[election.public_id])
        if pages == "detail"
        else reverse("elections:list")
    )

    def count(candidates):
        with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=1)):
            for person in candidates:
                services.candidacy_nominate(election, person=person, by=person, acting_user=None)
        with at(TODAY + datetime.timedelta(days=1)):
            client.get(url)  # the session's first request warms what every request shares
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        return len(queries)

    small = count(staff["people"][:2])
    with tenant_scope(org_a.kommune):
        more = [
            f.person(org_a.kommune, f"Ekstra{i}", "Alfa", unit=org_a.workplace) for i in range(30)
        ]
        Voter.objects.bulk_create(
            [Voter(kommune=org_a.kommune, election=election, person=p) for p in more]
        )
    assert count(more[:6]) == small


def test_hr_sees_the_election_and_whether_its_e_mails_went_out(client, org_a, staff):
    """HR reads the election in the admin with its candidates and e-mails (an employer's notice
    that failed shows here), and changes nothing there."""
    election = open_amr_election(org_a, staff)
    client.force_login(staff["hr"])
    url = reverse("admin:elections_election_change", args=[election.pk])
    page = client.get(url)
    assert page.status_code == 200
    # One call per eligible employee, each with its state.
    assert page.text.count("Indkaldelse af kandidater") == 5
    assert "E-mails om valget" in page.text or "e-mails om valget" in page.text
    assert client.post(url, {}).status_code == 403


# --- several seats, several votes ---------------------------------------------------------------


def open_two_seat_election(org_a, staff, candidates):
    """A 2-seat AMR election of the AMG whose vote is open: `candidates` stand."""
    with tenant_scope(org_a.kommune):
        with at(TODAY):
            election = services.election_open(
                committee=org_a.amg,
                role=Election.Role.AMR,
                nomination_deadline=TODAY + datetime.timedelta(days=14),
                term_start=TODAY + datetime.timedelta(days=41),
                seats=2,
                acting_user=staff["hr"],
            )
            for p in candidates:
                services.candidacy_nominate(election, person=p, by=p, acting_user=None)
        with at(TODAY + datetime.timedelta(days=15)):
            services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.VOTING
    return election


def test_two_seats_each_voter_marks_up_to_two_and_the_votes_decide_both(org_a, staff):
    """Two seats, three candidates: each voter marks up to two different candidates on one
    ballot paper; one ballot row per mark; the two with most votes are elected (a tie between
    the two winners needs no lot)."""
    birte, carl, dorte, emil = staff["people"]
    arne = staff["amr"].person
    election = open_two_seat_election(org_a, staff, (birte, carl, dorte))
    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=16)):
        b, c, d = (Candidacy.objects.get(election=election, person=p) for p in (birte, carl, dorte))
        services.ballot_cast(election, voter=arne, candidacies=[b, c])
        services.ballot_cast(election, voter=emil, candidacies=[c, b])
        services.ballot_cast(election, voter=dorte, candidacies=[b, d])
        services.ballot_cast(election, voter=carl, candidacies=[c])  # one mark is enough
        assert Ballot.objects.filter(election=election).count() == 7
        assert Voter.objects.filter(election=election, has_voted=True).count() == 4
        with pytest.raises(ValidationError) as error:
            services.ballot_cast(election, voter=emil, candidacies=[d])
        assert "allerede stemt" in str(error.value)
    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=30)):
        services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.ELECTED
        assert election.result["cast"] == 7 and election.result["voted"] == 4
        assert election.result["lot"] == []
        assert {(c["name"], c["votes"], c["elected"]) for c in election.result["candidates"]} == {
            ("Birte Alfa", 3, True),
            ("Carl Alfa", 3, True),
            ("Dorte Alfa", 1, False),
        }
        elected = set(
            Membership.objects.filter(
                committee=org_a.amg, role=Membership.Role.AMR, ended_on__isnull=True
            ).values_list("person_id", flat=True)
        )
        assert {birte.pk, carl.pk} <= elected and dorte.pk not in elected
        text = pdf_text(services_result_pdf(election))
        assert "Har stemt" in text and "Afgivne stemmer" in text


def services_result_pdf(election):
    from elections.documents import result_pdf

    return result_pdf(election)


def test_two_seats_a_tie_for_the_second_seat_is_settled_by_lot(org_a, staff):
    birte, carl, dorte, emil = staff["people"]
    election = open_two_seat_election(org_a, staff, (birte, carl, dorte))
    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=16)):
        b, c, d = (Candidacy.objects.get(election=election, person=p) for p in (birte, carl, dorte))
        services.ballot_cast(election, voter=emil, candidacies=[b, c])
        services.ballot_cast(election, voter=staff["amr"].person, candidacies=[b, d])
    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=30)):
        services.elections_advance()
        election.refresh_from_db()
        result = {c["name"]: c for c in election.result["candidates"]}
        # Birte's 2 votes elect her; Carl and Dorte tie with 1 for the second seat: the lot.
        assert result["Birte Alfa"]["elected"]
        assert result["Carl Alfa"]["elected"] != result["Dorte Alfa"]["elected"]
        assert sorted(election.result["lot"]) == sorted([c.pk, d.pk])


def test_a_ballot_paper_with_too_many_or_repeated_marks_is_rejected_and_nothing_saved(
    client, org_a, staff
):
    birte, carl, dorte, emil = staff["people"]
    election = open_two_seat_election(org_a, staff, (birte, carl, dorte))
    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=16)):
        b, c, d = (Candidacy.objects.get(election=election, person=p) for p in (birte, carl, dorte))
        with pytest.raises(ValidationError) as error:
            services.ballot_cast(election, voter=emil, candidacies=[b, c, d])
        assert error.value.message_dict["candidacy"] == [
            "Du kan højst sætte 2 kryds, men har sat 3."
        ]
        with pytest.raises(ValidationError) as error:
            services.ballot_cast(election, voter=emil, candidacies=[b, b])
        assert error.value.message_dict["candidacy"] == [
            "Du kan kun sætte ét kryds ved hver kandidat."
        ]
        with pytest.raises(ValidationError) as error:
            services.ballot_cast(election, voter=emil, candidacies=[])
        assert error.value.message_dict["candidacy"] == ["Sæt mindst ét kryds."]
        assert Ballot.objects.filter(election=election).count() == 0
        assert not Voter.objects.get(election=election, person=emil).has_voted

    # The portal: checkboxes for two seats; three ticks give the error and save nothing.
    url = reverse("elections:detail", args=[election.public_id])
    vote_url = reverse("elections:vote", args=[election.public_id])
    f.login_as(client, org_a, emil, "emil")
    with at(TODAY + datetime.timedelta(days=16)):
        page = client.get(url)
        assert page.text.count('type="checkbox" name="candidacy"') == 3
        assert 'type="radio"' not in page.text
        ids = [str(x.public_id) for x in (b, c, d)]
        response = client.post(vote_url, {"candidacy": ids}, follow=True)
        assert "Du kan højst sætte 2 kryds, men har sat 3." in response.text
        response = client.post(vote_url, {"candidacy": [ids[0], ids[0]]}, follow=True)
        assert "Du kan kun sætte ét kryds ved hver kandidat." in response.text
        with tenant_scope(org_a.kommune):
            assert Ballot.objects.filter(election=election).count() == 0
            assert not Voter.objects.get(election=election, person=emil).has_voted
        response = client.post(vote_url, {"candidacy": ids[:2]}, follow=True)
        assert "din stemme er afgivet" in response.text
    with tenant_scope(org_a.kommune):
        assert sorted(
            Ballot.objects.filter(election=election).values_list("candidacy_id", flat=True)
        ) == sorted([b.pk, c.pk])
        assert Voter.objects.get(election=election, person=emil).has_voted


# --- the employee side of a MED committee ---------------------------------------------------------


def test_a_med_election_end_to_end(org_a, staff, eager_celery, django_capture_on_commit_callbacks):
    """The employee side of the LokalMED: elected among the employees of the units it covers, the
    leader neither votes nor stands; the seats are medarbejderrepræsentanter on the employee side
    with the kommune's term; no employer's notice and no kreds notice (those are the AMR's and
    the TR's); the MED course deadline (seed 003) starts."""
    from deadlines.engine import evaluate_kommune
    from deadlines.periods import period_last_day, term_last_day
    from unions.models import Kreds, Union, UnionMembership

    birte, carl, dorte, emil = staff["people"]
    arne = staff["amr"].person
    med = org_a.med
    with tenant_scope(org_a.kommune), at(TODAY):
        # A consenting union member stands: the kreds would be told of an AMR/TR election.
        kreds = Kreds.objects.create(
            union=Union.objects.create(name="FOA"), name="Kreds 2", email="kreds2@foa.dk"
        )
        kreds.kommuner.add(org_a.kommune)
        UnionMembership.objects.create(
            kommune=org_a.kommune,
            person=birte,
            kreds=kreds,
            consent_given_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        # Not in an AMG: it has no MED employee side.
        with pytest.raises(ValidationError) as error:
            services.election_open(
                committee=org_a.amg,
                role=Election.Role.MED,
                nomination_deadline=TODAY + datetime.timedelta(days=14),
                term_start=TODAY + datetime.timedelta(days=41),
                acting_user=staff["hr"],
            )
        assert "HovedMED-, AfdelingsMED- eller LokalMED" in error.value.message_dict["role"][0]
        with django_capture_on_commit_callbacks(execute=True):
            election = services.election_open(
                committee=med,
                role=Election.Role.MED,
                nomination_deadline=TODAY + datetime.timedelta(days=14),
                term_start=TODAY + datetime.timedelta(days=41),
                seats=2,
                acting_user=staff["hr"],
            )
        voters = set(Voter.objects.filter(election=election).values_list("person_id", flat=True))
        assert voters == {arne.pk, birte.pk, carl.pk, dorte.pk, emil.pk}
        call = next(m for m in mail.outbox if m.to == ["birte@a.dk"])
        assert "Valg af medarbejderrepræsentanter i Alfa LokalMED Nord" in call.subject
        assert "Der skal vælges medarbejderrepræsentanter i Alfa LokalMED Nord (2 pladser)" in (
            call.body
        )
        mail.outbox.clear()
        for p in (birte, carl, dorte):
            services.candidacy_nominate(election, person=p, by=p, acting_user=None)
        with pytest.raises(ValidationError) as error:
            services.candidacy_nominate(election, person=staff["leader"], by=emil, acting_user=None)
        assert "ikke valgbar" in str(error.value)

    with tenant_scope(org_a.kommune), at(TODAY + datetime.timedelta(days=15)):
        with django_capture_on_commit_callbacks(execute=True):
            services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.VOTING
        voting = next(m for m in mail.outbox if m.to == ["emil@a.dk"])
        assert "op til 2 kryds" in voting.body
        b, c, d = (Candidacy.objects.get(election=election, person=p) for p in (birte, carl, dorte))
        services.ballot_cast(election, voter=emil, candidacies=[b, d])
        services.ballot_cast(election, voter=arne, candidacies=[d, b])
        services.ballot_cast(election, voter=carl, candidacies=[c])
        with pytest.raises(ValidationError):
            services.ballot_cast(election, voter=staff["leader"], candidacies=[c])

    mail.outbox.clear()
    count_day = election.voting_closes_on + datetime.timedelta(days=1)
    with tenant_scope(org_a.kommune), at(count_day):
        with django_capture_on_commit_callbacks(execute=True):
            services.elections_advance()
        election.refresh_from_db()
        assert election.state == Election.State.ELECTED
        assert {(c["name"], c["votes"], c["elected"]) for c in election.result["candidates"]} == {
            ("Birte Alfa", 2, True),
            ("Dorte Alfa", 2, True),
            ("Carl Alfa", 1, False),
        }
        seats = Membership.objects.filter(
            committee=med, role=Membership.Role.MEDARBEJDERREPRAESENTANT
        )
        assert {s.person_id for s in seats} == {birte.pk, dorte.pk}
        for seat in seats:
            assert seat.side == Membership.Side.MEDARBEJDER
            assert seat.chosen == Membership.Chosen.ELECTED
            # The term starts as agreed and runs for the kommune's term (2 years here).
            assert seat.start_date == TODAY + datetime.timedelta(days=41)
            assert seat.term_end == term_last_day(seat.start_date, 2)
            assert seat.employer_notified_on is None
        # No employer's notice (it starts an AMR's/TR's protection) and no kreds notice.
        assert not ElectionMessage.objects.filter(
            election=election, kind=ElectionMessage.Kind.EMPLOYER
        ).exists()
        assert not ElectionNotice.objects.filter(membership__in=seats).exists()
        assert not any(m.to in (["lene.leder@a.dk"], ["kreds2@foa.dk"]) for m in mail.outbox)
        # The candidates got the result.
        results = [m for m in mail.outbox if "Resultat af valget" in m.subject]
        assert sorted(m.to[0] for m in results) == ["birte@a.dk", "carl@a.dk", "dorte@a.dk"]
        assert "Valg af medarbejderrepræsentanter" in pdf_text(results[0].attachments[0][1])
    # From the first day of the term (the daily tick): the MED course in the first funktionsår
    # (seed 003), not the AMR's 3-day course.
    start = TODAY + datetime.timedelta(days=41)
    with tenant_scope(org_a.kommune), at(start):
        evaluate_kommune(org_a.kommune, today=start)
        course = Deadline.objects.get(rule="training.med_course", person=birte)
        assert course.due_date == period_last_day(start, months=12)
        assert not Deadline.objects.filter(rule="training.amo_basic", person=birte).exists()


def test_a_med_election_is_opened_by_hr_and_the_leaders_from_the_committee(client, org_a, staff):
    """The leader of a unit the LokalMED covers opens the election of its employee side from the
    committee page; the sitting AMR and a colleague may not (the same 404 as a missing
    committee); an AMG offers no MED election."""
    med_url = reverse("elections:new", args=[org_a.med.public_id])
    f.login_as(client, org_a, staff["leader"], "lene")
    with at(TODAY):
        form = client.get(med_url)
        assert form.status_code == 200
        assert 'value="medarbejderrepraesentant"' in form.text
        # The AMG's form offers AMR and TR only; a MED election there is a 404.
        amg_url = reverse("elections:new", args=[org_a.amg.public_id])
        assert 'value="medarbejderrepraesentant"' not in client.get(amg_url).text
        assert client.get(amg_url + "?role=medarbejderrepraesentant").status_code == 404
        response = client.post(
            med_url,
            {
                "role": "medarbejderrepraesentant",
                "seats": 2,
                "nomination_deadline": "2026-03-16",
                "voting_days": 7,
                "term_start": "2026-04-01",
                "message": "",
            },
        )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        election = Election.objects.get(committee=org_a.med)
        assert election.role == Election.Role.MED and election.seats == 2
        assert election.history.get().history_user.username == "lene"
        assert staff["leader"].pk not in set(election.voters.values_list("person_id", flat=True))
    with at(TODAY):
        page = client.get(response.url)
    assert "Valg af medarbejderrepræsentanter" in page.text
    client.logout()
    for person, username in ((staff["amr"].person, "arne"), (staff["people"][0], "birte")):
        f.login_as(client, org_a, person, username)
        with at(TODAY):
            assert client.get(med_url + "?role=medarbejderrepraesentant").status_code == 404
        client.logout()
