"""Synthetic kommuner in the shape of the demo, at national scale, for benchmarks.

Sizes (DESIGN.md "Scale to design for"):
  S  ≈ Albertslund: 3,000 employees, 60 workplaces, 30 AMGs
  L  ≈ København: 45,000 employees, ~1,000 workplaces, ~1,500 AMGs, ~3,000 AMRs
  XL = 98 kommuner, ~500,000 employees
  (T: a tiny kommune for the tests; same shape, a few hundred rows.)

Each kommune gets områder, workplaces, committees (HovedMED, AfdelingsMED, LokalMED/personalemøder,
AMGs) with memberships over two terms, courses, meetings over the last year and the next three
months with agendas, referater (some with 20 items), decisions, follow-up actions and attendance,
APV cycles with their kortlægning, risk assessments, handlingsplaner and follow-ups, incidents
with measures, and union kredse with consenting members (and forwarded injuries) so the kreds
officer's page has data. Deadlines come from the engine run afterwards.

Everything is written with bulk inserts, history rows included (simple-history's
`bulk_history_create`) for every model that keeps history, so L builds in well under a minute.
Deterministic for a given seed."""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from apv.models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvFollowUp,
    ApvProblem,
    Area,
    ChecklistItem,
    ChecklistTemplate,
)
from committees.models import Committee, CommitteeUnit, Membership
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.dates import add_years
from incidents.models import (
    ACCIDENT_KINDS,
    OFFENSIVE_KINDS,
    Incident,
    IncidentForward,
    IncidentMeasure,
    Kind,
    Nature,
)
from meetings.models import (
    AMO_DISCUSSION_POINTS,
    DEFAULT_STANDING_ITEMS,
    POSITION_AFTER,
    POSITION_AMO,
    POSITION_BEFORE,
    POSITION_PROPOSAL,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingPlan,
    Placement,
    Referat,
)
from organisations.demo import names
from organisations.models import Kommune, Person, Unit
from training.models import Completion, CourseKind, CourseType
from unions.models import (
    Kommunegruppe,
    Kreds,
    KredsOfficer,
    NetworkGroup,
    NetworkMeeting,
    Union,
    UnionMembership,
)

BATCH = 5000

# A meeting with this many agenda items (5 standing + 15 proposed): the "20-item referat".
BIG_AGENDA_PROPOSALS = 15
# Every n-th AMG holds its latest meeting with the big agenda (AMG #0 always: the benchmark's AMR).
BIG_AGENDA_EVERY_AMG = 10
# Meetings a year, by kind of committee.
MEETINGS_PER_YEAR = {
    Committee.Kind.HOVEDMED: 6,
    Committee.Kind.AFDELINGSMED: 5,
    Committee.Kind.LOKALMED: 5,
    Committee.Kind.PERSONALEMOEDE: 4,
    Committee.Kind.AMG: 4,
}
# Incidents per employee per year (reported accidents, near misses, violence, threats…).
INCIDENT_RATE = 0.04
INCIDENT_YEARS = 2
INCIDENT_KIND_WEIGHTS = {
    Kind.ARBEJDSULYKKE: 35,
    Kind.TILLOEB: 20,
    Kind.VOLD: 15,
    Kind.TRUSLER: 12,
    Kind.SUNDHEDSSKADE: 5,
    Kind.MOBNING: 4,
    Kind.CHIKANE: 4,
    Kind.SEKSUEL_CHIKANE: 2,
    Kind.FORGIFTNING: 1,
    Kind.ERHVERVSSYGDOM: 2,
}
# Unions with a kreds covering every kommune; a kreds covers up to KREDS_KOMMUNER kommuner.
UNIONS = (
    ("Skala Lærerforening", "SLF"),
    ("Skala Pædagogforbund", "SPF"),
    ("Skala Omsorgsforbund", "SOF"),
    ("Skala Kontorforbund", "SKF"),
)
KREDS_KOMMUNER = 10
GRUPPE_KOMMUNER = 5
# Share of AMR/TR who state their union in the system, and of those who consent to sharing.
MEMBER_SHARE = 0.8
CONSENT_SHARE = 0.9
# Other employees who state their union (they do not show on the kreds page, but are read).
OTHER_MEMBER_SHARE = 0.03

PROPOSAL_TITLES = (
    "Sygefravær i afdelingen",
    "Budget og konsekvenser for personalet",
    "Trivselsmåling: opfølgning",
    "Indeklima i mødelokalerne",
    "Ny vagtplan",
    "Arbejdstidsregler",
    "Kompetenceudvikling",
    "Vold og trusler: nye retningslinjer",
    "Ombygning af kontorer",
    "Seniorpolitik",
    "Rekruttering og fastholdelse",
    "Digitale arbejdsgange",
    "Støj i pauserummet",
    "Ergonomi ved skærmarbejde",
    "Førstehjælpskursus",
    "APV-handlingsplan: status",
    "Stress og arbejdspres",
    "Sommerferieplanlægning",
)
CHECKLIST = (
    (Area.FYSISK, "Er støjniveauet acceptabelt?"),
    (Area.FYSISK, "Er lys og indeklima i orden?"),
    (Area.ERGONOMISK, "Er arbejdsstillingerne gode?"),
    (Area.ERGONOMISK, "Er der tunge løft eller ensidigt gentaget arbejde?"),
    (Area.KEMISK, "Bruges der kemiske produkter sikkert?"),
    (Area.KEMISK, "Er sikkerhedsdatablade tilgængelige?"),
    (Area.BIOLOGISK, "Er der risiko for smitte?"),
    (Area.BIOLOGISK, "Er hygiejnen i orden?"),
    (Area.PSYKISK, "Er arbejdsmængden passende?"),
    (Area.PSYKISK, "Er der risiko for vold og trusler?"),
    (Area.ULYKKER, "Er der risiko for fald og snublen?"),
    (Area.ULYKKER, "Er nødudgange og førstehjælp i orden?"),
)


