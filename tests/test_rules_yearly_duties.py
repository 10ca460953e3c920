"""The yearly duties of the MED and arbejdsmiljø organisation that issue 14 added as deadlines,
each against its legal or local source, with frozen time:

- incidents.yearly_overview: the arbejdsmiljøudvalg's yearly overview of accidents etc.;
- committees.competence_needs: KommuneMED's yearly discussion of competence needs;
- committees.yearly_med_discussion: the yearly drøftelse "på alle niveauer" (LokalMED and
  personalemøde med MED-status) where the kommune's agreement says so.

Data is written through the services; the nightly full evaluation is run for the day under test
with `evaluate(Context(kommune, day))`."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine

from committees.models import Committee
from committees.services import committee_save
from core.tenancy import tenant_scope
from deadlines.actions import CommitteeMeetingsAction
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline, RuleSetting
from deadlines.services import deadline_mark_done, rule_setting_save
from meetings.models import Referat
from meetings.services import meeting_create
from organisations.models import Kommune

from . import factories as f

State = Deadline.State

OVERVIEW = "incidents.yearly_overview"
COMPETENCE = "committees.competence_needs"
MED_DISCUSSION = "committees.yearly_med_discussion"
AMO_DISCUSSION = "committees.yearly_amo_discussion"
# The rules this module proves (test_engine checks that every registered rule is covered).
COVERED = {OVERVIEW, COMPETENCE, MED_DISCUSSION}

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


@pytest.fixture
def t(db):
    """A kommune with one committee of each kind, established 1 January 2024; clock at 1.1.2025."""
    with at(date(2025, 1, 1)):
        k = f.kommune("aarskommune")
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


def run(t: Tree, today: date, *codes: str):
    rules = [registry.get(code) for code in codes] or None
    return evaluate(Context(t.kommune, today), rules=rules)


def rows(code: str, **filters) -> dict[str, Deadline]:
    return {row.key: row for row in Deadline.objects.filter(rule=code, **filters)}


def live(code: str, **filters) -> dict[str, Deadline]:
    return {k: r for k, r in rows(code, **filters).items() if r.state != State.CANCELLED}


def kinds_with(code: str) -> set[str]:
    return {r.committee.kind for r in live(code).values()}


def agree(t: Tree, code: str, **values) -> RuleSetting:
    """HR records the kommune's local rule (its MED-aftale) in the admin."""
    return rule_setting_save(RuleSetting(kommune=t.kommune, rule=code, values=values))


def held_discussion(committee: Committee, day: date, state=Referat.State.FINAL):
    """A meeting of the committee with the yearly drøftelse whose referat reached `state`."""
    meeting = meeting_create(committee=committee, date=day, includes_amo_discussion=True)
    Referat.objects.create(kommune=committee.kommune, meeting=meeting, state=state)
    return meeting


# --- BEK § 30 stk. 2 nr. 6: the yearly overview of accidents --------------------------------------


def test_the_yearly_accident_overview_is_due_in_every_arbejdsmiljoeudvalg(t):
    """BEK om systematisk arbejdsmiljøarbejde § 30 stk. 2 nr. 6: "Arbejdsmiljøudvalget skal en
    gang årligt udarbejde en samlet oversigt over ulykker, forgiftninger og sundhedsskader" —
    HovedMED and AfdelingsMED (the udvalg of the enstrenget structure), not the AMG, LokalMED,
    personalemøde, TRIO or ad hoc udvalg. The overview of 2024 is due by the end of 2025."""
    run(t, date(2025, 6, 1), OVERVIEW)
    assert kinds_with(OVERVIEW) == {"hovedmed", "afdelingsmed"}
    row = live(OVERVIEW, committee=t.hoved)[f"c{t.hoved.pk}:2024"]
    assert (row.due_date, row.state, row.person_id, row.params) == (
        date(2025, 12, 31),
        "open",
        None,
        {"year": 2024},
    )
    assert row.title == "Årsoversigt over arbejdsulykker m.v. 2024"
    assert "§ 30 stk. 2 nr. 6" in row.source
    # 2023 lies before the udvalg was established: no overview of it.
    assert set(live(OVERVIEW, committee=t.hoved)) == {f"c{t.hoved.pk}:2024"}


