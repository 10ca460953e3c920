from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from core.panels import register_panel
from organisations.models import Person

from .access import covering_amg_ids
from .models import ApvActionItem, ApvCycle

ITEMS = 10


@register_panel(
    "apv",
    _("Min arbejdsmiljøgruppes APV-handlingsplan"),
    "apv/panels/plan.html",
    order=40,
    reads=("apv.ApvCycle", "apv.ApvActionItem"),
)
def my_apv(request, viewer):
    """The open lines of the handlingsplan of the groups the person sits in or is covered by:
    the newest cycle of each group and its open lines, read as the few columns the panel
    prints (two queries)."""
    if viewer.person is None:
        return None
    member_of = {s.committee_id for s in viewer.seats if s.committee.kind == Committee.Kind.AMG}
    amg_ids = member_of | covering_amg_ids(viewer)
    if not amg_ids:
        return None
    cycles = {}
    for row in (
        ApvCycle.objects.filter(committee_id__in=amg_ids)
        .values("pk", "public_id", "committee_id", "phase", "committee__name")
        .order_by("committee_id", "-started_on", "-pk")
    ):
        if row["committee_id"] not in cycles:
            cycles[row["committee_id"]] = ApvCycle(
                pk=row["pk"],
                public_id=row["public_id"],
                phase=row["phase"],
                committee=Committee(name=row["committee__name"]),
            )
    items = []
    if cycles:
        rows = (
            ApvActionItem.objects.filter(cycle_id__in=[c.pk for c in cycles.values()])
            .exclude(status=ApvActionItem.Status.DONE)
            .values(
                "public_id",
                "problem",
                "due_on",
                "status",
                "cycle__public_id",
                "owner__first_name",
                "owner__last_name",
            )
            .order_by("due_on", "pk")[:ITEMS]
        )
        for row in rows:
            item = ApvActionItem(
                public_id=row["public_id"],
                problem=row["problem"],
                due_on=row["due_on"],
                status=row["status"],
                cycle=ApvCycle(public_id=row["cycle__public_id"]),
                owner=Person(
                    first_name=row["owner__first_name"], last_name=row["owner__last_name"]
                ),
            )
            items.append(item)
    return {
        "cycles": sorted(cycles.values(), key=lambda c: c.committee.name),
        "items": items,
        "today": timezone.localdate(),
    }
