"""A person's own reminders: what was sent to them and why, and their digest preference.

Thin views: the request's tenant scope (TenantMiddleware) is active; the person is the viewer of
the request (core.access); writes go through `preference_set`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committees.viewer import get_viewer
from core.tenancy import kommune_required
from organisations.models import Person

from .models import Frequency, ReminderDigest, ReminderItem
from .services import preference_for, preference_set

HISTORY_LENGTH = 50


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(label=gettext_lazy("Hvor ofte"), choices=Frequency.choices)
    language = forms.ChoiceField(label=gettext_lazy("Sprog"), choices=settings.LANGUAGES)


def get_person_for_request(request) -> Person:
    """The logged-in user's (current) person in the request's kommune; anything else is a 404."""
    person = get_viewer(request).person
    if person is None:
        raise Http404
    return person


def digests_of(person: Person, limit: int):
    """A person's own digests, newest first, with what they listed (a fixed number of queries)."""
    items = ReminderItem.objects.select_related(
        "deadline", "deadline__committee", "basis_unit"
    ).order_by("deadline__due_date")
    return (
        ReminderDigest.objects.filter(recipient=person)
        .exclude(state=ReminderDigest.State.EMPTY)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-day")[:limit]
    )


@kommune_required
def my_reminders(request):
    person = get_person_for_request(request)
    digests = digests_of(person, HISTORY_LENGTH)
    preference = preference_for(person)
    form = PreferenceForm(
        initial={"frequency": preference.frequency, "language": person.message_language}
    )
    context = {"person": person, "digests": digests, "form": form, "title": _("Mine påmindelser")}
    return render(request, "reminders/my_reminders.html", context)


@kommune_required
@require_POST
def preference_update(request):
    person = get_person_for_request(request)
    form = PreferenceForm(request.POST)
    if form.is_valid():
        preference_set(
            person,
            frequency=form.cleaned_data["frequency"],
            language=form.cleaned_data["language"],
            acting_user=request.user,
        )
        messages.success(request, _("Dine indstillinger for påmindelser er gemt."))
    else:
        messages.error(request, _("Vælg en gyldig hyppighed og et gyldigt sprog."))
    return redirect("reminders:mine")
