"""Issue 14: the election of an AMR/TR as a procedure — the call for candidates, candidacies,
fredsvalg, the secret ballot, the result registered as the seat, the employer's notice by e-mail
with a PDF (its sending is the protection date, AML § 9 a), the kreds told when the person
consents, the 3-day course deadline starting at once (AML § 9), every step in the history."""

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
