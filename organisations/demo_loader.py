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
                "established_on": datetime.date(2023, 1, 1),
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
            evaluate(Context(self.kommune, self.today))
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
