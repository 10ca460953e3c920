from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.viewer import get_committee_for_user, get_viewer
from core.panels import panel_contexts
from core.tenancy import SESSION_KEY, kommune_required
from deadlines.overview import COMMITTEE_ROWS, STATUS_ORDER, kommune_overview
from deadlines.sources import request_sources
from elections.access import may_open
from elections.models import Election


def no_kommune(request):
    """A logged-in user without a kommune (settings.NO_KOMMUNE_VIEW, core.tenancy): a union
    officer's account belongs to the kreds, not to a kommune; people linked to several kommuner
    pick one; anyone else is told they have none."""
    from unions.access import is_kreds_officer

    if not request.available_kommuner and is_kreds_officer(request.user):
        return HttpResponseRedirect(reverse("unions:index"))
    if not request.available_kommuner:
        return render(request, "portal/no_kommune.html", status=403)
    return HttpResponseRedirect(f"{reverse('portal:choose_kommune')}?next={request.path}")


@kommune_required
def home(request):
    viewer = get_viewer(request)
    blocks = panel_contexts(request, viewer)
    return render(request, "portal/home.html", {"viewer": viewer, "blocks": blocks})


@login_required
@require_http_methods(["GET", "POST"])
def choose_kommune(request):
    choices = request.available_kommuner
    if request.method == "POST":
        for kommune in choices:
            if str(kommune.pk) == request.POST.get("kommune"):
                request.session[SESSION_KEY] = kommune.pk
                target = request.POST.get("next") or reverse("portal:home")
                if not target.startswith("/") or target.startswith("//"):
                    target = reverse("portal:home")
                return HttpResponseRedirect(target)
        messages.error(request, _("Vælg en kommune, du har adgang til."))
    return render(
        request,
        "portal/choose_kommune.html",
        {"choices": choices, "next": request.GET.get("next", "")},
    )


@kommune_required
def committee_detail(request, public_id):
    committee, can_chair = get_committee_for_user(request, public_id)
    seats = (
        committee.memberships.filter(ended_on__isnull=True)
        .select_related("person")
        .order_by("role", "person__last_name")
    )
    return render(
        request,
        "portal/committee.html",
        {
            "committee": committee,
            "seats": seats,
            "can_chair": can_chair,
            "units": committee.units.order_by("name"),
            "elections": committee.elections.order_by("-opened_at")[:5],
            "may_open_election": any(
                may_open(request, committee, role) for role in Election.Role.values
            ),
        },
    )


@kommune_required
@require_GET
def compliance_overview(request):
    """The kommune's compliance overview for the members of HovedMED (issue 5 §3): HovedMED is the
    kommune's top MED committee and its top arbejdsmiljøudvalg, so its members follow how the
    whole kommune keeps its duties. The same selector and counts as HR's admin page, without the
    drill-down to people (that stays with HR). Anyone else: 404, like every portal page that is
    not theirs. A fixed number of queries whatever the size of the kommune."""
    viewer = get_viewer(request)
    if not viewer.is_hovedmed_member:
        raise Http404
    today = timezone.localdate()
    counts = kommune_overview(request.kommune.pk, today, committee_limit=COMMITTEE_ROWS)
    sources = request_sources(request)
    return render(
        request,
        "portal/compliance.html",
        {
            "today": today,
            "statuses": STATUS_ORDER,
            "by_rule": [(row, sources.get(row.key, "")) for row in counts.by_rule],
            "by_omraade": counts.by_omraade,
            "by_committee": counts.by_committee,
            "committees_with_deadlines": counts.committees_with_deadlines,
            "total": counts.total,
        },
    )


@require_GET
def accessibility(request):
    """The accessibility statement (tilgængelighedserklæring, lov om tilgængelighed af offentlige
    organers websteder og mobilapplikationer § 3): open to everyone, linked from every page."""
    return render(
        request,
        "portal/accessibility.html",
        {"contact": settings.ACCESSIBILITY_CONTACT, "site_url": settings.SITE_URL},
    )


@kommune_required
def my_data(request):
    """Everything the system holds about the logged-in person (GDPR art. 15), on the page and
    as a JSON file: union membership and their own incidents' health data included, which HR's
    export leaves out."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import HttpResponse

    from core.privacy import person_export

    person = get_viewer(request).person
    if person is None:
        raise Http404
    export = person_export(person, for_hr=False)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(export, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
            content_type="application/json",
        )
        response["Content-Disposition"] = 'attachment; filename="mine-data.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "portal/my_data.html",
        {"export": export, "person": person, "title": _("Mine data")},
    )
