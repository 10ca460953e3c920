from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_LIMIT = 2000


class PastDateField(forms.DateField):
    """A day that has happened: today or before (what was done, what was agreed)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke ligge i fremtiden."))


class MarkDoneForm(forms.Form):
    done_on = PastDateField(label=_("Opfyldt den"))
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


class WaiveForm(forms.Form):
    """HovedMED's agreement to waive obligation A, H or I (recorded by whoever answers for it)."""

    agreed_on = PastDateField(label=_("Aftalt den"))
    decision = forms.CharField(
        label=_("Beslutning"),
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx referatets ordlyd: at begge sider i HovedMED er enige om fravigelsen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()
