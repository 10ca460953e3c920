from django import template
from django.urls import reverse
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("deadlines/admin/dashboard.html", takes_context=True)
def hr_dashboard(context):
    """HR's dashboard on the admin's first page (deadlines.dashboard)."""
    from deadlines.dashboard import dashboard
    from deadlines.overview import STATUS_ORDER

    request = context["request"]
    changelist = reverse("admin:deadlines_deadline_changelist")
    return {
        "board": dashboard(request, timezone.localdate(), changelist=changelist),
        "statuses": STATUS_ORDER,
        "changelist": changelist,
        "overview_url": reverse("admin:compliance_overview"),
    }
