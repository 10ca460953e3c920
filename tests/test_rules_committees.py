"""The rules of the MED and arbejdsmiljø organisation itself (committees/rules.py), each against
its legal source, with frozen time.

Data is written through the services (they refresh the deadlines at the frozen "now"); the nightly
full evaluation is then run for the day under test with `evaluate(Context(kommune, day))`."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from committees.models import AmoProposal, Committee, Membership, ObligationWaiver
from committees.services import (
    committee_save,
    membership_save,
    obligation_waive,
    obligation_waiver_withdraw,
    proposal_save,
)
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from deadlines.periods import term_last_day
from deadlines.services import deadline_mark_done
from organisations.models import Kommune, Person
from organisations.services import person_save

from . import factories as f

Role = Membership.Role
State = Deadline.State

DISCUSSION = "committees.yearly_amo_discussion"
SICKNESS = "committees.sickness_statistics"
WELLBEING = "committees.wellbeing_survey"
STRATEGY = "committees.strategy_plan"
MIDTERM = "committees.strategy_midterm"
OBLIGATION = "committees.hovedmed_obligation"
AMR_TERM = "committees.amr_term_end"
SALARY = "committees.salary_talk"
PROPOSAL = "committees.proposal_answer"
# The rules this module proves (test_engine checks that every registered rule is covered).
COVERED = {
    DISCUSSION,
    SICKNESS,
    WELLBEING,
    STRATEGY,
    MIDTERM,
    OBLIGATION,
    AMR_TERM,
    SALARY,
    PROPOSAL,
}

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
ESTABLISHED = date(2024, 1, 1)


def at(day: date):
    """Freeze the clock at noon (Copenhagen) of `day`: the services refresh as of that day."""
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


@dataclass
class Tree:
    kommune: Kommune
    hoved: Committee
    afd: Committee
    lokal: Committee
    pm: Committee
    amg: Committee
    trio: Committee
    adhoc: Committee

    def all(self) -> list[Committee]:
        return [self.hoved, self.afd, self.lokal, self.pm, self.amg, self.trio, self.adhoc]


@pytest.fixture
def t(db):
    """A kommune with one committee of each kind, established 1 January 2024; clock at 1.1.2025."""
    with at(date(2025, 1, 1)):
        k = f.kommune("udvalgskommune")
        with tenant_scope(k):
            est = {"established_on": ESTABLISHED}
            hoved = f.committee(k, "HovedMED", Committee.Kind.HOVEDMED, **est)
            afd = f.committee(k, "AfdelingsMED", Committee.Kind.AFDELINGSMED, parent=hoved, **est)
            lokal = f.committee(k, "LokalMED", Committee.Kind.LOKALMED, parent=afd, **est)
            pm = f.committee(k, "Personalemøde", Committee.Kind.PERSONALEMOEDE, parent=afd, **est)
            amg = f.committee(k, "AMG", Committee.Kind.AMG, parent=lokal, **est)
            trio = f.committee(k, "TRIO", Committee.Kind.TRIO, parent=amg, **est)
            adhoc = f.committee(k, "Ad hoc", Committee.Kind.ADHOC, parent=hoved, **est)
            yield Tree(k, hoved, afd, lokal, pm, amg, trio, adhoc)


def person(t: Tree, first="Anna") -> Person:
    return f.person(t.kommune, first, unit=f.unit(t.kommune, f"Arbejdsplads {first}"))


def seat(p: Person, committee: Committee, role=Role.AMR, start=date(2025, 1, 1), **kwargs):
    return f.membership(p, committee, role, start=start, **kwargs)


def run(t: Tree, today: date, *codes: str):
    rules = [registry.get(code) for code in codes] or None
    return evaluate(Context(t.kommune, today), rules=rules)


def rows(code: str, **filters) -> dict[str, Deadline]:
    return {row.key: row for row in Deadline.objects.filter(rule=code, **filters)}


def live(code: str, **filters) -> dict[str, Deadline]:
    return {k: r for k, r in rows(code, **filters).items() if r.state != State.CANCELLED}


def committees_with(code: str) -> set[str]:
    return {r.committee.kind for r in live(code).values()}


# --- recurring duties of committees --------------------------------------------------------------


def test_the_yearly_arbejdsmiljoedroeftelse_is_held_at_every_amo_level(t):
    """AML § 6 d; BEK nr. 65 af 22.01.2024 § 4; seeds 002, 003: every level of the AMO
    (HovedMED, AfdelingsMED, AMG — not LokalMED, personalemøde or TRIO) holds the yearly
    arbejdsmiljødrøftelse, the first due 12 months after the committee was established."""
    run(t, date(2025, 1, 1), DISCUSSION)
    assert committees_with(DISCUSSION) == {"hovedmed", "afdelingsmed", "amg"}
    row = live(DISCUSSION, committee=t.amg)[f"c{t.amg.pk}#1"]
    assert (row.due_date, row.state, row.person_id) == (date(2025, 1, 1), "open", None)


@pytest.mark.parametrize(
    ("done_on", "next_due"),
    [
        (date(2025, 3, 10), date(2026, 3, 10)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # marked done on 29 February
        (date(2025, 5, 31), date(2026, 5, 31)),
    ],
)
def test_the_next_arbejdsmiljoedroeftelse_is_due_12_months_after_the_last_was_done(
    t, done_on, next_due
):
    """AML § 6 d; BEK § 4: "hvert år": the next cycle is due 12 months after the previous one
    was marked done; the done cycle stays done."""
    run(t, date(2025, 1, 1), DISCUSSION)
    first = live(DISCUSSION, committee=t.amg)[f"c{t.amg.pk}#1"]
    deadline_mark_done(first, done_on=done_on, note="Referat")
    found = {k: (r.state, r.due_date) for k, r in rows(DISCUSSION, committee=t.amg).items()}
    assert found == {
        f"c{t.amg.pk}#1": ("done", date(2025, 1, 1)),
        f"c{t.amg.pk}#2": ("open", next_due),
    }
    assert run(t, date(2025, 6, 1), DISCUSSION).changed == 0


def test_sickness_statistics_are_presented_yearly_to_the_local_med(t):
    """Aftale om trivsel og sundhed; seed 003: "Institutionsledelsen skal årligt fremlægge en
    institutionsbaseret sygefraværsstatistik for det lokale MED-udvalg" — LokalMED and
    personalemøde med MED-status."""
    run(t, date(2025, 1, 1), SICKNESS)
    assert committees_with(SICKNESS) == {"lokalmed", "personalemoede"}
    row = live(SICKNESS, committee=t.pm)[f"c{t.pm.pk}#1"]
    deadline_mark_done(row, done_on=date(2025, 4, 30))
    assert live(SICKNESS, committee=t.pm)[f"c{t.pm.pk}#2"].due_date == date(2026, 4, 30)


def test_the_trivselsmaaling_is_due_every_36_months(t):
    """Trivselsaftalen § 3: a trivselsmåling at least every 3 years, for the whole kommune
    (HovedMED)."""
    run(t, date(2025, 1, 1), WELLBEING)
    assert committees_with(WELLBEING) == {"hovedmed"}
    row = live(WELLBEING)[f"c{t.hoved.pk}#1"]
    assert row.due_date == date(2027, 1, 1)
    deadline_mark_done(row, done_on=date(2026, 11, 30))
    assert live(WELLBEING)[f"c{t.hoved.pk}#2"].due_date == date(2029, 11, 30)


def test_strategiplan_every_2_years_with_a_midterm_review_after_12_months(t):
    """Seed 002 (Aabenraa § 3 stk. 3): HovedMED makes a strategiplan every second year; midway
    it reviews the goals. The midterm review is due 12 months after a plan was made; the next
    plan 24 months after it; a new plan replaces the old plan's review if it was not held."""
    run(t, date(2025, 1, 1), STRATEGY, MIDTERM)
    assert committees_with(STRATEGY) == {"hovedmed"}
    assert live(STRATEGY)[f"c{t.hoved.pk}#1"].due_date == date(2026, 1, 1)
    assert rows(MIDTERM) == {}  # no plan yet, no review

    deadline_mark_done(live(STRATEGY)[f"c{t.hoved.pk}#1"], done_on=date(2025, 3, 31))
    assert live(STRATEGY)[f"c{t.hoved.pk}#2"].due_date == date(2027, 3, 31)
    midterm = rows(MIDTERM)[f"c{t.hoved.pk}:plan1"]
    assert (midterm.state, midterm.due_date) == ("open", date(2026, 3, 31))

    deadline_mark_done(live(STRATEGY)[f"c{t.hoved.pk}#2"], done_on=date(2026, 2, 28))
    found = {k: (r.state, r.due_date) for k, r in rows(MIDTERM).items()}
    assert found == {
        f"c{t.hoved.pk}:plan1": ("cancelled", date(2026, 3, 31)),
        f"c{t.hoved.pk}:plan2": ("open", date(2027, 2, 28)),
    }
    deadline_mark_done(rows(MIDTERM)[f"c{t.hoved.pk}:plan2"], done_on=date(2027, 1, 5))
    assert rows(MIDTERM)[f"c{t.hoved.pk}:plan2"].state == "done"
    assert run(t, date(2027, 2, 1), STRATEGY, MIDTERM).changed == 0


