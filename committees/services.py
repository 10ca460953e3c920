"""Writes to committees and memberships. Each change updates the affected deadlines at once."""

from __future__ import annotations

import datetime

from django.db import transaction

from core.history import set_history_user
from deadlines.dates import add_years
from deadlines.engine import refresh
from deadlines.periods import term_last_day

from .models import AmoProposal, Committee, Membership, ObligationWaiver

__all__ = [
    "add_years",
    "committee_save",
    "membership_save",
    "obligation_waive",
    "obligation_waiver_save",
    "obligation_waiver_withdraw",
    "proposal_save",
]


def membership_default_term_end(membership: Membership) -> datetime.date | None:
    """AML § 8: an AMR is elected for 2 years unless the kommune has agreed on up to 4; the
    valgperiode ends on its last day (deadlines/periods.py, the one definition)."""
    if membership.role != Membership.Role.AMR or not membership.start_date:
        return None
    return term_last_day(membership.start_date, membership.kommune.amr_term_years)


@transaction.atomic
def membership_save(membership: Membership, *, acting_user=None) -> Membership:
    if membership.role == Membership.Role.AMR and membership.term_end is None:
        membership.term_end = membership_default_term_end(membership)
    previous = None
    if membership.pk:
        previous = (
            Membership.objects.filter(pk=membership.pk)
            .values_list("person_id", "committee_id")
            .first()
        )
    set_history_user(membership, acting_user)
    membership.save()
    persons = {membership.person_id} | ({previous[0]} if previous else set())
    committees = {membership.committee_id} | ({previous[1]} if previous else set())
    refresh(
        membership.kommune,
        persons=persons,
        committees=committees,
        changed=[Membership],
        acting_user=acting_user,
    )
    return membership


@transaction.atomic
def membership_delete(membership: Membership, *, acting_user=None) -> None:
    """A seat entered by mistake is deleted (a real departure is `ended_on`); the person's and
    the committee's deadlines follow at once."""
    kommune, person_id, committee_id = (
        membership.kommune,
        membership.person_id,
        membership.committee_id,
    )
    set_history_user(membership, acting_user)
    membership.delete()
    refresh(
        kommune,
        persons=[person_id],
        committees=[committee_id],
        changed=[Membership],
        acting_user=acting_user,
    )


@transaction.atomic
def committee_members_changed(committee: Committee, *, persons=(), acting_user=None) -> None:
    """After the units a committee covers or its seats were changed together (the admin's
    inlines): refresh the committee, its members and anyone who just lost a seat."""
    members = set(
        Membership.objects.filter(committee=committee).values_list("person_id", flat=True)
    )
    refresh(
        committee.kommune,
        persons=members | set(persons),
        committees=[committee],
        acting_user=acting_user,
    )


@transaction.atomic
def committee_save(committee: Committee, *, acting_user=None) -> Committee:
    """Closing a committee ends its duties; the members' deadlines follow."""
    set_history_user(committee, acting_user)
    committee.save()
    members = set(
        Membership.objects.filter(committee=committee).values_list("person_id", flat=True)
    )
    refresh(committee.kommune, persons=members, committees=[committee], acting_user=acting_user)
    return committee


@transaction.atomic
def obligation_waive(
    *,
    committee: Committee,
    obligation: str,
    agreed_on: datetime.date,
    decision: str,
    agenda_item=None,
    acting_user=None,
) -> ObligationWaiver:
    """HovedMED agrees to waive A, H or I; `agenda_item`: where its approved referat records it
    (the decision's text then defaults to the item's decisions)."""
    if agenda_item is not None and not decision.strip():
        decision = "\n".join(d.text for d in agenda_item.decisions.all())
    waiver = ObligationWaiver(
        kommune_id=committee.kommune_id,
        committee=committee,
        obligation=obligation,
        agreed_on=agreed_on,
        decision=decision,
        agenda_item=agenda_item,
    )
    waiver.full_clean()
    set_history_user(waiver, acting_user)
    waiver.save()
    refresh(committee.kommune, committees=[committee], acting_user=acting_user)
    return waiver


@transaction.atomic
def obligation_waiver_withdraw(
    waiver: ObligationWaiver, *, side: str, withdrawn_on: datetime.date, acting_user=None
) -> ObligationWaiver:
    """Either side may withdraw; the duty returns at once."""
    waiver.withdrawn_on = withdrawn_on
    waiver.withdrawn_by_side = side
    waiver.full_clean()
    set_history_user(waiver, acting_user)
    waiver.save(update_fields=["withdrawn_on", "withdrawn_by_side"])
    refresh(waiver.committee.kommune, committees=[waiver.committee_id], acting_user=acting_user)
    return waiver


@transaction.atomic
def obligation_waiver_save(waiver: ObligationWaiver, *, acting_user=None) -> ObligationWaiver:
    """Admin create/edit of a waiver (agreeing, or recording a withdrawal)."""
    set_history_user(waiver, acting_user)
    waiver.save()
    refresh(waiver.committee.kommune, committees=[waiver.committee_id], acting_user=acting_user)
    return waiver


@transaction.atomic
def proposal_save(proposal: AmoProposal, *, acting_user=None) -> AmoProposal:
    set_history_user(proposal, acting_user)
    proposal.save()
    refresh(proposal.kommune, committees=[proposal.committee_id], acting_user=acting_user)
    return proposal
