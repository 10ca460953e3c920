"""The anonymous APV survey: one-time links by e-mail, answers stored with no link to the person
or the invitation and no timestamp, results shown only once the survey has closed and only from
APV_SURVEY_MIN_RESPONSES answers (the differencing attack itself: tests/test_apv_security.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from apv import services
from apv.models import ApvCycle, SurveyInvitation, SurveyResponse
from apv.selectors import survey_results
from apv.services import token_hash
from core.tenancy import scopes_disabled, tenant_scope

from . import factories as f

TODAY = date(2026, 3, 2)


@pytest.fixture
def frozen():
    with time_machine.travel("2026-03-02 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def survey(org_a, frozen, mailoutbox, django_capture_on_commit_callbacks):
    """An AMG covering 8 people (6 with e-mail) and an opened survey; returns (cycle, tokens)."""
    with tenant_scope(org_a.kommune):
        for i in range(5):
            f.person(org_a.kommune, f"Medarbejder{i}", unit=org_a.workplace, email=f"m{i}@ex.dk")
        f.person(org_a.kommune, "Uden", "Mail", unit=org_a.workplace)
        org_a.leader_person.email = "leder@ex.dk"
        org_a.leader_person.save()
        cycle = services.apv_cycle_start(committee=org_a.amg, method=ApvCycle.Method.SURVEY)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            invited = services.survey_open(cycle, closes_on=date(2026, 3, 20))
    # The six sends are enqueued on commit, as one outbox task; run each row's send directly.
    assert len(callbacks) == 1
    with tenant_scope(org_a.kommune):
        ids = list(SurveyInvitation.objects.filter(state="pending").values_list("pk", flat=True))
    for pk in ids:
        assert services.survey_send_invitation_now(pk) == "sent"
        assert services.survey_send_invitation_now(pk) == "not_claimed"  # a duplicate task
    tokens = [re.search(r"/apv/svar/([^/\s]+)/", m.body).group(1) for m in mailoutbox]
    assert invited == 8  # leader, AMR and the six above
    return cycle, tokens


def answer(token, rating=2, items=None) -> None:
    with scopes_disabled():
        item_ids = items or list(
            SurveyInvitation.objects.get(token_hash=token_hash(token)).cycle.items.values_list(
                "pk", flat=True
            )
        )
    services.survey_submit(token, {pk: rating for pk in item_ids}, today=TODAY)


def test_it_mails_one_time_links_and_keeps_only_their_hash(org_a, survey, mailoutbox):
    cycle, tokens = survey
    assert len(mailoutbox) == 6 == len(set(tokens))
    assert all(m.alternatives and "anonymt" in m.body for m in mailoutbox)
    with tenant_scope(org_a.kommune):
        stored = list(SurveyInvitation.objects.values_list("token_hash", flat=True))
        skipped = SurveyInvitation.objects.get(person__first_name="Uden")
    for token in tokens:
        assert token not in stored
        assert token_hash(token) in stored
    assert skipped.state == SurveyInvitation.State.SKIPPED


def test_the_answer_is_stored_with_no_link_to_person_invitation_or_time(org_a, survey):
    """The schema itself makes re-identification impossible: no foreign key to the person or the
    invitation, no date or time on the answer, a random primary key, no history of either table.
    The invitation keeps only the times of its e-mail (an outbox row), none set by answering."""
    response_fields = {f.name: f for f in SurveyResponse._meta.concrete_fields}
    assert set(response_fields) == {"id", "kommune", "cycle", "answers"}
    assert isinstance(response_fields["id"], models.UUIDField)
    for field in SurveyResponse._meta.concrete_fields:
        assert not isinstance(field, models.DateField | models.DateTimeField), field.name
    times = [
        f.name
        for f in SurveyInvitation._meta.concrete_fields
        if isinstance(f, models.DateField | models.DateTimeField)
    ]
    assert set(times) == {"next_attempt_at", "claimed_at", "sent_at", "created"}
    for name in times:
        field = SurveyInvitation._meta.get_field(name)
        assert not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    assert not any(
        m._meta.model_name in ("historicalsurveyresponse", "historicalsurveyinvitation")
        for m in apps.get_models()
    )

    cycle, tokens = survey
    with tenant_scope(org_a.kommune):
        before = SurveyInvitation.objects.filter(token_hash=token_hash(tokens[0]))
        before = before.values(*times, "errors", "state").get()
    answer(tokens[0])
    with tenant_scope(org_a.kommune):
        response = SurveyResponse.objects.get()
        invitation = SurveyInvitation.objects.get(token_hash=token_hash(tokens[0]))
        after = SurveyInvitation.objects.filter(pk=invitation.pk)
        after = after.values(*times, "errors", "state").get()
    assert invitation.used is True
    assert after == before  # answering leaves no time behind
    # What the answer row holds: the APV, the tenant and the ratings keyed by question — nothing
    # that points back to the invitation or the person.
    assert (response.cycle_id, response.kommune_id) == (cycle.pk, org_a.kommune.pk)
    assert set(response.answers.values()) == {2}


def test_a_link_works_once(org_a, survey, client):
    cycle, tokens = survey
    answer(tokens[0])
    with pytest.raises(ValidationError, match="allerede brugt"):
        answer(tokens[0])
    with tenant_scope(org_a.kommune):
        assert SurveyResponse.objects.count() == 1
    page = client.get(reverse("apv:survey", args=[tokens[0]]))
    assert page.status_code == 200 and "allerede brugt" in page.content.decode()


def test_results_are_hidden_while_open_and_shown_after_closing_with_five(org_a, survey):
    cycle, tokens = survey
    for token in tokens[:4]:
        answer(token, rating=1)
    with tenant_scope(org_a.kommune):
        results = survey_results(cycle)
    assert (results.responded, results.invited, results.visible) == (4, 6, False)
    assert results.items == []  # not even computed
    assert results.rate == 67  # the two without e-mail were never invited

    answer(tokens[4], rating=0)
    with tenant_scope(org_a.kommune):
        results = survey_results(cycle)
    # Five answers, but still open: the results would change with the next answer.
    assert (results.responded, results.closed, results.visible, results.items) == (
        5,
        False,
        False,
        [],
    )
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
        results = survey_results(cycle)
    assert (results.responded, results.closed, results.visible) == (5, True, True)
    first = results.items[0]
    assert first.counts == {1: 4, 0: 1} and first.answered == 5 and first.problem_share == 80


def test_a_survey_closed_with_too_few_answers_never_shows_results(org_a, survey):
    cycle, tokens = survey
    for token in tokens[:4]:
        answer(token)
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
        results = survey_results(cycle)
    assert (results.closed, results.too_few, results.visible, results.items) == (
        True,
        True,
        False,
        [],
    )


def test_the_minimum_is_a_setting(org_a, survey, settings):
    settings.APV_SURVEY_MIN_RESPONSES = 3
    cycle, tokens = survey
    for token in tokens[:3]:
        answer(token)
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
        assert survey_results(cycle).visible


def test_the_portal_page_shows_the_rate_and_results_only_after_closing(client, org_a, survey):
    cycle, tokens = survey
    for token in tokens[:5]:
        answer(token)
    member = f.user("amr_login")
    with tenant_scope(org_a.kommune):
        org_a.amr.person.user = member
        org_a.amr.person.save()
    client.force_login(member)
    page = client.get(reverse("apv:cycle", args=[cycle.public_id])).content.decode()
    assert "5 af 6 har svaret (83 %)" in page
    assert "vises, når spørgeskemaet er lukket, og kun hvis mindst 5 har svaret" in page
    assert "Oplever problemer" not in page
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
    page = client.get(reverse("apv:cycle", args=[cycle.public_id])).content.decode()
    assert "5 af 6 har svaret" in page and "Oplever problemer" in page
    assert "Spørgeskemaet er lukket." in page


def test_the_public_answer_page_needs_no_login(client, org_a, survey):
    cycle, tokens = survey
    url = reverse("apv:survey", args=[tokens[1]])
    page = client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    with tenant_scope(org_a.kommune):
        items = list(cycle.items.order_by("order").values_list("pk", flat=True))
    data = {f"item_{pk}": "1" for pk in items[:3]}
    done = client.post(url, data)
    assert done.status_code == 200 and "Tak for dit svar" in done.content.decode()
    with tenant_scope(org_a.kommune):
        assert SurveyResponse.objects.get().answers == {str(pk): 1 for pk in items[:3]}


def test_a_forged_answer_is_refused_whole(org_a, survey):
    cycle, tokens = survey
    with pytest.raises(ValidationError):
        services.survey_submit(tokens[0], {999999: 1}, today=TODAY)
    with pytest.raises(ValidationError):
        answer(tokens[0], rating=7)
    with tenant_scope(org_a.kommune):
        assert not SurveyResponse.objects.exists()
        assert not SurveyInvitation.objects.filter(used=True).exists()


def test_an_unknown_link_and_a_closed_survey(client, org_a, survey):
    cycle, tokens = survey
    assert client.get(reverse("apv:survey", args=["nope"])).status_code == 404
    with tenant_scope(org_a.kommune):
        services.survey_close(cycle)
    assert client.get(reverse("apv:survey", args=[tokens[0]])).status_code == 410
    with pytest.raises(ValidationError, match="lukket"):
        answer(tokens[0])


def test_a_checklist_apv_has_no_survey(org_a, frozen):
    with tenant_scope(org_a.kommune):
        cycle = services.apv_cycle_start(committee=org_a.amg)
        with pytest.raises(ValidationError, match="tjekliste"):
            services.survey_open(cycle)