def test_a_closed_committee_cancels_its_duties(t):
    """AML § 6 d, BEK § 4 (and every committee duty): a committee that is closed has no more
    duties; its open deadlines are cancelled, the done ones stay."""
    run(t, date(2025, 1, 1))
    deadline_mark_done(live(DISCUSSION, committee=t.hoved)[f"c{t.hoved.pk}#1"], done_on=ESTABLISHED)
    obligation_waive(committee=t.hoved, obligation="A", agreed_on=ESTABLISHED, decision="Enige")
    proposal_save(
        AmoProposal(
            kommune=t.kommune,
            committee=t.hoved,
            title="Støjdæmpning",
            submitted_on=ESTABLISHED,
            outcome=AmoProposal.Outcome.NOT_FOLLOWED,
            decided_on=ESTABLISHED,
        )
    )
    t.hoved.closed_on = date(2025, 2, 1)
    committee_save(t.hoved)
    states = {(r.rule, r.key): r.state for r in Deadline.objects.filter(committee=t.hoved)}
    assert states[(DISCUSSION, f"c{t.hoved.pk}#1")] == "done"
    others = {
        key: state for key, state in states.items() if key != (DISCUSSION, f"c{t.hoved.pk}#1")
    }
    assert set(others.values()) == {"cancelled"}  # the waived obligation A included
    ours = [key for key in others if key[0] in COVERED]
    assert len(ours) == 1 + 1 + 1 + 11 + 1  # discussion #2, trivsel, strategi, A–K, proposal
    assert run(t, date(2025, 3, 1)).changed == 0


