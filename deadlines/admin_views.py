from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import allowed_unit_ids
from core.admin_site import site

from .models import Deadline
from .overview import STATUS_ORDER, by_committee, by_omraade, by_rule, totals

TITLE = _("Overblik over frister")


def compliance_overview_view(request):
    today = timezone.localdate()
    queryset = Deadline.objects.all()
    unit_ids = allowed_unit_ids(request)
    if unit_ids is not None:
        queryset = site._registry[Deadline].limit_to_units(queryset, unit_ids)
    rules = by_rule(today, queryset)
    changelist = reverse("admin:deadlines_deadline_changelist")

    context = {
        **site.each_context(request),
        "title": TITLE,
        "today": today,
        "statuses": STATUS_ORDER,
        "by_rule": rules,
        "by_omraade": by_omraade(today, queryset),
        "by_committee": [row for row in by_committee(today, queryset) if row.total],
        "total": totals(rules),
        "changelist": changelist,
    }
    return TemplateResponse(request, "deadlines/admin/overview.html", context)


site.register_view("frister/overblik/", compliance_overview_view, "compliance_overview", TITLE)
