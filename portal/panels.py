from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.cache import KommuneCache
from core.panels import register_panel
from deadlines.models import Status
from deadlines.overview import kommune_overview
from deadlines.selectors import deadlines_for_viewer, group_by_urgency
from deadlines.sources import request_source_settings, request_sources
from training.models import Completion


@register_panel("deadlines", _("Mine frister"), "portal/panels/deadlines.html", order=10)
def my_deadlines(request, viewer):
    """The person's deadlines and those of the committees they answer for, rendered once and
    kept in the kommune cache: the list is made of deadlines, seats, committees and people
    only, whose changes replace the kommune's token (deadlines.overview.COUNTED_MODELS, the
    engine's writes, meetings.apps for people's names). What else the list prints is in the
    key: the day (statuses), the language, and the kommune's rule sources (read per request:
    HR's settings and the agreement's name do not replace the token)."""
    if viewer.person is None:
        return None
    today = timezone.localdate()
    agreement, references = request_source_settings(request)

    def compute() -> str:
        rows = deadlines_for_viewer(viewer, today)
        for deadline in rows:
            rule = deadline.rule_obj
            deadline.action = rule.action(deadline) if rule and deadline.state == "open" else None
        return render_to_string(
            "portal/panels/_deadlines.html",
            {"groups": group_by_urgency(rows, today), "sources": request_sources(request)},
        )

    parts = (
        "portal.deadlines",
        viewer.person.pk,
        today.isoformat(),
        translation.get_language(),
        agreement,
        tuple(sorted(references.items())),
    )
    return {"html": mark_safe(KommuneCache(request.kommune.pk).get_or_set(parts, compute))}


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


@register_panel(
    "training",
    _("Min uddannelse"),
    "portal/panels/training.html",
    order=60,
    reads=("training.Completion", "training.CourseType"),
)
def my_training(request, viewer):
    if viewer.person is None:
        return None
    completions = list(
        Completion.objects.filter(person=viewer.person)
        .values("public_id", "completed_on", "hours", "certificate", course=F("course_type__name"))
        .order_by("-completed_on")
    )
    return {"completions": completions}
