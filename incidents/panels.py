import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .access import inspection_visits_for
from .models import IncidentMeasure, InspectionOrder
from .selectors import incidents_to_follow_up

# Visits shown on the home page: those with a påbud still open, and the rest of the last year.
INSPECTION_DAYS = 365
INSPECTION_LIMIT = 8


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


@register_panel("inspections", _("Arbejdstilsynet"), "incidents/panels/inspections.html", order=46)
def inspections(request, viewer):
    """Arbejdstilsynet's visits and påbud at the units of the viewer's AMG (or the units they
    lead), with their deadlines, whether they are complied with and the authorised adviser
    engaged (incidents.access decides who sees them). Read-only: HR records them in the admin.
    Hidden when there is nothing to show. A fixed number of queries."""
    visits = inspection_visits_for(viewer)
    open_orders = InspectionOrder.objects.filter(
        visit=OuterRef("pk"), complied_on__isnull=True
    ).exclude(kind=InspectionOrder.Kind.VEJLEDNING)
    today = timezone.localdate()
    since = today - datetime.timedelta(days=INSPECTION_DAYS)
    visits = list(
        visits.annotate(has_open=Exists(open_orders))
        .filter(Q(has_open=True) | Q(visited_on__gte=since))
        .select_related("unit")
        .prefetch_related(
            Prefetch("orders", queryset=InspectionOrder.objects.select_related("adviser"))
        )
        .order_by("-has_open", "-visited_on", "-pk")[:INSPECTION_LIMIT]
    )
    if not visits:
        return None
    return {"visits": visits, "today": today, "soon": today + datetime.timedelta(days=14)}
