"""Demo data of the unions, on top of the demo kommuner (organisations/demo_loader.py).

Two unions: Danmarks Lærerforening with Kreds 22 (seed 000) covering Albertslund, and
Socialpædagogerne with Østjylland (seed 001; its kommuner — Aarhus, Skanderborg … — are not in
the demo installation) and Hovedstaden (covering Albertslund). One officer login, `kreds.officer`
(password "demo"), one of Kreds 22's arbejdsmiljøansvarlige. A few Albertslund AMRs/TRs state
their kreds: most consent, one does not (the officer must not see them). One AMR network group
with a planned meeting — one short of the two a year, so the officer's cadence page shows it —
and the kreds-wide group for the yearly AMR + TR meeting, whose meeting a month ago has its
attendance and a short referat. One AMR has raised a problem with the kreds, awaiting an answer.

Create-only and keyed on natural keys, so a second run changes nothing. Run it after the kommuner
are loaded: `load_union_demo(today)`.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from committees.models import Membership
from core.tenancy import tenant_scope
from organisations.models import Kommune

from .models import (
    Kommunegruppe,
    Kreds,
    KredsInquiry,
    KredsOfficer,
    NetworkAttendance,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
    Union,
    UnionMembership,
)
from .services import union_next_due_refresh

DEMO_PASSWORD = "demo"
OFFICER_USERNAME = "kreds.officer"


def _kreds(union: Union, name: str, email: str, kommuner: list[Kommune]) -> Kreds:
    kreds, _created = Kreds.objects.get_or_create(union=union, name=name, defaults={"email": email})
    kreds.kommuner.add(*kommuner)
    return kreds


def _gruppe(kreds: Kreds, name: str, kommuner: list[Kommune]) -> Kommunegruppe:
    gruppe, _created = Kommunegruppe.objects.get_or_create(kreds=kreds, name=name)
    gruppe.kommuner.add(*kommuner)
    return gruppe


@transaction.atomic
def load_union_demo(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    albertslund = Kommune.objects.filter(code="albertslund").first()
    here = [albertslund] if albertslund else []

    dlf, _ = Union.objects.get_or_create(
        name="Danmarks Lærerforening", defaults={"short_name": "DLF"}
    )
    sl, _ = Union.objects.get_or_create(name="Socialpædagogerne", defaults={"short_name": "SL"})
    kreds22 = _kreds(dlf, "Kreds 22", "kreds22@dlf.demo.dk", here)
    _kreds(sl, "Østjylland", "oestjylland@sl.demo.dk", [])
    hovedstaden = _kreds(sl, "Hovedstaden", "hovedstaden@sl.demo.dk", here)
    kreds22_gruppe = _gruppe(kreds22, "Albertslund", here)
    _gruppe(hovedstaden, "Vestegnen", here)

    user = User.objects.filter(username=OFFICER_USERNAME).first()
    if user is None:
        user = User(username=OFFICER_USERNAME, email="kreds.officer@dlf.demo.dk")
        user.set_password(DEMO_PASSWORD)
        user.save()
    KredsOfficer.objects.get_or_create(
        user=user, kreds=kreds22, defaults={"title": "Arbejdsmiljøansvarlig"}
    )

    network, _ = NetworkGroup.objects.get_or_create(
        kreds=kreds22,
        name="AMR-netværk Albertslund",
        defaults={"kommunegruppe": kreds22_gruppe, "roles": NetworkGroup.Roles.AMR},
    )
    yearly, _ = NetworkGroup.objects.get_or_create(
        kreds=kreds22,
        name="Årligt møde for AMR og TR",
        defaults={
            "kommunegruppe": None,
            "roles": NetworkGroup.Roles.AMR_TR,
            "kind": NetworkGroup.Kind.YEARLY,
        },
    )
    held = datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(16))
    yearly_meeting, _ = NetworkMeeting.objects.get_or_create(
        group=yearly,
        theme="Årsmøde: arbejdsmiljø og arbejdstid",
        defaults={
            "starts_at": timezone.make_aware(held),
            "duration": datetime.timedelta(hours=3),
            "location": "Albertslund Rådhus, mødelokale 1",
            "referat": (
                "Kredsens arbejdsmiljøansvarlige orienterede om årets APV. AMR og TR drøftede "
                "støj i klasselokalerne og aftalte at samle eksempler til næste netværksmøde."
            ),
        },
    )
    starts = datetime.datetime.combine(today + datetime.timedelta(days=21), datetime.time(15))
    NetworkMeeting.objects.get_or_create(
        group=network,
        theme="Psykisk arbejdsmiljø og opgavebalance",
        defaults={
            "starts_at": timezone.make_aware(starts),
            "duration": datetime.timedelta(hours=2),
            "location": "Kredskontoret, Albertslund",
            "description": "Oplæg om en halv time, derefter sparring og erfaringsudveksling.",
        },
    )

    members = 0
    if albertslund is not None:
        with tenant_scope(albertslund):
            members = _members(albertslund, kreds22, hovedstaden)
            _yearly_meeting_and_inquiry(albertslund, kreds22, yearly_meeting)
    return {"members": members}


def _yearly_meeting_and_inquiry(kommune: Kommune, kreds: Kreds, meeting: NetworkMeeting) -> None:
    """Kreds 22's consenting members were invited to the yearly meeting (sent); the first three
    attended. The first raised a problem with the kreds (seed 000), not answered yet."""
    consenting = list(
        UnionMembership.objects.consenting()
        .filter(kreds=kreds, person__isnull=False)
        .order_by("person__employee_number")
    )
    for i, membership in enumerate(consenting):
        NetworkInvitation.objects.get_or_create(
            meeting=meeting,
            union_membership=membership,
            defaults={
                "kommune": kommune,
                "state": NetworkInvitation.State.SENT,
                "sent_at": meeting.starts_at - datetime.timedelta(days=21),
            },
        )
        if i < 3:
            NetworkAttendance.objects.get_or_create(
                meeting=meeting, union_membership=membership, defaults={"kommune": kommune}
            )
    if consenting:
        KredsInquiry.objects.get_or_create(
            union_membership=consenting[0],
            subject="Støj i klasselokalerne",
            defaults={
                "kommune": kommune,
                "kreds": kreds,
                "text": (
                    "Lydniveauet i tre af indskolingens klasselokaler er højt hele dagen. "
                    "Ledelsen vil vente til næste APV. Hvad kan jeg som AMR gøre nu?"
                ),
            },
        )


def _members(kommune: Kommune, kreds22: Kreds, hovedstaden: Kreds) -> int:
    """The first AMRs and TRs of Albertslund (by employee number, so the pick is stable): five
    consent to Kreds 22, one to Hovedstaden, and one states Kreds 22 without consenting."""
    person_ids = []
    seats = (
        Membership.objects.filter(
            role__in=(Membership.Role.AMR, Membership.Role.TR), ended_on__isnull=True
        )
        .order_by("person__employee_number")
        .values_list("person_id", flat=True)
    )
    for person_id in seats:
        if person_id not in person_ids:
            person_ids.append(person_id)
        if len(person_ids) == 7:
            break
    now = timezone.now()
    plan = [(kreds22, True)] * 5 + [(hovedstaden, True), (kreds22, False)]
    for person_id, (kreds, consent) in zip(person_ids, plan, strict=False):
        UnionMembership.objects.get_or_create(
            person_id=person_id,
            defaults={
                "kommune": kommune,
                "kreds": kreds,
                "consent_given_at": now if consent else None,
            },
        )
    union_next_due_refresh(person_ids)
    return len(person_ids)
