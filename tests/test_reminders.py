"""Emailed reminders: stages, digests, weekly preference, escalation, exactly-once, failures,
the scoped admin, the person's own page and query counts. Periodic functions are called
directly with frozen time (time_machine); a second run asserts nothing new is sent."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from committees.models import Membership
from config.urls import urlpatterns as project_urlpatterns
from core.email import send_templated
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.models import Deadline
from organisations.models import Unit
from reminders.models import Frequency, ReminderDigest, ReminderItem, ReminderPreference
from reminders.services import digest_send, preference_set, reminders_prepare, reminders_run

from . import factories as f

TZ = ZoneInfo("Europe/Copenhagen")
DUE = datetime.date(2027, 3, 17)  # a Wednesday
AMO_BASIC = "Obligatorisk arbejdsmiljøuddannelse (3 dage)"
MED_COURSE = "MED-uddannelse i første funktionsår"
YEARLY = "Årlig arbejdsmiljødrøftelse"

# The project's URLs plus the person's own reminders page (until config/urls.py includes it).
urlpatterns = [path("paamindelser/", include("reminders.urls")), *project_urlpatterns]


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def run(day: datetime.date, hour: int = 9, minute: int = 0):
    with time_machine.travel(at(day, hour, minute), tick=False):
        return reminders_run()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


class World:
    """Kommune A: Område Nord (leader Olga) → Skole Nord (leader Lene) → Afdeling (no leader).
    Arne (AMR, Skole Nord) and Per (Afdeling) have e-mail addresses."""

    def __init__(self, org):
        self.org = org
        self.kommune = org.kommune
        k = org.kommune
        with tenant_scope(k):
            self.afdeling = f.unit(
                k, "Alfa Afdeling Vest", Unit.Kind.AFDELING, parent=org.workplace
            )
            self.olga = f.person(k, "Olga", "Områdechef", unit=org.omraade, email="olga@a.dk")
            self.lene = org.leader_person
            self.lene.email = "lene@a.dk"
            self.lene.save(update_fields=["email"])
            self.arne = org.amr.person
            self.arne.email = "arne@a.dk"
            self.arne.save(update_fields=["email"])
            self.per = f.person(k, "Per", "Pedersen", unit=self.afdeling, email="per@a.dk")
            Unit.objects.filter(pk=org.omraade.pk).update(leader=self.olga)
            Unit.objects.filter(pk=org.workplace.pk).update(leader=self.lene)
            # The memberships made deadlines through the engine; these tests make their own.
            Deadline.objects.update(state=Deadline.State.CANCELLED)
        self._keys = iter(range(1, 10_000))

    def deadline(self, *, person=None, committee=None, unit=None, due=DUE, rule=None) -> Deadline:
        rule = rule or ("training.amo_basic" if person else "committees.yearly_amo_discussion")
        with tenant_scope(self.kommune):
            return Deadline.objects.create(
                kommune=self.kommune,
                rule=rule,
                key=f"test{next(self._keys)}",
                person=person,
                committee=committee,
                unit=unit,
                due_date=due,
            )

    def items(self, **filters) -> list[ReminderItem]:
        with tenant_scope(self.kommune):
            return list(
                ReminderItem.objects.filter(**filters)
                .select_related("recipient", "basis_unit")
                .order_by("planned_for", "pk")
            )

    def digests(self, **filters) -> list[ReminderDigest]:
        with tenant_scope(self.kommune):
            return list(ReminderDigest.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def world(org_a) -> World:
    return World(org_a)


@pytest.fixture(autouse=True)
def _clean_outbox():
    mail.outbox = []


# --- stages ------------------------------------------------------------------------------------


def test_it_reminds_30_and_7_days_before_on_the_day_and_after(world):
    world.deadline(person=world.arne, unit=world.org.workplace)
    sent_on = {}
    day = DUE - days(40)
    while day <= DUE + days(40):
        before = len(to("arne@a.dk"))
        run(day)
        if len(to("arne@a.dk")) > before:
            sent_on[day] = to("arne@a.dk")[-1]
        day += days(1)

    assert sorted(sent_on) == [
        DUE - days(30),
        DUE - days(7),
        DUE,
        DUE + days(7),
        DUE + days(14),
        DUE + days(30),
    ]
    reasons = [i.reason for i in world.items(recipient=world.arne)]
    assert reasons == ["before_30", "before_7", "due", "after_7", "after_14", "after_30"]
    assert "Fristen er om 30 dage." in sent_on[DUE - days(30)].body
    assert "Fristen er om 7 dage." in sent_on[DUE - days(7)].body
    assert "Fristen er i dag." in sent_on[DUE].body
    assert "Fristen er overskredet med 14 dage." in sent_on[DUE + days(14)].body
    assert sent_on[DUE + days(30)].subject == f"Overskredet frist: {AMO_BASIC}"


def test_it_sends_the_latest_stage_only_for_a_deadline_first_seen_late(world):
    # A deadline that is new to the system but already 40 days overdue: one reminder, not six.
    world.deadline(person=world.arne, unit=world.org.workplace, due=DUE - days(40))
    run(DUE)
    assert [i.reason for i in world.items(recipient=world.arne)] == ["after_30"]
    assert len(to("arne@a.dk")) == 1


def test_it_waits_for_the_send_hour(world, settings):
    settings.REMINDER_SEND_HOUR = 7
    world.deadline(person=world.arne)
    run(DUE, hour=3)
    assert mail.outbox == []
    assert [i.state for i in world.items()] == [ReminderItem.State.PENDING]  # planned already
    run(DUE, hour=7)
    assert len(to("arne@a.dk")) == 1


# --- the e-mail --------------------------------------------------------------------------------


def test_it_says_what_is_due_when_what_to_do_the_source_and_why(world):
    world.deadline(person=world.arne, unit=world.org.workplace)
    run(DUE - days(7))
    [message] = to("arne@a.dk")
    assert message.subject == f"Påmindelse om frist: {AMO_BASIC}"
    for body in (message.body, html_of(message)):
        assert AMO_BASIC in body
        assert "17. marts 2027" in body  # Danish date format
        assert "Tilmeld dig den obligatoriske 3-dages arbejdsmiljøuddannelse." in body
        assert "AML § 9" in body
        assert "fordi fristen er din" in body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["Content-Language"] == "da"


def test_it_renders_in_the_recipients_language(world):
    with tenant_scope(world.kommune):
        preference_set(world.arne, frequency=Frequency.DAILY, language="en")
    world.deadline(person=world.arne)
    run(DUE - days(7))
    [message] = to("arne@a.dk")
    assert message.extra_headers["Content-Language"] == "en"
    assert "March 17, 2027" in message.body  # the date in the recipient's language
    with tenant_scope(world.kommune):
        assert ReminderDigest.objects.get().language == "en"


def test_it_always_sends_text_and_html(db):
    send_templated(
        "x@a.dk",
        "reminders/email/digest",
        {"recipient": {"first_name": "X"}, "entries": [], "site_url": "http://s"},
    )
    [message] = mail.outbox
    assert "Kære X" in message.body and "<p>Kære X</p>" in html_of(message)


def test_it_numbers_every_entry_and_escapes_it_in_the_html_part(world):
    """A leader's digest lists each deadline with its reasons; both parts come from the same
    entries, escaped in the HTML part only, in the recipient's language."""
    with tenant_scope(world.kommune):
        world.per.first_name = "Per <b>"
        world.per.save(update_fields=["first_name"])
    world.deadline(person=world.per, unit=world.afdeling, rule="training.amo_basic")
    world.deadline(person=world.per, unit=world.afdeling, rule="training.med_course")
    run(DUE + days(14))

    [to_lene] = to("lene@a.dk")
    text, html = to_lene.body, html_of(to_lene)
    assert f"\n1. {AMO_BASIC}\nFrist: 17. marts 2027. " in text
    assert f"\n2. {MED_COURSE}\nFrist: 17. marts 2027. " in text
    assert text.count("Ansvarlig: Per <b> Pedersen\n") == 2  # plain text: as written
    assert html.count("Ansvarlig: Per &lt;b&gt; Pedersen</td>") == 2
    assert "<b>" not in html
    assert html.count("<table role=") == 2 and html.count("border-left: 4px solid #b3261e") == 2
    for body in (text, html):
        assert body.count("fordi du er leder for Alfa Skole Nord") == 2
        assert body.count("Som leder: Følg op på, at opgaven bliver løst") == 2

    with tenant_scope(world.kommune):
        preference_set(world.lene, frequency=Frequency.DAILY, language="en")
    mail.outbox = []
    world.deadline(person=world.per, unit=world.afdeling, rule="training.amo_basic")
    run(DUE + days(15))  # first seen late: its latest stage, the escalation
    [in_english] = to("lene@a.dk")
    assert "\n1. " in in_english.body and "\n2. " not in in_english.body
    assert "Deadline: March 17, 2027. " in in_english.body
    assert "Deadline: <strong>March 17, 2027</strong>. " in html_of(in_english)
    for body in (in_english.body, html_of(in_english)):
        assert "because you are the manager of Alfa Skole Nord" in body
        # A rule's texts and the status are kept per language, never the Danish of before.
        assert "Enrol in the mandatory 3-day working environment training." in body
        assert "The deadline is 15 days overdue." in body
        assert "Tilmeld dig" not in body and "Fristen er" not in body
    for body in (text, html):
        assert body.count("Tilmeld dig den obligatoriske 3-dages arbejdsmiljøuddannelse.") == 1
        assert body.count("Fristen er overskredet med 14 dage.") == 2


