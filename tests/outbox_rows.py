"""One pending row in every registered outbox (core.outbox), each of which really sends: for
the tests that hold every outbox to the same promises."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apv.models import ApvCycle, SurveyInvitation
from apv.services import apv_cycle_start
from committees.models import AmoProposal, Membership, ProposalMessage
from core.tenancy import tenant_scope
from incidents.models import IncidentNotification
from unions.models import (
    ElectionNotice,
    Kreds,
    KredsInquiry,
    KredsMessage,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
)
from unions.models import Union as TradeUnion
from unions.services import union_membership_state

from .samples_budget import make_message as make_budget_message
from .samples_elections import make_message
from .samples_incidents import make_incident
from .samples_meetings import _sample_message
from .samples_reminders import _sample_item

ADDRESSES = {
    "reminders.digest": "arne@a.dk",
    "meetings.message": "arne@a.dk",
    "incidents.notification": "lene@a.dk",
    "apv.survey_invitation": "lene@a.dk",
    "unions.network_invitation": "arne@a.dk",
    "unions.election_notice": "kreds@kreds.example",
    "elections.messages": "arne@a.dk",
    "committees.proposal": "lene@a.dk",
    "unions.kreds_message": "arne@a.dk",
    "budget.messages": "lene@a.dk",
}


def rows_for_every_outbox(org) -> dict[str, tuple[type, int]]:
    """Outbox name → (model, pk) of one pending row in `org`'s kommune, due now."""
    kommune = org.kommune
    rows = {}
    with tenant_scope(kommune):
        amr, leader = org.amr.person, org.leader_person
        amr.email, leader.email = "arne@a.dk", "lene@a.dk"
        amr.save()
        leader.save()
        item = _sample_item(org)
        rows["reminders.digest"] = item.digest
        rows["meetings.message"] = _sample_message(org)
        rows["incidents.notification"] = IncidentNotification.objects.create(
            kommune=kommune, incident=make_incident(org), recipient=leader, reason="leader"
        )
        cycle = apv_cycle_start(committee=org.amg, method=ApvCycle.Method.SURVEY)
        rows["elections.messages"] = make_message(org)
        rows["budget.messages"] = make_budget_message(org)
        rows["apv.survey_invitation"] = SurveyInvitation.objects.create(
            kommune=kommune, cycle=cycle, person=leader
        )
        proposal = AmoProposal.objects.create(
            kommune=kommune,
            committee=org.amg,
            title="Støjdæmpning",
            submitted_on=datetime.date(2026, 2, 2),
            submitted_by=amr,
        )
        rows["committees.proposal"] = ProposalMessage.objects.create(
            kommune=kommune, proposal=proposal, recipient=leader, kind="submitted"
        )
    kreds = Kreds.objects.create(
        union=TradeUnion.objects.create(name="Fagforbundet"),
        name="Kreds 1",
        email="kreds@kreds.example",
    )
    kreds.kommuner.add(kommune)
    with tenant_scope(kommune):
        union_membership = union_membership_state(
            person=amr, kreds=kreds, consent=True, acting_user=None
        )
    meeting = NetworkMeeting.objects.create(
        group=NetworkGroup.objects.create(kreds=kreds, name="AMR-netværk"),
        starts_at=timezone.now() + datetime.timedelta(days=20),
        theme="Trivsel",
        location="Kredsens lokaler",
    )
    with tenant_scope(kommune):
        rows["unions.network_invitation"] = NetworkInvitation.objects.create(
            kommune=kommune, meeting=meeting, union_membership=union_membership
        )
        rows["unions.election_notice"] = ElectionNotice.objects.create(
            kommune=kommune,
            membership=Membership.objects.get(pk=org.amr.pk),
            union_membership=union_membership,
            kreds=kreds,
        )
        # The kreds' answer to the AMR's inquiry (to the member, in their language).
        inquiry = KredsInquiry.objects.create(
            kommune=kommune,
            union_membership=union_membership,
            kreds=kreds,
            subject="Indeklima",
            text="For varmt i klasselokalerne",
            answer="Vi tager det op med forvaltningen",
            answered_at=timezone.now(),
        )
        rows["unions.kreds_message"] = KredsMessage.objects.create(
            kommune=kommune, kreds=kreds, inquiry=inquiry, kind=KredsMessage.Kind.INQUIRY_ANSWERED
        )
        # Due now, whatever the clock said when they were made.
        for row in rows.values():
            type(row).objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    return {name: (type(row), row.pk) for name, row in rows.items()}
