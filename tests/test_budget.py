"""Issue 14: the budget procedure and the larger rationalisation cases (HovedMED's task B).

Seed 003 (Albertslund), "Procedureretningslinje for drøftelse af budgettets konsekvenser for
arbejds- og personaleforhold": KommuneMED is told of and discusses the timeline in March/April,
the local MED committees answer the hearing on the budget catalogue by its deadline, KommuneMED
discusses the catalogue with the responses, and after adoption every MED level is told what the
budget means for it. "… for større rationaliserings- og omstillingsprojekter": outside the budget
KommuneMED "orienteres hurtigst muligt", and may set up an ad hoc MED committee. Every step goes
through `budget.services`, with a history row naming the acting user; the points go on the
committees' agendas by themselves and are deadlines until the referat is finally approved."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from budget import services
from budget.models import AgendaPoint, BudgetProcess, HearingResponse, RationalisationCase
from budget.tasks import budget_tick_task
from committees.models import Committee, Membership
from committees.tasks import close_ended_task
from core import outbox
from core.tenancy import tenant_scope
from deadlines.engine import evaluate_kommune
from deadlines.models import Deadline
from meetings import services as meeting_services
from meetings.models import Referat

from . import factories as f

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
Step = AgendaPoint.Step
TIMELINE_BY = datetime.date(2026, 4, 30)
CATALOGUE_ON = datetime.date(2026, 8, 20)
HEARING_DEADLINE = datetime.date(2026, 9, 10)
ADOPTION = datetime.date(2026, 10, 8)


def at(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


def finally_approve(meeting):
    """The referat as the formandskab finally approved it (the referat flow is tested in
    tests/test_meetings_referat.py)."""
    referat = meeting_services.referat_for(meeting)
    Referat.objects.filter(pk=referat.pk).update(state=Referat.State.FINAL)


@pytest.fixture
def budget_org(org_a):
    """Alfa's HovedMED with its formand, LokalMED Nord with Lene as formand and Arne as
    næstformand, and a personalemøde med MED-status for Plejecenter Syd; all with e-mail."""
    k = org_a.kommune
    with tenant_scope(k):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        lene, arne = org_a.leader_person, org_a.amr.person
        lene.email, arne.email = "lene@alfa.dk", "arne@alfa.dk"
        lene.save()
        arne.save()
        f.membership(lene, org_a.med, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
        f.membership(
            arne, org_a.med, Membership.Role.NAESTFORMAND, side=Membership.Side.MEDARBEJDER
        )
        direktor = f.person(k, "Dorte", "Direktør", unit=org_a.omraade, email="dorte@alfa.dk")
        f.membership(direktor, hoved, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
        pm = f.committee(
            k,
            "Alfa Personalemøde Syd",
            Committee.Kind.PERSONALEMOEDE,
            parent=hoved,
            units=[org_a.other_workplace],
        )
        ole = f.person(k, "Ole", "Omsorg", unit=org_a.other_workplace, email="ole@alfa.dk")
        f.membership(ole, pm, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
    return {
        "hoved": hoved,
        "med": org_a.med,
        "pm": pm,
        "lene": lene,
        "arne": arne,
        "dorte": direktor,
    }


def new_process(k, **kwargs) -> BudgetProcess:
    values = {
        "year": 2027,
        "timeline_by": TIMELINE_BY,
        "catalogue_on": CATALOGUE_ON,
        "hearing_deadline": HEARING_DEADLINE,
        "adoption_planned": ADOPTION,
        "catalogue": "Spareforslag 1: Sammenlægning af to skolers administration (-2 årsværk).",
    }
    values.update(kwargs)
    return BudgetProcess(kommune=k, **values)


def deadline(rule, key) -> Deadline:
    return Deadline.objects.get(rule=rule, key=key)


def point(process, step, committee) -> AgendaPoint:
    return AgendaPoint.objects.get(process=process, step=step, committee=committee)


def test_a_budget_year_from_the_timeline_to_the_orientation_after_adoption(
    client, org_a, hr_a, budget_org
):
    k = org_a.kommune
    hoved, med, pm = budget_org["hoved"], budget_org["med"], budget_org["pm"]
    arne = budget_org["arne"]
    with tenant_scope(k), at(datetime.date(2026, 3, 2)):
        april = meeting_services.meeting_create(committee=hoved, date=datetime.date(2026, 4, 15))
        local = meeting_services.meeting_create(committee=med, date=datetime.date(2026, 9, 1))
        autumn = meeting_services.meeting_create(committee=hoved, date=datetime.date(2026, 9, 24))
        process = services.process_save(new_process(k), acting_user=hr_a)

        # The timeline goes on KommuneMED's April meeting; the catalogue on its first meeting
        # after the hearing opens; the hearing on LokalMED's meeting in it. The personalemøde
        # has no meeting planned: its point waits.
        timeline = point(process, Step.TIMELINE, hoved)
        assert timeline.agenda_item.meeting == april
        assert timeline.agenda_item.title == "Budget 2027: tidsplanen for budgetprocessen"
        assert "MED-udvalgenes høringssvar senest 10.09.2026" in timeline.agenda_item.description
        assert point(process, Step.CATALOGUE, hoved).agenda_item.meeting == autumn
        assert point(process, Step.HEARING, med).agenda_item.meeting == local
        assert point(process, Step.HEARING, pm).agenda_item is None
        # AMGs are not MED committees: they are not heard.
        assert not AgendaPoint.objects.filter(committee=org_a.amg).exists()

        # Deadlines at every level the steps touch.
        row = deadline("budget.med_point", f"bp{timeline.pk}")
        assert (row.committee, row.due_date, row.state) == (hoved, TIMELINE_BY, "open")
        assert row.title == "Budget 2027: tidsplanen for budgetprocessen"
        hearing = deadline("budget.hearing_response", f"bh{point(process, Step.HEARING, med).pk}")
        assert (hearing.committee, hearing.due_date) == (med, HEARING_DEADLINE)
        assert deadline("budget.hearing_response", f"bh{point(process, Step.HEARING, pm).pk}")
        assert process.history.get().history_user == hr_a
        assert process.history.get().history_change_reason == "Tidsplanen registreret"

    # April: the meeting's referat is finally approved; the timeline step is done.
    with tenant_scope(k), at(datetime.date(2026, 4, 20)):
        finally_approve(april)
        evaluate_kommune(k)
        row = deadline("budget.med_point", f"bp{timeline.pk}")
        assert (row.state, row.done_on) == ("done", datetime.date(2026, 4, 15))

    # The catalogue's day: the daily tick sends the hearing to the heard committees' members,
    # and places the personalemøde's point on the meeting planned since.
    with tenant_scope(k), at(datetime.date(2026, 8, 10)):
        late = meeting_services.meeting_create(committee=pm, date=datetime.date(2026, 9, 3))
    with at(CATALOGUE_ON):
        assert budget_tick_task() == 2
    with tenant_scope(k):
        process.refresh_from_db()
        assert process.hearing_sent_on == CATALOGUE_ON
        assert point(process, Step.HEARING, pm).agenda_item.meeting == late
        assert outbox.send_due(services.MESSAGES) == {"sent": 3}
    to_arne = next(m for m in mail.outbox if m.to == ["arne@alfa.dk"])
    assert (
        to_arne.subject == "Høring: budgetkatalog for budget 2027 – svar senest 10. september 2026"
    )
    assert "Du får det som medlem af Alfa LokalMED Nord" in to_arne.body
    assert "Sammenlægning af to skolers administration" in to_arne.body
    assert reverse("budget:process", args=[process.public_id]) in to_arne.body
    # The heard committees' members; not KommuneMED's (it is not heard), not the AMG's.
    assert sorted(m.to[0] for m in mail.outbox) == ["arne@alfa.dk", "lene@alfa.dk", "ole@alfa.dk"]
    with at(CATALOGUE_ON):
        assert budget_tick_task() == 0  # nothing twice

    # Arne, LokalMED's næstformand, gives the response in the portal.
    arne_user = f.login_as(client, org_a, arne, "arne_budget")
    url = reverse("budget:process", args=[process.public_id])
    with at(datetime.date(2026, 9, 2)):
        page = client.get(url)
        assert page.status_code == 200
        assert "Høringssvar fra Alfa LokalMED Nord" in page.text
        empty = client.post(
            reverse("budget:respond", args=[process.public_id, med.public_id]),
            {f"{med.public_id}-text": "  "},
            follow=True,
        )
        assert "Skriv udvalgets høringssvar." in empty.text
        with tenant_scope(k):
            assert not HearingResponse.objects.exists()
        done = client.post(
            reverse("budget:respond", args=[process.public_id, med.public_id]),
            {f"{med.public_id}-text": "LokalMED Nord fraråder spareforslag 1."},
            follow=True,
        )
        assert "Høringssvaret fra Alfa LokalMED Nord er afgivet." in done.text
    with tenant_scope(k):
        response = HearingResponse.objects.get(committee=med)
        assert (response.submitted_by, response.submitted_on) == (arne, datetime.date(2026, 9, 2))
        assert response.history.get().history_user == arne_user
        hearing = deadline("budget.hearing_response", f"bh{point(process, Step.HEARING, med).pk}")
        assert (hearing.state, hearing.done_on) == ("done", datetime.date(2026, 9, 2))

    # KommuneMED's formand reads every response, and them all in one PDF.
    f.login_as(client, org_a, budget_org["dorte"], "dorte_budget")
    with at(datetime.date(2026, 9, 20)):
        page = client.get(url)
        assert "LokalMED Nord fraråder spareforslag 1." in page.text
        pdf = client.get(reverse("budget:responses_pdf", args=[process.public_id]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Høringssvar til budget 2027" in text
    assert "LokalMED Nord fraråder spareforslag 1." in text
    assert "Alfa Personalemøde Syd" in text and "Intet høringssvar." in text
    assert "Udvalg i høring 2" in " ".join(text.split())
    assert "Høringssvar modtaget 1" in " ".join(text.split())

    # The kommunalbestyrelse adopts the budget: every MED committee is told, with a deadline.
    mail.outbox.clear()
    with tenant_scope(k), at(datetime.date(2026, 10, 9)):
        december = meeting_services.meeting_create(committee=med, date=datetime.date(2026, 11, 5))
        services.process_adopt(
            process,
            adopted_on=ADOPTION,
            summary="Lønsummen i Område Nord reduceres med 1,5 %; ingen afskedigelser.",
            acting_user=hr_a,
        )
        process.refresh_from_db()
        assert process.orientation_by == ADOPTION + datetime.timedelta(days=56)
        told = set(
            AgendaPoint.objects.filter(process=process, step=Step.ADOPTED).values_list(
                "committee__name", flat=True
            )
        )
        assert told == {"Alfa HovedMED", "Alfa LokalMED Nord", "Alfa Personalemøde Syd"}
        adopted = point(process, Step.ADOPTED, med)
        assert adopted.agenda_item.meeting == december
        assert adopted.agenda_item.title == "Budget 2027 er vedtaget: betydning og udmøntning"
        row = deadline("budget.med_point", f"bp{adopted.pk}")
        assert (row.due_date, row.state) == (process.orientation_by, "open")
        # The personalemøde never answered: its hearing is over and owes nothing.
        unanswered = deadline("budget.hearing_response", f"bh{point(process, Step.HEARING, pm).pk}")
        assert unanswered.state == "cancelled"
        reasons = [h.history_change_reason for h in process.history.order_by("history_date")]
        assert reasons == [
            "Tidsplanen registreret",
            "Høringen sendt til MED-udvalgene",
            "Tidsplanen ændret",
            "Budgettet vedtaget 08.10.2026",
        ]
        assert outbox.send_due(services.MESSAGES) == {"sent": 4}
    adopted_mail = next(m for m in mail.outbox if m.to == ["arne@alfa.dk"])
    assert adopted_mail.subject == "Budget 2027 er vedtaget"
    assert "Lønsummen i Område Nord reduceres med 1,5 %" in adopted_mail.body
    # After adoption the hearing is closed.
    with tenant_scope(k), at(datetime.date(2026, 10, 10)), pytest.raises(ValidationError) as error:
        services.hearing_respond(process, med, text="For sent", person=arne)
    assert "høringen er slut" in str(error.value)

    with tenant_scope(k), at(datetime.date(2026, 11, 6)):
        finally_approve(december)
        evaluate_kommune(k)
        row = deadline("budget.med_point", f"bp{adopted.pk}")
        assert (row.state, row.done_on) == ("done", datetime.date(2026, 11, 5))


def test_the_timeline_is_validated_and_nothing_is_saved(org_a, hr_a, budget_org):
    k = org_a.kommune
    with tenant_scope(k), at(datetime.date(2026, 3, 2)):
        with pytest.raises(ValidationError) as error:
            services.process_save(
                new_process(k, hearing_deadline=datetime.date(2026, 8, 1)), acting_user=hr_a
            )
        assert error.value.message_dict == {
            "hearing_deadline": ["Høringsfristen ligger efter, at kataloget er sendt ud."]
        }
        with pytest.raises(ValidationError) as error:
            services.process_save(
                new_process(k, adopted_on=datetime.date(2026, 12, 1)), acting_user=hr_a
            )
        assert "Vedtagelsen registreres, når den har fundet sted." in str(error.value)
        assert not BudgetProcess.objects.exists() and not AgendaPoint.objects.exists()
        services.process_save(new_process(k), acting_user=hr_a)
        with pytest.raises(ValidationError) as error:
            services.process_save(new_process(k), acting_user=hr_a)
        assert error.value.message_dict == {"year": ["Der er allerede en budgetproces for 2027."]}
        assert BudgetProcess.objects.count() == 1


def test_only_the_formandskab_of_a_heard_committee_answers(client, org_a, org_b, hr_a, budget_org):
    k = org_a.kommune
    med = budget_org["med"]
    with tenant_scope(k), at(CATALOGUE_ON):
        process = services.process_save(new_process(k), acting_user=hr_a)
        assert process.hearing_sent_on == CATALOGUE_ON  # the catalogue's day: sent at once
        member = f.person(k, "Mads", "Medlem", unit=org_a.workplace)
        f.membership(member, med, Membership.Role.MEDARBEJDERREPRAESENTANT)
        with pytest.raises(ValidationError) as error:
            services.hearing_respond(process, med, text="Svar", person=member)
        assert "Kun udvalgets formand og næstformand" in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.hearing_respond(process, org_a.amg, text="Svar", person=budget_org["lene"])
        assert "Udvalget er ikke i høring" in str(error.value)
        assert not HearingResponse.objects.exists()
    # A plain member sees the process but has no form; posting gives the same 404 as a
    # committee that does not exist, and another kommune's process is a 404 too.
    f.login_as(client, org_a, member, "mads_budget")
    with at(CATALOGUE_ON):
        page = client.get(reverse("budget:process", args=[process.public_id]))
        assert page.status_code == 200 and "Afgiv høringssvar" not in page.text
        post = client.post(
            reverse("budget:respond", args=[process.public_id, med.public_id]),
            {f"{med.public_id}-text": "Svar"},
        )
        assert post.status_code == 404
    with tenant_scope(org_b.kommune), at(CATALOGUE_ON):
        hoved_b = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        other = services.process_save(new_process(org_b.kommune))
        beta = f.person(org_b.kommune, "Bo", "Beta", unit=org_b.workplace)
        f.membership(beta, hoved_b, Membership.Role.FORMAND)
    with at(CATALOGUE_ON):
        assert client.get(reverse("budget:process", args=[other.public_id])).status_code == 404
        missing = client.get("/budget/00000000-0000-0000-0000-000000000000/")
        assert missing.status_code == 404
    # An employee with no seat in a MED committee and no unit to lead does not see it.
    f.login_as(client, org_a, f_person_without_seat(org_a), "nobody_budget")
    with at(CATALOGUE_ON):
        assert client.get(reverse("budget:process", args=[process.public_id])).status_code == 404


def f_person_without_seat(org):
    with tenant_scope(org.kommune):
        return f.person(org.kommune, "Nina", "Nobody", unit=org.workplace)


def test_the_process_page_reads_in_a_fixed_number_of_queries(client, org_a, hr_a, budget_org):
    """KommuneMED's formand reads the page with every response: the same number of queries
    for 2 heard committees and for 9."""
    k = org_a.kommune
    with tenant_scope(k), at(CATALOGUE_ON):
        process = services.process_save(new_process(k), acting_user=hr_a)
    f.login_as(client, org_a, budget_org["dorte"], "dorte_q")
    url = reverse("budget:process", args=[process.public_id])

    def measure():
        with tenant_scope(k), at(CATALOGUE_ON):
            services.process_save(process, acting_user=hr_a)  # points for new committees
            for c in Committee.objects.filter(kind__in=services.HEARD_KINDS):
                HearingResponse.objects.get_or_create(
                    kommune=k, process=process, committee=c, defaults={"text": "Svar"}
                )
        with at(CATALOGUE_ON):
            client.get(url)  # the session's first request reads more (login bookkeeping)
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url)
        assert page.status_code == 200
        return page.text.count('<details class="response"'), len(queries)

    small = measure()
    with tenant_scope(k):
        for n in range(7):
            unit = f.unit(k, f"Alfa Enhed {n}", parent=org_a.omraade)
            f.committee(
                k,
                f"Alfa LokalMED {n}",
                Committee.Kind.LOKALMED,
                parent=budget_org["hoved"],
                units=[unit],
            )
    large = measure()
    assert (small[0], large[0]) == (2, 9)
    assert small[1] == large[1]


def test_a_rationalisation_case_goes_before_kommunemed_and_sets_up_an_ad_hoc_committee(
    client, org_a, hr_a, budget_org
):
    k = org_a.kommune
    hoved = budget_org["hoved"]
    with tenant_scope(k), at(datetime.date(2026, 5, 4)):
        meeting = meeting_services.meeting_create(committee=hoved, date=datetime.date(2026, 5, 20))
        case = services.case_register(
            RationalisationCase(
                kommune=k,
                kind=RationalisationCase.Kind.OUTSOURCING,
                title="Udbud af rengøringen",
                description="Rengøringen i Område Nord sendes i udbud fra 2027.",
            ),
            units=[org_a.workplace],
            acting_user=hr_a,
        )
        [case_point] = case.points.all()
        assert case_point.agenda_item.meeting == meeting
        assert case_point.agenda_item.title == (
            "Rationaliserings- eller omstillingsprojekt: Udbud af rengøringen"
        )
        assert "om der skal nedsættes et ad hoc MED-udvalg" in case_point.agenda_item.recommendation
        row = deadline("budget.med_point", f"bp{case_point.pk}")
        assert (row.committee, row.due_date) == (hoved, datetime.date(2026, 6, 3))
        assert row.title == "Orientering og drøftelse: Udbud af rengøringen"

        # KommuneMED finds an ad hoc MED committee relevant: validated, then set up.
        with pytest.raises(ValidationError) as error:
            services.case_set_up_committee(
                case,
                name="Ad hoc-udvalg for udbud",
                ends_on=datetime.date(2026, 5, 4),
                acting_user=hr_a,
            )
        assert error.value.message_dict == {
            "ad_hoc_ends_on": ["Slutdatoen skal ligge efter i dag."]
        }
        assert not Committee.objects.filter(kind=Committee.Kind.ADHOC).exists()
        ad_hoc = services.case_set_up_committee(
            case,
            name="Ad hoc-udvalg for udbud",
            ends_on=datetime.date(2027, 3, 31),
            acting_user=hr_a,
        )
        assert (ad_hoc.kind, ad_hoc.parent, ad_hoc.ends_on) == (
            Committee.Kind.ADHOC,
            hoved,
            datetime.date(2027, 3, 31),
        )
        assert list(ad_hoc.units.all()) == [org_a.workplace]
        reasons = [h.history_change_reason for h in case.history.order_by("history_date")]
        assert reasons == ["Registreret", "Ad hoc MED-udvalg nedsat til og med 31.03.2027"]
        assert case.history.first().history_user == hr_a

    # The leader of the unit reads the case; a colleague elsewhere does not.
    f.login_as(client, org_a, budget_org["lene"], "lene_case")
    with tenant_scope(k):
        org_a.workplace.leader = budget_org["lene"]
        org_a.workplace.save()
    with at(datetime.date(2026, 5, 5)):
        page = client.get(reverse("budget:case", args=[case.public_id]))
    assert page.status_code == 200
    assert "Ad hoc-udvalg for udbud" in page.text and "nedlægges efter 31. marts 2027" in page.text
    with tenant_scope(k):
        outsider = f.person(k, "Otto", "Syd", unit=org_a.other_workplace)
    f.login_as(client, org_a, outsider, "otto_case")
    with at(datetime.date(2026, 5, 5)):
        assert client.get(reverse("budget:case", args=[case.public_id])).status_code == 404

    # The day after its last day, the ad hoc committee is closed by the daily tick.
    with at(datetime.date(2027, 3, 31)):
        assert close_ended_task() == 0
    with at(datetime.date(2027, 4, 1)):
        assert close_ended_task() == 1
    with tenant_scope(k):
        ad_hoc.refresh_from_db()
        assert ad_hoc.closed_on == datetime.date(2027, 3, 31)


def test_the_demo_has_this_years_budget_timeline(db):
    """Loaded on 22 November 2026: budget 2027 adopted on 8 October, the hearing answered by
    most local committees, KommuneMED's April and September steps done, the orientation after
    adoption on the committees' coming meetings; a case with its ad hoc MED committee."""
    from organisations.demo_loader import load_demo
    from organisations.models import Kommune

    load_demo(today=datetime.date(2026, 11, 22))
    with tenant_scope(Kommune.objects.get(code="albertslund")):
        process = BudgetProcess.objects.get()
        assert (process.year, process.adopted_on) == (2027, ADOPTION)
        assert process.hearing_sent_on == CATALOGUE_ON
        heard = AgendaPoint.objects.filter(process=process, step=Step.HEARING).count()
        assert heard >= 2 and HearingResponse.objects.count() == heard - 1
        done = {
            d.params["title"]
            for d in Deadline.objects.filter(rule="budget.med_point", state="done")
        }
        assert {
            "Budget 2027: tidsplanen for budgetprocessen",
            "Budget 2027: budgetkataloget og høringssvarene",
        } <= done
        told = AgendaPoint.objects.filter(process=process, step=Step.ADOPTED)
        assert told.filter(agenda_item__isnull=False).exists()
        assert all(p.due_on == datetime.date(2026, 12, 31) for p in told)
        case = RationalisationCase.objects.get()
        assert case.ad_hoc_committee.kind == Committee.Kind.ADHOC
        assert case.points.get().agenda_item is not None