@dataclass(frozen=True)
class Size:
    name: str
    kommuner: int
    employees: int  # per kommune
    workplaces: int  # per kommune
    amgs: int  # per kommune
    omraader: int = 3


SIZES = {
    "T": Size("T", kommuner=1, employees=240, workplaces=12, amgs=10, omraader=2),
    "S": Size("S", kommuner=1, employees=3_000, workplaces=60, amgs=30),
    "L": Size("L", kommuner=1, employees=45_000, workplaces=1_000, amgs=1_500, omraader=7),
    "XL": Size("XL", kommuner=98, employees=5_100, workplaces=110, amgs=130, omraader=4),
}


def _bulk(model, objs, history=True):
    created = model.objects.bulk_create(objs, batch_size=BATCH)
    if history and hasattr(model, "history"):
        model.history.bulk_history_create(created, batch_size=BATCH)
    return created


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- unions: they span kommuner ----------------------------------------------------------------


class UnionBuilder:
    """The unions of one generated size: each has a kreds for every KREDS_KOMMUNER kommuner,
    kommunegrupper of GRUPPE_KOMMUNER, an AMR network group per kommunegruppe and a kreds-wide
    one for the yearly AMR + TR meeting, and two officers per kreds."""

    def __init__(self, label: str, today: datetime.date):
        self.label = label
        self.today = today
        self.unions = [
            Union.objects.create(name=f"{name} ({label})", short_name=short)
            for name, short in UNIONS
        ]
        self._kredse: dict[tuple[int, int], Kreds] = {}
        self._grupper: dict[tuple[int, int], Kommunegruppe] = {}

    def kredse_for(self, index: int, kommune: Kommune) -> list[Kreds]:
        """The kredse (one per union) covering the index-th kommune of this size."""
        number, gruppe_number = index // KREDS_KOMMUNER, index // GRUPPE_KOMMUNER
        result = []
        for u, union in enumerate(self.unions):
            kreds = self._kredse.get((u, number))
            if kreds is None:
                kreds = self._kreds(union, number)
                self._kredse[(u, number)] = kreds
            kreds.kommuner.add(kommune)
            gruppe = self._grupper.get((u, gruppe_number))
            if gruppe is None:
                gruppe = Kommunegruppe.objects.create(kreds=kreds, name=f"Gruppe {gruppe_number}")
                self._grupper[(u, gruppe_number)] = gruppe
                group = NetworkGroup.objects.create(
                    kreds=kreds,
                    kommunegruppe=gruppe,
                    name=f"AMR-netværk {gruppe.name}",
                    roles=NetworkGroup.Roles.AMR,
                )
                NetworkMeeting.objects.create(
                    group=group,
                    starts_at=_at(self.today + datetime.timedelta(days=30), 15),
                    theme="Psykisk arbejdsmiljø",
                    location="Kredskontoret",
                )
            gruppe.kommuner.add(kommune)
            result.append(kreds)
        return result

    def _kreds(self, union: Union, number: int) -> Kreds:
        kreds = Kreds.objects.create(
            union=union,
            name=f"Kreds {number + 1}",
            email=f"kreds{number + 1}@{union.short_name.lower()}.skala.dk",
        )
        NetworkGroup.objects.create(
            kreds=kreds, name="Årligt møde for AMR og TR", roles=NetworkGroup.Roles.AMR_TR
        )
        for n in range(2):
            username = f"{self.label}-{union.short_name.lower()}-k{number + 1}-{n}".lower()
            user = User(username=username, email=f"{username}@skala.dk")
            user.set_unusable_password()
            user.save()
            KredsOfficer.objects.create(user=user, kreds=kreds)
        return kreds


# --- one kommune -------------------------------------------------------------------------------


