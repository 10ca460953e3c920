"""Portal forms of the incidents. Every foreign key is chosen from a queryset of the request's
kommune (the tenant scope) narrowed to what the person may pick."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Membership
from organisations.models import Person, Unit

from .models import Incident, Kind, Nature

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Free text is bounded where no reader needs more (issue 16).
TEXT_LIMIT = 5_000


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ReportForm(forms.Form):
    WHO_SELF = "self"
    WHO_OTHER = "other"
    WHO_NONE = "none"

    kind = forms.ChoiceField(label=_("Hvad er sket?"), choices=Kind.choices)
    nature = forms.ChoiceField(
        label=_("Fysisk eller psykisk"), choices=Nature.choices, initial=Nature.PHYSICAL
    )
    by_third_party = forms.BooleanField(
        label=_("Udøvet af en tredjepart (borger, pårørende, elev, kunde …)"), required=False
    )
    occurred_on = forms.DateField(label=_("Dato"), widget=DATE)
    unit = UnitChoiceField(label=_("Enhed"), queryset=Unit.objects.none())
    place = forms.CharField(label=_("Sted"), max_length=200)
    description = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Beskriv hændelsen"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    who = forms.ChoiceField(
        label=_("Hvem kom til skade?"),
        choices=[
            (WHO_SELF, _("Mig")),
            (WHO_OTHER, _("En kollega (skriv navnet i beskrivelsen; lederen registrerer det)")),
            (WHO_NONE, _("Ingen (f.eks. tilløb/nærved-ulykke)")),
        ],
        widget=forms.RadioSelect,
        initial=WHO_SELF,
    )
    absence_first_day = forms.DateField(
        label=_("Første fraværsdag (hvis der er fravær)"), required=False, widget=DATE
    )
    absence_days = forms.IntegerField(
        label=_("Antal fraværsdage indtil nu"), required=False, min_value=0, max_value=3650
    )

    def __init__(self, *args, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The tenant scope limits the choice to the reporter's kommune; closed units are gone.
        self.fields["unit"].queryset = Unit.objects.filter(closed_on__isnull=True).order_by("path")
        if person is not None and person.unit_id and not self.is_bound:
            self.initial.setdefault("unit", person.unit_id)

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke ligge i fremtiden."))
        return day

    def clean(self):
        data = super().clean()
        first, days = data.get("absence_first_day"), data.get("absence_days") or 0
        if days and not first:
            self.add_error("absence_first_day", _("Angiv første fraværsdag."))
        if first and not days:
            self.add_error("absence_days", _("Angiv antal fraværsdage."))
        if first and data.get("occurred_on") and first < data["occurred_on"]:
            self.add_error("absence_first_day", _("Fraværet kan ikke starte før hændelsen."))
        return data


class AbsenceForm(forms.Form):
    absence_first_day = forms.DateField(label=_("Første fraværsdag"), required=False, widget=DATE)
    absence_days = forms.IntegerField(
        label=_("Fraværsdage"), required=False, min_value=0, max_value=3650
    )


class EasyForm(forms.Form):
    reference = forms.CharField(label=_("EASY-reference"), max_length=60)
    reported_on = forms.DateField(label=_("Anmeldt den"), widget=DATE)


class CausesForm(forms.Form):
    causes = forms.CharField(
        max_length=TEXT_LIMIT, label=_("Årsager"), widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(forms.Form):
    closure_note = forms.CharField(
        max_length=TEXT_LIMIT, label=_("Konklusion"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Hvorfor kan sagen ikke løses lokalt?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


def owner_queryset(incident: Incident):
    """Who can own a measure: the members of the handling group and the people of the unit
    (and of the units below it) — not the whole kommune."""
    members = Membership.objects.filter(
        committee_id=incident.committee_id, ended_on__isnull=True
    ).values("person_id")
    in_unit = (
        Q(unit__path__startswith=incident.unit.path)
        if incident.unit.path
        else Q(unit_id=incident.unit_id)
    )
    return Person.objects.filter(Q(pk__in=members) | in_unit, left_on__isnull=True).order_by(
        "last_name", "first_name"
    )


class MeasureForm(forms.Form):
    description = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Forebyggende tiltag"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = PersonChoiceField(label=_("Ansvarlig"), queryset=Person.objects.none())
    due_on = forms.DateField(label=_("Frist"), widget=DATE)

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_queryset(incident)


class MeasureDoneForm(forms.Form):
    note = forms.CharField(
        max_length=TEXT_LIMIT, label=_("Hvad er gjort"), widget=forms.Textarea(attrs={"rows": 2})
    )


def kreds_choices() -> list[tuple[str, str]]:
    """The union kredse, read from the unions app when it is installed (it is built alongside).
    The kreds is stored by its public id (see IncidentForward)."""
    from django.apps import apps

    try:
        kreds_model = apps.get_model("unions", "Kreds")
    except LookupError:
        return []
    return [
        (str(pk), name)
        for pk, name in kreds_model.objects.order_by("name").values_list("public_id", "name")
    ]


class ForwardForm(forms.Form):
    kreds = forms.TypedChoiceField(label=_("Faglig kreds"), choices=(), coerce=str)
    consent_given_on = forms.DateField(label=_("Samtykke givet den"), widget=DATE)
    confirm = forms.BooleanField(
        label=_("Den tilskadekomne har givet samtykke til, at sagen sendes til kredsen.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreds"].choices = kreds_choices()
