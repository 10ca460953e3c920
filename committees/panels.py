from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .access import proposer_committee_ids
from .proposals import open_proposals_for


@register_panel(
    "proposals",
    _("Forslag til arbejdsgiveren"),
    "committees/panels/open_proposals.html",
    order=42,
    reads=("committees.AmoProposal",),
)
def open_proposals(request, viewer):
    """The AMO's proposals waiting for the employer's decision or reasons, for the members who
    proposed them and the leaders who answer them; the AMR and the AMG's leder may propose.
    Hidden for a person with neither."""
    if viewer.person is None:
        return None
    proposer_ids = proposer_committee_ids(viewer)
    proposals = open_proposals_for(viewer)
    if not proposals and not proposer_ids:
        return None
    proposer_of = sorted(
        {s.committee for s in viewer.seats if s.committee_id in proposer_ids}, key=lambda c: c.name
    )
    return {"proposals": proposals, "proposer_of": proposer_of, "today": timezone.localdate()}