# --- HovedMED obligations A–K --------------------------------------------------------------------


def test_hovedmed_has_eleven_obligations_a_to_k_each_cycle(t):
    """Seed 003 (Albertslund 26.10.2020): HovedMED's obligations A–K under the framework
    agreements, handled yearly: 11 deadlines per HovedMED, each with its agreement as source."""
    run(t, date(2025, 1, 1), OBLIGATION)
    found = live(OBLIGATION)
    assert sorted(found) == sorted(f"c{t.hoved.pk}:{letter}#1" for letter in "ABCDEFGHIJK")
    assert {r.committee_id for r in found.values()} == {t.hoved.pk}
    assert {r.due_date for r in found.values()} == {date(2025, 1, 1)}
    b = found[f"c{t.hoved.pk}:B#1"]
    assert b.params["source"] == "Aftale om trivsel og sundhed på arbejdspladsen § 5"
    assert b.title == "HovedMED-opgave B: Budgettets konsekvenser for arbejds- og personaleforhold"
    # Handling one obligation moves only that one to its next cycle.
    deadline_mark_done(b, done_on=date(2025, 9, 30))
    found = live(OBLIGATION)
    assert len(found) == 12
    assert found[f"c{t.hoved.pk}:B#2"].due_date == date(2026, 9, 30)
    assert found[f"c{t.hoved.pk}:C#1"].state == "open"


