from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.panels import register_panel
from deadlines.models import Status
from deadlines.overview import kommune_overview
from deadlines.selectors import deadlines_for_viewer, group_by_urgency
from deadlines.sources import request_sources
from training.models import Completion


@register_panel("deadlines", _("Mine frister"), "portal/panels/deadlines.html", order=10)
def my_deadlines(request, viewer):
    if viewer.person is None:
        return None
    today = timezone.localdate()
    rows = deadlines_for_viewer(viewer, today)
    for deadline in rows:
        rule = deadline.rule_obj
        deadline.action = rule.action(deadline) if rule and deadline.state == "open" else None
    return {
        "deadlines": rows,
        "groups": group_by_urgency(rows, today),
        "today": today,
        "sources": request_sources(request),
    }


@register_panel("compliance", _("Kommunens overblik"), "portal/panels/compliance.html", order=12)
def kommune_compliance(request, viewer):
    """HovedMED members follow the whole kommune's compliance (issue 5 §3); from the kommune cache."""
    if not viewer.is_hovedmed_member:
        return None
    total = kommune_overview(request.kommune.pk, timezone.localdate()).total
    open_statuses = (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING)
    return {"open": [(status, n) for status, n in total.cells() if status in open_statuses]}


@register_panel("committees", _("Mine udvalg og roller"), "portal/panels/committees.html", order=20)
def my_committees(request, viewer):
    if viewer.person is None:
        return None
    return {"seats": viewer.seats}


@register_panel("training", _("Min uddannelse"), "portal/panels/training.html", order=60)
def my_training(request, viewer):
    if viewer.person is None:
        return None
    completions = (
        Completion.objects.filter(person=viewer.person)
        .select_related("course_type")
        .order_by("-completed_on")
    )
    return {"completions": completions}
