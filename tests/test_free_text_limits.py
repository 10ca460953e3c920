"""Issue 16: free text is bounded where no reader needs more (a referat of 1 MB took 24.5 s to
render inside the request). A text over the limit is refused with Django's Danish message and
nothing is saved; a text at the limit is accepted."""

from __future__ import annotations

import pytest

from incidents import forms as incident_forms
from meetings import forms as meeting_forms

CASES = [
    (meeting_forms.MinutesForm, "minutes", meeting_forms.MINUTES_LIMIT, {}),
    (meeting_forms.MinutesForm, "decisions", meeting_forms.TEXT_LIMIT, {}),
    (meeting_forms.NotesForm, "notes", meeting_forms.TEXT_LIMIT, {}),
    (meeting_forms.ProposalForm, "description", meeting_forms.TEXT_LIMIT, {"title": "Støj"}),
    (incident_forms.CausesForm, "causes", incident_forms.TEXT_LIMIT, {}),
    (incident_forms.CloseForm, "closure_note", incident_forms.TEXT_LIMIT, {}),
]


@pytest.mark.parametrize(
    "form_class,field,limit,other", CASES, ids=[f"{c[0].__name__}.{c[1]}" for c in CASES]
)
def test_it_refuses_text_over_the_limit_in_danish(form_class, field, limit, other):
    too_long = form_class(data={**other, field: "x" * (limit + 1)})
    at_limit = form_class(data={**other, field: "x" * limit})

    assert not too_long.is_valid()
    assert "højst" in " ".join(too_long.errors[field])
    assert field not in at_limit.errors


def test_it_bounds_a_referat_of_a_megabyte(db):
    form = meeting_forms.MinutesForm(data={"minutes": "x" * 1_000_000})

    assert not form.is_valid()
    assert meeting_forms.MINUTES_LIMIT < 1_000_000