@pytest.mark.parametrize("letter", ["A", "H", "I"])
def test_obligations_a_h_i_can_be_waived_and_the_duty_returns_when_withdrawn(t, letter):
    """Seed 003: "Hovedudvalget kan aftale at fravige punkt A, H og I, såfremt der er enighed i
    udvalget herom. Hvis en af parterne ... ikke længere ønsker at fravige ..., genindtræder
    forpligtelsen" — waived while agreed; open again at once when either side withdraws."""
    run(t, date(2025, 1, 1), OBLIGATION)
    key = f"c{t.hoved.pk}:{letter}#1"
    waiver = obligation_waive(
        committee=t.hoved, obligation=letter, agreed_on=date(2024, 12, 1), decision="Enige"
    )
    found = live(OBLIGATION)
    assert found[key].state == "waived"
    assert [r.state for k, r in found.items() if k != key] == ["open"] * 10
    obligation_waiver_withdraw(
        waiver, side=Membership.Side.MEDARBEJDER, withdrawn_on=date(2025, 1, 1)
    )
    assert rows(OBLIGATION)[key].state == "open"
    assert run(t, date(2025, 1, 1), OBLIGATION).changed == 0


def test_a_waiver_agreed_in_the_future_is_not_yet_in_force(t):
    """Seed 003: the waiver is a decision of HovedMED; it applies from the day agreed."""
    obligation_waive(committee=t.hoved, obligation="H", agreed_on=date(2025, 3, 1), decision="-")
    run(t, date(2025, 2, 28), OBLIGATION)
    assert rows(OBLIGATION)[f"c{t.hoved.pk}:H#1"].state == "open"
    run(t, date(2025, 3, 1), OBLIGATION)
    assert rows(OBLIGATION)[f"c{t.hoved.pk}:H#1"].state == "waived"


def test_a_withdrawal_dated_ahead_returns_the_duty_on_that_day(t):
    """Seed 003: "genindtræder forpligtelsen" when a side withdraws — from the day it does: a
    withdrawal registered today for next month leaves the duty waived until then, and the
    service's refresh agrees with the nightly evaluation."""
    waiver = obligation_waive(
        committee=t.hoved, obligation="I", agreed_on=date(2024, 6, 1), decision="Enige"
    )
    obligation_waiver_withdraw(waiver, side=Membership.Side.LEDELSE, withdrawn_on=date(2025, 2, 1))
    assert rows(OBLIGATION)[f"c{t.hoved.pk}:I#1"].state == "waived"
    assert run(t, date(2025, 1, 1), OBLIGATION).changed == 0


@pytest.mark.parametrize("letter", ["B", "C", "D", "E", "F", "G", "J", "K"])
def test_obligations_b_c_e_f_g_j_k_cannot_be_waived(t, letter):
    """Seed 003: "Følgende af ovenstående punkter er obligatoriske og kan derfor ikke fraviges
    ved lokal aftale: B, C, E, F, G, J og K" (D is listed as waivable neither)."""
    waiver = ObligationWaiver(
        kommune=t.kommune,
        committee=t.hoved,
        obligation=letter,
        agreed_on=date(2025, 1, 1),
        decision="Enige",
    )
    with pytest.raises(ValidationError) as error:
        waiver.full_clean()
    assert "obligation" in error.value.message_dict
    with pytest.raises(ValidationError):
        obligation_waive(committee=t.hoved, obligation=letter, agreed_on=ESTABLISHED, decision="-")
    assert not ObligationWaiver.objects.exists()


