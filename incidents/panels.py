from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .models import IncidentMeasure
from .selectors import incidents_to_follow_up


@register_panel(
    "incidents", _("Hændelser til opfølgning"), "incidents/panels/follow_up.html", order=45
)
def open_incidents(request, viewer):
    """Every employee can report; leaders and AMO members also see the open cases they handle."""
    if viewer.person is None:
        return None
    incidents = incidents_to_follow_up(viewer)[:10]
    handles = bool(viewer.committee_ids or viewer.led_unit_ids)
    # The owner of a measure sees the measure (not necessarily the case).
    measures = list(
        IncidentMeasure.objects.filter(owner=viewer.person, done_on__isnull=True)
        .select_related("incident")
        .order_by("due_on")[:10]
    )
    return {"incidents": incidents, "handles": handles, "measures": measures}
