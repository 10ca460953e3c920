"""Small, explicit builders for test data (no factory library: the models are few and plain)."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import User

from committees.models import Committee, CommitteeUnit, Membership
from committees.services import membership_save
from core.roles import hr_group
from core.tenancy import tenant_scope
from organisations.models import Kommune, KommuneStaff, Person, Unit, UnitAddress
from organisations.services import staff_save, unit_save

_seq = itertools.count(1)


def kommune(code: str, **kwargs) -> Kommune:
    return Kommune.objects.create(
        code=code, name=kwargs.pop("name", f"{code.title()} Kommune"), **kwargs
    )


def unit(k: Kommune, name: str, kind=Unit.Kind.ARBEJDSPLADS, parent=None, **kwargs) -> Unit:
    with tenant_scope(k):
        obj = Unit(
            kommune=k,
            code=kwargs.pop("code", f"u{next(_seq)}"),
            name=name,
            kind=kind,
            parent=parent,
            **kwargs,
        )
        return unit_save(obj)


def address(u: Unit, street="Bygaden 1") -> UnitAddress:
    return UnitAddress.objects.create(
        kommune_id=u.kommune_id, unit=u, street=street, postcode="2620", city="Albertslund"
    )


def person(k: Kommune, first="Anna", last=None, unit=None, user=None, **kwargs) -> Person:
    n = next(_seq)
    return Person.objects.create(
        kommune=k,
        first_name=first,
        last_name=last or f"Hansen{n}",
        employee_number=kwargs.pop("employee_number", f"E{n:05d}"),
        unit=unit,
        user=user,
        **kwargs,
    )


def committee(k: Kommune, name: str, kind=Committee.Kind.AMG, parent=None, units=(), **kwargs):
    obj = Committee.objects.create(
        kommune=k,
        code=kwargs.pop("code", f"c{next(_seq)}"),
        name=name,
        kind=kind,
        parent=parent,
        **kwargs,
    )
    for u in units:
        CommitteeUnit.objects.create(kommune=k, committee=obj, unit=u)
    return obj


def membership(p: Person, c: Committee, role=Membership.Role.AMR, start=None, **kwargs):
    with tenant_scope(p.kommune_id):
        m = Membership(
            kommune_id=p.kommune_id,
            person=p,
            committee=c,
            role=role,
            side=kwargs.pop("side", Membership.FIXED_SIDE.get(role, Membership.Side.MEDARBEJDER)),
            start_date=start or datetime.date(2025, 1, 1),
            **kwargs,
        )
        return membership_save(m)


def user(username: str, *, staff=False, superuser=False) -> User:
    u = User.objects.create_user(
        username, f"{username}@example.dk", "pw", is_staff=staff, is_superuser=superuser
    )
    return u


def login_as(client, org, person, username: str) -> User:
    """A login for the person (a new user linked to them), logged in on `client`."""
    new = user(username)
    with tenant_scope(org.kommune):
        person.user = new
        person.save()
    client.force_login(new)
    return new


def hr_user(k: Kommune, username: str, limited_to: list[Unit] | None = None) -> User:
    u = user(username, staff=True)
    u.groups.add(hr_group())
    with tenant_scope(k):
        staff_save(
            KommuneStaff(kommune=k, user=u, all_units=limited_to is None), units=limited_to or []
        )
    return u


# --- one sample object per admin model, for the admin persona tests ----------------------------
# A new tenant model with an admin must get a builder here: the persona test fails without one.


def _sample_deadline(org):
    from deadlines.models import Deadline

    return Deadline.objects.create(
        kommune=org.kommune,
        rule="training.amo_basic",
        key=f"sample{org.kommune.pk}",
        person=org.amr.person,
        unit=org.workplace,
        due_date=datetime.date(2026, 3, 1),
    )


def _sample_rule_setting(org):
    from deadlines.models import RuleSetting

    return RuleSetting.objects.create(
        kommune=org.kommune, rule="committees.salary_talk", values={"years": 2}
    )


def _sample_course_type(org):
    from training.models import CourseKind, CourseType

    return CourseType.objects.create(
        kommune=org.kommune,
        name=f"{org.kommune.code} 3-dages",
        kind=CourseKind.AMO_BASIC,
        days=3,
        hours=22,
    )


def _sample_provider(org):
    from training.models import Provider

    return Provider.objects.create(kommune=org.kommune, name=f"{org.kommune.code} Kursuscenter")


def _sample_course_date(org):
    from training.models import CourseDate

    return CourseDate.objects.create(
        kommune=org.kommune,
        course_type=_sample_course_type(org),
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 3),
    )


def _sample_completion(org):
    from training.models import Completion

    return Completion.objects.create(
        kommune=org.kommune,
        person=org.amr.person,
        course_type=_sample_course_type(org),
        completed_on=datetime.date(2025, 3, 1),
        hours=22,
    )


def _sample_waiver(org):
    from committees.models import ObligationWaiver

    hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
    return ObligationWaiver.objects.create(
        kommune=org.kommune,
        committee=hoved,
        obligation="A",
        agreed_on=datetime.date(2025, 1, 1),
        decision="Enighed",
    )


def _sample_proposal(org):
    from committees.models import AmoProposal

    return AmoProposal.objects.create(
        kommune=org.kommune,
        committee=org.med,
        title="Støjdæmpning",
        submitted_on=datetime.date(2026, 1, 5),
    )


SAMPLE_BUILDERS = {
    "organisations.Unit": lambda org: org.workplace,
    "organisations.Person": lambda org: org.leader_person,
    "organisations.KommuneStaff": lambda org: KommuneStaff.objects.first(),
    "committees.Committee": lambda org: org.amg,
    "committees.Membership": lambda org: org.amr,
    "committees.CommitteeUnit": lambda org: CommitteeUnit.objects.filter(committee=org.amg).first(),
    "committees.ObligationWaiver": _sample_waiver,
    "committees.AmoProposal": _sample_proposal,
    "deadlines.Deadline": _sample_deadline,
    "deadlines.RuleSetting": _sample_rule_setting,
    "training.CourseType": _sample_course_type,
    "training.Provider": _sample_provider,
    "training.CourseDate": _sample_course_date,
    "training.Completion": _sample_completion,
}


def _discover_sample_builders() -> None:
    """Apps added later register their builders in tests/samples_<app>.py (SAMPLES dict)."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("samples_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        SAMPLE_BUILDERS.update(module.SAMPLES)


_discover_sample_builders()


def sample(org, model):
    label = model._meta.label
    assert label in SAMPLE_BUILDERS, f"add a sample builder for {label} in tests/factories.py"
    with tenant_scope(org.kommune):
        return SAMPLE_BUILDERS[label](org)
