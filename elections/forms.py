from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Membership

from .models import Election


class OpenForm(forms.Form):
    role = forms.ChoiceField(label=_("Valg af"), choices=Election.Role.choices)
    replaces = forms.ModelChoiceField(
        label=_("Afløser"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Ingen – en ny eller ledig plads"),
        help_text=_("Den plads, hvis valgperiode udløber."),
    )
    seats = forms.IntegerField(label=_("Antal pladser"), min_value=1, max_value=10, initial=1)
    nomination_deadline = forms.DateField(
        label=_("Kandidatfrist"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    voting_days = forms.IntegerField(
        label=_("Afstemningens længde (dage)"), min_value=1, max_value=30, initial=7
    )
    term_start = forms.DateField(
        label=_("Valgperioden begynder"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    message = forms.CharField(
        label=_("Besked til de ansatte"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the seats an election can fill in this committee (an AMR in the AMO, the employee
        # side in a MED committee, a TR anywhere).
        roles = Election.roles_for(committee)
        self.fields["role"].choices = [(r, Election.Role(r).label) for r in roles]
        # Only this committee's sitting seats of those roles: a foreign key checked against scope.
        self.fields["replaces"].queryset = (
            Membership.objects.filter(committee=committee, role__in=roles, ended_on__isnull=True)
            .select_related("person")
            .order_by("term_end")
        )
        self.fields["replaces"].label_from_instance = lambda seat: (
            f"{seat.get_role_display()}: {seat.person}"
            + (f" ({_('valgt til')} {seat.term_end:%d.%m.%Y})" if seat.term_end else "")
        )
        today = timezone.localdate()
        self.fields["nomination_deadline"].initial = today + datetime.timedelta(days=14)
        self.fields["term_start"].initial = today + datetime.timedelta(days=28)
