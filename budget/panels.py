from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.panels import register_panel

from .access import answering_committees, sits_in_med
from .models import BudgetProcess, HearingResponse


@register_panel("budget", _("Budget"), "budget/panels/budget.html", order=44)
def budget_panel(request, viewer):
    """This year's budget for the MED committees' members and the leaders: where the process
    is, and for a formandskab of a heard committee the response still to give. Hidden for
    others, and when no budget year is recorded. Three queries at most."""
    if viewer.person is None or not (sits_in_med(viewer) or viewer.is_leader):
        return None
    process = BudgetProcess.objects.order_by("-year").first()
    if process is None:
        return None
    owed = []
    if process.hearing_open:
        heard = answering_committees(viewer, process)
        answered = set(
            HearingResponse.objects.filter(process=process, committee__in=heard).values_list(
                "committee_id", flat=True
            )
        )
        owed = sorted((c for c in heard if c.pk not in answered), key=lambda c: c.name)
    return {"process": process, "owed": owed, "today": timezone.localdate()}