def test_only_hovedmed_can_waive(t):
    """Seed 003: the waiver is HovedMED's ("Hovedudvalget kan aftale at fravige")."""
    with pytest.raises(ValidationError) as error:
        obligation_waive(committee=t.afd, obligation="A", agreed_on=ESTABLISHED, decision="-")
    assert "committee" in error.value.message_dict


# --- AMR term --------------------------------------------------------------------------------------


def test_the_amr_election_is_due_at_the_end_of_the_2_year_term(t):
    """AML § 8; BEK om samarbejde om sikkerhed og sundhed: the AMR is elected for 2 years (the
    kommune's amr_term_years, 2–4); a new election is due when the term ends."""
    p = person(t)
    m = seat(p, t.amg, Role.AMR, start=date(2024, 2, 29))
    assert m.term_end == date(2026, 2, 28)
    row = live(AMR_TERM)[f"m{m.pk}"]
    assert (row.due_date, row.state, row.person_id, row.committee_id) == (
        date(2026, 2, 28),
        "open",
        p.pk,
        t.amg.pk,
    )
    t.kommune.amr_term_years = 4
    t.kommune.save()
    q = person(t, "Bo")
    m4 = seat(q, t.amg, Role.AMR, start=date(2025, 1, 1))
    # The valgperiode's last day (deadlines/periods.py): 4 years from 1.1.2025 end 31.12.2028.
    assert live(AMR_TERM)[f"m{m4.pk}"].due_date == date(2028, 12, 31)


def test_the_amr_term_is_fulfilled_by_the_same_person_reelected(t):
    """AML § 8: re-electing the same AMR fulfils the election due at the term's end."""
    p = person(t)
    old = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    old.ended_on = date(2027, 1, 1)
    membership_save(old)
    new = seat(p, t.amg, Role.AMR, start=date(2027, 1, 1))
    row = rows(AMR_TERM)[f"m{old.pk}"]
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2027, 1, 1), new)
    assert rows(AMR_TERM)[f"m{new.pk}"].due_date == date(2028, 12, 31)
    assert run(t, date(2027, 1, 2), AMR_TERM).changed == 0


def test_the_amr_election_is_due_on_the_last_day_of_the_valgperiode(t):
    """AML § 8; deadlines.periods (one definition of a period's end): a 2-year valgperiode from
    1 January 2025 runs to and including 31 December 2026 (term_last_day); the election is due
    on that last day, and the re-elected seat from the next day, 1 January 2027, continues the
    tenure without a gap and fulfils it."""
    p = person(t)
    old = seat(
        p, t.amg, Role.AMR, start=date(2025, 1, 1), term_end=term_last_day(date(2025, 1, 1), 2)
    )
    row = rows(AMR_TERM)[f"m{old.pk}"]
    assert (row.due_date, row.state) == (date(2026, 12, 31), "open")
    old.ended_on = old.term_end
    membership_save(old)
    new = seat(
        p, t.amg, Role.AMR, start=date(2027, 1, 1), term_end=term_last_day(date(2027, 1, 1), 2)
    )
    row = rows(AMR_TERM)[f"m{old.pk}"]
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2027, 1, 1), new)
    assert rows(AMR_TERM)[f"m{new.pk}"].due_date == date(2028, 12, 31)
    assert run(t, date(2027, 1, 2), AMR_TERM).changed == 0


def test_the_amr_term_is_fulfilled_by_a_successor_at_once(t):
    """AML § 8: electing someone else as AMR in the committee fulfils the predecessor's
    election deadline — at once, when the successor's seat is saved (not only at night)."""
    p, q = person(t), person(t, "Bo")
    old = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    old.ended_on = date(2026, 12, 31)
    membership_save(old)
    assert rows(AMR_TERM)[f"m{old.pk}"].state == "open"
    successor = seat(q, t.amg, Role.AMR, start=date(2026, 12, 15))
    row = rows(AMR_TERM)[f"m{old.pk}"]
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2026, 12, 15), successor)
    assert run(t, date(2027, 1, 2), AMR_TERM).changed == 0