def _admin_post(client, url, data, inlines=()):
    """The admin's add form as a browser posts it: the fields, and empty inline formsets."""
    payload = dict(data)
    for prefix in inlines:
        payload.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return client.post(url, payload)


def test_hr_records_the_timeline_in_the_admin_and_errors_save_nothing(
    client, org_a, hr_a, budget_org
):
    client.force_login(hr_a)
    url = reverse("admin:budget_budgetprocess_add")
    page = client.get(url)
    assert page.status_code == 200
    inlines = [i.formset.prefix for i in page.context["inline_admin_formsets"]]
    data = {
        "year": "2027",
        "timeline_by": "30.04.2026",
        "catalogue_on": "20.08.2026",
        "hearing_deadline": "01.08.2026",
        "adoption_planned": "08.10.2026",
        "catalogue": "Spareforslag.",
    }
    with at(datetime.date(2026, 3, 2)):
        bad = _admin_post(client, url, data, inlines)
        assert bad.status_code == 200
        assert "Høringsfristen ligger efter, at kataloget er sendt ud." in bad.text
        with tenant_scope(org_a.kommune):
            assert not BudgetProcess.objects.exists()
        data["hearing_deadline"] = "10.09.2026"
        good = _admin_post(client, url, data, inlines)
        assert good.status_code == 302
    with tenant_scope(org_a.kommune):
        process = BudgetProcess.objects.get()
        assert process.history.get().history_user == hr_a
        steps = set(
            AgendaPoint.objects.filter(process=process).values_list("step", "committee__name")
        )
        assert steps == {
            (Step.TIMELINE, "Alfa HovedMED"),
            (Step.CATALOGUE, "Alfa HovedMED"),
            (Step.HEARING, "Alfa LokalMED Nord"),
            (Step.HEARING, "Alfa Personalemøde Syd"),
        }


