"""A deadline's page in the portal: what it asks, by when, its source, the action that fulfils
it and, for a duty done outside the system, "mark done" with a date and a note. Read and change
are decided by deadlines.access (core.access.access_to); another kommune's deadline and a
missing one give the same 404, a reader who may not mark it done 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.access import access_to, require_read
from portal.views import kommune_required

from .forms import MarkDoneForm
from .models import Deadline
from .services import deadline_mark_done
from .sources import request_sources


@kommune_required
@require_http_methods(["GET", "POST"])
def deadline_detail(request, public_id):
    deadline = require_read(
        request,
        Deadline.objects.visible()
        .select_related("person", "committee", "unit")
        .filter(public_id=public_id)
        .first(),
    )
    access = access_to(request, deadline)
    rule = deadline.rule_obj
    can_mark = (
        access.change
        and rule is not None
        and rule.manual_done
        and deadline.state == Deadline.State.OPEN
    )
    form = None
    if can_mark:
        form = MarkDoneForm(request.POST if request.method == "POST" else None, deadline=deadline)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                deadline_mark_done(
                    deadline,
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Fristen er registreret som opfyldt."))
                return HttpResponseRedirect(reverse("deadlines:detail", args=[deadline.public_id]))
    today = timezone.localdate()
    return render(
        request,
        "deadlines/detail.html",
        {
            "deadline": deadline,
            "status": deadline.status_on(today),
            "source": request_sources(request).get(deadline.rule) or deadline.source,
            "what_to_do": rule.what_to_do if rule else "",
            "action": rule.action(deadline) if rule else None,
            "form": form,
            "today": today,
        },
    )