# --- digests -----------------------------------------------------------------------------------


def test_it_lists_two_deadlines_of_the_same_day_in_one_email(world):
    world.deadline(person=world.arne, rule="training.amo_basic")
    world.deadline(person=world.arne, rule="training.med_course")
    run(DUE - days(7))

    [message] = to("arne@a.dk")
    assert AMO_BASIC in message.body and MED_COURSE in message.body
    assert message.subject == "Påmindelse om 2 frister"
    [digest] = world.digests(recipient=world.arne)
    assert digest.state == ReminderDigest.State.SENT
    assert {i.digest_id for i in world.items(recipient=world.arne)} == {digest.pk}


def test_it_holds_before_reminders_for_monday_with_a_weekly_preference(world):
    with tenant_scope(world.kommune):
        preference_set(world.arne, frequency=Frequency.WEEKLY, language="da")
    world.deadline(person=world.arne)
    world.deadline(person=world.per)  # daily (no preference)

    run(DUE - days(7))  # Wednesday: Per gets his, Arne's waits
    assert len(to("per@a.dk")) == 1 and to("arne@a.dk") == []
    for day in range(6, 2, -1):  # Thursday to Sunday
        run(DUE - days(day))
    assert to("arne@a.dk") == []

    run(DUE - days(2))  # Monday
    [monday] = to("arne@a.dk")
    assert "Fristen er om 2 dage." in monday.body

    run(DUE)  # Wednesday, on the due date: statutory, not held back
    assert len(to("arne@a.dk")) == 2
    run(DUE + days(7))  # Wednesday again: overdue reminders come the same day too
    assert len(to("arne@a.dk")) == 3


