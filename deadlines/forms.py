from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_LIMIT = 2000


class MarkDoneForm(forms.Form):
    done_on = forms.DateField(
        label=_("Opfyldt den"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Bemærkning"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx hvor og med hvem det blev gjort."),
    )

    def __init__(self, *args, deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.fields["done_on"].initial = timezone.localdate()

    def clean_done_on(self):
        day: datetime.date = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke ligge i fremtiden."))
        return day


class WaiveForm(forms.Form):
    """HovedMED's agreement to waive obligation A, H or I (recorded by whoever answers for it)."""

    agreed_on = forms.DateField(
        label=_("Aftalt den"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    decision = forms.CharField(
        label=_("Beslutning"),
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx referatets ordlyd: at begge sider i HovedMED er enige om fravigelsen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()

    def clean_agreed_on(self):
        day: datetime.date = self.cleaned_data["agreed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke ligge i fremtiden."))
        return day
