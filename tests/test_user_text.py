"""Text fit for users (issue 11): no raw placeholder ("%(year)s") and no internal reference
("seed 003") on any page, e-mail or PDF that lists deadlines; the "Kilde" of a rule names the
law and the kommune's own MED-aftale (its name and paragraph from the kommune's settings), never
another kommune's agreement."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from committees.models import Committee
from core.email import render_templated
from core.tenancy import tenant_scope
from deadlines.engine import registry
from deadlines.models import Deadline, RuleSetting
from deadlines.sources import rule_sources
from organisations.models import Kommune
from reminders.models import ReminderItem
from reminders.services import digest_context

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
RAW = re.compile(r"%\(\w+\)[sd]")


def test_every_rule_has_a_title_without_placeholders_for_a_group_of_deadlines():
    for rule in registry.all():
        assert not RAW.search(rule.title_plain), rule.code
        blank = Deadline(rule=rule.code, params={}, due_date=datetime.date(2026, 1, 1))
        assert not RAW.search(rule.render_title(blank)), rule.code  # params missing: plain


def test_a_rule_title_for_one_deadline_is_filled_from_its_params():
    rule = registry.get("meetings.minimum_per_year")
    one = Deadline(rule=rule.code, params={"count": 4, "year": 2027})
    assert rule.render_title(one) == "Mindst 4 møder i 2027"
    assert rule.title_plain == "Mindste antal møder om året"


def catalogue_msgids() -> list[str]:
    """The live msgids of the English catalogue (obsolete "#~" entries left out)."""
    ids, current = [], None
    for line in (ROOT / "locale/en/LC_MESSAGES/django.po").read_text().splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = [line.split(" ", 1)[1].strip('"')]
            ids.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line.strip('"'))
        else:
            current = None
    return ["".join(parts) for parts in ids]


def test_no_user_facing_text_names_a_seed_document():
    """Every translatable string of the project (the catalogue bin/messages builds)."""
    leaks = [m for m in catalogue_msgids() if "seed" in m.lower()]
    assert not leaks
    for rule in registry.all():
        for text in (rule.source, rule.local_source, rule.title, rule.what_to_do):
            assert "seed" not in str(text).lower(), rule.code


def test_the_source_names_the_law_and_the_kommunes_own_agreement(org_a, org_b):
    Kommune.objects.filter(pk=org_a.kommune.pk).update(
        med_agreement_name="MED-aftalen for Alfa Kommune"
    )
    Kommune.objects.filter(pk=org_b.kommune.pk).update(
        med_agreement_name="Beta Kommunes MED-aftale"
    )
    with tenant_scope(org_a.kommune):
        RuleSetting.objects.create(
            kommune=org_a.kommune, rule="apv.plan_follow_up", local_reference="§ 4 stk. 4"
        )
        sources = rule_sources(org_a.kommune)
    assert sources["training.amo_basic"] == "AML § 9; MED-aftalen for Alfa Kommune (uddannelse)"
    assert sources["apv.plan_follow_up"] == (
        "MED-aftalen for Alfa Kommune § 4 stk. 4 (årlig opfølgning på APV-handlingsplanen)"
    )
    assert sources["committees.proposal_answer"] == (
        "BEK om systematisk arbejdsmiljøarbejde § 30 stk. 3"  # the law only: nothing local
    )
    assert not any("Beta" in text for text in sources.values())
    with tenant_scope(org_b.kommune):
        theirs = rule_sources(org_b.kommune)
    assert theirs["apv.plan_follow_up"] == (
        "Beta Kommunes MED-aftale (årlig opfølgning på APV-handlingsplanen)"
    )


def test_hr_records_the_agreement_and_its_paragraph_in_the_local_rules(client, org_a, hr_a):
    client.force_login(hr_a)
    response = client.post(
        reverse("admin:deadlines_rulesetting_add"),
        {
            "rule": "meetings.agenda_dispatch",
            "enabled": "on",
            "values": "{}",
            "local_reference": "bilag 3",
            "med_agreement_name": "MED-aftalen for Alfa Kommune",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_scope(org_a.kommune):
        assert rule_sources(org_a.kommune)["meetings.agenda_dispatch"] == (
            "MED-aftalen for Alfa Kommune bilag 3 (forretningsorden for udvalgets møder)"
        )
    org_a.kommune.refresh_from_db()
    assert org_a.kommune.history.latest().history_user == hr_a


# --- every page, e-mail and PDF that lists deadlines ----------------------------------------------


@pytest.fixture
def every_rule(org_a):
    """One open deadline of every rule, without params (the worst case for a title), on the
    AMR (Arne) and on the AMG he answers for, so every list shows every rule."""
    Kommune.objects.filter(pk=org_a.kommune.pk).update(
        med_agreement_name="MED-aftalen for Alfa Kommune"
    )
    arne = org_a.amr.person
    today = datetime.date.today()
    with tenant_scope(org_a.kommune):
        hovedmed = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        f.membership(arne, hovedmed, "medarbejderrepraesentant")
        rows = []
        for n, rule in enumerate(registry.all()):
            on_person = rule.subject == "person"
            rows.append(
                Deadline.objects.create(
                    kommune=org_a.kommune,
                    rule=rule.code,
                    key=f"text-{n}",
                    person=arne if on_person else None,
                    committee=None if on_person else org_a.amg,
                    unit=org_a.workplace,
                    due_date=today + datetime.timedelta(days=n - 10),
                    params={},
                )
            )
    return rows


def assert_fit(text: str, where: str) -> None:
    assert text.strip(), where
    assert not RAW.search(text), (where, RAW.search(text).group())
    assert "seed" not in text.lower(), where


def test_no_placeholder_or_seed_on_any_list_of_deadlines(client, org_a, hr_a, every_rule):
    arne = org_a.amr.person
    arne.user = f.user("arne")
    with tenant_scope(org_a.kommune):
        arne.save()

    client.force_login(arne.user)
    home = client.get(reverse("portal:home")).content.decode()
    assert_fit(home, "portal home")
    assert "MED-aftalen for Alfa Kommune" in home  # the kommune's own agreement as the source
    assert_fit(client.get(reverse("portal:compliance")).content.decode(), "portal compliance")
    training = client.get(reverse("meetings:training_pdf"))
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(training.content)).pages)
    assert_fit(pdf, "training record PDF")

    client.force_login(hr_a)
    changelist = reverse("admin:deadlines_deadline_changelist")
    assert_fit(client.get(changelist).content.decode(), "admin deadline list and its filter")
    one = every_rule[0]
    assert_fit(
        client.get(reverse("admin:deadlines_deadline_change", args=[one.pk])).content.decode(),
        "admin deadline page",
    )
    assert_fit(client.get(reverse("admin:compliance_overview")).content.decode(), "HR overview")

    with tenant_scope(org_a.kommune):
        items = [
            ReminderItem(deadline=d, recipient=arne, track=ReminderItem.Track.DEADLINE)
            for d in every_rule
        ]
        context = digest_context(arne, items, datetime.date.today())
    mail = render_templated("reminders/email/digest", context, "da")
    for part in (mail.subject, mail.text, mail.html):
        assert_fit(part, "reminder e-mail")
    assert "MED-aftalen for Alfa Kommune" in mail.text