def test_the_overview_of_each_year_follows_the_calendar_and_lapses_after_a_year(t):
    """BEK § 30 stk. 2 nr. 6: once a year, so one overview per calendar year, due the year
    after; an overview marked done stays done, one never made lapses when the next is overdue."""
    run(t, date(2026, 1, 1), OVERVIEW)
    found = {k: (r.due_date, r.state) for k, r in rows(OVERVIEW, committee=t.afd).items()}
    assert found == {
        f"c{t.afd.pk}:2024": (date(2025, 12, 31), "open"),  # overdue since 1 January
        f"c{t.afd.pk}:2025": (date(2026, 12, 31), "open"),
    }
    deadline_mark_done(
        rows(OVERVIEW, committee=t.afd)[f"c{t.afd.pk}:2025"],
        done_on=date(2026, 1, 1),
        note="Drøftet på mødet 1.1.",
    )
    run(t, date(2027, 1, 1), OVERVIEW)
    found = {k: r.state for k, r in rows(OVERVIEW, committee=t.afd).items()}
    assert found == {
        f"c{t.afd.pk}:2024": "cancelled",
        f"c{t.afd.pk}:2025": "done",
        f"c{t.afd.pk}:2026": "open",
    }
    assert run(t, date(2027, 1, 1), OVERVIEW).changed == 0


def test_a_kommune_may_want_the_overview_sooner_never_later(t):
    """BEK § 30 stk. 2 nr. 6 requires it within the following year; the kommune may agree on an
    earlier month (e.g. for its årlige arbejdsmiljødrøftelse in the spring)."""
    agree(t, OVERVIEW, month=3)
    run(t, date(2025, 1, 2), OVERVIEW)
    assert rows(OVERVIEW, committee=t.hoved)[f"c{t.hoved.pk}:2024"].due_date == date(2025, 3, 31)
    assert registry.get(OVERVIEW).parameters[0].maximum == 12


def test_the_overview_deadline_opens_the_udvalg_s_overview_of_that_year(t):
    """BEK § 30 stk. 2 nr. 6: the product draws the overview itself; the deadline leads to the
    udvalg's overview of the deadline's year, and those who answer for it mark it done."""
    run(t, date(2025, 6, 1), OVERVIEW)
    row = live(OVERVIEW, committee=t.afd)[f"c{t.afd.pk}:2024"]
    action = registry.get(OVERVIEW).action(row)
    assert action.url.endswith(f"/{t.afd.public_id}/?aar=2024")
    assert registry.get(OVERVIEW).manual_done


def test_a_closed_udvalg_has_no_overview_to_make(t):
    """BEK § 30 stk. 2 nr. 6: the duty is the udvalg's; when it is closed its open overview
    lapses."""
    run(t, date(2025, 6, 1), OVERVIEW)
    t.afd.closed_on = date(2025, 6, 1)
    committee_save(t.afd)
    run(t, date(2025, 6, 2), OVERVIEW)
    assert {r.state for r in rows(OVERVIEW, committee=t.afd).values()} == {"cancelled"}


# --- seed 003: KommuneMED's yearly discussion of competence needs --------------------------------


def test_kommunemed_discusses_the_need_for_competence_development_every_year(t):
    """Seed 003: "drøfter KommuneMED behovet for kompetenceudvikling en gang om året" — only
    HovedMED/KommuneMED; the next discussion is due 12 months after the last was marked done."""
    run(t, date(2025, 1, 1), COMPETENCE)
    assert kinds_with(COMPETENCE) == {"hovedmed"}
    first = live(COMPETENCE)[f"c{t.hoved.pk}#1"]
    assert (first.due_date, first.state) == (date(2025, 1, 1), "open")
    assert first.source == "kommunens MED-aftale (kompetenceudvikling i MED-organisationen)"
    deadline_mark_done(first, done_on=date(2025, 2, 28), note="KommuneMED 28.2.")
    found = {k: (r.state, r.due_date) for k, r in rows(COMPETENCE).items()}
    assert found == {
        f"c{t.hoved.pk}#1": ("done", date(2025, 1, 1)),
        f"c{t.hoved.pk}#2": ("open", date(2026, 2, 28)),
    }
    assert run(t, date(2025, 6, 1), COMPETENCE).changed == 0


