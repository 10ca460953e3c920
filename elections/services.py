"""The election procedure (elections/models.py), one service per step. Each validates against
the election's kommune and state, raises ValidationError with a Danish message keyed by field,
and saves nothing on error. Every step writes a history row carrying the acting user; e-mails go
through the one outbox (elections/outboxes.py) after the commit.

Who may take a step (open, nominate, vote) is decided by elections/access.py; the services check
what holds whoever asks (the state, the deadlines, the electorate)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.elections import election_register
from committees.models import Committee, CommitteeUnit, Membership
from core import outbox
from core.history import save_with_history
from deadlines.periods import term_last_day
from organisations.models import Person, Unit

from .models import Ballot, Candidacy, Election, ElectionMessage, Voter

MESSAGES = "elections.messages"


# --- who takes part ------------------------------------------------------------------------------


def electorate(committee: Committee, role: str, day: datetime.date) -> Person.objects:
    """The employees the seat covers: everyone employed on `day` in the units the committee
    covers and the units below them. An AMR is elected by and among the employees (AML § 8), so
    for an AMR the units' leaders neither vote nor stand; nor for the employee side of a MED
    committee, where the leaders sit on the ledelse side. (A TR is elected by the colleagues under
    the same overenskomst; the product does not know who they are, so the same employees are
    asked, and the union confirms the TR.)"""
    paths = list(
        Unit.objects.filter(
            pk__in=CommitteeUnit.objects.filter(committee=committee).values("unit_id")
        ).values_list("path", flat=True)
    )
    if not paths:
        return Person.objects.none()
    units = Q()
    for prefix in paths:
        units |= Q(unit__path__startswith=prefix)
    people = Person.objects.filter(units).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day),
        Q(hired_on__isnull=True) | Q(hired_on__lte=day),
    )
    if role in (Election.Role.AMR, Election.Role.MED):
        people = people.exclude(
            pk__in=Unit.objects.filter(leader__isnull=False).values("leader_id")
        )
    return people


def _message(election: Election, kind: str, people: Iterable[int] = (), **extra) -> list[int]:
    rows = ElectionMessage.objects.bulk_create(
        [
            ElectionMessage(
                kommune_id=election.kommune_id, election=election, kind=kind, person_id=p
            )
            for p in people
        ]
        or [ElectionMessage(kommune_id=election.kommune_id, election=election, kind=kind, **extra)]
    )
    pks = [row.pk for row in rows]
    outbox.enqueue(MESSAGES, pks)
    return pks


# --- opening -------------------------------------------------------------------------------------


@transaction.atomic
def election_open(
    *,
    committee: Committee,
    role: str,
    nomination_deadline: datetime.date,
    term_start: datetime.date,
    seats: int = 1,
    voting_days: int = 7,
    replaces: Membership | None = None,
    message: str = "",
    acting_user,
    today: datetime.date | None = None,
) -> Election:
    """Open an election for `role` in `committee`: the eligible employees are fixed now, and each
    is called by e-mail to put up candidates before the nomination deadline."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if role not in Election.Role.values:
        errors["role"] = _("Vælg AMR, TR eller medarbejderrepræsentant.")
    elif role == Election.Role.AMR and committee.kind not in Committee.AMO_KINDS:
        errors["role"] = _(
            "En AMR vælges til en arbejdsmiljøgruppe eller et MED-udvalg med AMO-opgaver."
        )
    elif role == Election.Role.MED and committee.kind not in Election.MED_KINDS:
        errors["role"] = _(
            "Medarbejderrepræsentanter vælges til et HovedMED-, AfdelingsMED- eller LokalMED-udvalg."
        )
    if committee.closed_on is not None:
        errors["committee"] = _("Udvalget er nedlagt.")
    if nomination_deadline < today:
        errors["nomination_deadline"] = _("Kandidatfristen kan ikke ligge før i dag.")
    if term_start < nomination_deadline:
        errors["term_start"] = _("Valgperioden kan tidligst begynde ved kandidatfristen.")
    if not 1 <= seats <= 10:
        errors["seats"] = _("Angiv mellem 1 og 10 pladser.")
    if not 1 <= voting_days <= 30:
        errors["voting_days"] = _("Afstemningen varer mellem 1 og 30 dage.")
    if replaces is not None and (replaces.committee_id != committee.pk or replaces.role != role):
        errors["replaces"] = _("Pladsen hører ikke til dette valg.")
    if Election.objects.filter(
        committee=committee, role=role, state__in=Election.OPEN_STATES
    ).exists():
        errors["role"] = _("Der er allerede et valg i gang til denne plads.")
    voters = list(electorate(committee, role, today).values_list("pk", flat=True))
    if not voters and "committee" not in errors:
        errors["committee"] = _("Udvalget dækker ingen ansatte, der kan stemme.")
    if errors:
        raise ValidationError(errors)
    election = Election(
        kommune_id=committee.kommune_id,
        committee=committee,
        role=role,
        seats=seats,
        voting_days=voting_days,
        replaces=replaces,
        message=message.strip(),
        nomination_deadline=nomination_deadline,
        term_start=term_start,
        opened_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    election.full_clean()
    save_with_history(election, acting_user, _("Valget er åbnet"))
    Voter.objects.bulk_create(
        [Voter(kommune_id=election.kommune_id, election=election, person_id=p) for p in voters]
    )
    _message(election, ElectionMessage.Kind.CALL, voters)
    return election


@transaction.atomic
def election_cancel(election: Election, *, reason: str, acting_user) -> Election:
    election = Election.objects.select_for_update().get(pk=election.pk)
    if not election.is_open:
        raise ValidationError(_("Valget er allerede afsluttet."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor valget aflyses.")})
    election.state = Election.State.CANCELLED
    election.closed_at = timezone.now()
    save_with_history(
        election, acting_user, _("Aflyst: %(reason)s") % {"reason": reason.strip()[:80]}
    )
    return election


# --- candidates ----------------------------------------------------------------------------------


def _check_nominating(election: Election, today: datetime.date) -> None:
    if election.state != Election.State.NOMINATION or today > election.nomination_deadline:
        raise ValidationError(_("Kandidatfristen er udløbet."))


@transaction.atomic
def candidacy_nominate(
    election: Election,
    *,
    person: Person,
    by: Person | None,
    acting_user,
    today: datetime.date | None = None,
) -> Candidacy:
    """Put `person` up as a candidate. Standing oneself is accepted at once; a colleague who is
    proposed is asked by e-mail and accepts or declines in the portal. Only the eligible
    employees stand, and only they (or whoever manages the election: `by` None) propose."""
    today = today or timezone.localdate()
    election = Election.objects.select_for_update().get(pk=election.pk)
    _check_nominating(election, today)
    eligible = Voter.objects.filter(election=election)
    if person.kommune_id != election.kommune_id or not eligible.filter(person=person).exists():
        raise ValidationError({"person": _("Personen er ikke valgbar ved dette valg.")})
    if by is not None and not eligible.filter(person=by).exists():
        raise ValidationError(_("Du er ikke stemmeberettiget ved dette valg."))
    candidacy = Candidacy.objects.filter(election=election, person=person).first()
    own = by is not None and by.pk == person.pk
    if candidacy is not None and candidacy.state in (
        Candidacy.State.ACCEPTED,
        Candidacy.State.PROPOSED,
    ):
        raise ValidationError(
            {"person": _("%(person)s er allerede foreslået.") % {"person": person}}
        )
    if candidacy is not None and not own:
        # A declined or withdrawn candidate is not asked again by others.
        raise ValidationError(
            {"person": _("%(person)s har sagt nej til at stille op.") % {"person": person}}
        )
    candidacy = candidacy or Candidacy(
        kommune_id=election.kommune_id, election=election, person=person
    )
    candidacy.nominated_by = (
        acting_user if getattr(acting_user, "is_authenticated", False) else None
    )
    candidacy.nominated_at = timezone.now()
    if own:
        candidacy.state = Candidacy.State.ACCEPTED
        candidacy.answered_at = timezone.now()
        save_with_history(candidacy, acting_user, _("Stiller op"))
    else:
        candidacy.state = Candidacy.State.PROPOSED
        candidacy.answered_at = None
        save_with_history(candidacy, acting_user, _("Foreslået"))
        _message(election, ElectionMessage.Kind.NOMINATED, [person.pk])
    return candidacy


@transaction.atomic
def candidacy_answer(
    candidacy: Candidacy, *, accept: bool, acting_user, today: datetime.date | None = None
) -> Candidacy:
    """The proposed colleague accepts or declines; an accepted candidate may withdraw until the
    nomination deadline."""
    today = today or timezone.localdate()
    candidacy = (
        Candidacy.objects.select_for_update().select_related("election").get(pk=candidacy.pk)
    )
    _check_nominating(candidacy.election, today)
    if accept:
        if candidacy.state == Candidacy.State.ACCEPTED:
            return candidacy
        candidacy.state = Candidacy.State.ACCEPTED
        reason = _("Har sagt ja til at stille op")
    else:
        candidacy.state = (
            Candidacy.State.WITHDRAWN
            if candidacy.state == Candidacy.State.ACCEPTED
            else Candidacy.State.DECLINED
        )
        reason = _("Stiller ikke op")
    candidacy.answered_at = timezone.now()
    save_with_history(candidacy, acting_user, reason)
    return candidacy


# --- the steps after the deadlines ----------------------------------------------------------------


@transaction.atomic
def nomination_close(election: Election, *, acting_user=None, today: datetime.date | None = None):
    """After the nomination deadline: no candidate ends the election (the seat stays empty and
    the term-end deadline stays open); no more candidates than seats are elected unopposed
    (fredsvalg); more open the secret ballot for `voting_days` days."""
    today = today or timezone.localdate()
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.state != Election.State.NOMINATION:
        return election
    if today <= election.nomination_deadline:
        raise ValidationError(_("Kandidatfristen er ikke udløbet endnu."))
    accepted = list(
        election.candidacies.filter(state=Candidacy.State.ACCEPTED).select_related("person")
    )
    # Proposals nobody answered lapse.
    for candidacy in election.candidacies.filter(state=Candidacy.State.PROPOSED):
        candidacy.state = Candidacy.State.DECLINED
        save_with_history(candidacy, acting_user, _("Ikke besvaret inden kandidatfristen"))
    if not accepted:
        election.state = Election.State.NO_CANDIDATES
        election.closed_at = timezone.now()
        election.result = {"eligible": election.voters.count(), "cast": 0, "candidates": []}
        save_with_history(election, acting_user, _("Ingen kandidater"))
        return election
    if len(accepted) <= election.seats:
        return _conclude(election, accepted, [], acting_user, today, unopposed=True)
    election.state = Election.State.VOTING
    election.voting_closes_on = today + datetime.timedelta(days=election.voting_days - 1)
    save_with_history(election, acting_user, _("Afstemningen er åbnet"))
    _message(
        election,
        ElectionMessage.Kind.VOTING,
        election.voters.values_list("person_id", flat=True),
    )
    return election


@transaction.atomic
def ballot_cast(
    election: Election,
    *,
    voter: Person,
    candidacies: Sequence[Candidacy] = (),
    candidacy: Candidacy | None = None,
    today: datetime.date | None = None,
) -> None:
    """One ballot paper of one eligible employee: at least one and at most `seats` different
    candidates (`candidacy` is the one mark of a one-seat election). The voter row is locked and
    marked; each mark is written as a ballot without the voter, without a time and without a
    history row."""
    today = today or timezone.localdate()
    marks = [*candidacies, *([candidacy] if candidacy is not None else [])]
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.state != Election.State.VOTING or today > election.voting_closes_on:
        raise ValidationError(_("Afstemningen er ikke åben."))
    row = Voter.objects.select_for_update().filter(election=election, person=voter).first()
    if row is None:
        raise ValidationError(_("Du er ikke stemmeberettiget ved dette valg."))
    if row.has_voted:
        raise ValidationError(_("Du har allerede stemt."))
    if not marks:
        raise ValidationError({"candidacy": _("Sæt mindst ét kryds.")})
    if len({c.pk for c in marks}) < len(marks):
        raise ValidationError({"candidacy": _("Du kan kun sætte ét kryds ved hver kandidat.")})
    if len(marks) > election.seats:
        # "kryds" is both singular and plural.
        raise ValidationError(
            {
                "candidacy": _("Du kan højst sætte %(n)s kryds, men har sat %(marked)s.")
                % {"n": election.seats, "marked": len(marks)}
            }
        )
    valid = set(
        Candidacy.objects.filter(
            election=election, state=Candidacy.State.ACCEPTED, pk__in=[c.pk for c in marks]
        ).values_list("pk", flat=True)
    )
    if any(c.pk not in valid for c in marks):
        raise ValidationError({"candidacy": _("Vælg en af kandidaterne.")})
    Voter.objects.filter(pk=row.pk).update(has_voted=True)
    Ballot.objects.bulk_create(
        [Ballot(kommune_id=election.kommune_id, election=election, candidacy=c) for c in marks]
    )


@transaction.atomic
def voting_close(election: Election, *, acting_user=None, today: datetime.date | None = None):
    """After the last day of the vote: count, elect the `seats` candidates with most votes (a tie
    for the last seat is settled by lot among all who have its number of votes, and the result
    says so), register the result. With several seats each mark is one vote for its candidate."""
    today = today or timezone.localdate()
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.state != Election.State.VOTING:
        return election
    if today <= election.voting_closes_on:
        raise ValidationError(_("Afstemningen er ikke slut endnu."))
    candidacies = list(
        election.candidacies.filter(state=Candidacy.State.ACCEPTED)
        .select_related("person")
        .annotate(n=Count("ballots"))
    )
    lot = random.SystemRandom()
    # Most votes first; equal votes in a random order (the lot).
    lot.shuffle(candidacies)
    candidacies.sort(key=lambda c: -c.n)
    winners = candidacies[: election.seats]
    by_lot = []
    if len(candidacies) > election.seats:
        last = winners[-1].n
        tied = [c for c in candidacies if c.n == last]
        if len(tied) > 1 and any(c not in winners for c in tied):
            by_lot = [c.pk for c in tied]
    return _conclude(election, winners, candidacies, acting_user, today, lot=by_lot)


def _conclude(election, winners, counted, acting_user, today, unopposed=False, lot=()):
    """Register the elected as members with their term, notify the employer (AMR and TR only)
    and the candidates, and write the result."""
    start = max(election.term_start, today)
    counted = counted or winners
    for candidacy in counted:
        candidacy.votes = getattr(candidacy, "n", None)
        candidacy.elected = candidacy in winners
        if candidacy.elected:
            seat = election_register(
                committee=election.committee,
                person=candidacy.person,
                role=election.role,
                start_date=start,
                term_end=_term_end(election, start),
                employer_notified_on=None,
                employer_notice_pending=election.notifies_employer,
                acting_user=acting_user,
            )
            candidacy.membership = seat
            if election.notifies_employer:
                # The notice starts an AMR's or TR's protection (AML § 9 a, the TR-aftale); a
                # medarbejderrepræsentant's seat has no such notice (Election.NOTIFIED_ROLES).
                _message(election, ElectionMessage.Kind.EMPLOYER, membership=seat)
        save_with_history(
            candidacy, acting_user, _("Valgt") if candidacy.elected else _("Ikke valgt")
        )
    if election.replaces_id and election.replaces.ended_on is None:
        old = election.replaces
        if old.person_id not in {c.person_id for c in winners}:
            # The outgoing representative's seat ends the day before the new term (a re-elected
            # one's seat was continued by election_register).
            from committees.services import membership_save

            old.ended_on = max(old.start_date, start - datetime.timedelta(days=1))
            membership_save(old, acting_user=acting_user)
    election.state = Election.State.ELECTED
    election.closed_at = timezone.now()
    election.result = {
        "unopposed": unopposed,
        "lot": list(lot),
        "eligible": election.voters.count(),
        # The marks; with several seats a voter marks up to `seats` candidates, so the number
        # of voters who voted is kept beside it.
        "cast": election.ballots.count(),
        "voted": election.voters.filter(has_voted=True).count(),
        "term_start": start.isoformat(),
        "candidates": [
            {"id": c.pk, "name": c.person.full_name, "votes": c.votes, "elected": c.elected}
            for c in counted
        ],
    }
    save_with_history(
        election, acting_user, _("Valgt ved fredsvalg") if unopposed else _("Stemmerne er talt op")
    )
    _message(
        election,
        ElectionMessage.Kind.RESULT,
        {c.person_id for c in counted} | _opener_people(election),
    )
    return election


def _term_end(election: Election, start: datetime.date) -> datetime.date | None:
    """The elected seat's last day. An AMR's term defaults in committees.services (AML § 8: the
    kommune's AMR term); a TR's has none. The employee side of a MED committee gets the
    kommune's AMR term (2–4 years) too: the seeds set no MED term of their own, and so the
    employee side is re-elected with the AMRs it works beside (in the enstrenget structure the
    MED committee is also the arbejdsmiljøudvalg). HR may change a seat's term end in the admin."""
    if election.role != Election.Role.MED:
        return None
    return term_last_day(start, election.kommune.amr_term_years)


def _opener_people(election: Election) -> set[int]:
    if election.opened_by_id is None:
        return set()
    return set(Person.objects.filter(user_id=election.opened_by_id).values_list("pk", flat=True))


def elections_advance(today: datetime.date | None = None) -> list[int]:
    """In a kommune's scope (the beat's tick): close every nomination and every vote whose last
    day has passed. Each election in its own transaction."""
    today = today or timezone.localdate()
    done = []
    for pk in Election.objects.filter(
        state=Election.State.NOMINATION, nomination_deadline__lt=today
    ).values_list("pk", flat=True):
        nomination_close(Election(pk=pk), today=today)
        done.append(pk)
    for pk in Election.objects.filter(
        state=Election.State.VOTING, voting_closes_on__lt=today
    ).values_list("pk", flat=True):
        voting_close(Election(pk=pk), today=today)
        done.append(pk)
    return done


@transaction.atomic
def employer_notified(message: ElectionMessage, day: datetime.date) -> None:
    """The outbox sent the employer's notice: the representative's protection runs from today."""
    from committees.services import membership_save

    seat = Membership.objects.select_for_update().filter(pk=message.membership_id).first()
    if seat is None or seat.employer_notified_on is not None:
        return
    seat.employer_notified_on = day
    membership_save(seat, acting_user=None)


def turnout(election: Election) -> tuple[int, int]:
    counts = election.voters.aggregate(
        eligible=Count("pk"), voted=Count("pk", filter=Q(has_voted=True))
    )
    return counts["eligible"], counts["voted"]
