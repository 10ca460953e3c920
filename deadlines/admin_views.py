from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.admin import allowed_unit_ids
from core.admin_site import site
from core.cache import KommuneCache

from .overview import COMMITTEE_ROWS, STATUS_ORDER, kommune_overview

TITLE = _("Overblik over frister")


def compliance_overview_view(request):
    today = timezone.localdate()
    unit_ids = allowed_unit_ids(request)
    counts = kommune_overview(request.kommune.pk, today, unit_ids, committee_limit=COMMITTEE_ROWS)
    context = {
        "today": today,
        "statuses": STATUS_ORDER,
        "by_rule": counts.by_rule,
        "by_omraade": counts.by_omraade,
        "by_committee": counts.by_committee,
        "committees_with_deadlines": counts.committees_with_deadlines,
        "total": counts.total,
        "changelist": reverse("admin:deadlines_deadline_changelist"),
    }
    # The tables as HTML, kept in the kommune cache like the counts they show (until the
    # kommune's deadlines, committees, seats or units change, or the day): some 650 linked
    # numbers at København size cost more to print than the page around them.
    restriction = None if unit_ids is None else tuple(sorted(unit_ids))
    parts = ("deadlines.overview.tables", today.isoformat(), restriction, get_language())
    tables = KommuneCache(request.kommune.pk).get_or_set(
        parts, lambda: render_to_string("deadlines/admin/_overview_tables.html", context)
    )
    context.update(site.each_context(request), title=TITLE, tables=tables)
    return TemplateResponse(request, "deadlines/admin/overview.html", context)


site.register_view("frister/overblik/", compliance_overview_view, "compliance_overview", TITLE)
