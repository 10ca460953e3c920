"""Meetings: sample objects for the admin persona test (SAMPLES) and the small world the
meeting tests share (a LokalMED with formand, næstformand, sekretær and a representative)."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

import time_machine

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from meetings.models import Meeting, MeetingMessage, MeetingPlan, Procedure
from meetings.services import meeting_create, procedure_save
from organisations.models import Person

from . import factories as f

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
Role = Membership.Role


# The fixed points of seed 003's forretningsorden, as the agenda shows them.
FIXED = [
    "Godkendelse af dagsorden samt godkendelse af referat fra sidste møde",
    "Orientering om arbejdsmiljø",
    "Orientering fra formanden og næstformanden",
    "Historier til videreformidling",
    "Eventuelt",
]


def at(day: datetime.date, hour: int = 12, minute: int = 0):
    """Freeze the clock at `hour:minute` (Copenhagen) of `day`."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


# --- admin persona samples -----------------------------------------------------------------------


def _sample_procedure(org):
    return procedure_save(Procedure(kommune=org.kommune, committee=org.med, meetings_per_year=6))


def _sample_meeting(org):
    return meeting_create(
        committee=org.med, date=datetime.date(2026, 3, 2), location="Mødelokale 1"
    )


def _sample_plan(org):
    return MeetingPlan.objects.create(kommune=org.kommune, committee=org.med, year=2026)


def _sample_message(org):
    meeting = _sample_meeting(org)
    return MeetingMessage.objects.create(
        kommune=org.kommune,
        meeting=meeting,
        recipient=org.amr.person,
        kind=MeetingMessage.Kind.AGENDA,
    )


SAMPLES = {
    "meetings.Procedure": _sample_procedure,
    "meetings.Meeting": _sample_meeting,
    "meetings.MeetingPlan": _sample_plan,
    "meetings.MeetingMessage": _sample_message,
}


# --- the shared world ----------------------------------------------------------------------------


@dataclass
class MedWorld:
    org: object
    committee: Committee
    formand: Person
    naestformand: Person
    sekretaer: Person
    rep: Person
    outsider: Person  # a person of the kommune without a seat in the committee
    covered: Person  # an employee at the workplace the committee covers
    users: dict

    @property
    def kommune(self):
        return self.org.kommune


def build_med(org, prefix: str = "a") -> MedWorld:
    """org.med (LokalMED covering org.workplace) with its formandskab, sekretær and a
    representative, each with a login and an e-mail address."""
    k = org.kommune
    users = {}

    def person(first, last, unit, username):
        user = f.user(f"{username}_{prefix}")
        users[username] = user
        return f.person(
            k, first, last, unit=unit, user=user, email=f"{username}.{prefix}@example.dk"
        )

    with tenant_scope(k):
        formand = person("Frida", "Formand", org.workplace, "formand")
        naestformand = person("Niels", "Næstformand", org.workplace, "naestformand")
        sekretaer = person("Sara", "Sekretær", None, "sekretaer")
        rep = person("Rasmus", "Repræsentant", org.workplace, "rep")
        outsider = person("Otto", "Udenfor", org.other_workplace, "outsider")
        covered = person("Cecilie", "Ansat", org.workplace, "covered")
        f.membership(formand, org.med, Role.FORMAND, side=Membership.Side.LEDELSE)
        f.membership(naestformand, org.med, Role.NAESTFORMAND, side=Membership.Side.MEDARBEJDER)
        f.membership(sekretaer, org.med, Role.SEKRETAER)
        f.membership(rep, org.med, Role.MEDARBEJDERREPRAESENTANT)
    return MedWorld(org, org.med, formand, naestformand, sekretaer, rep, outsider, covered, users)


def new_meeting(world: MedWorld, day: datetime.date, **fields) -> Meeting:
    with tenant_scope(world.kommune):
        return meeting_create(committee=world.committee, date=day, **fields)