def test_it_replaces_a_held_back_reminder_with_the_newer_one(world):
    with tenant_scope(world.kommune):
        preference_set(world.arne, frequency=Frequency.WEEKLY, language="da")
    world.deadline(person=world.arne)
    run(DUE - days(29))  # Tuesday: "before_30" is planned and held back
    run(DUE - days(7))  # Wednesday: "before_7" held back too, and it supersedes "before_30"
    run(DUE - days(2))  # Monday: one reminder, the current one
    [message] = to("arne@a.dk")
    assert "Fristen er om 2 dage." in message.body
    states = {i.reason: i.state for i in world.items(recipient=world.arne)}
    assert states == {
        "before_30": ReminderItem.State.SUPERSEDED,
        "before_7": ReminderItem.State.SENT,
    }


# --- recipients and escalation -------------------------------------------------------------------


def test_it_escalates_to_the_leader_then_the_level_above_past_a_unit_without_leader(world):
    world.deadline(person=world.per, unit=world.afdeling)
    run(DUE + days(13))
    assert to("lene@a.dk") == []

    run(DUE + days(14))  # the Afdeling has no leader: Lene of Skole Nord is responsible
    [to_lene] = to("lene@a.dk")
    assert "fordi du er leder for Alfa Skole Nord" in to_lene.body
    assert "Ansvarlig: Per Pedersen" in to_lene.body
    assert "Det skal den ansvarlige gøre:" in to_lene.body
    assert to("olga@a.dk") == []

    run(DUE + days(30))  # then the level above: Olga of Område Nord
    [to_olga] = to("olga@a.dk")
    assert "ledelsesniveauet over den ansvarlige leder" in to_olga.body
    assert "overliggende ledelsesniveau" in to_olga.body
    assert len(to("per@a.dk")) == 3  # after_7, after_14 and after_30 to Per himself
    assert len(to("lene@a.dk")) == 1  # escalated once

    escalations = [(i.reason, i.recipient, i.basis_unit) for i in world.items(track="escalation")]
    assert escalations == [
        ("escalation_leader", world.lene, world.org.workplace),
        ("escalation_up", world.olga, world.org.omraade),
    ]


