"""Loads the demo kommuner (Albertslund as in seed 003's 2023 charts, and Aabenraa).

Create-only and keyed on natural keys (codes, employee numbers), so a second run changes nothing.
People and dates are generated deterministically; dates are placed relative to the day of loading
so the deadline features show upcoming, due-soon and overdue duties."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from types import ModuleType

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from committees.models import Committee, CommitteeUnit, Membership
from committees.services import membership_default_term_end
from core.roles import hr_group
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate
from deadlines.models import RuleSetting

from .demo import aabenraa, albertslund, names
from .models import Kommune, KommuneStaff, Person, Unit, UnitAddress
from .services import staff_save, unit_save

DEMO_PASSWORD = "demo"
KOMMUNER: tuple[ModuleType, ...] = (albertslund, aabenraa)
KIND_MAP = {
    "arbejdspladsmed": Committee.Kind.LOKALMED,
    "lokalmed": Committee.Kind.LOKALMED,
    "personalemoede": Committee.Kind.PERSONALEMOEDE,
}


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


class KommuneLoader:
    def __init__(self, data: ModuleType, today: datetime.date, stats: LoadStats):
        self.data = data
        self.today = today
        self.stats = stats
        self.rng = random.Random(data.KOMMUNE["code"])
        self.person_seq = 0
        self.code = data.KOMMUNE["code"]
        self.manual_marked: bool | None = None
        self.manual_skipped: set[int] = set()

    # --- helpers ----------------------------------------------------------------------------
    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def unit(self, code, name, kind, parent=None, headcount=0) -> Unit:
        unit = Unit.objects.filter(code=code).first()
        created = unit is None
        if created:
            unit = Unit(code=code, name=name, kind=kind, parent=parent, headcount=headcount)
            unit.kommune = self.kommune
            unit_save(unit)
        self.stats.add("units", created)
        return unit

    def committee(self, code, name, kind, parent, units) -> Committee:
        committee, created = Committee.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": parent,
                "kommune": self.kommune,
                # Formed over the last years, relative to the day the demo is loaded.
                "established_on": self.days_ago(self.rng.randint(500, 1600)),
            },
        )
        self.stats.add("committees", created)
        if created:
            for unit in units:
                CommitteeUnit.objects.create(committee=committee, unit=unit, kommune=self.kommune)
        return committee

    def person(self, unit: Unit | None, job_title: str) -> Person:
        self.person_seq += 1
        number = f"{self.code[:3].upper()}{self.person_seq:05d}"
        first = self.rng.choice(names.FIRST_NAMES)
        last = self.rng.choice(names.LAST_NAMES)
        person, created = Person.objects.get_or_create(
            employee_number=number,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{slugify(first)}.{slugify(last)}.{self.person_seq}@{self.code}.demo.dk",
                "unit": unit,
                "job_title": job_title,
                "hired_on": self.days_ago(self.rng.randint(400, 6000)),
                "kommune": self.kommune,
            },
        )
        self.stats.add("people", created)
        return person

    def seat(self, person, committee, role, start, side="", chosen=Membership.Chosen.ELECTED):
        existing = Membership.objects.filter(person=person, committee=committee, role=role).first()
        if existing is not None:
            return existing
        membership = Membership(
            person=person,
            committee=committee,
            role=role,
            side=side or Membership.FIXED_SIDE.get(role, Membership.Side.MEDARBEJDER),
            chosen=chosen,
            start_date=start,
            kommune=self.kommune,
        )
        # Deadlines are evaluated once for the whole kommune at the end of the load.
        membership.term_end = membership_default_term_end(membership)
        membership.save()
        self.stats.add("memberships", True)
        return membership

    def start_date_for(self, index: int) -> datetime.date:
        """Spread AMR start dates so the 3-month course deadline is upcoming, due soon or
        overdue, and some terms end soon."""
        pattern = [30, 75, 150, 400, 700, 20, 250, 690]
        return self.days_ago(pattern[index % len(pattern)])

    # --- the load ---------------------------------------------------------------------------
    def load(self) -> Kommune:
        info = self.data.KOMMUNE
        self.kommune, created = Kommune.objects.get_or_create(
            code=info["code"],
            defaults={
                "name": info["name"],
                "kommunenummer": info.get("kommunenummer", ""),
                "amr_term_years": info.get("amr_term_years", 2),
            },
        )
        self.stats.add("kommuner", created)
        if info.get("med_agreement_name") and not self.kommune.med_agreement_name:
            self.kommune.med_agreement_name = info["med_agreement_name"]
            self.kommune.save(update_fields=["med_agreement_name"])
        with tenant_scope(self.kommune):
            for rule, reference in info.get("rule_references", {}).items():
                _setting, made = RuleSetting.objects.get_or_create(
                    rule=rule, defaults={"local_reference": reference, "kommune": self.kommune}
                )
                self.stats.add("rule_settings", made)
            self.load_units()
            self.load_committees()
            self.load_people()
            self.load_courses()
            self.load_history()
            evaluate(Context(self.kommune, self.today))
            # A recurring duty marked done opens its next cycle, which may be past too.
            for _round in range(8):
                if not self.mark_manual_duties():
                    break
                evaluate(Context(self.kommune, self.today))
            self.load_trend()
        return self.kommune

    def load_courses(self) -> None:
        """The course catalogue: the kinds the training rules know, each with a provider and
        dates in the coming months (added only while the kommune has no upcoming date, so a
        second load changes nothing)."""
        from training.models import CourseDate, CourseKind, CourseType, Provider

        provider, made = Provider.objects.get_or_create(
            name="Arbejdsmiljøcentret", defaults={"kommune": self.kommune}
        )
        self.stats.add("providers", made)
        catalogue = [
            (CourseKind.AMO_BASIC, "Arbejdsmiljøuddannelse (3 dage)", 3, 22, 20),
            (
                CourseKind.AMO_SUPPLEMENTARY_FIRST,
                "Supplerende uddannelse, 1. år (2 dage)",
                2,
                15,
                16,
            ),
            (CourseKind.AMO_SUPPLEMENTARY_YEARLY, "Supplerende uddannelse (1½ dag)", 1.5, 11, 24),
            (CourseKind.MED, "MED-grunduddannelse", 2, 15, 24),
        ]
        upcoming = CourseDate.objects.filter(starts_on__gt=self.today).exists()
        for index, (kind, name, days, hours, capacity) in enumerate(catalogue):
            course_type, made = CourseType.objects.get_or_create(
                kind=kind,
                name=name,
                defaults={"kommune": self.kommune, "days": days, "hours": hours},
            )
            self.stats.add("course_types", made)
            if upcoming:
                continue
            for month in (1, 3):
                starts = self.today + datetime.timedelta(days=30 * month + 7 * index)
                CourseDate.objects.create(
                    kommune=self.kommune,
                    course_type=course_type,
                    provider=provider,
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(days=max(int(days + 0.5) - 1, 0)),
                    location=f"{self.kommune.name}, Rådhuset",
                    capacity=capacity,
                )
                self.stats.add("course_dates", True)

    # --- a kommune that mostly keeps its duties (relative to the day of the load) -------------
    # Each part runs on the first load only (when the kommune has none of its rows yet), so a
    # second load, on any day, changes nothing.

    KEEPS = 0.85  # the share of duties the demo kommune has kept

    def load_history(self) -> None:
        from apv.models import ApvCycle
        from incidents.models import Incident
        from meetings.models import Meeting
        from training.models import Completion

        if not Completion.objects.exists():
            self.load_completions()
        if not ApvCycle.objects.exists():
            self.load_apv()
        if not Meeting.objects.exists():
            self.load_meetings()
        if not Incident.objects.exists():
            self.load_incidents()
        from committees.models import AmoProposal
        from incidents.models import InspectionVisit

        if not AmoProposal.objects.exists():
            self.load_proposals()
        if not InspectionVisit.objects.exists():
            self.load_inspections()

    def kept(self) -> bool:
        return self.rng.random() < self.KEEPS

    def load_completions(self) -> None:
        """Courses taken by most AMRs and leaders of the AMO groups (AML § 9) and the members
        of the MED committees, a few weeks to months after they took their seat."""
        from training.models import Completion, CourseKind, CourseType

        types = {t.kind: t for t in CourseType.objects.all()}
        rows = []

        def took(person, kind, day):
            if day < self.today and kind in types and self.kept():
                course = types[kind]
                rows.append(
                    Completion(
                        kommune=self.kommune,
                        person=person,
                        course_type=course,
                        completed_on=day,
                        hours=course.hours,
                    )
                )

        seats = Membership.objects.filter(ended_on__isnull=True).select_related(
            "committee", "person"
        )
        seen = set()
        for seat in seats.order_by("start_date", "pk"):
            start, person = seat.start_date, seat.person
            if seat.committee.kind in Committee.AMO_KINDS and (person.pk, "amo") not in seen:
                seen.add((person.pk, "amo"))
                took(person, CourseKind.AMO_BASIC, start + datetime.timedelta(days=40))
                took(
                    person, CourseKind.AMO_SUPPLEMENTARY_FIRST, start + datetime.timedelta(days=250)
                )
                year = 2
                while start + datetime.timedelta(days=365 * year - 60) < self.today:
                    took(
                        person,
                        CourseKind.AMO_SUPPLEMENTARY_YEARLY,
                        start + datetime.timedelta(days=365 * year - 60),
                    )
                    year += 1
            if seat.committee.kind in Committee.MED_KINDS and (person.pk, "med") not in seen:
                seen.add((person.pk, "med"))
                took(person, CourseKind.MED, start + datetime.timedelta(days=120))
        Completion.objects.bulk_create(rows)
        self.stats.add("completions", bool(rows))

    def load_apv(self) -> None:
        """Most AMO groups adopted their written APV within the last three years (AML § 15 a);
        a few are in each phase of a new one."""
        from apv.models import ApvCycle, ApvFollowUp

        for index, amg in enumerate(
            Committee.objects.filter(kind=Committee.Kind.AMG).order_by("pk")
        ):
            if index % 9 == 4:
                continue  # never made one: overdue
            phase = index % 7
            if phase < 3:  # in progress: kortlægning, sygefravær, handlingsplan
                started = self.days_ago(20 + 15 * phase)
                ApvCycle.objects.create(
                    kommune=self.kommune,
                    committee=amg,
                    started_on=started,
                    phase=phase + 1,
                    mapped_on=started + datetime.timedelta(days=10) if phase >= 1 else None,
                    sickness_on=started + datetime.timedelta(days=20) if phase >= 2 else None,
                )
                # …after an earlier APV, adopted in time.
                earlier = self.days_ago(self.rng.randint(500, 1000))
            else:
                earlier = self.days_ago(self.rng.randint(40, 1000))
            adopted = ApvCycle.objects.create(
                kommune=self.kommune,
                committee=amg,
                started_on=earlier - datetime.timedelta(days=90),
                phase=ApvCycle.Phase.OPFOELGNING,
                mapped_on=earlier - datetime.timedelta(days=60),
                sickness_on=earlier - datetime.timedelta(days=30),
                plan_adopted_on=earlier,
            )
            # The yearly follow-up of the handlingsplan, held most years.
            held = earlier + datetime.timedelta(days=350)
            while held < self.today:
                if self.kept():
                    ApvFollowUp.objects.create(
                        kommune=self.kommune,
                        cycle=adopted,
                        held_on=held,
                        note="Handlingsplanen er gennemgået; to punkter er lukket.",
                    )
                held += datetime.timedelta(days=350)
            self.stats.add("apv_cycles", True)

    def load_meetings(self) -> None:
        """Past meetings with their approved referat (the yearly arbejdsmiljødrøftelse held in
        most AMO committees), and the coming meetings of HovedMED and the MED committees."""
        from meetings.models import Meeting, Referat
        from meetings.services import meeting_create

        amo = Committee.objects.filter(kind__in=Committee.AMO_KINDS).order_by("pk")
        for committee in amo:
            if not self.kept():
                continue
            day = self.days_ago(self.rng.randint(20, 330))
            sent = timezone.make_aware(
                datetime.datetime.combine(day - datetime.timedelta(days=8), datetime.time(9))
            )
            meeting = Meeting.objects.create(
                kommune=self.kommune,
                committee=committee,
                date=day,
                agenda_settled_at=sent,
                dispatched_at=sent,
                location=committee.name,
                includes_amo_discussion=True,
                title="Årlig arbejdsmiljødrøftelse",
            )
            Referat.objects.create(
                kommune=self.kommune,
                meeting=meeting,
                state=Referat.State.PUBLISHED,
                notes="Udvalget holdt den årlige arbejdsmiljødrøftelse.",
            )
            self.stats.add("meetings", True)
        # HovedMED met last week: the referat is written and waits for the formandskab's
        # approval (formand.albertslund and naestformand.albertslund approve it end to end).
        from meetings.selectors import agenda_for
        from meetings.services import minutes_write

        held = meeting_create(
            committee=self.hovedmed,
            date=self.days_ago(6),
            location="Rådhuset, byrådssalen",
        )
        settled = timezone.make_aware(
            datetime.datetime.combine(self.days_ago(14), datetime.time(9))
        )
        Meeting.objects.filter(pk=held.pk).update(agenda_settled_at=settled, dispatched_at=settled)
        for item in agenda_for(held).items[:2]:
            minutes_write(
                item,
                minutes="Punktet blev drøftet. Udvalget tog orienteringen til efterretning.",
                decisions=["Orienteringen blev taget til efterretning."],
            )
        self.stats.add("meetings", True)
        upcoming = Committee.objects.filter(
            kind__in=(Committee.Kind.HOVEDMED, Committee.Kind.AFDELINGSMED, Committee.Kind.LOKALMED)
        ).order_by("pk")[:8]
        for index, committee in enumerate(upcoming):
            meeting_create(
                committee=committee,
                date=self.today + datetime.timedelta(days=10 + 7 * index),
                location=f"Rådhuset, mødelokale {index + 1}",
            )
            self.stats.add("meetings", True)

    def load_incidents(self) -> None:
        """An accident with absence whose EASY report is due in a few days, a near miss, and a
        closed case from earlier in the year."""
        from incidents.models import Incident, Kind
        from incidents.services import incident_report

        workplaces = list(self.workplaces.values())
        people = list(Person.objects.filter(unit=workplaces[0]).order_by("pk")[:3])
        if not people:
            return
        incident_report(
            kind=Kind.ARBEJDSULYKKE,
            occurred_on=self.days_ago(4),
            place="Trappen ved personalerummet",
            unit=workplaces[0],
            description="Gled på det våde trappetrin og forstuvede anklen.",
            injured=people[0],
            reporter=people[0],
            absence_first_day=self.days_ago(3),
            absence_days=5,
        )
        incident_report(
            kind=Kind.TILLOEB,
            occurred_on=self.days_ago(12),
            place="Værkstedet",
            unit=workplaces[min(1, len(workplaces) - 1)],
            description="En hylde med materialer var ved at vælte.",
            reporter=people[-1],
        )
        self.stats.add("incidents", Incident.objects.exists())

    def demo_amg(self) -> tuple[Committee, Person, Person | None] | None:
        """The AMG of the demo's AMR and leder logins (`_link_portal_users` takes the first AMR
        and the first leder of an AMG: both sit in the first group), its AMR and its leder,
        who leads the group's first workplace."""
        amr = (
            Membership.objects.filter(
                role=Membership.Role.AMR, committee__kind=Committee.Kind.AMG, ended_on__isnull=True
            )
            .select_related("person", "committee")
            .order_by("pk")
            .first()
        )
        if amr is None:
            return None
        leder = (
            Membership.objects.filter(
                committee=amr.committee, role=Membership.Role.LEDER, ended_on__isnull=True
            )
            .select_related("person")
            .order_by("pk")
            .first()
        )
        return amr.committee, amr.person, leder.person if leder else None

    def load_proposals(self) -> None:
        """The demo AMG's proposals to the employer (BEK § 30 stk. 3): one not followed whose
        reasons are awaited (due in two weeks), one awaiting the decision, and one followed."""
        from committees.models import AmoProposal

        found = self.demo_amg()
        if found is None:
            return
        amg, amr, leader = found
        rows = [
            AmoProposal(
                title="Støjdæmpning i fællesrummet",
                description=(
                    "Målingerne ved APV'en viste højt støjniveau i fællesrummet i frokostpausen. "
                    "Vi foreslår lydabsorberende plader i loftet og filtdupper under stolene."
                ),
                submitted_on=self.days_ago(20),
                outcome=AmoProposal.Outcome.NOT_FOLLOWED,
                decided_on=self.days_ago(6),
                decided_by=leader,
            ),
            AmoProposal(
                title="Bedre belysning på parkeringspladsen",
                description=(
                    "Flere kolleger går alene til bilen efter aftenvagten. Vi foreslår "
                    "bevægelsesstyret belysning langs stien og ved cykelskuret."
                ),
                submitted_on=self.days_ago(3),
            ),
            AmoProposal(
                title="Nye løftehjælpemidler i depotet",
                description="Et hejs og to rullevogne, så tunge kasser ikke bæres.",
                submitted_on=self.days_ago(120),
                outcome=AmoProposal.Outcome.FOLLOWED,
                decided_on=self.days_ago(105),
                decided_by=leader,
            ),
        ]
        for proposal in rows:
            proposal.kommune = self.kommune
            proposal.committee = amg
            proposal.submitted_by = amr
            proposal.save()
            self.stats.add("proposals", True)

    def load_inspections(self) -> None:
        """Arbejdstilsynet visited the demo AMG's workplace: a rådgivningspåbud with an authorised
        adviser engaged and its deadline ahead, and a påbud complied with."""
        from incidents.models import AuthorisedAdviser, InspectionOrder, InspectionVisit

        found = self.demo_amg()
        if found is None or found[2] is None or found[2].unit is None:
            return
        amg, _amr, leader = found
        workplace = leader.unit
        adviser = AuthorisedAdviser.objects.create(
            kommune=self.kommune,
            name="Arbejdsmiljørådgivning Vest ApS",
            contact="Karin Holm",
            email="kontakt@amr-vest.demo.dk",
        )
        visit = InspectionVisit.objects.create(
            kommune=self.kommune,
            unit=workplace,
            committee=amg,
            visited_on=self.days_ago(35),
            kind=InspectionVisit.Kind.RISK_BASED,
            notes="Tilsyn med fokus på psykisk arbejdsmiljø og ergonomi.",
        )
        InspectionOrder.objects.create(
            kommune=self.kommune,
            visit=visit,
            kind=InspectionOrder.Kind.RAADGIVNING,
            title="Stor arbejdsmængde og tidspres",
            due_on=self.today + datetime.timedelta(days=40),
            requires_adviser=True,
            adviser=adviser,
            adviser_engaged_on=self.days_ago(20),
        )
        InspectionOrder.objects.create(
            kommune=self.kommune,
            visit=visit,
            kind=InspectionOrder.Kind.PAABUD,
            title="Tunge løft i depotet",
            due_on=self.days_ago(5),
            complied_on=self.days_ago(9),
            response="Hejs og rullevogne er indkøbt.",
        )
        self.stats.add("inspection_visits", True)

    def load_trend(self) -> None:
        """A year of weekly counts for the trend on HR's dashboard: a kommune that has worked
        its overdue deadlines down (the nightly job records the real ones from now on)."""
        from deadlines.dashboard import record_daily_count
        from deadlines.models import DailyCount

        if DailyCount.objects.exists():
            return
        today = record_daily_count(self.kommune.pk, self.today)
        rows = []
        for weeks in range(52, 0, -1):
            factor = 1 + 1.5 * weeks / 52 + self.rng.uniform(-0.08, 0.08)
            rows.append(
                DailyCount(
                    kommune=self.kommune,
                    day=self.today - datetime.timedelta(weeks=weeks),
                    overdue=round(today.overdue * factor),
                    due_soon=today.due_soon,
                    upcoming=today.upcoming,
                    done=max(today.done - 4 * weeks, 0),
                )
            )
        DailyCount.objects.bulk_create(rows)
        self.stats.add("daily_counts", True)

    def mark_manual_duties(self) -> bool:
        """Duties done outside the system (sickness statistics presented, HovedMED's tasks,
        the strategy plan, the salary talk): most overdue ones were done and registered."""
        from deadlines.engine import registry
        from deadlines.models import Deadline

        manual = [rule.code for rule in registry.all() if rule.manual_done]
        if self.manual_marked is None:  # first load only: a kommune already marking its own
            self.manual_marked = not Deadline.objects.filter(rule__in=manual, manual=True).exists()
        if not self.manual_marked:
            return False
        overdue = (
            Deadline.objects.filter(
                rule__in=manual, state=Deadline.State.OPEN, due_date__lt=self.today, manual=False
            )
            .exclude(pk__in=self.manual_skipped)
            .order_by("pk")
        )
        marked = 0
        for deadline in overdue:
            if not self.kept():
                self.manual_skipped.add(deadline.pk)  # left open: the kommune missed it
                continue
            deadline.state = Deadline.State.DONE
            deadline.manual = True
            deadline.done_on = deadline.due_date - datetime.timedelta(days=self.rng.randint(1, 40))
            deadline.note = "Behandlet på udvalgets møde."
            deadline.save(update_fields=["state", "manual", "done_on", "note", "updated"])
            marked += 1
        self.stats.add("manual_duties", bool(marked))
        return bool(marked)

    def load_units(self) -> None:
        self.omraader = {}
        for omraade in self.data.OMRAADER:
            self.omraader[omraade["code"]] = self.unit(
                omraade["code"], omraade["name"], Unit.Kind.OMRAADE
            )
        self.workplaces = {}
        for wp in self.data.WORKPLACES:
            unit = self.unit(
                wp["code"],
                wp["name"],
                Unit.Kind.ARBEJDSPLADS,
                parent=self.omraader[wp["omraade"]],
                headcount=wp.get("headcount", 0),
            )
            self.workplaces[wp["code"]] = unit
            if wp.get("address") and not UnitAddress.objects.filter(unit=unit).exists():
                street, _, rest = wp["address"].rpartition(", ")
                postcode, _, city = rest.partition(" ")
                UnitAddress.objects.create(
                    unit=unit, street=street, postcode=postcode, city=city, kommune=self.kommune
                )
            for department in wp.get("departments", []):
                self.unit(
                    slugify(f"{wp['code']}-{department}")[:80],
                    department,
                    Unit.Kind.AFDELING,
                    parent=unit,
                )

    def load_committees(self) -> None:
        self.hovedmed = self.committee(
            self.data.HOVEDMED["code"],
            self.data.HOVEDMED["name"],
            Committee.Kind.HOVEDMED,
            None,
            list(self.omraader.values()),
        )
        self.afdelingsmed = {}
        for omraade in self.data.OMRAADER:
            self.afdelingsmed[omraade["code"]] = self.committee(
                f"afdelingsmed-{omraade['code']}",
                omraade["afdelingsmed"],
                Committee.Kind.AFDELINGSMED,
                self.hovedmed,
                [self.omraader[omraade["code"]]],
            )
        self.med = {}
        for med in self.data.MED_COMMITTEES:
            self.med[med["code"]] = self.committee(
                med["code"],
                med["name"],
                KIND_MAP[med["kind"]],
                self.afdelingsmed[med["omraade"]],
                [self.workplaces[c] for c in med["covers"]],
            )
        self.amgs = {}
        for amg in self.data.AMGS:
            parent_code = amg["parent"]
            if parent_code.startswith("afdelingsmed:"):
                parent = self.afdelingsmed[parent_code.split(":", 1)[1]]
            else:
                parent = self.med[parent_code]
            self.amgs[amg["code"]] = self.committee(
                amg["code"],
                amg["name"],
                Committee.Kind.AMG,
                parent,
                [self.workplaces[c] for c in amg["covers"]],
            )

    def load_people(self) -> None:
        leaders = {}
        for index, (code, workplace) in enumerate(self.workplaces.items()):
            leader = self.person(workplace, "Leder")
            leaders[code] = leader
            if workplace.leader_id is None:
                workplace.leader = leader
                unit_save(workplace)
            # A few colleagues at each workplace, so the organisation has ordinary employees.
            for _ in range(2 + index % 3):
                self.person(
                    workplace,
                    self.rng.choice(
                        [
                            "Pædagog",
                            "Lærer",
                            "Sosu-assistent",
                            "Administrativ medarbejder",
                            "Konsulent",
                        ]
                    ),
                )
        director = self.person(None, "Kommunaldirektør")
        self.seat(
            director,
            self.hovedmed,
            Membership.Role.FORMAND,
            self.days_ago(900),
            side=Membership.Side.LEDELSE,
            chosen=Membership.Chosen.APPOINTED,
        )

        # AMG: the leader of its first workplace and an elected AMR; the AMR also sits in the
        # MED committee above, and a TR in the LokalMED of the workplace.
        for index, amg in enumerate(self.amgs.values()):
            spec = self.data.AMGS[index]
            first_wp = spec["covers"][0]
            self.seat(
                leaders[first_wp],
                amg,
                Membership.Role.LEDER,
                self.days_ago(800),
                chosen=Membership.Chosen.APPOINTED,
            )
            if index % 11 == 5:
                continue  # one AMG in eleven has no AMR: the structural check shows it
            amr = self.person(self.workplaces[first_wp], "AMR")
            start = self.start_date_for(index)
            self.seat(amr, amg, Membership.Role.AMR, start)
            if index % 3 == 0:
                tr = self.person(self.workplaces[first_wp], "TR")
                self.seat(tr, amg, Membership.Role.TR, self.days_ago(500))
                if index % 2 == 0:
                    trio = self.committee(
                        f"trio-{first_wp}",
                        f"TRIO {self.workplaces[first_wp]}",
                        Committee.Kind.TRIO,
                        amg,
                        [self.workplaces[first_wp]],
                    )
                    self.seat(
                        leaders[first_wp],
                        trio,
                        Membership.Role.LEDER,
                        self.days_ago(400),
                        chosen=Membership.Chosen.APPOINTED,
                    )
                    self.seat(amr, trio, Membership.Role.AMR, start)
                    self.seat(tr, trio, Membership.Role.TR, self.days_ago(400))

        for index, med in enumerate(self.med.values()):
            spec = self.data.MED_COMMITTEES[index]
            wp = spec["covers"][0]
            self.seat(
                leaders[wp],
                med,
                Membership.Role.FORMAND,
                self.days_ago(900),
                side=Membership.Side.LEDELSE,
                chosen=Membership.Chosen.APPOINTED,
            )
            vice = self.person(self.workplaces[wp], "Medarbejderrepræsentant")
            self.seat(
                vice,
                med,
                Membership.Role.NAESTFORMAND,
                self.start_date_for(index + 3),
                side=Membership.Side.MEDARBEJDER,
            )
            rep = self.person(self.workplaces[wp], "Medarbejderrepræsentant")
            self.seat(
                rep, med, Membership.Role.MEDARBEJDERREPRAESENTANT, self.start_date_for(index + 1)
            )

        for index, (code, afd) in enumerate(self.afdelingsmed.items()):
            director = self.person(None, "Direktør")
            self.seat(
                director,
                afd,
                Membership.Role.FORMAND,
                self.days_ago(1000),
                side=Membership.Side.LEDELSE,
                chosen=Membership.Chosen.APPOINTED,
            )
            self.seat(
                director,
                self.hovedmed,
                Membership.Role.LEDELSESREPRAESENTANT,
                self.days_ago(1000),
                chosen=Membership.Chosen.APPOINTED,
            )
            vice = self.person(
                next(w for w in self.workplaces.values() if w.parent_id == self.omraader[code].pk),
                "Fællestillidsrepræsentant",
            )
            self.seat(
                vice,
                afd,
                Membership.Role.NAESTFORMAND,
                self.days_ago(300 + index * 200),
                side=Membership.Side.MEDARBEJDER,
            )
            self.seat(
                vice,
                self.hovedmed,
                Membership.Role.MEDARBEJDERREPRAESENTANT,
                self.days_ago(300 + index * 200),
            )
            if index == 0:
                self.seat(
                    vice,
                    self.hovedmed,
                    Membership.Role.NAESTFORMAND,
                    self.days_ago(300),
                    side=Membership.Side.MEDARBEJDER,
                )
        secretary = self.person(None, "HR-konsulent")
        self.seat(
            secretary,
            self.hovedmed,
            Membership.Role.SEKRETAER,
            self.days_ago(600),
            chosen=Membership.Chosen.APPOINTED,
        )


