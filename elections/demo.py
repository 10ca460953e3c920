"""The demo's election in progress: Albertslund's first AMG (the demo's AMR and leader logins sit
there) gets a second AMR. Two colleagues stand; some have voted, the AMR login has not, and the
vote closes in a week."""

from __future__ import annotations

import datetime

from committees.models import Committee, Membership
from core.tenancy import tenant_scope

from . import services
from .models import Candidacy, Election


def load_election_demo(kommune, today: datetime.date) -> None:
    with tenant_scope(kommune):
        if Election.objects.exists():
            return
        amr = (
            Membership.objects.filter(
                role=Membership.Role.AMR, committee__kind=Committee.Kind.AMG, ended_on__isnull=True
            )
            .select_related("person", "committee")
            .order_by("pk")
            .first()
        )
        if amr is None:
            return
        opened = today - datetime.timedelta(days=21)
        if services.electorate(amr.committee, Election.Role.AMR, opened).count() < 4:
            return
        election = services.election_open(
            committee=amr.committee,
            role=Election.Role.AMR,
            nomination_deadline=today - datetime.timedelta(days=7),
            term_start=today + datetime.timedelta(days=14),
            voting_days=14,
            message=(
                "Arbejdsmiljøgruppen får en arbejdsmiljørepræsentant mere, så hver afdeling har "
                "sin egen. Kom og hør kandidaterne på personalemødet."
            ),
            acting_user=None,
            today=opened,
        )
        voters = list(
            election.voters.exclude(person=amr.person)
            .select_related("person")
            .order_by("person__last_name", "person__first_name")
        )
        for voter in voters[:2]:
            services.candidacy_nominate(
                election, person=voter.person, by=voter.person, acting_user=None, today=opened
            )
        services.nomination_close(election, today=today - datetime.timedelta(days=6))
        candidates = list(election.candidacies.filter(state=Candidacy.State.ACCEPTED))
        # A third of the others have voted (the AMR's own login has not).
        for index, voter in enumerate(voters[: max(1, len(voters) // 3)]):
            services.ballot_cast(
                election,
                voter=voter.person,
                candidacy=candidates[index % len(candidates)],
                today=today,
            )