class KommuneBuilder:
    def __init__(
        self,
        code: str,
        size: Size,
        seed: int,
        today: datetime.date,
        unions: UnionBuilder | None = None,
        index: int = 0,
    ):
        self.code = code
        self.size = size
        self.rng = random.Random(seed)
        self.today = today
        self.unions = unions
        self.index = index
        self.kredse: list[Kreds] = []
        # committee pk -> [(person, role)] of the active seats
        self.seats: dict[int, list[tuple[Person, str]]] = defaultdict(list)

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def build(self) -> Kommune:
        size = self.size
        kommune = Kommune.objects.create(
            code=self.code, name=f"Skala {self.code}", amr_term_years=2
        )
        self.kommune = kommune
        k = kommune.pk
        if self.unions is not None:
            self.kredse = self.unions.kredse_for(self.index, kommune)
        with tenant_scope(kommune):
            omraader = _bulk(
                Unit,
                [
                    Unit(kommune_id=k, code=f"o{i}", name=f"Område {i}", kind=Unit.Kind.OMRAADE)
                    for i in range(size.omraader)
                ],
                history=False,
            )
            for unit in omraader:
                unit.path = f"{unit.pk}/"
            Unit.objects.bulk_update(omraader, ["path"], batch_size=BATCH)
            per_wp = max(1, size.employees // size.workplaces)
            workplaces = _bulk(
                Unit,
                [
                    Unit(
                        kommune_id=k,
                        code=f"w{i}",
                        name=f"Arbejdsplads {i}",
                        kind=Unit.Kind.ARBEJDSPLADS,
                        parent=omraader[i % len(omraader)],
                        headcount=per_wp,
                    )
                    for i in range(size.workplaces)
                ],
                history=False,
            )
            for unit in workplaces:
                unit.path = f"{unit.parent.path}{unit.pk}/"
            Unit.objects.bulk_update(workplaces, ["path"], batch_size=BATCH)

            people = _bulk(
                Person,
                [
                    Person(
                        kommune_id=k,
                        employee_number=f"{self.code}-{i}",
                        first_name=self.rng.choice(names.FIRST_NAMES),
                        last_name=self.rng.choice(names.LAST_NAMES),
                        email=f"p{i}@{self.code}.skala.dk",
                        unit=workplaces[i % len(workplaces)],
                        hired_on=self.days_ago(100, 8000),
                    )
                    for i in range(size.employees)
                ],
            )
            self.people = people
            by_workplace: dict[int, list[Person]] = {}
            for person in people:
                by_workplace.setdefault(person.unit_id, []).append(person)
            self.by_workplace = by_workplace
            for workplace in workplaces:
                workplace.leader = by_workplace[workplace.pk][0]
            # The område's leader: the leader of its first workplace.
            for i, omraade in enumerate(omraader):
                omraade.leader = workplaces[i].leader if i < len(workplaces) else None
            Unit.objects.bulk_update(workplaces + omraader, ["leader"], batch_size=BATCH)
            Unit.history.bulk_history_create(omraader + workplaces, batch_size=BATCH)
            self.workplaces = workplaces
            self.omraader = omraader

            committees = self._committees(k, omraader, workplaces)
            self._memberships(k, committees, by_workplace, workplaces, omraader)
            self._courses(k)
            self._meetings(k, committees)
            self._apv(k)
            self._union_members(k)
            self._incidents(k, committees)
        return kommune

    # --- the organisation --------------------------------------------------------------------

    def _committees(self, k, omraader, workplaces):
        established = self.today - datetime.timedelta(days=1500)
        hoved = _bulk(
            Committee,
            [
                Committee(
                    kommune_id=k,
                    code="hovedmed",
                    name="HovedMED",
                    kind=Committee.Kind.HOVEDMED,
                    established_on=established,
                )
            ],
        )[0]
        afd = _bulk(
            Committee,
            [
                Committee(
                    kommune_id=k,
                    code=f"afd{o.pk}",
                    name=f"AfdelingsMED {o.name}",
                    kind=Committee.Kind.AFDELINGSMED,
                    parent=hoved,
                    established_on=established,
                )
                for o in omraader
            ],
        )
        afd_by_omraade = {o.pk: a for o, a in zip(omraader, afd, strict=True)}
        med = _bulk(
            Committee,
            [
                Committee(
                    kommune_id=k,
                    code=f"med{w.pk}",
                    name=f"LokalMED {w.name}",
                    kind=Committee.Kind.LOKALMED if i % 2 else Committee.Kind.PERSONALEMOEDE,
                    parent=afd_by_omraade[w.parent_id],
                    established_on=established,
                )
                for i, w in enumerate(workplaces)
            ],
        )
        # More AMGs than workplaces where a workplace has several addresses (nærhedsprincip).
        amg_specs = [
            (workplaces[i % len(workplaces)], med[i % len(med)]) for i in range(self.size.amgs)
        ]
        amgs = _bulk(
            Committee,
            [
                Committee(
                    kommune_id=k,
                    code=f"amg{i}",
                    name=f"AMG {wp.name} ({i})",
                    kind=Committee.Kind.AMG,
                    parent=parent,
                    established_on=established,
                )
                for i, (wp, parent) in enumerate(amg_specs)
            ],
        )
        coverage = [
            CommitteeUnit(kommune_id=k, committee=a, unit=o)
            for o, a in zip(omraader, afd, strict=True)
        ]
        coverage += [
            CommitteeUnit(kommune_id=k, committee=m, unit=w)
            for m, w in zip(med, workplaces, strict=True)
        ]
        coverage += [
            CommitteeUnit(kommune_id=k, committee=a, unit=wp)
            for a, (wp, _p) in zip(amgs, amg_specs, strict=True)
        ]
        _bulk(CommitteeUnit, coverage)
        self.amg_specs = list(zip(amgs, [wp for wp, _p in amg_specs], strict=True))
        self.amgs_by_workplace: dict[int, list[Committee]] = defaultdict(list)
        for amg, wp in self.amg_specs:
            self.amgs_by_workplace[wp.pk].append(amg)
        self.afd_by_omraade = afd_by_omraade
        return {"hoved": hoved, "afd": afd, "med": med, "amgs": amgs}

    def _memberships(self, k, committees, by_workplace, workplaces, omraader):
        rows = []

        def seat(person, committee, role, start, ended=None, side=None):
            term_end = add_years(start, 2) if role == Membership.Role.AMR else None
            rows.append(
                Membership(
                    kommune_id=k,
                    person=person,
                    committee=committee,
                    role=role,
                    side=side or Membership.FIXED_SIDE.get(role, Membership.Side.MEDARBEJDER),
                    chosen=Membership.Chosen.ELECTED,
                    start_date=start,
                    term_end=term_end,
                    ended_on=ended,
                )
            )
            if ended is None:
                self.seats[committee.pk].append((person, role))

        used = set()
        for amg, workplace in self.amg_specs:
            staff = [p for p in by_workplace[workplace.pk] if p.pk not in used]
            seat(by_workplace[workplace.pk][0], amg, Membership.Role.LEDER, self.days_ago(900, 900))
            # Two AMRs per AMG, with a previous term ended (memberships over several terms).
            for n in range(2):
                if len(staff) < 3 + n:
                    break
                amr = staff[1 + n]
                used.add(amr.pk)
                start = self.days_ago(10, 700)
                seat(amr, amg, Membership.Role.AMR, start)
                earlier = add_years(start, -2)
                seat(amr, amg, Membership.Role.AMR, earlier, ended=start)
        for medc, workplace in zip(committees["med"], workplaces, strict=True):
            staff = by_workplace[workplace.pk]
            seat(
                staff[0],
                medc,
                Membership.Role.FORMAND,
                self.days_ago(1000, 1000),
                side=Membership.Side.LEDELSE,
            )
            if len(staff) > 4:
                seat(
                    staff[4],
                    medc,
                    Membership.Role.NAESTFORMAND,
                    self.days_ago(30, 900),
                    side=Membership.Side.MEDARBEJDER,
                )
                seat(staff[4], medc, Membership.Role.TR, self.days_ago(30, 900))
            if len(staff) > 6:
                seat(
                    staff[5], medc, Membership.Role.MEDARBEJDERREPRAESENTANT, self.days_ago(30, 900)
                )
                seat(staff[6], medc, Membership.Role.LEDELSESREPRAESENTANT, self.days_ago(30, 900))
        # The arbejdsmiljøudvalg: HovedMED and each AfdelingsMED have a formandskab (the leader
        # of the område as formand, a TR as næstformand) and representatives of both sides.
        leaders = [w.leader for w in workplaces]
        trs = [by_workplace[w.pk][4] for w in workplaces if len(by_workplace[w.pk]) > 4]
        hoved = committees["hoved"]
        seat(
            leaders[0],
            hoved,
            Membership.Role.FORMAND,
            self.days_ago(1000, 1000),
            side=Membership.Side.LEDELSE,
        )
        if trs:
            seat(trs[0], hoved, Membership.Role.NAESTFORMAND, self.days_ago(400, 900))
        for person in leaders[1:5]:
            seat(person, hoved, Membership.Role.LEDELSESREPRAESENTANT, self.days_ago(100, 900))
        for person in trs[1:7]:
            seat(person, hoved, Membership.Role.MEDARBEJDERREPRAESENTANT, self.days_ago(100, 900))
        for i, afd in enumerate(committees["afd"]):
            omraade = omraader[i]
            own_leaders = [w.leader for w in workplaces if w.parent_id == omraade.pk]
            own_trs = [
                by_workplace[w.pk][4]
                for w in workplaces
                if w.parent_id == omraade.pk and len(by_workplace[w.pk]) > 4
            ]
            if own_leaders:
                seat(
                    own_leaders[0],
                    afd,
                    Membership.Role.FORMAND,
                    self.days_ago(900, 900),
                    side=Membership.Side.LEDELSE,
                )
            if own_trs:
                seat(own_trs[0], afd, Membership.Role.NAESTFORMAND, self.days_ago(300, 900))
            for person in own_leaders[1:4]:
                seat(person, afd, Membership.Role.LEDELSESREPRAESENTANT, self.days_ago(100, 900))
            for person in own_trs[1:4]:
                seat(person, afd, Membership.Role.MEDARBEJDERREPRAESENTANT, self.days_ago(100, 900))
        _bulk(Membership, rows)

    def _courses(self, k):
        basic, _supplementary, med_course = _bulk(
            CourseType,
            [
                CourseType(
                    kommune_id=k,
                    name="Arbejdsmiljøuddannelse 3 dage",
                    kind=CourseKind.AMO_BASIC,
                    days=3,
                    hours=22,
                ),
                CourseType(
                    kommune_id=k,
                    name="Supplerende arbejdsmiljøuddannelse",
                    kind=CourseKind.AMO_SUPPLEMENTARY_YEARLY,
                    days=1.5,
                    hours=11,
                ),
                CourseType(
                    kommune_id=k, name="MED-grunduddannelse", kind=CourseKind.MED, days=2, hours=15
                ),
            ],
        )
        completions = []
        for seats in self.seats.values():
            for person, role in seats:
                if role == Membership.Role.AMR and self.rng.random() < 0.7:
                    completions.append(
                        Completion(
                            kommune_id=k,
                            person=person,
                            course_type=basic,
                            completed_on=self.days_ago(100, 600),
                            hours=22,
                        )
                    )
                elif (
                    role in (Membership.Role.TR, Membership.Role.FORMAND)
                    and self.rng.random() < 0.6
                ):
                    completions.append(
                        Completion(
                            kommune_id=k,
                            person=person,
                            course_type=med_course,
                            completed_on=self.days_ago(100, 900),
                            hours=15,
                        )
                    )
        _bulk(Completion, completions)

    # --- meetings and referater --------------------------------------------------------------

    def _meeting_days(self, committee, index: int) -> tuple[list[datetime.date], bool]:
        """The meeting dates of one committee from a year back to three months ahead, and whether
        its latest held meeting has the big agenda. Every BIG_AGENDA_EVERY_AMG-th AMG follows a
        fixed pattern (held 10 days ago, next one in 20 days), so the benchmark's AMR finds the
        same situation at every size."""
        per_year = MEETINGS_PER_YEAR[committee.kind]
        step = 365 // per_year
        if committee.kind == Committee.Kind.AMG and index % BIG_AGENDA_EVERY_AMG == 0:
            anchor = self.today - datetime.timedelta(days=10)
            back = [anchor - datetime.timedelta(days=step * n) for n in range(per_year)]
            ahead = [self.today + datetime.timedelta(days=20 + step * n) for n in range(1)]
            return sorted(back + ahead), True
        phase = self.rng.randint(0, step - 1)
        first = self.today - datetime.timedelta(days=365 - phase)
        days = []
        day = first
        while day <= self.today + datetime.timedelta(days=90):
            if day != self.today:
                days.append(day + datetime.timedelta(days=self.rng.randint(-3, 3)))
            day += datetime.timedelta(days=step)
        return sorted(set(days) - {self.today}), False

    def _meetings(self, k, committees):
        rng = self.rng
        today = self.today
        ordered = (
            [(committees["hoved"], 0)]
            + [(c, i) for i, c in enumerate(committees["afd"])]
            + [(c, i) for i, c in enumerate(committees["med"])]
            + [(c, i) for i, c in enumerate(committees["amgs"])]
        )
        meetings: list[Meeting] = []
        big: set[int] = set()  # index into `meetings`
        for committee, index in ordered:
            days, has_big = self._meeting_days(committee, index)
            past = [d for d in days if d < today]
            discussion_day = past[len(past) // 2] if committee.is_amo and past else None
            for day in days:
                cancelled = (
                    day < today and day != (past[-1] if past else None) and rng.random() < 0.02
                )
                dispatched = day - datetime.timedelta(days=8) <= today and not cancelled
                meetings.append(
                    Meeting(
                        kommune_id=k,
                        committee=committee,
                        date=day,
                        start_time=datetime.time(9 if rng.random() < 0.6 else 13, 0),
                        end_time=datetime.time(11 if rng.random() < 0.6 else 15, 0),
                        location=f"Mødelokale {rng.randint(1, 30)}",
                        includes_amo_discussion=day == discussion_day,
                        status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.PLANNED,
                        cancel_reason="For få tilmeldte" if cancelled else "",
                        agenda_settled_at=_at(day - datetime.timedelta(days=9))
                        if dispatched
                        else None,
                        dispatched_at=_at(day - datetime.timedelta(days=8), 7)
                        if dispatched
                        else None,
                    )
                )
                pattern = has_big and bool(past) and day == past[-1]
                if pattern or (day < today and rng.random() < 1 / 40):
                    big.add(len(meetings) - 1)
        meetings = _bulk(Meeting, meetings)

        items: list[AgendaItem] = []
        item_meeting: list[Meeting] = []
        for n, meeting in enumerate(meetings):
            members = self.seats.get(meeting.committee_id, [])
            held = meeting.date < today and meeting.status == Meeting.Status.PLANNED
            for i, (kind, placement, title) in enumerate(DEFAULT_STANDING_ITEMS):
                position = (
                    POSITION_BEFORE if placement == Placement.BEFORE else POSITION_AFTER
                ) + i
                items.append(
                    AgendaItem(
                        kommune_id=k,
                        meeting=meeting,
                        kind=kind,
                        position=position,
                        title=str(title),
                        minutes="Godkendt." if held and i == 0 else ("Intet." if held else ""),
                    )
                )
            if meeting.includes_amo_discussion:
                for i, (kind, title) in enumerate(AMO_DISCUSSION_POINTS):
                    items.append(
                        AgendaItem(
                            kommune_id=k,
                            meeting=meeting,
                            kind=kind,
                            position=POSITION_AMO + i,
                            title=str(title),
                            minutes="Drøftet; mål for næste år aftalt." if held else "",
                        )
                    )
            proposals = BIG_AGENDA_PROPOSALS if n in big else rng.choice((0, 1, 1, 2, 2, 3))
            for i in range(proposals):
                proposer = members[rng.randrange(len(members))][0] if members else None
                settled = meeting.agenda_settled_at is not None
                items.append(
                    AgendaItem(
                        kommune_id=k,
                        meeting=meeting,
                        kind="proposal",
                        position=POSITION_PROPOSAL + i,
                        title=PROPOSAL_TITLES[(n + i) % len(PROPOSAL_TITLES)],
                        description="Udvalget drøfter punktet og beslutter det videre forløb. "
                        * rng.randint(1, 4),
                        status=AgendaItem.Status.ACCEPTED
                        if settled or rng.random() < 0.7
                        else AgendaItem.Status.PROPOSED,
                        proposed_by=proposer,
                        proposed_at=_at(meeting.date - datetime.timedelta(days=20)),
                        minutes="Punktet blev drøftet, og udvalget tog orienteringen til "
                        "efterretning. " * rng.randint(1, 3)
                        if held
                        else "",
                    )
                )
            item_meeting.extend([meeting] * (len(items) - len(item_meeting)))
        items = _bulk(AgendaItem, items)

        decisions, actions = [], []
        for item, meeting in zip(items, item_meeting, strict=True):
            if item.kind != "proposal" or not item.minutes:
                continue
            decisions.append(
                Decision(
                    kommune_id=k, item=item, position=1, text="Udvalget tiltræder indstillingen."
                )
            )
            members = self.seats.get(meeting.committee_id, [])
            if members and rng.random() < 0.25:
                due = meeting.date + datetime.timedelta(days=rng.randint(14, 120))
                done = due < today - datetime.timedelta(days=10) and rng.random() < 0.8
                actions.append(
                    ActionItem(
                        kommune_id=k,
                        item=item,
                        text=f"Følg op på: {item.title}",
                        owner=members[rng.randrange(len(members))][0],
                        due_on=due,
                        done_on=due - datetime.timedelta(days=rng.randint(0, 10)) if done else None,
                    )
                )
        _bulk(Decision, decisions)
        _bulk(ActionItem, actions)

        attendance, referater, plans = [], [], []
        by_committee: dict[int, list[Meeting]] = defaultdict(list)
        for meeting in meetings:
            by_committee[meeting.committee_id].append(meeting)
        for committee_id, rows in by_committee.items():
            rows.sort(key=lambda m: (m.date, m.start_time))
            members = self.seats.get(committee_id, [])
            roles = {role for _p, role in members}
            first = next(
                (p for p, r in members if r == Membership.Role.FORMAND),
                next((p for p, r in members if r == Membership.Role.LEDER), None),
            )
            second = next(
                (p for p, r in members if r == Membership.Role.NAESTFORMAND),
                next(
                    (p for p, r in members if r in (Membership.Role.AMR, Membership.Role.TR)), None
                ),
            )
            held = [m for m in rows if m.date < today and m.status == Meeting.Status.PLANNED]
            for n, meeting in enumerate(held):
                following = held[n + 1] if n + 1 < len(held) else None
                seen = set()
                for person, _role in members:
                    if person.pk in seen:
                        continue
                    seen.add(person.pk)
                    afbud = rng.random() < 0.1
                    attendance.append(
                        Attendance(
                            kommune_id=k,
                            meeting=meeting,
                            person=person,
                            status=Attendance.Status.AFBUD if afbud else Attendance.Status.PRESENT,
                            note="Syg" if afbud else "",
                        )
                    )
                approved = _at(meeting.date + datetime.timedelta(days=3), 12)
                if following is not None:
                    referater.append(
                        Referat(
                            kommune_id=k,
                            meeting=meeting,
                            state=Referat.State.PUBLISHED,
                            notes="Mødet blev holdt som planlagt.",
                            round=1,
                            first_approved_by=first,
                            first_approved_at=approved,
                            second_approved_by=second,
                            second_approved_at=approved,
                            sent_at=approved,
                            final_meeting=following,
                            final_approved_at=_at(following.date, 11),
                            final_approved_by=first,
                            published_at=_at(following.date, 12),
                        )
                    )
                else:
                    # The latest referat: still with the formandskab, or sent to the members.
                    state = (Referat.State.DRAFT, Referat.State.APPROVED, Referat.State.SENT)[
                        committee_id % 3
                    ]
                    referater.append(
                        Referat(
                            kommune_id=k,
                            meeting=meeting,
                            state=state,
                            notes="Mødet blev holdt som planlagt.",
                            round=0 if state == Referat.State.DRAFT else 1,
                            first_approved_by=first if state != Referat.State.DRAFT else None,
                            first_approved_at=approved if state != Referat.State.DRAFT else None,
                            second_approved_by=second if state != Referat.State.DRAFT else None,
                            second_approved_at=approved if state != Referat.State.DRAFT else None,
                            sent_at=approved if state == Referat.State.SENT else None,
                        )
                    )
            if Membership.Role.FORMAND in roles:
                plans.append(
                    MeetingPlan(
                        kommune_id=k,
                        committee_id=committee_id,
                        year=today.year,
                        adopted_on=datetime.date(today.year - 1, 12, 1),
                    )
                )
        _bulk(Attendance, attendance)
        _bulk(Referat, referater)
        _bulk(MeetingPlan, plans)

    # --- APV ---------------------------------------------------------------------------------

    def _apv(self, k):
        rng = self.rng
        today = self.today
        template = _bulk(
            ChecklistTemplate,
            [ChecklistTemplate(kommune_id=k, name="Kommunens APV-tjekliste", is_default=True)],
        )[0]
        _bulk(
            ChecklistItem,
            [
                ChecklistItem(kommune_id=k, template=template, area=area, text=text, order=i)
                for i, (area, text) in enumerate(CHECKLIST)
            ],
        )
        cycles: list[ApvCycle] = []
        for amg, _workplace in self.amg_specs:
            started = self.days_ago(120, 1000)
            cycles.append(
                ApvCycle(
                    kommune_id=k,
                    committee=amg,
                    method=ApvCycle.Method.CHECKLIST,
                    phase=ApvCycle.Phase.OPFOELGNING,
                    started_on=started,
                    mapped_on=started + datetime.timedelta(days=30),
                    sickness_on=started + datetime.timedelta(days=45),
                    plan_adopted_on=started + datetime.timedelta(days=60),
                )
            )
            if rng.random() < 0.25:
                # The next APV under way.
                cycles.append(
                    ApvCycle(
                        kommune_id=k,
                        committee=amg,
                        method=ApvCycle.Method.CHECKLIST,
                        phase=rng.choice((ApvCycle.Phase.KORTLAEGNING, ApvCycle.Phase.SYGEFRAVAER)),
                        started_on=self.days_ago(5, 60),
                    )
                )
        cycles = _bulk(ApvCycle, cycles)
        leader_of = {amg.pk: wp.leader for amg, wp in self.amg_specs}
        items, problems = [], []
        for cycle in cycles:
            adopted = cycle.plan_adopted_on is not None
            for i, (area, text) in enumerate(CHECKLIST):
                finding = ""
                if adopted or rng.random() < 0.5:
                    finding = "problem" if rng.random() < 0.15 else "ok"
                items.append(
                    ApvCycleItem(
                        kommune_id=k, cycle=cycle, area=area, text=text, order=i, finding=finding
                    )
                )
            if adopted:
                for n in range(rng.randint(1, 3)):
                    area, text = CHECKLIST[rng.randrange(len(CHECKLIST))]
                    problems.append(
                        ApvProblem(
                            kommune_id=k,
                            cycle=cycle,
                            area=area,
                            title=f"{text.rstrip('?')} – ikke i orden ({n + 1})",
                            likelihood=rng.randint(1, 5),
                            consequence=rng.randint(1, 5),
                        )
                    )
        _bulk(ApvCycleItem, items)
        problems = _bulk(ApvProblem, problems)
        actions, follow_ups = [], []
        for problem in problems:
            cycle = problem.cycle
            due = cycle.plan_adopted_on + datetime.timedelta(days=rng.randint(30, 300))
            done = due < today and rng.random() < 0.75
            actions.append(
                ApvActionItem(
                    kommune_id=k,
                    cycle=cycle,
                    assessment=problem,
                    problem=problem.title,
                    cause="Indretningen af arbejdspladsen.",
                    measure="Ny indretning og instruktion af medarbejderne.",
                    owner=leader_of[cycle.committee_id],
                    due_on=due,
                    status=ApvActionItem.Status.DONE
                    if done
                    else rng.choice((ApvActionItem.Status.OPEN, ApvActionItem.Status.IN_PROGRESS)),
                    closed_on=due - datetime.timedelta(days=rng.randint(0, 20)) if done else None,
                )
            )
        for cycle in cycles:
            year_ago = today - datetime.timedelta(days=380)
            if cycle.plan_adopted_on and cycle.plan_adopted_on < year_ago and rng.random() < 0.6:
                follow_ups.append(
                    ApvFollowUp(
                        kommune_id=k,
                        cycle=cycle,
                        held_on=cycle.plan_adopted_on + datetime.timedelta(days=360),
                        note="Handlingsplanen er gennemgået; de fleste punkter er løst.",
                    )
                )
        _bulk(ApvActionItem, actions)
        _bulk(ApvFollowUp, follow_ups)

    # --- unions ------------------------------------------------------------------------------

    def _union_members(self, k):
        """AMR and TR (and a few others) state their kreds; most consent to share."""
        self.consenting: dict[int, Kreds] = {}
        if not self.kredse:
            return
        rng = self.rng
        now = timezone.now()
        representatives = {
            person.pk: person
            for seats in self.seats.values()
            for person, role in seats
            if role in (Membership.Role.AMR, Membership.Role.TR)
        }
        rows = []
        for person in self.people:
            share = MEMBER_SHARE if person.pk in representatives else OTHER_MEMBER_SHARE
            if rng.random() >= share:
                continue
            kreds = self.kredse[person.pk % len(self.kredse)]
            consent = rng.random() < CONSENT_SHARE
            rows.append(
                UnionMembership(
                    kommune_id=k,
                    person=person,
                    kreds=kreds,
                    consent_given_at=now if consent else None,
                )
            )
            if consent:
                self.consenting[person.pk] = kreds
        _bulk(UnionMembership, rows)

    # --- incidents ---------------------------------------------------------------------------

    def _incidents(self, k, committees):
        rng = self.rng
        today = self.today
        kinds = list(INCIDENT_KIND_WEIGHTS)
        weights = list(INCIDENT_KIND_WEIGHTS.values())
        count = int(self.size.employees * INCIDENT_RATE * INCIDENT_YEARS)
        workplace_of = {w.pk: w for w in self.workplaces}
        amrs_of = {
            amg.pk: [p for p, r in self.seats.get(amg.pk, []) if r == Membership.Role.AMR]
            for amg, _wp in self.amg_specs
        }
        incidents: list[Incident] = []
        for _n in range(count):
            injured = self.people[rng.randrange(len(self.people))]
            workplace = workplace_of[injured.unit_id]
            amgs = self.amgs_by_workplace.get(workplace.pk)
            committee = amgs[0] if amgs else self.afd_by_omraade[workplace.parent_id]
            kind = rng.choices(kinds, weights)[0]
            occurred = self.days_ago(1, 365 * INCIDENT_YEARS)
            reported = min(occurred + datetime.timedelta(days=rng.randint(0, 3)), today)
            absence = kind in ACCIDENT_KINDS and rng.random() < 0.4
            first_day = occurred + datetime.timedelta(days=1) if absence else None
            easy_on = None
            if absence and first_day + datetime.timedelta(days=20) < today and rng.random() < 0.95:
                easy_on = first_day + datetime.timedelta(days=rng.randint(0, 16))
            closed = None
            if reported + datetime.timedelta(days=60) < today and rng.random() < 0.9:
                closed = reported + datetime.timedelta(days=rng.randint(5, 60))
            offensive = kind in OFFENSIVE_KINDS
            reporters = amrs_of.get(committee.pk) or [injured]
            escalate = closed is None and rng.random() < 0.05
            incidents.append(
                Incident(
                    kommune_id=k,
                    kind=kind,
                    nature=rng.choice((Nature.PSYCHOLOGICAL, Nature.BOTH))
                    if offensive
                    else Nature.PHYSICAL,
                    by_third_party=offensive and rng.random() < 0.7,
                    occurred_on=occurred,
                    place=f"{workplace.name}, lokale {rng.randint(1, 40)}",
                    unit=workplace,
                    committee=committee,
                    description="Medarbejderen kom til skade under arbejdet.",
                    injured=None if kind == Kind.TILLOEB else injured,
                    reported_by=reporters[0],
                    reported_on=reported,
                    absence_first_day=first_day,
                    absence_days=rng.randint(1, 30) if absence else 0,
                    easy_reference=f"EASY-{rng.randint(100000, 999999)}" if easy_on else "",
                    easy_reported_on=easy_on,
                    causes="Travlhed og uhensigtsmæssig indretning." if closed else "",
                    closed_on=closed,
                    closure_note="Tiltag aftalt og gennemført." if closed else "",
                    escalated_to=self.afd_by_omraade[workplace.parent_id] if escalate else None,
                    escalated_on=reported + datetime.timedelta(days=10) if escalate else None,
                    escalation_reason="Kræver beslutning om ombygning." if escalate else "",
                )
            )
        incidents = _bulk(Incident, incidents)
        measures, forwards = [], []
        for incident in incidents:
            if rng.random() < 0.4:
                due = incident.reported_on + datetime.timedelta(days=rng.randint(30, 90))
                done = due < today and rng.random() < 0.8
                measures.append(
                    IncidentMeasure(
                        kommune_id=k,
                        incident=incident,
                        description="Instruktion af medarbejderne og nyt udstyr.",
                        owner=incident.unit.leader,
                        due_on=due,
                        done_on=due - datetime.timedelta(days=rng.randint(0, 10)) if done else None,
                    )
                )
            kreds = self.consenting.get(incident.injured_id) if incident.injured_id else None
            if kreds is not None and incident.reported_by_id and rng.random() < 0.5:
                forwards.append(
                    IncidentForward(
                        kommune_id=k,
                        incident=incident,
                        kreds_public_id=kreds.public_id,
                        consent_given_on=incident.reported_on,
                        forwarded_by=incident.reported_by,
                        forwarded_on=incident.reported_on,
                    )
                )
        _bulk(IncidentMeasure, measures)
        _bulk(IncidentForward, forwards)


def generate(
    size_name: str, *, prefix: str = "skala", seed: int = 1, evaluate: bool = True, stdout=None
) -> dict:
    """Build the kommuner of one size. Returns timings."""
    from deadlines.engine import evaluate_kommune

    size = SIZES[size_name]
    today = timezone.localdate()
    timings = {"build_s": 0.0, "evaluate_s": 0.0}
    label = f"{prefix}-{size_name.lower()}"
    with scopes_disabled():
        if Kommune.objects.filter(code__startswith=f"{label}-").exists():
            raise ValueError(f"Size {size_name} exists with prefix {prefix!r}: choose another.")
    unions = None
    for n in range(size.kommuner):
        code = f"{label}-{n}"
        started = time.perf_counter()
        with transaction.atomic():
            if unions is None:
                # In the first kommune's transaction: a failed build leaves nothing behind.
                with scopes_disabled():
                    unions = UnionBuilder(label, today)
            kommune = KommuneBuilder(code, size, seed + n, today, unions, n).build()
        timings["build_s"] += time.perf_counter() - started
        if evaluate:
            started = time.perf_counter()
            evaluate_kommune(kommune, today)
            timings["evaluate_s"] += time.perf_counter() - started
        if stdout is not None:
            stdout.write(f"{code}: built")
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: fresh planner statistics. Without them
        # the planner takes the new tables for empty and picks plans no production database
        # would run.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        timings["analyze_s"] = time.perf_counter() - started
    return timings
