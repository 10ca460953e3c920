"""The arbejdsmiljøgruppe does its APV in the portal (issue 6): start a cycle, the checklist
kortlægning as one formset, problems with their risk assessment, the sygefravær figures and the
handlingsplan lines with an owner from the group's area and a due date that becomes a deadline.

Personas: the AMR and the leder of Alfa AMG Nord may act; Mette, an employee the group covers,
reads the APV but gets 403 on every change; a member of Beta AMG Nord (kommune B) gets the same
404 as for a missing APV."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apv import services
from apv.models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvProblem,
    ApvSickness,
    Area,
    SurveyInvitation,
)
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from organisations.models import Person

from . import factories as f

TODAY = date(2026, 3, 2)
Phase = ApvCycle.Phase


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-02 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def amr(client, org_a):
    return f.login_as(client, org_a, org_a.amr.person, "amr")


@pytest.fixture
def cycle(org_a) -> ApvCycle:
    with tenant_scope(org_a.kommune):
        return services.apv_cycle_start(committee=org_a.amg)


def items_of(org, apv) -> list[ApvCycleItem]:
    with tenant_scope(org.kommune):
        return list(ApvCycleItem.objects.filter(cycle=apv).order_by("order", "pk"))


def to_phase(org, apv, phase: int) -> ApvCycle:
    """Walk the cycle forward through the services: every point "ok", one sickness period."""
    with tenant_scope(org.kommune):
        if apv.phase == Phase.KORTLAEGNING and phase > Phase.KORTLAEGNING:
            rows = [(i, "ok", "") for i in apv.items.all()]
            services.apv_checklist_record(apv, rows)
            apv = services.apv_cycle_advance(apv)
        if apv.phase == Phase.SYGEFRAVAER and phase > Phase.SYGEFRAVAER:
            services.apv_sickness_record(
                apv,
                save=[
                    ApvSickness(
                        period_start=date(2025, 1, 1),
                        period_end=date(2025, 12, 31),
                        days=Decimal("120"),
                        rate=Decimal("4.5"),
                    )
                ],
            )
            apv = services.apv_cycle_advance(apv)
        apv.refresh_from_db()
    assert apv.phase == phase
    return apv


def add_problem(org, apv, title="Støj i kantinen", likelihood=3, consequence=4, area="fysisk"):
    with tenant_scope(org.kommune):
        return services.apv_problem_record(
            ApvProblem(
                cycle=apv,
                area=area,
                title=title,
                likelihood=likelihood,
                consequence=consequence,
            )
        )


def checklist_post(items, answers: dict[int, tuple[str, str]]) -> dict:
    """The POST of the checklist formset: every row, with the given answers by position."""
    data = {
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": str(len(items)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, item in enumerate(items):
        finding, note = answers.get(n, (item.finding, item.note))
        data[f"form-{n}-id"] = str(item.pk)
        data[f"form-{n}-finding"] = finding
        data[f"form-{n}-note"] = note
    return data


def body(response) -> str:
    return response.content.decode()


# --- starting a cycle ----------------------------------------------------------------------------


def test_it_lets_the_amr_start_a_checklist_apv_once(client, org_a, amr):
    page = client.get(reverse("apv:amg", args=[org_a.amg.public_id]))
    assert "Start en ny APV" in body(page)
    response = client.post(
        reverse("apv:start", args=[org_a.amg.public_id]), {"method": "checklist"}
    )
    with tenant_scope(org_a.kommune):
        apv = ApvCycle.objects.get(committee=org_a.amg)
        copied = apv.items.count()
        assert apv.history.first().history_user == amr
    assert response.status_code == 302
    assert response["Location"] == reverse("apv:cycle", args=[apv.public_id])
    assert (apv.method, apv.phase, apv.started_on) == ("checklist", Phase.KORTLAEGNING, TODAY)
    assert copied == 22  # the kommune's default checklist

    # One APV in progress at a time: the form is gone and a forged POST is refused in Danish.
    assert "Start en ny APV" not in body(client.get(reverse("apv:amg", args=[org_a.amg.public_id])))
    again = client.post(
        reverse("apv:start", args=[org_a.amg.public_id]), {"method": "survey"}, follow=True
    )
    assert "Gruppen har allerede en APV i gang." in body(again)
    with tenant_scope(org_a.kommune):
        assert ApvCycle.objects.filter(committee=org_a.amg).count() == 1


def test_it_lets_the_leder_start_a_survey_apv_and_send_the_survey(
    client, org_a, employee_a, mailoutbox, django_capture_on_commit_callbacks
):
    f.login_as(client, org_a, org_a.leader_person, "leder")
    with tenant_scope(org_a.kommune):
        Person.objects.filter(unit=org_a.workplace).update(email="ansat@alfa.example.dk")
    client.post(reverse("apv:start", args=[org_a.amg.public_id]), {"method": "survey"})
    with tenant_scope(org_a.kommune):
        apv = ApvCycle.objects.get(committee=org_a.amg)
    assert apv.method == "survey"
    page = body(client.get(reverse("apv:cycle", args=[apv.public_id])))
    assert "Send spørgeskemaet til medarbejderne" in page and "Udfyld tjeklisten" not in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("apv:survey_manage", args=[apv.public_id]),
            {"action": "open", "closes_on": "2026-03-20"},
        )
    # Leder, AMR and Mette work at Skole Nord, the unit the group covers; one outbox task for
    # the three is enqueued on commit (each row is sent here directly, as the worker would).
    assert len(callbacks) == 1
    assert "3 medarbejdere inviteret." in body(client.get(response["Location"]))
    with tenant_scope(org_a.kommune):
        ids = list(SurveyInvitation.objects.filter(cycle=apv).values_list("pk", flat=True))
    assert [services.survey_send_invitation_now(pk) for pk in ids] == ["sent"] * 3
    assert len(mailoutbox) == 3
    client.post(reverse("apv:survey_manage", args=[apv.public_id]), {"action": "close"})
    with tenant_scope(org_a.kommune):
        apv.refresh_from_db()
    assert (apv.survey_closes_on, apv.survey_closed) == (date(2026, 3, 20), True)


def test_an_unknown_method_is_refused_in_danish(client, org_a, amr):
    response = client.post(
        reverse("apv:start", args=[org_a.amg.public_id]), {"method": "gæt"}, follow=True
    )
    assert "Vælg tjekliste eller spørgeskema." in body(response)
    with tenant_scope(org_a.kommune):
        assert not ApvCycle.objects.exists()


# --- the checklist -------------------------------------------------------------------------------


def test_it_saves_the_whole_checklist_in_one_form(client, org_a, amr, cycle):
    page = client.get(reverse("apv:checklist", args=[cycle.public_id]))
    text = body(page)
    positions = [text.index(str(label)) for label in Area.labels]
    assert positions == sorted(positions)  # grouped by area in the usual order
    assert "<legend>Støj og akustik i arbejdsrummene</legend>" in text
    items = items_of(org_a, cycle)
    answers = {n: ("ok", "") for n in range(len(items))}
    answers[0] = ("problem", "Larm i frikvarteret")
    answers[1] = ("irrelevant", "")
    response = client.post(
        reverse("apv:checklist", args=[cycle.public_id]), checklist_post(items, answers)
    )
    assert response.status_code == 302
    saved = items_of(org_a, cycle)
    assert [(i.finding, i.note) for i in saved[:3]] == [
        ("problem", "Larm i frikvarteret"),
        ("irrelevant", ""),
        ("ok", ""),
    ]
    assert all(i.finding for i in saved)
    with tenant_scope(org_a.kommune):
        assert saved[0].history.first().history_user == amr

    # The problem answer can become a problem of the risk assessment, prefilled from the point.
    page = body(client.get(reverse("apv:cycle", args=[cycle.public_id])))
    link = reverse("apv:problem_new", args=[cycle.public_id]) + f"?punkt={saved[0].pk}"
    assert link in page
    form = body(client.get(link))
    assert 'value="Støj og akustik i arbejdsrummene"' in form
    assert "Larm i frikvarteret</textarea>" in form
    assert re.search(r'<option value="fysisk" selected>', form)


def test_a_bad_row_saves_nothing(client, org_a, amr, cycle):
    items = items_of(org_a, cycle)
    answers = {0: ("ok", "Fint"), 1: ("måske", "")}
    response = client.post(
        reverse("apv:checklist", args=[cycle.public_id]), checklist_post(items, answers)
    )
    assert response.status_code == 200
    assert "Vælg i orden, problem eller ikke relevant." in body(response)
    assert [(i.finding, i.note) for i in items_of(org_a, cycle)[:2]] == [("", ""), ("", "")]


def test_a_point_of_another_apv_is_not_a_valid_row(client, org_a, amr, cycle):
    with tenant_scope(org_a.kommune):
        other = services.apv_cycle_start(committee=org_a.other_amg)
    items = items_of(org_a, cycle)
    data = checklist_post(items, {0: ("ok", "")})
    data["form-1-id"] = str(items_of(org_a, other)[0].pk)
    data["form-1-finding"] = "problem"
    response = client.post(reverse("apv:checklist", args=[cycle.public_id]), data)
    assert response.status_code == 200
    assert items_of(org_a, cycle)[0].finding == ""
    assert items_of(org_a, other)[0].finding == ""


def test_the_checklist_service_is_all_or_nothing(org_a, cycle):
    with tenant_scope(org_a.kommune):
        other = services.apv_cycle_start(committee=org_a.other_amg)
        mine, foreign = cycle.items.order_by("pk").first(), other.items.first()
        with pytest.raises(ValidationError, match="hører til en anden APV"):
            services.apv_checklist_record(cycle, [(mine, "ok", "Fint"), (foreign, "ok", "")])
        mine.refresh_from_db()
        assert (mine.finding, mine.note) == ("", "")


def test_the_checklist_closes_with_the_kortlaegning(client, org_a, amr, cycle):
    apv = to_phase(org_a, cycle, Phase.SYGEFRAVAER)
    response = client.get(reverse("apv:checklist", args=[apv.public_id]), follow=True)
    assert "Kortlægningen er afsluttet." in body(response)
    items = items_of(org_a, apv)
    client.post(
        reverse("apv:checklist", args=[apv.public_id]),
        checklist_post(items, {0: ("problem", "for sent")}),
    )
    assert items_of(org_a, apv)[0].finding == "ok"


# --- problems and risk ---------------------------------------------------------------------------


def test_it_adds_and_edits_a_problem_and_sorts_the_list_by_risk(client, org_a, amr, cycle):
    add_problem(org_a, cycle, "Lavt problem", 1, 2)
    response = client.post(
        reverse("apv:problem_new", args=[cycle.public_id]),
        {
            "area": "ergonomisk",
            "title": "Gryder i køkkenet",
            "description": "Gryder på 20 kg",
            "likelihood": "4",
            "consequence": "5",
        },
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        problem = ApvProblem.objects.get(title="Gryder i køkkenet")
        assert problem.history.first().history_user == amr
    assert (problem.score, problem.level) == (20, "critical")

    page = body(client.get(reverse("apv:cycle", args=[cycle.public_id])))
    assert "4 × 5 = 20" in page and "Kritisk" in page and "1 × 2 = 2" in page
    assert page.index("Gryder i køkkenet") < page.index("Lavt problem")

    edit = reverse("apv:problem_edit", args=[problem.public_id])
    assert "Risiko nu: 4 × 5 = 20 (Kritisk)." in body(client.get(edit))
    client.post(
        edit,
        {"area": "ergonomisk", "title": "Gryder", "likelihood": "1", "consequence": "1"},
    )
    with tenant_scope(org_a.kommune):
        problem.refresh_from_db()
    assert (problem.title, problem.score, problem.level) == ("Gryder", 1, "low")
    page = body(client.get(reverse("apv:cycle", args=[cycle.public_id])))
    assert page.index("Lavt problem") < page.index("Gryder<")


@pytest.mark.parametrize(
    "likelihood,consequence,message",
    [
        ("7", "3", "Sandsynligheden skal være et tal fra 1 til 5."),
        ("0", "3", "Sandsynligheden skal være et tal fra 1 til 5."),
        ("3", "6", "Konsekvensen skal være et tal fra 1 til 5."),
        ("x", "3", "Sandsynligheden skal være et tal fra 1 til 5."),
    ],
)
def test_a_risk_outside_1_to_5_is_refused(
    client, org_a, amr, cycle, likelihood, consequence, message
):
    response = client.post(
        reverse("apv:problem_new", args=[cycle.public_id]),
        {"area": "fysisk", "title": "Støj", "likelihood": likelihood, "consequence": consequence},
    )
    assert response.status_code == 200 and message in body(response)
    with tenant_scope(org_a.kommune):
        assert not ApvProblem.objects.exists()


def test_the_service_refuses_a_risk_outside_1_to_5_too(org_a, cycle):
    with pytest.raises(ValidationError):
        add_problem(org_a, cycle, likelihood=6)
    with tenant_scope(org_a.kommune):
        assert not ApvProblem.objects.exists()


def test_the_risk_assessment_is_fixed_once_the_plan_is_adopted(client, org_a, amr, cycle):
    apv = to_phase(org_a, cycle, Phase.HANDLINGSPLAN)
    problem = add_problem(org_a, apv, likelihood=1, consequence=1)  # phase 3: still open
    with tenant_scope(org_a.kommune):
        apv = services.apv_cycle_advance(apv)
    response = client.post(
        reverse("apv:problem_edit", args=[problem.public_id]),
        {"area": "fysisk", "title": "Ændret", "likelihood": "5", "consequence": "5"},
        follow=True,
    )
    assert "risikovurderingen kan ikke ændres" in body(response)
    with tenant_scope(org_a.kommune):
        problem.refresh_from_db()
        assert problem.title == "Støj i kantinen"
        with pytest.raises(ValidationError, match="Handlingsplanen er vedtaget"):
            add_problem(org_a, apv)


# --- sygefravær ----------------------------------------------------------------------------------


def sickness_post(rows: list[dict], initial: int) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{n}-{key}"] = value
    return data


def test_it_enters_edits_and_deletes_the_sickness_figures_in_phase_2(client, org_a, amr, cycle):
    apv = to_phase(org_a, cycle, Phase.SYGEFRAVAER)
    url = reverse("apv:sickness", args=[apv.public_id])
    assert "Ny periode" in body(client.get(url))
    new = {
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "days": "61,5",
        "rate": "4,25",
        "comment": "Influenza i februar",
    }
    assert client.post(url, sickness_post([new], 0)).status_code == 302
    with tenant_scope(org_a.kommune):
        first = ApvSickness.objects.get(cycle=apv)
        assert first.history.first().history_user == amr
    assert (first.days, first.rate) == (Decimal("61.5"), Decimal("4.25"))

    edited = {**new, "id": str(first.pk), "rate": "4,3"}
    second = {"period_start": "2025-07-01", "period_end": "2025-12-31", "days": "40", "rate": "3"}
    client.post(url, sickness_post([edited, second], 1))
    with tenant_scope(org_a.kommune):
        rows = list(ApvSickness.objects.filter(cycle=apv).order_by("period_start"))
    assert [r.rate for r in rows] == [Decimal("4.30"), Decimal("3.00")]

    page = body(client.get(reverse("apv:cycle", args=[apv.public_id])))
    assert "01.07.2025–31.12.2025" in page and "Influenza i februar" in page

    deleting = {**edited, "DELETE": "on"}
    kept = {**second, "id": str(rows[1].pk)}
    client.post(url, sickness_post([deleting, kept], 2))
    with tenant_scope(org_a.kommune):
        assert list(ApvSickness.objects.filter(cycle=apv)) == [rows[1]]


def test_bad_sickness_figures_save_nothing(client, org_a, amr, cycle):
    apv = to_phase(org_a, cycle, Phase.SYGEFRAVAER)
    good = {"period_start": "2025-01-01", "period_end": "2025-06-30", "days": "10", "rate": "2"}
    backwards = {"period_start": "2025-12-31", "period_end": "2025-07-01", "days": "5", "rate": "1"}
    response = client.post(
        reverse("apv:sickness", args=[apv.public_id]), sickness_post([good, backwards], 0)
    )
    assert response.status_code == 200
    assert "Perioden kan ikke slutte før den starter." in body(response)
    too_high = {**good, "rate": "140"}
    response = client.post(
        reverse("apv:sickness", args=[apv.public_id]), sickness_post([too_high], 0)
    )
    assert response.status_code == 200
    with tenant_scope(org_a.kommune):
        assert not ApvSickness.objects.exists()


def test_sickness_is_entered_in_phase_2_only(client, org_a, amr, cycle):
    response = client.get(reverse("apv:sickness", args=[cycle.public_id]), follow=True)
    assert "Sygefraværet registreres i fase 2." in body(response)
    with tenant_scope(org_a.kommune), pytest.raises(ValidationError, match="fase 2"):
        services.apv_sickness_record(
            cycle,
            save=[
                ApvSickness(
                    period_start=date(2025, 1, 1),
                    period_end=date(2025, 2, 1),
                    days=1,
                    rate=1,
                )
            ],
        )


# --- the handlingsplan ---------------------------------------------------------------------------


@pytest.fixture
def planning(org_a, cycle):
    """The APV in phase 3 with one high-risk problem."""
    apv = to_phase(org_a, cycle, Phase.HANDLINGSPLAN)
    problem = add_problem(org_a, apv, "Støj i kantinen", 3, 4)
    return apv, problem


def plan_post(assessment, owner, /, **extra) -> dict:
    return {
        "assessment": str(assessment.public_id),
        "problem": "",
        "cause": "Hårde flader",
        "measure": "Lydabsorbenter i loftet",
        "owner": str(owner.public_id),
        "due_on": "2026-06-01",
        **extra,
    }


def test_an_action_item_from_a_problem_becomes_the_owners_deadline(client, org_a, amr, planning):
    apv, problem = planning
    owner = org_a.leader_person
    url = reverse("apv:action_item_new", args=[apv.public_id]) + f"?problem={problem.public_id}"
    form = body(client.get(url))
    assert f'<option value="{problem.public_id}" selected>' in form
    assert f'<option value="{owner.public_id}">' in form
    response = client.post(url, plan_post(problem, owner))
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        item = ApvActionItem.objects.get(cycle=apv)
        assert item.history.first().history_user == amr
        deadline = Deadline.objects.get(rule="apv.action_item", key__endswith=f":i{item.pk}")
    assert (item.problem, item.assessment, item.owner, item.due_on, item.status) == (
        "Støj i kantinen",
        problem,
        owner,
        date(2026, 6, 1),
        "open",
    )
    assert (deadline.person, deadline.due_date, deadline.state) == (
        owner,
        date(2026, 6, 1),
        Deadline.State.OPEN,
    )

    # Moving the due date moves the deadline; closing the item fulfils it.
    edit = reverse("apv:action_item_edit", args=[item.public_id])
    client.post(edit, plan_post(problem, owner, due_on="2026-09-01", problem="Støj"))
    with tenant_scope(org_a.kommune):
        deadline.refresh_from_db()
    assert deadline.due_date == date(2026, 9, 1)
    prefix = str(item.public_id)
    client.post(
        reverse("apv:item_update", args=[item.public_id]),
        {f"{prefix}-status": "done", f"{prefix}-follow_up": "Plader sat op."},
    )
    with tenant_scope(org_a.kommune):
        deadline.refresh_from_db()
        item.refresh_from_db()
    assert (item.status, item.closed_on) == ("done", TODAY)
    assert (deadline.state, deadline.done_on) == (Deadline.State.DONE, TODAY)
    # With its line in the plan, the high risk no longer holds the APV back.
    with tenant_scope(org_a.kommune):
        assert services.apv_cycle_advance(apv).phase == Phase.OPFOELGNING


def test_another_kommunes_person_is_not_a_valid_owner(client, org_a, org_b, amr, planning):
    apv, problem = planning
    with tenant_scope(org_b.kommune):
        stranger = f.person(org_b.kommune, "Bo", "Beta", unit=org_b.workplace)
    response = client.post(
        reverse("apv:action_item_new", args=[apv.public_id]), plan_post(problem, stranger)
    )
    assert response.status_code == 200
    assert "Vælg en ansvarlig blandt arbejdsmiljøgruppens folk i din kommune." in body(response)
    with tenant_scope(org_a.kommune):
        assert not ApvActionItem.objects.exists()
        assert not Deadline.objects.filter(rule="apv.action_item").exists()


def test_an_owner_outside_the_groups_area_is_refused_by_form_and_service(
    client, org_a, amr, planning
):
    apv, problem = planning
    with tenant_scope(org_a.kommune):
        elsewhere = f.person(org_a.kommune, "Sofie", "Syd", unit=org_a.other_workplace)
    response = client.post(
        reverse("apv:action_item_new", args=[apv.public_id]), plan_post(problem, elsewhere)
    )
    assert "Vælg en ansvarlig blandt arbejdsmiljøgruppens folk" in body(response)
    with tenant_scope(org_a.kommune):
        with pytest.raises(ValidationError, match="Vælg en ansvarlig"):
            services.action_item_record(
                ApvActionItem(
                    cycle=apv,
                    problem="Støj",
                    measure="Plader",
                    owner=elsewhere,
                    due_on=date(2026, 6, 1),
                )
            )
        assert not ApvActionItem.objects.exists()


def test_a_leader_of_a_covered_unit_may_own_a_line(client, org_a, amr, planning):
    """The leader of Skole Nord may sit in the område above it; they still own the plan's lines."""
    apv, problem = planning
    with tenant_scope(org_a.kommune):
        chief = f.person(org_a.kommune, "Carl", "Chef", unit=org_a.omraade)
        org_a.workplace.leader = chief
        org_a.workplace.save()
    response = client.post(
        reverse("apv:action_item_new", args=[apv.public_id]), plan_post(problem, chief)
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        assert ApvActionItem.objects.get().owner == chief


def test_bad_plan_input_is_refused_in_danish(client, org_a, amr, planning):
    apv, problem = planning
    url = reverse("apv:action_item_new", args=[apv.public_id])
    past = client.post(url, plan_post(problem, org_a.leader_person, due_on="2026-03-01"))
    assert "Fristen kan ikke ligge i fortiden." in body(past)
    nothing = client.post(url, plan_post(problem, org_a.leader_person, assessment=""))
    assert "Beskriv problemet, eller vælg det fra risikovurderingen." in body(nothing)
    forged = client.post(url, plan_post(problem, org_a.leader_person, assessment=str(uuid.uuid4())))
    assert "Vælg et problem fra denne APV." in body(forged)
    garbage = client.post(url, plan_post(problem, org_a.leader_person, owner="1"))
    assert "Vælg en ansvarlig blandt arbejdsmiljøgruppens folk i din kommune." in body(garbage)
    with tenant_scope(org_a.kommune):
        assert not ApvActionItem.objects.exists()


def test_the_plan_is_written_from_phase_3(client, org_a, amr, cycle):
    response = client.get(reverse("apv:action_item_new", args=[cycle.public_id]), follow=True)
    assert "Handlingsplanen skrives i fase 3" in body(response)
    with tenant_scope(org_a.kommune), pytest.raises(ValidationError, match="fase 3"):
        services.action_item_record(
            ApvActionItem(
                cycle=cycle,
                problem="Støj",
                measure="Plader",
                owner=org_a.leader_person,
                due_on=date(2026, 6, 1),
            )
        )


# --- who may do it -------------------------------------------------------------------------------


def work_urls(org, apv, problem, item) -> list[tuple[str, dict]]:
    return [
        (reverse("apv:start", args=[org.amg.public_id]), {"method": "checklist"}),
        (reverse("apv:checklist", args=[apv.public_id]), {}),
        (reverse("apv:problem_new", args=[apv.public_id]), {"title": "x"}),
        (reverse("apv:problem_edit", args=[problem.public_id]), {"title": "x"}),
        (reverse("apv:sickness", args=[apv.public_id]), {}),
        (reverse("apv:action_item_new", args=[apv.public_id]), {"measure": "x"}),
        (reverse("apv:action_item_edit", args=[item.public_id]), {"measure": "x"}),
        (reverse("apv:survey_manage", args=[apv.public_id]), {"action": "close"}),
    ]


@pytest.fixture
def world(org_a, planning):
    apv, problem = planning
    with tenant_scope(org_a.kommune):
        item = services.action_item_record(
            ApvActionItem(
                cycle=apv,
                assessment=problem,
                problem=problem.title,
                measure="Lydabsorbenter",
                owner=org_a.leader_person,
                due_on=date(2026, 6, 1),
            )
        )
    return apv, problem, item


def snapshot(org):
    with tenant_scope(org.kommune):
        return (
            ApvCycle.objects.count(),
            list(ApvProblem.objects.values_list("title", "likelihood")),
            list(ApvActionItem.objects.values_list("measure", "due_on")),
        )


def test_a_covered_employee_reads_the_apv_but_changes_nothing(client, org_a, employee_a, world):
    apv, problem, item = world
    client.force_login(employee_a)
    page = body(client.get(reverse("apv:cycle", args=[apv.public_id])))
    assert "Støj i kantinen" in page and "Lydabsorbenter" in page
    for link in ("Tilføj et problem", "Tilføj til handlingsplanen", "Ret punktet", "Start APV"):
        assert link not in page
    before = snapshot(org_a)
    for url, data in work_urls(org_a, apv, problem, item):
        if not url.endswith(("/start/", "/spoergeskema/")):
            assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert snapshot(org_a) == before


def test_another_kommunes_member_gets_404_as_for_a_missing_apv(client, org_a, org_b, world):
    apv, problem, item = world
    with tenant_scope(org_b.kommune):
        other = f.person(org_b.kommune, "Bo", "Beta", unit=org_b.workplace)
        f.membership(other, org_b.amg)
    f.login_as(client, org_b, other, "beta")
    before = snapshot(org_a)
    for url, data in work_urls(org_a, apv, problem, item):
        if not url.endswith(("/start/", "/spoergeskema/")):  # POST only: 405 on GET
            assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    missing = uuid.uuid4()
    for name in ("apv:checklist", "apv:problem_new", "apv:problem_edit", "apv:action_item_edit"):
        assert client.get(reverse(name, args=[missing])).status_code == 404
    assert snapshot(org_a) == before


def test_the_leder_and_the_amr_both_see_the_work_links(client, org_a, world):
    apv, _problem, _item = world
    for person, name in ((org_a.leader_person, "leder"), (org_a.amr.person, "amr")):
        client.logout()
        f.login_as(client, org_a, person, name)
        page = body(client.get(reverse("apv:cycle", args=[apv.public_id])))
        assert "Tilføj til handlingsplanen" in page and "Ret punktet" in page


# --- query counts --------------------------------------------------------------------------------


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def grow(org, apv, start: int, n: int) -> None:
    """Problems with a line of the plan each, plus checklist answers and notes."""
    with tenant_scope(org.kommune):
        for i in range(start, start + n):
            problem = services.apv_problem_record(
                ApvProblem(
                    cycle=apv,
                    area=Area.values[i % 6],
                    title=f"Problem {i}",
                    likelihood=1 + i % 5,
                    consequence=1 + (i * 3) % 5,
                )
            )
            services.action_item_save(
                ApvActionItem(
                    kommune=org.kommune,
                    cycle=apv,
                    assessment=problem,
                    problem=problem.title,
                    measure=f"Tiltag {i}",
                    owner=org.leader_person,
                    due_on=date(2026, 6, 1),
                )
            )


@pytest.mark.parametrize("viewer", ["amr", "employee"])
def test_the_cycle_page_runs_as_many_queries_for_5_as_for_50_problems(
    client, org_a, employee_a, cycle, viewer
):
    if viewer == "amr":
        f.login_as(client, org_a, org_a.amr.person, "amr")
    else:
        client.force_login(employee_a)
    apv = to_phase(org_a, cycle, Phase.HANDLINGSPLAN)
    url = reverse("apv:cycle", args=[apv.public_id])
    grow(org_a, apv, 0, 5)
    count(client, url)
    small = count(client, url)
    grow(org_a, apv, 5, 45)
    page = body(client.get(url))
    assert page.count("apv/problem/") == (50 if viewer == "amr" else 0)
    assert count(client, url) == small


def test_the_checklist_page_runs_a_fixed_number_of_queries(client, org_a, amr, cycle):
    url = reverse("apv:checklist", args=[cycle.public_id])
    count(client, url)
    small = count(client, url)
    with tenant_scope(org_a.kommune):
        for n in range(30):
            ApvCycleItem.objects.create(
                kommune=org_a.kommune, cycle=cycle, area="psykisk", text=f"Ekstra {n}", order=99
            )
    assert count(client, url) == small