def _user(
    username: str,
    *,
    email: str = "",
    staff: bool = False,
    superuser: bool = False,
    stats: LoadStats,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username, email=email, is_staff=staff or superuser, is_superuser=superuser
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        stats.add("users", True)
    return user


@transaction.atomic
def load_demo(today: datetime.date | None = None) -> LoadStats:
    today = today or timezone.localdate()
    stats = LoadStats()
    kommuner = {}
    for data in KOMMUNER:
        kommuner[data.KOMMUNE["code"]] = KommuneLoader(data, today, stats).load()

    group = hr_group()
    _user("admin", email="admin@demo.dk", superuser=True, stats=stats)
    for code, kommune in kommuner.items():
        hr = _user(f"hr.{code}", email=f"hr@{code}.demo.dk", staff=True, stats=stats)
        hr.groups.add(group)
        with tenant_scope(kommune):
            if not KommuneStaff.objects.filter(user=hr).exists():
                staff_save(KommuneStaff(user=hr, kommune=kommune, all_units=True), units=[])
    # An HR partner limited to one område (django-guardian object permission).
    albertslund_kommune = kommuner["albertslund"]
    partner = _user("hr.bkmb", email="hr.bkmb@albertslund.demo.dk", staff=True, stats=stats)
    partner.groups.add(group)
    with tenant_scope(albertslund_kommune):
        if not KommuneStaff.objects.filter(user=partner).exists():
            omraade = Unit.objects.get(code=albertslund.OMRAADER[0]["code"])
            staff_save(
                KommuneStaff(user=partner, kommune=albertslund_kommune, all_units=False),
                units=[omraade],
            )
    _link_portal_users(kommuner, stats)
    # Unions span kommuner: loaded after them (idempotent like the rest).
    from unions.demo import load_union_demo

    load_union_demo(today)
    # The integration API's demo client (its token is printed by bin/run).
    from api.demo import load_api_demo

    load_api_demo(albertslund_kommune)
    # Single sign-on against the development IdP (devidp/, started by bin/run).
    from accounts.demo import load_sso_demo

    load_sso_demo(albertslund_kommune, kommuner["aabenraa"])
    # An AMR election in progress (elections/).
    from elections.demo import load_election_demo

    load_election_demo(albertslund_kommune, today)
    # An organisation change awaiting HovedMED (reorganisation/).
    from reorganisation.demo import load_reorganisation_demo

    load_reorganisation_demo(albertslund_kommune, today)
    # This year's budget procedure and a rationalisation case (budget/).
    from budget.demo import load_budget_demo

    load_budget_demo(albertslund_kommune, today)
    return stats


def _link_portal_users(kommuner, stats: LoadStats) -> None:
    """Portal logins for a few people in their roles; one account is linked in both kommuner."""
    wanted = [
        ("amr.albertslund", "albertslund", Membership.Role.AMR, Committee.Kind.AMG),
        ("tr.albertslund", "albertslund", Membership.Role.TR, Committee.Kind.AMG),
        ("leder.albertslund", "albertslund", Membership.Role.LEDER, Committee.Kind.AMG),
        ("formand.albertslund", "albertslund", Membership.Role.FORMAND, Committee.Kind.HOVEDMED),
        (
            "naestformand.albertslund",
            "albertslund",
            Membership.Role.NAESTFORMAND,
            Committee.Kind.HOVEDMED,
        ),
        ("amr.aabenraa", "aabenraa", Membership.Role.AMR, Committee.Kind.AMG),
        (
            "amr.aabenraa",
            "albertslund",
            Membership.Role.MEDARBEJDERREPRAESENTANT,
            Committee.Kind.LOKALMED,
        ),
    ]
    for username, code, role, kind in wanted:
        user = _user(username, email=f"{username}@demo.dk", stats=stats)
        with tenant_scope(kommuner[code]):
            if Person.objects.filter(user=user).exists():
                continue
            membership = (
                Membership.objects.filter(
                    role=role,
                    committee__kind=kind,
                    ended_on__isnull=True,
                    person__user__isnull=True,
                )
                .select_related("person")
                .order_by("pk")
                .first()
            )
            if membership is not None:
                membership.person.user = user
                membership.person.save(update_fields=["user"])
