from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from core.panels import register_panel

from .access import covering_amg_ids
from .selectors import latest_cycles, open_items_for


@register_panel(
    "apv", _("Min arbejdsmiljøgruppes APV-handlingsplan"), "apv/panels/plan.html", order=40
)
def my_apv(request, viewer):
    """The open lines of the handlingsplan of the groups the person sits in or is covered by."""
    if viewer.person is None:
        return None
    member_of = {s.committee_id for s in viewer.seats if s.committee.kind == Committee.Kind.AMG}
    amg_ids = member_of | covering_amg_ids(viewer)
    if not amg_ids:
        return None
    cycles = latest_cycles(amg_ids)
    current = [c.pk for c in cycles.values()]
    items = [i for i in open_items_for(amg_ids, limit=50) if i.cycle_id in current][:10]
    return {
        "cycles": sorted(cycles.values(), key=lambda c: c.committee.name),
        "items": items,
        "today": timezone.localdate(),
    }