def test_a_second_amr_joining_is_no_successor(t):
    """AML § 8: a committee may have several AMRs; a new AMR who joins while the first one still
    sits does not hold the first one's election."""
    p, q = person(t), person(t, "Bo")
    first = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    seat(q, t.amg, Role.AMR, start=date(2026, 9, 1))
    assert rows(AMR_TERM)[f"m{first.pk}"].state == "open"
    assert run(t, date(2027, 1, 2), AMR_TERM).changed == 0


def test_the_amr_term_lapses_when_the_seat_ends_without_a_successor(t):
    """AML § 8: when the AMR leaves the seat and nobody is elected, there is no re-election of
    that seat to hold (the structural check shows the missing AMR): the deadline is cancelled."""
    p = person(t)
    m = seat(p, t.amg, Role.AMR, start=date(2025, 1, 1))
    m.ended_on = date(2026, 6, 1)
    membership_save(m)
    run(t, date(2026, 5, 31), AMR_TERM)
    assert rows(AMR_TERM)[f"m{m.pk}"].state == "open"  # still sitting until 1 June
    run(t, date(2026, 6, 1), AMR_TERM)
    assert rows(AMR_TERM)[f"m{m.pk}"].state == "cancelled"


def test_the_amr_term_lapses_when_the_person_leaves_or_the_committee_closes(t):
    """AML § 8: the election concerns a sitting AMR of an existing committee."""
    p, q = person(t), person(t, "Bo")
    mp = seat(p, t.amg, Role.AMR)
    other_amg = f.committee(t.kommune, "AMG 2", parent=t.lokal)
    mq = seat(q, other_amg, Role.AMR)
    p.left_on = date(2025, 1, 1)
    person_save(p)
    other_amg.closed_on = date(2025, 1, 1)
    committee_save(other_amg)
    assert rows(AMR_TERM)[f"m{mp.pk}"].state == "cancelled"
    assert rows(AMR_TERM)[f"m{mq.pk}"].state == "cancelled"


# --- Salary talk --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elected", "due"),
    [
        (date(2025, 3, 31), date(2027, 3, 31)),
        (date(2024, 2, 29), date(2026, 2, 28)),  # elected on 29 February
    ],
)
def test_the_salary_talk_is_due_2_years_after_first_election(t, elected, due):
    """Seed 003: "Senest to år efter at medarbejderrepræsentanten er valgt første gang drøftes
    lønsammensætningen for den enkelte." """
    p = person(t)
    seat(p, t.lokal, Role.MEDARBEJDERREPRAESENTANT, start=elected)
    run(t, date(2025, 4, 1), SALARY)
    row = rows(SALARY)[f"p{p.pk}"]
    assert (row.due_date, row.state, row.unit_id) == (due, "open", p.unit_id)


@pytest.mark.parametrize(
    ("committee", "role", "chosen", "wanted"),
    [
        ("lokal", Role.MEDARBEJDERREPRAESENTANT, "elected", True),
        ("amg", Role.AMR, "elected", True),
        ("pm", Role.TR, "elected", True),
        ("lokal", Role.MEDARBEJDERREPRAESENTANT, "appointed", False),
        ("lokal", Role.LEDELSESREPRAESENTANT, "elected", False),
        ("trio", Role.TR, "elected", False),
        ("lokal", Role.SEKRETAER, "elected", False),
    ],
)
def test_the_salary_talk_is_for_elected_employee_representatives(
    t, committee, role, chosen, wanted
):
    """Seed 003: the talk is for the medarbejderrepræsentant — elected, on the employee side
    (a TRIO is a forum, not an election)."""
    p = person(t)
    seat(p, getattr(t, committee), role, chosen=chosen)
    run(t, date(2025, 2, 1), SALARY)
    assert bool(live(SALARY, person=p)) is wanted