def test_hr_registers_a_case_with_its_ad_hoc_committee_in_the_admin(
    client, org_a, hr_a, budget_org
):
    client.force_login(hr_a)
    url = reverse("admin:budget_rationalisationcase_add")
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "kind": "organisation",
        "title": "Sekretariaterne samles",
        "description": "To sekretariater bliver ét.",
        "units": [str(org_a.workplace.pk)],
        "announced_on": "04.05.2026",
        "ad_hoc_name": "Ad hoc-udvalg for sekretariaterne",
        "ad_hoc_ends_on": "01.05.2026",
    }
    with at(datetime.date(2026, 5, 4)):
        bad = client.post(url, data)
        assert bad.status_code == 200
        assert "Slutdatoen skal ligge efter i dag." in bad.text
        with tenant_scope(org_a.kommune):
            assert not RationalisationCase.objects.exists()
            assert not Committee.objects.filter(kind=Committee.Kind.ADHOC).exists()
        data["ad_hoc_ends_on"] = "31.12.2026"
        assert client.post(url, data).status_code == 302
    with tenant_scope(org_a.kommune):
        case = RationalisationCase.objects.get()
        assert case.ad_hoc_committee.name == "Ad hoc-udvalg for sekretariaterne"
        assert case.ad_hoc_committee.ends_on == datetime.date(2026, 12, 31)
        assert list(case.ad_hoc_committee.units.all()) == [org_a.workplace]
        assert case.points.get().committee == budget_org["hoved"]
