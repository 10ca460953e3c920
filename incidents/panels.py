import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import KommuneCache
from core.panels import register_panel
from organisations.models import Unit

from .access import inspection_unit_ids, inspection_visits_for
from .models import Incident, IncidentMeasure, InspectionOrder
from .selectors import follow_up

# Visits shown on the home page: those with a påbud still open, and the rest of the last year.
INSPECTION_DAYS = 365
INSPECTION_LIMIT = 8


@register_panel(
    "incidents",
    _("Hændelser til opfølgning"),
    "incidents/panels/follow_up.html",
    order=45,
    reads=("incidents.Incident", "incidents.IncidentMeasure"),
)
def open_incidents(request, viewer):
    """Every employee can report; leaders and AMO members also see the open cases they handle."""
    if viewer.person is None:
        return None
    # The columns the list prints, never the case's health data (the panel is kept in the
    # kommune cache).
    incidents = [
        Incident(
            pk=row["pk"],
            public_id=row["public_id"],
            kind=row["kind"],
            occurred_on=row["occurred_on"],
            unit=Unit(name=row["unit__name"]) if row["unit__name"] is not None else None,
        )
        for row in follow_up(viewer)
        .values("pk", "public_id", "kind", "occurred_on", "unit__name")
        .order_by("-occurred_on", "-pk")[:10]
    ]
    handles = bool(viewer.committee_ids or viewer.led_unit_ids)
    # The owner of a measure sees the measure (not necessarily the case).
    measures = [
        IncidentMeasure(
            public_id=row["public_id"],
            description=row["description"],
            due_on=row["due_on"],
            incident=Incident(pk=row["incident_id"], occurred_on=row["incident__occurred_on"]),
        )
        for row in IncidentMeasure.objects.filter(owner=viewer.person, done_on__isnull=True)
        .values("public_id", "description", "due_on", "incident_id", "incident__occurred_on")
        .order_by("due_on")[:10]
    ]
    return {"incidents": incidents, "handles": handles, "measures": measures}


def _unit_ids(viewer) -> tuple[set[int], set[int]]:
    """`inspection_unit_ids` from the kommune cache: the seats, the AMGs' units with everything
    below them and the units the viewer leads replace the kommune's token when they change
    (deadlines.overview.COUNTED_MODELS). Stored where the access module looks for it."""
    if "inspection_units" not in viewer._cache:
        viewer._cache["inspection_units"] = KommuneCache(viewer.kommune.pk).get_or_set(
            ("incidents.inspection_units", viewer.person.pk), lambda: inspection_unit_ids(viewer)
        )
    return viewer._cache["inspection_units"]


def _listed(visits, today):
    """The visits the panel lists: a påbud still open, or visited within the last year."""
    open_orders = InspectionOrder.objects.filter(
        visit=OuterRef("pk"), complied_on__isnull=True
    ).exclude(kind=InspectionOrder.Kind.VEJLEDNING)
    since = today - datetime.timedelta(days=INSPECTION_DAYS)
    return visits.annotate(has_open=Exists(open_orders)).filter(
        Q(has_open=True) | Q(visited_on__gte=since)
    )


@register_panel(
    "inspections",
    _("Arbejdstilsynet"),
    "incidents/panels/inspections.html",
    order=46,
    reads=("incidents.InspectionVisit", "incidents.InspectionOrder", "incidents.AuthorisedAdviser"),
)
def inspections(request, viewer):
    """Arbejdstilsynet's visits and påbud at the units of the viewer's AMG (or the units they
    lead), with their deadlines, whether they are complied with and the authorised adviser
    engaged (incidents.access decides who sees them). Read-only: HR records them in the admin.
    Hidden when there is nothing to show. A fixed number of queries."""
    if viewer.person is None:
        return None
    amg_ids, unit_ids = _unit_ids(viewer)
    if not amg_ids and not unit_ids:
        return None
    visits = inspection_visits_for(viewer)
    # Most units have never had a visit: one plain query of the ids says so first.
    if not visits.values_list("pk")[:1]:
        return None
    today = timezone.localdate()
    visits = list(
        _listed(visits, today)
        .select_related("unit")
        .prefetch_related(
            Prefetch("orders", queryset=InspectionOrder.objects.select_related("adviser"))
        )
        .order_by("-has_open", "-visited_on", "-pk")[:INSPECTION_LIMIT]
    )
    if not visits:
        return None
    return {"visits": visits, "today": today, "soon": today + datetime.timedelta(days=14)}