def test_the_salary_talk_counts_from_the_first_election_ever(t):
    """Seed 003: "valgt første gang": re-election (with or without a gap) does not move it; the
    deadline lapses while the person holds no seat, and returns when re-elected."""
    p = person(t)
    first = seat(p, t.lokal, Role.MEDARBEJDERREPRAESENTANT, start=date(2025, 1, 1))
    first.ended_on = date(2025, 6, 1)
    membership_save(first)
    run(t, date(2025, 7, 1), SALARY)
    assert rows(SALARY)[f"p{p.pk}"].state == "cancelled"
    seat(p, t.afd, Role.MEDARBEJDERREPRAESENTANT, start=date(2025, 9, 1))
    run(t, date(2025, 9, 1), SALARY)
    row = rows(SALARY)[f"p{p.pk}"]
    assert (row.state, row.due_date) == ("open", date(2027, 1, 1))
    deadline_mark_done(row, done_on=date(2026, 5, 5), note="Samtale holdt")
    assert run(t, date(2026, 6, 1), SALARY).changed == 0
    assert rows(SALARY)[f"p{p.pk}"].state == "done"


# --- BEK § 30 stk. 3: the 3-week answer ----------------------------------------------------------


def proposal(t: Tree, **kwargs) -> AmoProposal:
    kwargs.setdefault("submitted_on", date(2025, 1, 31))
    return proposal_save(
        AmoProposal(kommune=t.kommune, committee=t.hoved, title="Nye løftehjælpemidler", **kwargs)
    )


def test_the_employer_answers_a_proposal_not_followed_within_3_weeks(t):
    """BEK om systematisk arbejdsmiljøarbejde § 30 stk. 3 (seed 003): when the employer does not
    follow the arbejdsmiljøudvalg's proposal, the udvalg has the right to the reasons within
    3 weeks: due 21 days after the decision, done when the reasons are given."""
    pr = proposal(t, outcome=AmoProposal.Outcome.NOT_FOLLOWED, decided_on=date(2025, 2, 3))
    row = rows(PROPOSAL)[f"pr{pr.pk}"]
    assert (row.due_date, row.state, row.committee_id) == (date(2025, 2, 24), "open", t.hoved.pk)
    assert row.title == "Begrundelse til arbejdsmiljøudvalget: Nye løftehjælpemidler"
    pr.reasons_given_on = date(2025, 2, 20)
    pr.reasons = "Budgettet rækker ikke i år."
    proposal_save(pr)
    row = rows(PROPOSAL)[f"pr{pr.pk}"]
    assert (row.state, row.done_on, row.fulfilled_by) == ("done", date(2025, 2, 20), pr)


def test_a_proposal_recorded_without_its_decision_day_counts_from_submission(t):
    """BEK § 30 stk. 3: a row recorded before the decision day was kept counts from the
    submission, the earliest the decision can have been (never later than the law)."""
    pr = proposal(t, outcome=AmoProposal.Outcome.NOT_FOLLOWED)
    assert rows(PROPOSAL)[f"pr{pr.pk}"].due_date == date(2025, 2, 21)


def test_no_answer_is_due_while_pending_or_when_the_proposal_is_followed(t):
    """BEK § 30 stk. 3: the reasons are owed only when the proposal is not followed, from that
    decision; a pending proposal owes nothing yet, and the duty lapses when the decision is
    changed to followed."""
    followed = proposal(t, outcome=AmoProposal.Outcome.FOLLOWED, decided_on=date(2025, 2, 1))
    assert f"pr{followed.pk}" not in rows(PROPOSAL)
    pending = proposal(t, submitted_on=date(2024, 12, 20))
    assert f"pr{pending.pk}" not in rows(PROPOSAL)
    pending.outcome = AmoProposal.Outcome.NOT_FOLLOWED
    pending.decided_on = date(2024, 12, 27)
    proposal_save(pending)
    assert rows(PROPOSAL)[f"pr{pending.pk}"].due_date == date(2025, 1, 17)
    pending.outcome = AmoProposal.Outcome.FOLLOWED
    proposal_save(pending)
    assert rows(PROPOSAL)[f"pr{pending.pk}"].state == "cancelled"
    assert run(t, date(2025, 1, 1), PROPOSAL).changed == 0
