"""Portal forms of the meetings. Every choice of a related object is a queryset from the scope
and the meeting (a posted id outside it fails validation with a Danish message)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from organisations.models import Person, Unit

from .models import AgendaItem, Attendance, DocumentJob, ItemAttachment, Meeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


# Free text is bounded where no reader needs more (issue 16: a referat of 1 MB took 24 s to
# render); Django says in Danish how long it may be.
TEXT_LIMIT = 5_000
MINUTES_LIMIT = 20_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = (
            "date",
            "start_time",
            "end_time",
            "location",
            "title",
            "kind",
            "includes_amo_discussion",
            "case_number",
        )
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}


class PreMeetingForm(forms.Form):
    """Schedule the employee side's formøde. The note only for those who read it
    (meetings/access.py `PreMeetingAccess.can_read_note`): without it the note stays as it is."""

    date = forms.DateField(label=_("Dato"), widget=DATE)
    start_time = forms.TimeField(label=_("Starttidspunkt"), widget=TIME)
    end_time = forms.TimeField(label=_("Sluttidspunkt"), widget=TIME)
    location = forms.CharField(label=_("Sted"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Bemærkning til medarbejdersiden"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Ses kun af medarbejdersiden."),
    )

    def __init__(self, *args, with_note: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_note:
            del self.fields["note"]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Overskrift"), max_length=200)
    description = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Sagsfremstilling"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    recommendation = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Indstilling"),
        help_text=_("Hvad udvalget indstilles til at beslutte."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    files = MultipleFileField(label=_("Bilag"), required=False)


class ItemEditForm(forms.Form):
    """Title and text of an agenda item; for its proposer (within the deadline) also the
    material: new files, and this item's attachments to remove (the choices are the item's
    own, from the active scope: any other posted id fails validation)."""

    title = forms.CharField(label=_("Overskrift"), max_length=200)
    description = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Sagsfremstilling"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    recommendation = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Indstilling"),
        help_text=_("Hvad udvalget indstilles til at beslutte."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    files = MultipleFileField(label=_("Nye bilag"), required=False)
    remove = forms.ModelMultipleChoiceField(
        label=_("Fjern bilag"),
        queryset=ItemAttachment.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    obligation = forms.ChoiceField(
        label=_("HovedMED-opgave"),
        required=False,
        help_text=_(
            "Behandler punktet en af HovedMED's opgaver A–K, opfylder det endeligt godkendte "
            "referat årets opgave."
        ),
    )

    def __init__(
        self, *args, item: AgendaItem, material: bool, obligations: bool = False, **kwargs
    ):
        kwargs.setdefault(
            "initial",
            {
                "title": item.title,
                "description": item.description,
                "recommendation": item.recommendation,
                "obligation": item.obligation,
            },
        )
        super().__init__(*args, **kwargs)
        if obligations:
            from committees.models import HovedMedObligation

            self.fields["obligation"].choices = [("", _("Ingen"))] + [
                (letter, f"{letter}: {text}") for letter, text in HovedMedObligation.choices
            ]
        else:
            del self.fields["obligation"]
        if material:
            self.fields["remove"].queryset = ItemAttachment.objects.filter(item=item).order_by("pk")
            if not item.attachments.exists():
                del self.fields["remove"]
        else:
            del self.fields["files"]
            del self.fields["remove"]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("op", _("Op")), ("ned", _("Ned"))])


class DecideForm(forms.Form):
    item = forms.UUIDField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        choices=[("1", _("Optag")), ("0", _("Optag ikke"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("Begrundelse"), max_length=300, required=False)


class AfbudForm(forms.Form):
    note = forms.CharField(label=_("Bemærkning"), max_length=300, required=False)


class AttendanceForm(forms.Form):
    """One choice per invitee: present, afbud or absent."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", "–"), *Attendance.Status.choices]
        for row in rows:
            self.fields[f"p{row.person.pk}"] = forms.ChoiceField(
                label=row.person.full_name, choices=choices, required=False, initial=row.status
            )

    def statuses(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        max_length=MINUTES_LIMIT,
        label=_("Referat"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    decisions = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Beslutninger (én pr. linje)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # Only read for an item that asks the committee's approval (AgendaItem.asks_approval);
    # optional: a committee may postpone the item instead of deciding it.
    outcome = forms.ChoiceField(
        label=_("Udvalgets afgørelse"),
        choices=[("", _("Ikke afgjort"))] + AgendaItem.Outcome.choices,
        required=False,
    )

    def decision_list(self) -> list[str]:
        return [line for line in self.cleaned_data["decisions"].splitlines() if line.strip()]


class NotesForm(forms.Form):
    notes = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Indledning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Opfølgning"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Ansvarlig"), queryset=Person.objects.none())
    due_on = forms.DateField(label=_("Frist"), widget=DATE)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the meeting's invitees (from the active scope): another kommune's or an unknown
        # id is "not one of the choices".
        self.fields["owner"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])


class FinalApprovalForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Referatet blev godkendt endeligt som første punkt på næste møde"), required=True
    )


class RequestForm(forms.Form):
    questions = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("Spørgsmål, der ønskes behandlet"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TrioForm(forms.Form):
    trio = forms.ModelChoiceField(label=_("TRIO"), queryset=Committee.objects.none())

    def __init__(self, *args, amg, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trio"].queryset = Committee.objects.filter(
            parent=amg, kind=Committee.Kind.TRIO, closed_on__isnull=True
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dokument"), choices=DocumentJob.Kind.choices)
    omraade = forms.ModelChoiceField(
        label=_("Område (tomt: hele kommunen)"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["omraade"].queryset = Unit.objects.filter(
            Q(closed_on__isnull=True), kind=Unit.Kind.OMRAADE
        ).order_by("name")
