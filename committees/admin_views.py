from django.template.response import TemplateResponse

from core.access import allowed_unit_ids
from core.admin_site import site

from .checks import TITLE, run_structural_checks


def structural_checks_view(request):
    results = run_structural_checks(request.kommune, allowed_unit_ids(request))
    context = {
        **site.each_context(request),
        "title": TITLE,
        "results": results,
        "issue_count": sum(len(r.findings) for r in results),
    }
    return TemplateResponse(request, "committees/structural_checks.html", context)


site.register_view("strukturtjek/", structural_checks_view, "structural_checks", TITLE)
