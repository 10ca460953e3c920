from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import allowed_unit_ids
from core.admin_site import site

from .overview import COMMITTEE_ROWS, STATUS_ORDER, kommune_overview

TITLE = _("Overblik over frister")


def compliance_overview_view(request):
    today = timezone.localdate()
    counts = kommune_overview(
        request.kommune.pk, today, allowed_unit_ids(request), committee_limit=COMMITTEE_ROWS
    )
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
