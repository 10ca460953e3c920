"""Sample rows of the elections (tests/factories.py: SAMPLE_BUILDERS)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from elections.models import Candidacy, Election, ElectionMessage, Voter


def make_election(org) -> Election:
    """An AMR election of the org's AMG, open for candidates, its AMR standing again."""
    today = timezone.localdate()
    election = Election.objects.create(
        kommune=org.kommune,
        committee=org.amg,
        role=Election.Role.AMR,
        nomination_deadline=today + datetime.timedelta(days=14),
        term_start=today + datetime.timedelta(days=30),
        replaces=org.amr,
    )
    Voter.objects.create(kommune=org.kommune, election=election, person=org.amr.person)
    Candidacy.objects.create(
        kommune=org.kommune,
        election=election,
        person=org.amr.person,
        state=Candidacy.State.ACCEPTED,
    )
    return election


def make_message(org) -> ElectionMessage:
    election = Election.objects.filter(committee=org.amg).first() or make_election(org)
    return ElectionMessage.objects.create(
        kommune=org.kommune,
        election=election,
        kind=ElectionMessage.Kind.CALL,
        person=org.amr.person,
    )


SAMPLES = {"elections.Election": make_election}
