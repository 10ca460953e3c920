"""Portal forms of the APV."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Person

from .models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvProblem,
    ApvSickness,
    SurveyResponse,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DONT_KNOW = ""

# Free text is bounded in the forms (the model fields stay TextField): no reader of an APV needs
# a note longer than a few pages, and an unbounded field lets one POST fill the database, the
# page, the PDF and the CSV. 10,000 characters is about four pages; a short note gets 5,000.
LONG_TEXT = 10_000
SHORT_TEXT = 5_000
TOO_LONG = _("Teksten må højst være %(limit_value)d tegn (den er %(show_value)d).")


def free_text(
    label, *, max_length: int = LONG_TEXT, required: bool = False, rows: int = 3
) -> forms.CharField:
    """A bounded free-text field with the Danish error message."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ActionItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ApvActionItem.Status.choices)
    follow_up = free_text(_("Opfølgning"), rows=2)


class FollowUpForm(forms.Form):
    held_on = forms.DateField(label=_("Holdt den"), widget=DATE)
    note = free_text(_("Konklusion"), required=True)


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


# --- the group's own APV work (kortlægning, risk assessment, sygefravær, handlingsplan) ----------

LIKELIHOOD_CHOICES = [
    (1, _("1 – meget usandsynligt")),
    (2, _("2 – usandsynligt")),
    (3, _("3 – muligt")),
    (4, _("4 – sandsynligt")),
    (5, _("5 – meget sandsynligt")),
]
CONSEQUENCE_CHOICES = [
    (1, _("1 – ubetydelig")),
    (2, _("2 – mindre")),
    (3, _("3 – moderat")),
    (4, _("4 – alvorlig")),
    (5, _("5 – meget alvorlig")),
]


class StartCycleForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Kortlægning"),
        choices=ApvCycle.Method.choices,
        initial=ApvCycle.Method.CHECKLIST,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg tjekliste eller spørgeskema.")},
    )


class SurveyOpenForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Spørgeskemaet lukker"),
        required=False,
        widget=DATE,
        help_text=_("Tom: om tre uger."),
    )


class ChecklistItemForm(forms.ModelForm):
    """One point of the checklist: the group's answer and a note."""

    finding = forms.ChoiceField(
        label=_("Vurdering"),
        choices=ApvCycleItem.Finding.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg i orden, problem eller ikke relevant.")},
    )
    note = free_text(_("Bemærkning"), max_length=2000, rows=2)

    class Meta:
        model = ApvCycleItem
        fields = ["finding", "note"]


ChecklistFormSet = forms.modelformset_factory(
    ApvCycleItem, form=ChecklistItemForm, extra=0, edit_only=True
)


class ProblemForm(forms.ModelForm):
    likelihood = forms.TypedChoiceField(
        label=_("Sandsynlighed"),
        choices=LIKELIHOOD_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": _("Sandsynligheden skal være et tal fra 1 til 5.")},
    )
    consequence = forms.TypedChoiceField(
        label=_("Konsekvens"),
        choices=CONSEQUENCE_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": _("Konsekvensen skal være et tal fra 1 til 5.")},
    )
    description = free_text(_("Beskrivelse"), rows=4)

    class Meta:
        model = ApvProblem
        fields = ["area", "title", "description", "likelihood", "consequence"]
        labels = {
            "area": _("Område"),
            "title": _("Problem"),
        }


class SicknessForm(forms.ModelForm):
    comment = free_text(_("Bemærkning"), max_length=SHORT_TEXT, rows=2)

    class Meta:
        model = ApvSickness
        fields = ["period_start", "period_end", "days", "rate", "comment"]
        labels = {
            "period_start": _("Periode fra"),
            "period_end": _("Periode til"),
            "days": _("Fraværsdage"),
            "rate": _("Fraværsprocent"),
        }
        # Danish figures are written with a decimal comma ("4,5").
        localized_fields = ["days", "rate"]
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "days": forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            "rate": forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        }


class BaseSicknessFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Slet perioden")


SicknessFormSet = forms.modelformset_factory(
    ApvSickness, form=SicknessForm, formset=BaseSicknessFormSet, extra=1, can_delete=True
)


class PublicIdChoiceField(forms.ModelChoiceField):
    """A choice by opaque id; a value that is not even an id is the same invalid choice (in
    Danish) as an id that is not among the choices."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code == "invalid_choice":
                raise
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class OwnerChoiceField(PublicIdChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.unit})" if obj.unit_id else obj.full_name


class ActionItemForm(forms.ModelForm):
    """A line of the handlingsplan. Both choices are made by opaque id and only among the
    APV's own problems and the group's people in the request's kommune (the tenant scope), so
    another kommune's person or problem is simply not a valid choice."""

    assessment = PublicIdChoiceField(
        label=_("Problem fra risikovurderingen"),
        queryset=ApvProblem.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("– intet (skriv problemet nedenfor) –"),
        error_messages={"invalid_choice": _("Vælg et problem fra denne APV.")},
    )
    owner = OwnerChoiceField(
        label=_("Ansvarlig"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
        error_messages={
            "invalid_choice": _(
                "Vælg en ansvarlig blandt arbejdsmiljøgruppens folk i din kommune."
            ),
            "required": _("Vælg en ansvarlig."),
        },
    )
    cause = free_text(_("Årsag"))
    measure = free_text(_("Løsning/tiltag"), required=True)

    class Meta:
        model = ApvActionItem
        fields = ["assessment", "problem", "cause", "measure", "owner", "due_on"]
        labels = {
            "problem": _("Problem"),
            "due_on": _("Frist"),
        }
        help_texts = {
            "problem": _("Udfyldes fra risikovurderingen, hvis feltet er tomt."),
        }
        widgets = {"due_on": DATE}

    def __init__(self, *args, owners, problems, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["problem"].required = False
        self.fields["assessment"].queryset = problems
        if self.instance.owner_id:
            # An unchanged owner stays valid even if they have since moved out of the area.
            owners = owners | Person.objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = owners

    def clean_due_on(self):
        day = self.cleaned_data["due_on"]
        unchanged = self.instance.pk is not None and day == self.instance.due_on
        if day < self.today and not unchanged:
            raise forms.ValidationError(_("Fristen kan ikke ligge i fortiden."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("problem"):
            if data.get("assessment"):
                data["problem"] = data["assessment"].title
            elif "assessment" not in self.errors:
                self.add_error(
                    "problem", _("Beskriv problemet, eller vælg det fra risikovurderingen.")
                )
        return data
