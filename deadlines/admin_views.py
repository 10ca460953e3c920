from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import allowed_unit_ids
from core.admin_site import site

from .models import Deadline
from .overview import STATUS_ORDER, overview

TITLE = _("Overblik over frister")
# A large kommune has thousands of committees: the page lists those with the most overdue
# deadlines; the drill-down (changelist) filters by any committee.
COMMITTEE_ROWS = 100


def compliance_overview_view(request):
    today = timezone.localdate()
    queryset = Deadline.objects.all()
    unit_ids = allowed_unit_ids(request)
    if unit_ids is not None:
        queryset = site._registry[Deadline].limit_to_units(queryset, unit_ids)
    counts = overview(today, queryset, committee_limit=COMMITTEE_ROWS)
    changelist = reverse("admin:deadlines_deadline_changelist")

    context = {
        **site.each_context(request),
        "title": TITLE,
        "today": today,
        "statuses": STATUS_ORDER,
        "by_rule": counts.by_rule,
        "by_omraade": counts.by_omraade,
        "by_committee": counts.by_committee,
        "committees_with_deadlines": counts.committees_with_deadlines,
        "total": counts.total,
        "changelist": changelist,
    }
    return TemplateResponse(request, "deadlines/admin/overview.html", context)


site.register_view("frister/overblik/", compliance_overview_view, "compliance_overview", TITLE)
