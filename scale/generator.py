"""Synthetic kommuner in the shape of the demo, at national scale, for benchmarks.

Sizes (DESIGN.md "Scale to design for"):
  S  ≈ Albertslund: 3,000 employees, 60 workplaces, 30 AMGs
  L  ≈ København: 45,000 employees, ~1,000 workplaces, ~1,500 AMGs, ~3,000 AMRs
  XL = 98 kommuner, ~500,000 employees

Everything is written with bulk inserts (history rows included, through simple-history's
`bulk_history_create`), so L builds in minutes. Deterministic for a given seed."""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from committees.models import Committee, CommitteeUnit, Membership
from core.tenancy import tenant_scope
from deadlines.dates import add_years
from organisations.demo import names
from organisations.models import Kommune, Person, Unit
from training.models import Completion, CourseKind, CourseType

BATCH = 5000


@dataclass(frozen=True)
class Size:
    name: str
    kommuner: int
    employees: int  # per kommune
    workplaces: int  # per kommune
    amgs: int  # per kommune
    omraader: int = 3


SIZES = {
    "S": Size("S", kommuner=1, employees=3_000, workplaces=60, amgs=30),
    "L": Size("L", kommuner=1, employees=45_000, workplaces=1_000, amgs=1_500, omraader=7),
    "XL": Size("XL", kommuner=98, employees=5_100, workplaces=110, amgs=130, omraader=4),
}


def _bulk(model, objs, history=True):
    created = model.objects.bulk_create(objs, batch_size=BATCH)
    if history and hasattr(model, "history"):
        model.history.bulk_history_create(created, batch_size=BATCH)
    return created


class KommuneBuilder:
    def __init__(self, code: str, size: Size, seed: int, today: datetime.date):
        self.code = code
        self.size = size
        self.rng = random.Random(seed)
        self.today = today

    def build(self) -> Kommune:
        size = self.size
        kommune = Kommune.objects.create(
            code=self.code, name=f"Skala {self.code}", amr_term_years=2
        )
        self.kommune = kommune
        k = kommune.pk
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
            Unit.history.bulk_history_create(omraader + workplaces, batch_size=BATCH)

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
                        hired_on=self.today - datetime.timedelta(days=self.rng.randint(100, 8000)),
                    )
                    for i in range(size.employees)
                ],
            )
            by_workplace: dict[int, list[Person]] = {}
            for person in people:
                by_workplace.setdefault(person.unit_id, []).append(person)
            for workplace in workplaces:
                workplace.leader = by_workplace[workplace.pk][0]
            Unit.objects.bulk_update(workplaces, ["leader"], batch_size=BATCH)

            committees, coverage = self._committees(k, omraader, workplaces)
            self._memberships(k, committees, by_workplace, workplaces)
            self._courses(k)
        return kommune

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
        return {"hoved": hoved, "afd": afd, "med": med, "amgs": amgs}, coverage

    def _memberships(self, k, committees, by_workplace, workplaces):
        rows = []
        rng = self.rng

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

        used = set()
        for amg, workplace in self.amg_specs:
            staff = [p for p in by_workplace[workplace.pk] if p.pk not in used]
            seat(
                by_workplace[workplace.pk][0],
                amg,
                Membership.Role.LEDER,
                self.today - datetime.timedelta(days=900),
            )
            # Two AMRs per AMG, with a previous term ended (memberships over several terms).
            for n in range(2):
                if len(staff) < 3 + n:
                    break
                amr = staff[1 + n]
                used.add(amr.pk)
                start = self.today - datetime.timedelta(days=rng.randint(10, 700))
                seat(amr, amg, Membership.Role.AMR, start)
                earlier = add_years(start, -2)
                seat(amr, amg, Membership.Role.AMR, earlier, ended=start)
        for medc, workplace in zip(committees["med"], workplaces, strict=True):
            staff = by_workplace[workplace.pk]
            seat(
                staff[0],
                medc,
                Membership.Role.FORMAND,
                self.today - datetime.timedelta(days=1000),
                side=Membership.Side.LEDELSE,
            )
            if len(staff) > 4:
                seat(
                    staff[4],
                    medc,
                    Membership.Role.NAESTFORMAND,
                    self.today - datetime.timedelta(days=rng.randint(30, 900)),
                    side=Membership.Side.MEDARBEJDER,
                )
                seat(
                    staff[4],
                    medc,
                    Membership.Role.TR,
                    self.today - datetime.timedelta(days=rng.randint(30, 900)),
                )
        _bulk(Membership, rows)

    def _courses(self, k):
        basic = _bulk(
            CourseType,
            [
                CourseType(
                    kommune_id=k,
                    name="Arbejdsmiljøuddannelse 3 dage",
                    kind=CourseKind.AMO_BASIC,
                    days=3,
                    hours=22,
                )
            ],
        )[0]
        amr_ids = list(
            Membership.objects.filter(role=Membership.Role.AMR, ended_on__isnull=True).values_list(
                "person_id", "start_date"
            )
        )
        completions = [
            Completion(
                kommune_id=k,
                person_id=pid,
                course_type=basic,
                completed_on=start + datetime.timedelta(days=self.rng.randint(20, 80)),
                hours=22,
            )
            for pid, start in amr_ids
            if self.rng.random() < 0.7 and start + datetime.timedelta(days=80) < self.today
        ]
        _bulk(Completion, completions)


def generate(
    size_name: str, *, prefix: str = "skala", seed: int = 1, evaluate: bool = True, stdout=None
) -> dict:
    """Build the kommuner of one size. Returns timings."""
    from deadlines.engine import evaluate_kommune

    size = SIZES[size_name]
    today = timezone.localdate()
    timings = {"build_s": 0.0, "evaluate_s": 0.0}
    for n in range(size.kommuner):
        code = f"{prefix}-{size_name.lower()}-{n}"
        started = time.perf_counter()
        with transaction.atomic():
            kommune = KommuneBuilder(code, size, seed + n, today).build()
        timings["build_s"] += time.perf_counter() - started
        if evaluate:
            started = time.perf_counter()
            evaluate_kommune(kommune, today)
            timings["evaluate_s"] += time.perf_counter() - started
        if stdout is not None:
            stdout.write(f"{code}: built")
    return timings
