"""Portal forms of the AMO proposals (committees.proposals validates again and saves)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AmoProposal
from .proposals import TEXT_LIMIT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TOO_LONG = _("Teksten må højst være %(limit_value)d tegn (den er %(show_value)d).")


def free_text(label, *, required: bool, rows: int = 5, help_text="") -> forms.CharField:
    """Bounded free text with the Danish error message (as the other portal forms)."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Overskrift"), max_length=200)
    description = free_text(
        _("Forslaget"),
        required=True,
        rows=8,
        help_text=_("Hvad foreslår I, og hvilket arbejdsmiljøproblem løser det?"),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Beslutning"),
        choices=[
            (AmoProposal.Outcome.FOLLOWED, _("Forslaget følges")),
            (AmoProposal.Outcome.NOT_FOLLOWED, _("Forslaget følges ikke")),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Besluttet den"), widget=DATE)
    reasons = free_text(
        _("Begrundelse (hvis forslaget ikke følges)"),
        required=False,
        help_text=_(
            "Følges forslaget ikke, har udvalget ret til en skriftlig begrundelse inden for "
            "3 uger. Du kan skrive den nu eller senere."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ReasonsForm(forms.Form):
    reasons = free_text(_("Begrundelse"), required=True, rows=6)
