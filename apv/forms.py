"""Portal forms of the APV."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApvActionItem, SurveyResponse

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DONT_KNOW = ""


class ActionItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ApvActionItem.Status.choices)
    follow_up = forms.CharField(
        label=_("Opfølgning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpForm(forms.Form):
    held_on = forms.DateField(label=_("Holdt den"), widget=DATE)
    note = forms.CharField(label=_("Konklusion"), widget=forms.Textarea(attrs={"rows": 3}))


class SurveyForm(forms.Form):
    """One question per kortlægning point; every question may be left as "ved ikke"."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            *SurveyResponse.Rating.choices,
            (DONT_KNOW, _("Ved ikke / ikke relevant")),
        ]
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=choices,
                required=False,
                initial=DONT_KNOW,
                widget=forms.RadioSelect,
            )
            self.fields[f"item_{item.pk}"].area = item.get_area_display()

    def answers(self) -> dict[int, int]:
        result = {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if value not in (None, DONT_KNOW):
                result[item.pk] = int(value)
        return result