def test_the_competence_discussion_is_a_local_rule_a_kommune_may_switch_off(t):
    """Seed 003 is Albertslund's own agreement: a kommune whose agreement does not say so
    switches the rule off, and its open deadline lapses."""
    run(t, date(2025, 1, 1), COMPETENCE)
    assert live(COMPETENCE)
    rule_setting_save(RuleSetting(kommune=t.kommune, rule=COMPETENCE, enabled=False))
    assert {r.state for r in rows(COMPETENCE).values()} == {"cancelled"}


# --- seed 002: the yearly drøftelse at every MED level -------------------------------------------


def test_the_med_levels_hold_no_droeftelse_unless_the_agreement_says_so(t):
    """Seed 002 (Aabenraa): "Den lovpligtige årlige arbejdsmiljødrøftelse gennemføres på alle
    niveauer" is that kommune's agreement, not the law: without the kommune's local rule the
    LokalMED and the personalemøde have no such deadline (the AMO levels always do)."""
    run(t, date(2025, 6, 1), MED_DISCUSSION, AMO_DISCUSSION)
    assert rows(MED_DISCUSSION) == {}
    assert kinds_with(AMO_DISCUSSION) == {"hovedmed", "afdelingsmed", "amg"}


def test_where_agreed_lokalmed_and_personalemoede_hold_the_yearly_droeftelse(t):
    """Seed 002 § 3 stk. 2: "Den enkelte MED- og arbejdsmiljøorganisation gennemfører hvert år en
    drøftelse af ..." — once the kommune records the rule: LokalMED/ArbejdspladsMED and the
    personalemøde med MED-status, not TRIO or ad hoc udvalg (and not the AMO levels twice)."""
    agree(t, MED_DISCUSSION)
    run(t, date(2025, 6, 1), MED_DISCUSSION)
    assert kinds_with(MED_DISCUSSION) == {"lokalmed", "personalemoede"}
    row = live(MED_DISCUSSION, committee=t.lokal)[f"c{t.lokal.pk}#1"]
    assert (row.due_date, row.state, row.title) == (
        date(2025, 1, 1),
        "open",
        "Årlig drøftelse af MED- og arbejdsmiljøforhold",
    )
    assert "AML § 6 d" in row.source
    assert isinstance(registry.get(MED_DISCUSSION), CommitteeMeetingsAction)
    # Switched off again: the open duties lapse.
    setting = RuleSetting.objects.get(rule=MED_DISCUSSION)
    setting.enabled = False
    rule_setting_save(setting)
    assert {r.state for r in rows(MED_DISCUSSION).values()} == {"cancelled"}


def test_the_droeftelse_meeting_with_an_approved_referat_fulfils_the_med_level(t):
    """Seed 002 § 3 stk. 2 with AML § 6 d's points and written record: the LokalMED's meeting
    with the drøftelse fulfils the cycle on the meeting's date once its referat is finally
    approved (not before); the next is due 12 months after that meeting."""
    agree(t, MED_DISCUSSION)
    with at(date(2025, 3, 1)):
        meeting = held_discussion(t.lokal, date(2025, 3, 10), state=Referat.State.SENT)
        other = held_discussion(t.pm, date(2025, 3, 11), state=Referat.State.PUBLISHED)
    run(t, date(2025, 4, 1), MED_DISCUSSION)
    assert live(MED_DISCUSSION, committee=t.lokal)[f"c{t.lokal.pk}#1"].state == "open"
    Referat.objects.filter(meeting=meeting).update(state=Referat.State.FINAL)
    run(t, date(2025, 4, 1), MED_DISCUSSION)
    found = {k: (r.state, r.due_date, r.done_on) for k, r in rows(MED_DISCUSSION).items()}
    assert found == {
        f"c{t.lokal.pk}#1": ("done", date(2025, 1, 1), date(2025, 3, 10)),
        f"c{t.lokal.pk}#2": ("open", date(2026, 3, 10), None),
        f"c{t.pm.pk}#1": ("done", date(2025, 1, 1), date(2025, 3, 11)),
        f"c{t.pm.pk}#2": ("open", date(2026, 3, 11), None),
    }
    assert rows(MED_DISCUSSION)[f"c{t.lokal.pk}#1"].fulfilled_by == meeting
    assert rows(MED_DISCUSSION)[f"c{t.pm.pk}#1"].fulfilled_by == other
    assert run(t, date(2025, 4, 1), MED_DISCUSSION).changed == 0