def test_it_escalates_past_the_person_themself(world):
    # Lene leads Skole Nord; her own overdue deadline goes to Olga, and nobody is above Olga.
    world.deadline(person=world.lene, unit=world.org.workplace)
    run(DUE + days(30))
    [item] = world.items(track="escalation")
    assert (item.reason, item.recipient) == ("escalation_leader", world.olga)
    assert len(to("olga@a.dk")) == 1


def test_it_walks_past_a_leader_who_has_left(world):
    with tenant_scope(world.kommune):
        world.lene.left_on = DUE
        world.lene.save(update_fields=["left_on"])
    world.deadline(person=world.arne, unit=world.org.workplace)
    run(DUE + days(14))
    [item] = world.items(track="escalation")
    assert item.recipient == world.olga


def test_it_reminds_a_committees_formand_and_naestformand(world):
    org = world.org
    with tenant_scope(world.kommune):
        formand = f.person(world.kommune, "Frida", "Formand", email="frida@a.dk")
        naestformand = f.person(world.kommune, "Niels", "Næstformand", email="niels@a.dk")
        f.membership(formand, org.med, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
        f.membership(naestformand, org.med, Membership.Role.NAESTFORMAND)
        Deadline.objects.update(state=Deadline.State.CANCELLED)
    world.deadline(committee=org.med, unit=org.workplace)
    run(DUE - days(7))
    assert len(to("frida@a.dk")) == 1 and len(to("niels@a.dk")) == 1
    assert "fordi du har rollen “Formand” i Alfa LokalMED Nord" in to("frida@a.dk")[0].body
    assert to("arne@a.dk") == [] and to("lene@a.dk") == []


def test_it_reminds_an_amgs_leder_and_amr_when_it_has_no_formand(world):
    world.deadline(committee=world.org.amg, unit=world.org.workplace)
    run(DUE)
    assert len(to("lene@a.dk")) == 1 and len(to("arne@a.dk")) == 1
    bases = {(i.recipient.first_name, i.basis, i.basis_role) for i in world.items()}
    assert bases == {("Lene", "committee", "leder"), ("Arne", "committee", "amr")}


def test_it_records_a_skip_for_a_person_who_left_or_has_no_email(world):
    with tenant_scope(world.kommune):
        world.per.left_on = DUE - days(10)
        world.per.save(update_fields=["left_on"])
        nomail = f.person(world.kommune, "Uden", "Mail", unit=world.org.workplace)
    world.deadline(person=world.per)
    world.deadline(person=nomail)
    run(DUE)
    run(DUE)
    assert mail.outbox == []
    skipped = {(i.recipient.first_name, i.state, i.skip_reason) for i in world.items()}
    assert skipped == {
        ("Per", ReminderItem.State.SKIPPED, ReminderItem.SkipReason.LEFT),
        ("Uden", ReminderItem.State.SKIPPED, ReminderItem.SkipReason.NO_EMAIL),
    }


def test_it_only_reminds_of_open_deadlines(world):
    done = world.deadline(person=world.arne)
    with tenant_scope(world.kommune):
        Deadline.objects.filter(pk=done.pk).update(state=Deadline.State.DONE)
    run(DUE)
    assert mail.outbox == [] and world.items() == []


def test_it_drops_a_deadline_fulfilled_after_planning(world):
    deadline = world.deadline(person=world.arne)
    with time_machine.travel(at(DUE, 9), tick=False):
        prepared = reminders_prepare(world.kommune)
    with tenant_scope(world.kommune):
        Deadline.objects.filter(pk=deadline.pk).update(state=Deadline.State.DONE)
    with time_machine.travel(at(DUE, 9), tick=False):
        assert [digest_send(pk) for pk in prepared.digest_ids] == ["empty"]
    assert mail.outbox == []
    assert [i.state for i in world.items()] == [ReminderItem.State.CANCELLED]
    # A new deadline later that day still goes out, in the day's one digest.
    world.deadline(person=world.arne, rule="training.med_course")
    run(DUE, 14)
    assert len(to("arne@a.dk")) == 1 and MED_COURSE in to("arne@a.dk")[0].body
    assert [d.state for d in world.digests()] == [ReminderDigest.State.SENT]


# --- exactly once --------------------------------------------------------------------------------


def test_it_sends_once_when_the_tick_runs_twice(world):
    world.deadline(person=world.arne)
    world.deadline(person=world.per, unit=world.afdeling, due=DUE - days(14))
    first = run(DUE)
    assert first.sent == 3  # Arne (due), Per (after_14), Lene (escalation)
    second = run(DUE)
    later = run(DUE, hour=16)
    assert second.sent == later.sent == 0
    assert len(mail.outbox) == 3
    assert all(i.state == ReminderItem.State.SENT for i in world.items())


def test_it_sends_a_digest_once_when_asked_twice(world):
    world.deadline(person=world.arne)
    with time_machine.travel(at(DUE, 9), tick=False):
        [digest_id] = reminders_prepare(world.kommune).digest_ids
        assert digest_send(digest_id) == "sent"
        assert digest_send(digest_id) == "not_claimed"
    assert len(mail.outbox) == 1


def test_it_sends_nothing_for_a_rolled_back_deadline(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        world.deadline(person=world.arne)
        raise RuntimeError("the service failed after creating the deadline")
    run(DUE)
    assert mail.outbox == [] and world.items() == []


def test_it_enqueues_sends_only_after_commit(world, django_capture_on_commit_callbacks):
    world.deadline(person=world.arne)
    enqueued = []
    with time_machine.travel(at(DUE, 9), tick=False):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            reminders_prepare(world.kommune, on_ready=enqueued.append)
            raise RuntimeError("rolled back")
        assert enqueued == [] and callbacks == []
        with django_capture_on_commit_callbacks(execute=True):
            prepared = reminders_prepare(world.kommune, on_ready=enqueued.append)
    assert enqueued == [prepared.digest_ids] and len(prepared.digest_ids) == 1


def test_it_retries_a_digest_whose_worker_died(world, settings):
    settings.OUTBOX_CLAIM_TIMEOUT_MINUTES = 30
    world.deadline(person=world.arne)
    with time_machine.travel(at(DUE, 9), tick=False):
        [digest_id] = reminders_prepare(world.kommune).digest_ids
    with tenant_scope(world.kommune):
        # A worker claimed it and died before sending.
        ReminderDigest.objects.filter(pk=digest_id).update(
            state=ReminderDigest.State.SENDING, claimed_at=at(DUE, 9), attempts=1
        )
    run(DUE, 9, 20)
    assert mail.outbox == []  # still within the claim timeout
    run(DUE, 9, 45)
    assert len(to("arne@a.dk")) == 1
    [digest] = world.digests()
    assert (digest.state, digest.attempts) == (ReminderDigest.State.SENT, 2)


# --- failures ----------------------------------------------------------------------------------


def test_it_records_a_failed_send_and_retries_it_later(world, failing_smtp, settings):
    settings.OUTBOX_RETRY_MINUTES = 15
    world.deadline(person=world.arne)
    result = run(DUE, 9, 0)
    assert (result.sent, result.failed) == (0, 1)
    [digest] = world.digests()
    assert digest.state == ReminderDigest.State.PENDING
    assert digest.attempts == 1
    assert (
        "SMTPRecipientsRefused" in digest.last_error and "mailbox unavailable" in digest.last_error
    )
    assert len(digest.errors) == 1
    assert digest.next_attempt_at == at(DUE, 9, 15)

    run(DUE, 9, 10)  # backoff not over yet
    assert world.digests()[0].attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(DUE, 9, 16)
    [digest] = world.digests()
    assert (digest.state, digest.attempts, digest.last_error) == (ReminderDigest.State.SENT, 2, "")
    assert len(digest.errors) == 1  # the failed attempt stays on record
    assert len(to("arne@a.dk")) == 1
    run(DUE, 10)
    assert len(to("arne@a.dk")) == 1


def test_it_gives_up_after_the_last_attempt(world, failing_smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_MINUTES = 15
    world.deadline(person=world.arne)
    for minute in (0, 15, 45):  # the backoff doubles: 15, then 30 minutes
        run(DUE, 9, minute)
    [digest] = world.digests()
    assert (digest.state, digest.attempts) == (ReminderDigest.State.FAILED, 3)
    assert len(digest.errors) == 3
    run(DUE, 23)
    assert world.digests()[0].attempts == 3


def test_it_keeps_sending_when_one_digest_fails(world, failing_smtp):
    failing_smtp.add("arne@a.dk")
    world.deadline(person=world.arne)
    world.deadline(person=world.per)
    result = run(DUE)
    assert (result.sent, result.failed) == (1, 1)
    assert len(to("per@a.dk")) == 1 and to("arne@a.dk") == []


def test_it_keeps_planning_when_one_deadline_fails(world, monkeypatch):
    from reminders import services

    world.deadline(person=world.arne)
    bad = world.deadline(person=world.per)
    original = services._items_for

    def items_for(kommune_id, deadline, resolver, today):
        if deadline["pk"] == bad.pk:
            raise ValueError("a bad row")
        return original(kommune_id, deadline, resolver, today)

    monkeypatch.setattr(services, "_items_for", items_for)
    run(DUE)
    assert len(to("arne@a.dk")) == 1 and to("per@a.dk") == []


# --- the admin ---------------------------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:reminders_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def sent_in_both(world, org_b):
    world_b = World(org_b)
    world.deadline(person=world.arne)
    world_b.deadline(person=world_b.arne)
    run(DUE)
    return world, world_b


@pytest.mark.parametrize("model", [ReminderDigest, ReminderItem], ids=lambda m: m.__name__)
def test_it_shows_hr_only_their_kommunes_reminders(client, sent_in_both, hr_a, hr_b, model):
    world_a, world_b = sent_in_both
    with tenant_scope(world_a.kommune):
        ours = model.objects.get()
    client.force_login(hr_b)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert {o.kommune_id for o in response.context["cl"].result_list} == {world_b.kommune.pk}
    assert client.get(admin_url(model, "change", ours.pk)).status_code == 404
    assert client.get(admin_url(model, "history", ours.pk)).status_code == 404
    assert client.post(admin_url(model, "delete", ours.pk), {"post": "yes"}).status_code in (
        403,
        404,
    )

    client.force_login(hr_a)
    response = client.get(admin_url(model, "change", ours.pk))
    assert response.status_code == 200
    assert "Arne AlfaAmr" in response.content.decode()
    with scopes_disabled():
        assert model.objects.filter(pk=ours.pk).exists()


def test_it_filters_and_searches_the_reminder_admin(client, sent_in_both, hr_a):
    client.force_login(hr_a)
    url = admin_url(ReminderDigest, "changelist")
    assert client.get(url, {"q": "Arne"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "nobody"}).context["cl"].result_count == 0
    assert client.get(url, {"reason": "due"}).context["cl"].result_count == 1
    assert client.get(url, {"reason": "after_7"}).context["cl"].result_count == 0
    assert client.get(url, {"state": "sent"}).context["cl"].result_count == 1
    items = admin_url(ReminderItem, "changelist")
    assert client.get(items, {"basis": "responsible"}).context["cl"].result_count == 1


def test_it_makes_the_reminder_admin_read_only(client, sent_in_both, hr_a):
    client.force_login(hr_a)
    assert client.get(admin_url(ReminderDigest, "add")).status_code == 403
    world_a, _ = sent_in_both
    [digest] = world_a.digests()
    response = client.post(admin_url(ReminderDigest, "change", digest.pk), {"state": "pending"})
    assert response.status_code == 403
    assert world_a.digests()[0].state == ReminderDigest.State.SENT


# --- the person's own page ------------------------------------------------------------------------


@pytest.mark.urls("tests.test_reminders")
def test_it_shows_a_person_their_own_reminders_and_why(client, world):
    world.deadline(person=world.arne)
    world.deadline(person=world.per, unit=world.afdeling, due=DUE - days(14))
    run(DUE)
    arne_user = f.user("arne")
    with tenant_scope(world.kommune):
        world.arne.user = arne_user
        world.arne.save(update_fields=["user"])
    client.force_login(arne_user)
    for url in (reverse("reminders:mine"), reverse("portal:home")):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert AMO_BASIC in page and "fordi fristen er din" in page
        assert "Per Pedersen" not in page and "lene@a.dk" not in page

    response = client.post(
        reverse("reminders:preference"), {"frequency": "weekly", "language": "da"}
    )
    assert response.status_code == 302
    with tenant_scope(world.kommune):
        assert ReminderPreference.objects.get(person=world.arne).frequency == Frequency.WEEKLY


def test_it_shows_recent_reminders_on_the_portal_home(client, world):
    # With the project's own URLs: the panel works whether or not the full page is wired in.
    world.deadline(person=world.arne)
    run(DUE)
    arne_user = f.user("arne")
    with tenant_scope(world.kommune):
        world.arne.user = arne_user
        world.arne.save(update_fields=["user"])
    client.force_login(arne_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="panel-reminders"' in page and AMO_BASIC in page


@pytest.mark.urls("tests.test_reminders")
def test_it_gives_a_user_without_a_person_a_404(client, world, hr_b):
    client.force_login(hr_b)
    assert client.get(reverse("reminders:mine")).status_code == 404


# --- query counts ------------------------------------------------------------------------------


def populate(world: World, n: int) -> None:
    """n people with overdue deadlines (escalations included) and one committee deadline."""
    k = world.kommune
    with tenant_scope(k):
        people = [
            f.person(k, "Navn", f"Nr{i}", unit=world.afdeling, email=f"p{i}@a.dk") for i in range(n)
        ]
    for p in people:
        world.deadline(person=p, unit=world.afdeling, due=DUE - days(30))
        world.deadline(person=p, rule="training.med_course", due=DUE - days(30))
    world.deadline(committee=world.org.amg, unit=world.org.workplace, due=DUE - days(30))


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


@pytest.mark.parametrize("what", ["prepare", "send"])
def test_it_plans_and_sends_with_a_constant_number_of_queries(org_a, org_b, what):
    counts = []
    # On PostgreSQL the planned rows are copied in (one COPY whatever their number); SQLite's
    # bulk insert would take one statement per batch of rows, so the sizes stay within one.
    for org, n in ((org_a, 2), (org_b, 8)):
        world = World(org)
        populate(world, n)
        with time_machine.travel(at(DUE, 9), tick=False):
            if what == "prepare":
                counts.append(count(lambda w=world: reminders_prepare(w.kommune)))
                continue
            ids = reminders_prepare(world.kommune).digest_ids
            with tenant_scope(world.kommune):
                # The leader's digest lists every person's escalated deadlines: 4 vs 16 items.
                digest_id = ReminderDigest.objects.get(recipient=world.lene).pk
            assert digest_id in ids
            counts.append(count(lambda pk=digest_id: digest_send(pk)))
    with tenant_scope(org_b.kommune):
        assert ReminderItem.objects.count() > 30
    small, large = counts
    assert small == large


def test_the_tick_that_builds_a_digest_also_sends_it(world):
    """Issue 17: with the clock running, a digest built by a tick was due only "after" the
    tick's own now (its default was the insert time) and waited for the next tick."""
    world.deadline(person=world.arne)
    with time_machine.travel(at(DUE, 9), tick=True):
        prepared = reminders_prepare(world.kommune)
        assert len(prepared.digest_ids) == 1
        assert digest_send(prepared.digest_ids[0]) == "sent"
    assert len(mail.outbox) == 1
