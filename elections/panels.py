from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .models import Candidacy, Election, Voter


@register_panel("elections", _("Valg"), "elections/panels/elections.html", order=15)
def my_elections(request, viewer):
    """Open elections the person is called to (stand, answer a proposal, vote). Hidden when none."""
    if viewer.person is None:
        return None
    # Often the kommune has no open election at all: then one plain query (no join, no
    # subquery) says so, and the person is called to none.
    if not Election.objects.filter(state__in=Election.OPEN_STATES).values_list("pk")[:1]:
        return None
    mine = Q(pk__in=Voter.objects.filter(person=viewer.person).values("election_id")) | Q(
        pk__in=Candidacy.objects.filter(person=viewer.person).values("election_id")
    )
    elections = list(
        Election.objects.filter(mine, state__in=Election.OPEN_STATES)
        .select_related("committee")
        .order_by("nomination_deadline")[:10]
    )
    if not elections:
        return None
    voted = set(
        Voter.objects.filter(
            person=viewer.person, has_voted=True, election__in=[e.pk for e in elections]
        ).values_list("election_id", flat=True)
    )
    return {"elections": elections, "voted": voted, "today": timezone.localdate()}
