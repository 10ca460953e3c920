"""Forms of the union pages. Every choice field gets its queryset from the caller's scope (the
officer's kreds, the person's kommune, the leader's units), so a posted id outside it is a form
error, never a saved row. Choices carry UUIDs, not primary keys."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from committees.elections import ELECTION_ROLES
from committees.models import Membership

from .models import NetworkGroup


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"],
    )


class KredsLabelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.union.name} – {obj.name}"


class UnionMembershipForm(forms.Form):
    kreds = KredsLabelChoice(
        queryset=None,
        to_field_name="public_id",
        label=_("Min faglige organisation og kreds"),
        error_messages={"invalid_choice": _("Vælg en kreds, der dækker din kommune.")},
    )
    consent = forms.BooleanField(
        required=False,
        label=_("Jeg giver samtykke til, at kredsen kan se mine hverv som AMR og TR"),
        help_text=_(
            "Kredsen ser dit navn, din e-mail, arbejdsplads, dine hverv i MED- og "
            "arbejdsmiljøorganisationen, valgperiode, uddannelse og frister. Du kan trække "
            "samtykket tilbage når som helst; kredsen kan så ikke længere se det."
        ),
    )

    def __init__(self, *args, kredse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreds"].queryset = kredse


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = f", {obj.unit}" if obj.unit_id else ""
        return f"{obj.full_name} ({obj.employee_number or '–'}{unit})"


class ElectionForm(forms.Form):
    """One form for the leader's portal page and HR's admin page; only the querysets differ."""

    committee = forms.ModelChoiceField(
        queryset=None,
        to_field_name="public_id",
        label=_("Udvalg"),
        error_messages={"invalid_choice": _("Vælg et udvalg, du har adgang til.")},
    )
    person = PersonChoice(
        queryset=None,
        to_field_name="public_id",
        label=_("Valgt person"),
        error_messages={"invalid_choice": _("Vælg en medarbejder, du har adgang til.")},
    )
    role = forms.ChoiceField(
        label=_("Hverv"),
        choices=[(r.value, r.label) for r in ELECTION_ROLES],
    )
    start_date = date_field(_("Valgt fra"))
    term_end = date_field(
        _("Valgperiode slutter"),
        required=False,
        help_text=_("Tom for en AMR: kommunens valgperiode (2 år, op til 4 efter aftale)."),
    )
    employer_notified_on = date_field(
        _("Arbejdsgiveren underrettet den"),
        help_text=_("Beskyttelsen mod afskedigelse gælder fra underretningen."),
    )

    def __init__(self, *args, committees, persons, invalid_messages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        self.fields["person"].queryset = persons
        for name, message in (invalid_messages or {}).items():
            self.fields[name].error_messages["invalid_choice"] = message
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("employer_notified_on", today)
            self.initial.setdefault("role", Membership.Role.AMR)


class PlainSelect(forms.Select):
    """Django's select of flat choices, written out: its templates render every option through
    the template engine, about a millisecond a field, and the kreds pages show two filters on
    every visit."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        # As django/forms/widgets/attrs.html writes them: in order, True as a bare name.
        attributes = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
                for key, value in self.build_attrs(self.attrs, attrs).items()
                if value is not False
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class MemberFilterForm(forms.Form):
    """Filters of the officer's member list (GET); the choices are the kreds' own, taken from
    the structure the page has loaded (no query of its own). A value outside them is a form
    error."""

    kommune = forms.ChoiceField(required=False, label=_("Kommune"), widget=PlainSelect)
    kommunegruppe = forms.ChoiceField(required=False, label=_("Kommunegruppe"), widget=PlainSelect)

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self._kommuner = {k.code: k for k in structure.kommuner}
        self._grupper = {str(g.public_id): g for g in structure.kommunegrupper}
        self.fields["kommune"].choices = [("", _("Alle kommuner"))] + [
            (k.code, k.name) for k in structure.kommuner
        ]
        self.fields["kommunegruppe"].choices = [("", _("Alle kommunegrupper"))] + [
            (str(g.public_id), g.name) for g in structure.kommunegrupper
        ]

    def clean_kommune(self):
        return self._kommuner.get(self.cleaned_data["kommune"])

    def clean_kommunegruppe(self):
        return self._grupper.get(self.cleaned_data["kommunegruppe"])


class NetworkGroupForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    kommunegruppe = forms.ModelChoiceField(
        queryset=None,
        to_field_name="public_id",
        required=False,
        label=_("Kommunegruppe"),
        empty_label=_("Hele kredsen"),
    )
    roles = forms.ChoiceField(
        label=_("For"), choices=NetworkGroup.Roles.choices, initial=NetworkGroup.Roles.AMR
    )
    kind = forms.ChoiceField(
        label=_("Slags"),
        choices=NetworkGroup.Kind.choices,
        initial=NetworkGroup.Kind.NETWORK,
        help_text=_("Det årlige møde for AMR og TR er for hele kredsen; kredsen har ét."),
    )
    meetings_per_year = forms.IntegerField(
        label=_("Møder om året (mindst)"),
        min_value=2,
        max_value=4,
        initial=2,
        help_text=_("Netværksgrupperne mødes 2–4 gange om året."),
        error_messages={
            "min_value": _("Vælg 2, 3 eller 4 møder om året."),
            "max_value": _("Vælg 2, 3 eller 4 møder om året."),
        },
    )

    def __init__(self, *args, kreds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommunegruppe"].queryset = kreds.kommunegrupper.order_by("name")


class NetworkMeetingForm(forms.Form):
    day = date_field(_("Dato"))
    start_time = forms.TimeField(
        label=_("Starttid"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Varighed (minutter)"),
        min_value=15,
        max_value=8 * 60,
        initial=120,
        help_text=_("Netværksmøderne varer typisk cirka 2 timer."),
    )
    theme = forms.CharField(label=_("Tema"), max_length=200)
    location = forms.CharField(label=_("Sted"), max_length=200)
    description = forms.CharField(label=_("Beskrivelse"), required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start_time"):
            starts = datetime.datetime.combine(data["day"], data["start_time"])
            data["starts_at"] = timezone.make_aware(starts)
            if data["starts_at"] < timezone.now():
                self.add_error("day", _("Mødet kan ikke ligge i fortiden."))
        if data.get("duration_minutes"):
            data["duration"] = datetime.timedelta(minutes=data["duration_minutes"])
        return data


class AttendanceForm(forms.Form):
    """Who attended: one checkbox per invited, consenting member (the choices are the page's)."""

    attended = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=_("Deltog"),
        error_messages={"invalid_choice": _("Vælg blandt mødets inviterede medlemmer.")},
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (inv.union_membership_id, inv.union_membership.person.full_name) for inv in invitations
        ]


class ReferatForm(forms.Form):
    referat = forms.CharField(
        label=_("Referat"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "style": "width: 100%"}),
        help_text=_("Et kort referat; mødets inviterede kan læse det i portalen."),
    )


class InquiryForm(forms.Form):
    subject = forms.CharField(label=_("Emne"), max_length=200)
    text = forms.CharField(
        label=_("Beskriv problemstillingen"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "style": "width: 100%"}),
        help_text=_(
            "Kun kredsens arbejdsmiljøansvarlige kan læse henvendelsen – ikke din kommunes HR "
            "eller dine ledere."
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Svar"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "style": "width: 100%"}),
    )
