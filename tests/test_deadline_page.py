"""Act on every deadline (issue 11): a deadline's page in the portal with its source and the
action that fulfils it; a duty done outside the system is marked done there, with a date and a
note, by those who answer for it; the panel puts what is due now first and groups the long
overdue; every reminder e-mail links to each deadline and its action."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.email import render_templated
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from reminders.models import ReminderItem
from reminders.services import digest_context

from . import factories as f


@pytest.fixture
def arne(org_a):
    """The AMR of AMG Nord, with a login."""
    person = org_a.amr.person
    person.user = f.user("arne")
    with tenant_scope(org_a.kommune):
        person.save()
    return person


def make(org, rule, *, days, person=None, committee=None, key=None):
    with tenant_scope(org.kommune):
        return Deadline.objects.create(
            kommune=org.kommune,
            rule=rule,
            key=key or f"{rule}-{days}",
            person=person,
            committee=committee,
            unit=org.workplace,
            due_date=timezone.localdate() + datetime.timedelta(days=days),
        )


def page(deadline) -> str:
    return reverse("deadlines:detail", args=[deadline.public_id])


def test_the_page_shows_the_deadline_its_source_and_its_action(client, org_a, arne):
    apv = make(org_a, "apv.revision", days=10, committee=org_a.amg)
    client.force_login(arne.user)
    response = client.get(page(apv))
    text = response.content.decode()
    assert response.status_code == 200
    assert "APV (arbejdspladsvurdering)" in text and "AML § 15 a" in text
    assert reverse("apv:amg", args=[org_a.amg.public_id]) in text  # the action, one click
    assert "Markér som opfyldt" not in text  # fulfilled by the APV itself, not by a click
    assert client.post(page(apv), {"done_on": "2026-01-01"}).status_code == 403


def test_a_duty_done_outside_the_system_is_marked_done_by_who_answers_for_it(
    client, org_a, arne, employee_a
):
    duty = make(org_a, "committees.sickness_statistics", days=-5, committee=org_a.amg)
    client.force_login(employee_a)
    assert client.get(page(duty)).status_code == 404  # not theirs: not found

    client.force_login(arne.user)
    form = client.get(page(duty)).content.decode()
    assert "Markér som opfyldt" in form
    assert f'value="{timezone.localdate().isoformat()}"' in form  # today, as the date input reads
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = client.post(page(duty), {"done_on": future, "note": "For tidligt"})
    assert refused.status_code == 200
    assert "Datoen kan ikke ligge i fremtiden." in refused.content.decode()
    duty.refresh_from_db()
    assert duty.state == Deadline.State.OPEN  # nothing saved

    day = timezone.localdate() - datetime.timedelta(days=2)
    done = client.post(page(duty), {"done_on": day.isoformat(), "note": "Fremlagt på mødet"})
    assert done.status_code == 302
    duty.refresh_from_db()
    assert (duty.state, duty.done_on, duty.manual) == (Deadline.State.DONE, day, True)
    assert duty.note == "Fremlagt på mødet"
    with tenant_scope(org_a.kommune):
        assert duty.history.latest().history_user == arne.user
    assert "Markér som opfyldt" not in client.get(page(duty)).content.decode()


def test_the_panel_puts_what_is_due_now_first_and_groups_the_long_overdue(client, org_a, arne):
    old = make(org_a, "training.amo_basic", days=-400, person=arne, key="old")
    soon = make(org_a, "committees.sickness_statistics", days=3, committee=org_a.amg)
    late = make(org_a, "apv.revision", days=-10, committee=org_a.amg)
    later = make(org_a, "committees.wellbeing_survey", days=200, committee=org_a.amg)
    client.force_login(arne.user)
    home = client.get(reverse("portal:home")).content.decode()
    positions = [home.index(page(d)) for d in (late, soon, later, old)]
    assert positions == sorted(positions)  # recent overdue, due soon, upcoming, then the old
    cutoff = timezone.localdate() - datetime.timedelta(days=90)
    with tenant_scope(org_a.kommune):
        long_overdue = Deadline.objects.filter(
            person=arne, state=Deadline.State.OPEN, due_date__lt=cutoff
        ).count()
    assert long_overdue >= 1
    assert f"{long_overdue} frist" in home and "overskredet i mere end 3 måneder" in home
    assert home.index("overskredet i mere end 3 måneder") < home.index(page(old))
    assert home.index(page(later)) < home.index("overskredet i mere end 3 måneder")


def test_the_reminder_links_to_each_deadline_and_its_action(org_a, arne, settings):
    settings.SITE_URL = "https://med.alfa.dk"
    apv = make(org_a, "apv.revision", days=3, committee=org_a.amg)
    with tenant_scope(org_a.kommune):
        apv = Deadline.objects.select_related("committee").get(pk=apv.pk)
        item = ReminderItem(deadline=apv, recipient=arne, track=ReminderItem.Track.DEADLINE)
        context = digest_context(arne, [item], timezone.localdate())
    mail = render_templated("reminders/email/digest", context, "da")
    deadline_url = f"https://med.alfa.dk{page(apv)}"
    action_url = "https://med.alfa.dk" + reverse("apv:amg", args=[org_a.amg.public_id])
    for body in (mail.text, mail.html):
        assert deadline_url in body and action_url in body
    assert "Åbn gruppens APV" in mail.text


def test_hovedmed_waives_obligation_a_h_or_i_from_the_deadline_page(client, org_a):
    """Rammeaftalen (Albertslund's MED-aftale): "Hovedudvalget kan aftale at fravige punkt A, H
    og I, såfremt der er enighed i udvalget herom" — and when either side withdraws, the duty
    returns at once. The formand records both on the deadline's page; B can never be waived."""
    from committees.models import Committee, Membership, ObligationWaiver
    from deadlines.engine import refresh

    with tenant_scope(org_a.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        formand = f.person(org_a.kommune, "Frida", "Formand", unit=org_a.workplace)
        f.membership(formand, hoved, Membership.Role.FORMAND)
        formand.user = f.user("frida")
        formand.save()
        refresh(org_a.kommune)
        rows = Deadline.objects.filter(rule="committees.hovedmed_obligation", committee=hoved)
        a = next(d for d in rows if d.params.get("letter") == "A")
        b = next(d for d in rows if d.params.get("letter") == "B")
    client.force_login(formand.user)
    assert "Fravig opgaven" not in client.get(page(b)).content.decode()
    assert (
        client.post(page(b), {"waive": "1", "agreed_on": "2026-01-01", "decision": "x"}).status_code
        == 403
    )
    body = client.get(page(a)).content.decode()
    assert "Fravig opgaven" in body
    # Bad input changes nothing and says why in Danish.
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(page(a), {"waive": "1", "agreed_on": tomorrow, "decision": ""})
    assert response.status_code == 200
    assert "Datoen kan ikke ligge i fremtiden." in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert not ObligationWaiver.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(
        page(a), {"waive": "1", "agreed_on": today, "decision": "Begge sider er enige."}
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        a.refresh_from_db()
        assert a.state == Deadline.State.WAIVED
        waiver = ObligationWaiver.objects.get()
    body = client.get(page(a)).content.decode()
    assert "Fraveget efter aftale i HovedMED" in body and "Begge sider er enige." in body
    assert client.post(page(a), {"withdraw": "1"}).status_code == 302
    with tenant_scope(org_a.kommune):
        waiver.refresh_from_db()
        assert waiver.withdrawn_on == timezone.localdate()
        seat_side = Membership.objects.get(person=formand, committee=hoved).side
        assert waiver.withdrawn_by_side == (seat_side or Membership.Side.LEDELSE)
        again = Deadline.objects.filter(
            rule="committees.hovedmed_obligation", committee=hoved, state=Deadline.State.OPEN
        )
        assert any(d.params.get("letter") == "A" for d in again)
