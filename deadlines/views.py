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
from core.tenancy import kommune_required

from .forms import MarkDoneForm, WaiveForm
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
    waiver_letter = _waivable_letter(deadline)
    can_waive = access.change and waiver_letter is not None
    active_waiver = _active_waiver(deadline, waiver_letter) if can_waive else None
    waive_form = None
    if can_waive and deadline.state == Deadline.State.OPEN:
        waive_form = WaiveForm(request.POST if request.POST.get("waive") else None)
    if request.method == "POST" and (request.POST.get("waive") or request.POST.get("withdraw")):
        if not can_waive:
            raise PermissionDenied
        done = _waive_or_withdraw(request, deadline, waiver_letter, waive_form, active_waiver)
        if done is not None:
            return done
    form = None
    if can_mark:
        form = MarkDoneForm(
            request.POST if request.method == "POST" and not request.POST.get("waive") else None,
            deadline=deadline,
        )
    if request.method == "POST" and not request.POST.get("waive"):
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
            "waive_form": waive_form,
            "active_waiver": active_waiver,
            "today": today,
        },
    )


# --- waiving HovedMED obligation A, H or I ----------------------------------------------------------


def _waivable_letter(deadline: Deadline) -> str | None:
    """The obligation's letter when the deadline is a HovedMED obligation that may be waived
    ("Hovedudvalget kan aftale at fravige punkt A, H og I, såfremt der er enighed")."""
    from committees.models import WAIVABLE_OBLIGATIONS

    if deadline.rule != "committees.hovedmed_obligation" or deadline.committee_id is None:
        return None
    letter = (deadline.params or {}).get("letter")
    return letter if letter in WAIVABLE_OBLIGATIONS else None


def _active_waiver(deadline: Deadline, letter: str):
    from committees.models import ObligationWaiver

    today = timezone.localdate()
    for waiver in ObligationWaiver.objects.filter(
        committee_id=deadline.committee_id, obligation=letter
    ):
        if waiver.is_active_on(today):
            return waiver
    return None


def _side_of(request, committee_id: int) -> str:
    """The viewer's side in the committee (who withdraws); HR records for the employer."""
    from committees.models import Membership
    from committees.viewer import get_viewer

    for seat in get_viewer(request).seats:
        if seat.committee_id == committee_id and seat.side:
            return seat.side
    return Membership.Side.LEDELSE


def _waive_or_withdraw(request, deadline, letter, waive_form, active_waiver):
    from committees.services import obligation_waive, obligation_waiver_withdraw

    back = HttpResponseRedirect(reverse("deadlines:detail", args=[deadline.public_id]))
    if request.POST.get("withdraw"):
        if active_waiver is None:
            messages.error(request, _("Der er ingen gældende fravigelse at trække tilbage."))
            return back
        obligation_waiver_withdraw(
            active_waiver,
            side=_side_of(request, deadline.committee_id),
            withdrawn_on=timezone.localdate(),
            acting_user=request.user,
        )
        messages.success(request, _("Fravigelsen er trukket tilbage; opgaven gælder igen."))
        return back
    if waive_form is None or active_waiver is not None:
        messages.error(request, _("Opgaven er allerede fraveget."))
        return back
    if not waive_form.is_valid():
        return None
    try:
        obligation_waive(
            committee=deadline.committee,
            obligation=letter,
            agreed_on=waive_form.cleaned_data["agreed_on"],
            decision=waive_form.cleaned_data["decision"],
            acting_user=request.user,
        )
    except ValidationError as error:
        waive_form.add_error(None, error)
        return None
    messages.success(request, _("Fravigelsen er registreret; opgaven er fraveget."))
    return back
