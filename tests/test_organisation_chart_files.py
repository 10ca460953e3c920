"""Issue 15: the MED and AMO charts served as PDF in a file read. The PDF is kept as a file named
by what it prints, found through the kommune cache (core.cache) and drawn again only when
what it prints changes: committees, coverage, seats, names, the proposals awaiting HovedMED,
the day, the language. A Celery task draws it as soon as the structure changes."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from committees.models import Committee
from core.tenancy import tenant_scope
from meetings import documents, tasks
from meetings.models import DocumentJob
from reorganisation.models import OrganisationChange
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def chart_dir(settings, tmp_path):
    settings.MEETINGS_CHART_DIR = tmp_path / "charts"
    return settings.MEETINGS_CHART_DIR


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The charts drawn (not read from a file), by kind."""
    real = documents._chart_pdf
    calls = []

    def spy(kind, *args, **kwargs):
        calls.append(kind)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(documents, "_chart_pdf", spy)
    return calls


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


def text_of(data: bytes) -> str:
    """The words (NFKC: cairo/pango set ligatures, "ﬂ" in "flytter")."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFKC", text)


def get(client, kind="amo", **params):
    response = client.get(reverse("meetings:organisation_pdf", args=[kind]), params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_it_draws_the_chart_once_and_then_serves_the_file(org_a, client, hr_a, drawn):
    client.force_login(hr_a)
    with at(TODAY):
        first, body = get(client)
        again, same = get(client)
    assert first.status_code == again.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert drawn == [DocumentJob.Kind.AMO_CHART]
    assert same == body and "Alfa AMG Nord" in text_of(body)
    assert first["ETag"] == again["ETag"]
    with at(TODAY):
        unchanged = client.get(
            reverse("meetings:organisation_pdf", args=["amo"]), HTTP_IF_NONE_MATCH=first["ETag"]
        )
        med, med_body = get(client, "med")
    assert unchanged.status_code == 304
    assert drawn == [DocumentJob.Kind.AMO_CHART, DocumentJob.Kind.MED_CHART]
    assert "Alfa LokalMED Nord" in text_of(med_body)


def test_it_draws_again_when_what_it_prints_changes_and_only_then(org_a, client, hr_a, drawn):
    client.force_login(hr_a)
    with at(TODAY):
        get(client)
        # Saved unchanged: the kommune's token is replaced, but the chart prints the same.
        with tenant_scope(org_a.kommune):
            org_a.amg.save()
        assert get(client)[0].status_code == 200 and len(drawn) == 1

        with tenant_scope(org_a.kommune):
            f.committee(org_a.kommune, "Alfa AMG Ny", parent=org_a.med, units=[org_a.workplace])
        assert "Alfa AMG Ny" in text_of(get(client)[1]) and len(drawn) == 2

        with tenant_scope(org_a.kommune):
            person = f.person(org_a.kommune, "Olga", "Omdøbt", unit=org_a.workplace)
            f.membership(person, org_a.other_amg, "amr")
        assert "Omdøbt" in text_of(get(client)[1]) and len(drawn) == 3

        # A proposal awaiting HovedMED is printed beside the structure (it does not replace
        # the kommune's token: the proposals are part of the key).
        with tenant_scope(org_a.kommune):
            OrganisationChange.objects.create(
                kommune=org_a.kommune,
                kind=OrganisationChange.Kind.MOVE_COMMITTEE,
                title="AMG Syd flytter",
                effective_on=datetime.date(2026, 4, 1),
                committee=org_a.other_amg,
                new_parent=org_a.med,
            )
        assert "AMG Syd flytter" in text_of(get(client)[1]) and len(drawn) == 4

        with translation.override("en"):
            get(client)
        assert len(drawn) == 5  # each language its own file

    # The seats start and end by the day: a new day is a new chart.
    with at(TODAY + datetime.timedelta(days=1)):
        client.force_login(hr_a)  # a new day's session
        assert get(client)[0].status_code == 200
        get(client)
    assert len(drawn) == 6
    assert len(list(documents.chart_folder(org_a.kommune.pk).glob("amo_chart-alle-da-*"))) == 1


def test_an_omraade_is_its_own_chart_and_another_kommunes_is_not_found(
    org_a, org_b, client, hr_a, monkeypatch
):
    from meetings import charts, diagrams

    monkeypatch.setattr(charts, "LARGE_CHART", 1)
    monkeypatch.setattr(diagrams, "WHOLE_TREE", 1)
    with tenant_scope(org_a.kommune):
        afdeling = f.committee(
            org_a.kommune, "AfdelingsMED Nord", Committee.Kind.AFDELINGSMED, units=[org_a.omraade]
        )
        Committee.objects.filter(pk=org_a.med.pk).update(parent=afdeling)
    client.force_login(hr_a)
    response, body = get(client, omraade=org_a.omraade.pk)
    assert response.status_code == 200
    assert "Alfa AMG Nord" in text_of(body) and "Alfa AMG Syd" not in text_of(body)
    assert get(client, omraade=org_b.omraade.pk)[0].status_code == 404
    assert get(client, omraade="x")[0].status_code == 404
    assert get(client, "plan")[0].status_code == 404


def test_anyone_of_the_kommune_may_fetch_it_nobody_else(org_a, org_b, client, hr_b):
    """Every employee may know the AMO (BEK § 33 stk. 2); HR of another kommune sees its own."""
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
    f.login_as(client, org_a, person, "arne")
    assert get(client)[0].status_code == 200
    client.force_login(hr_b)
    response, body = get(client)
    assert response.status_code == 200
    assert "Beta AMG Nord" in text_of(body) and "Alfa" not in text_of(body)
    client.logout()
    client.force_login(f.user("nobody"))
    response, _body = get(client)
    assert response.get("Content-Type") != "application/pdf"


def test_the_served_chart_runs_the_same_queries_whatever_the_size(org_a, client, hr_a):
    client.force_login(hr_a)

    def served() -> int:
        get(client)  # drawn if it changed
        with CaptureQueriesContext(connection) as queries:
            assert get(client)[0].status_code == 200
        return len(queries)

    small = served()
    with tenant_scope(org_a.kommune):
        for n in range(12):
            amg = f.committee(org_a.kommune, f"Alfa AMG mere {n}", parent=org_a.med)
            f.membership(
                f.person(org_a.kommune, "Per", f"Mere{n}", unit=org_a.workplace), amg, "amr"
            )
    assert served() == small


def test_the_task_draws_what_changed_and_nothing_twice(org_a, drawn):
    assert tasks.meetings_render_charts(org_a.kommune.pk) == 2
    assert tasks.meetings_render_charts(org_a.kommune.pk) == 0
    with tenant_scope(org_a.kommune):
        f.committee(org_a.kommune, "Alfa AMG Ny", parent=org_a.med)
    assert tasks.meetings_render_charts(org_a.kommune.pk) == 1  # the AMO chart; MED unchanged
    assert drawn == [
        DocumentJob.Kind.MED_CHART,
        DocumentJob.Kind.AMO_CHART,
        DocumentJob.Kind.AMO_CHART,
    ]
    assert tasks.meetings_render_charts(0) == 0


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    calls = []
    monkeypatch.setattr(
        tasks.meetings_render_charts, "apply_async", lambda args, **kw: calls.append(args)
    )
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_change_to_the_structure_queues_the_task_once(queued, org_a):
    """When the change commits, once for the whole transaction, and not again while the task
    waits to run."""
    pk = org_a.kommune.pk
    tasks.meetings_render_charts(pk)  # what setting the kommune up queued
    queued.clear()
    with transaction.atomic(), tenant_scope(org_a.kommune):
        for n in range(3):
            f.committee(org_a.kommune, f"Alfa AMG Ny {n}", parent=org_a.med)
        org_a.workplace.save()
        assert queued == []
    assert queued == [(pk,)]
    with transaction.atomic(), tenant_scope(org_a.kommune):
        org_a.amg.save()
    assert queued == [(pk,)]  # already queued, not yet run
    tasks.meetings_render_charts(pk)
    with transaction.atomic(), tenant_scope(org_a.kommune):
        OrganisationChange.objects.create(
            kommune=org_a.kommune,
            kind=OrganisationChange.Kind.MOVE_COMMITTEE,
            title="AMG Syd flytter",
            effective_on=datetime.date(2026, 4, 1),
            committee=org_a.other_amg,
            new_parent=org_a.med,
        )
    assert queued == [(pk,), (pk,)]


def test_the_tick_draws_the_charts_of_a_kommune_that_asks_for_them(org_a, queued):
    """For the new day, or after the HR sync's bulk writes (no signals): only where the charts
    have been asked for."""
    pk = org_a.kommune.pk
    tasks.meetings_tick_kommune(pk)
    assert queued == []
    documents.chart_folder(pk).mkdir(parents=True)
    tasks.meetings_tick_kommune(pk)
    assert queued == [(pk,)]


def test_the_organisation_page_links_to_the_pdf_of_what_it_shows(org_a, client):
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
    f.login_as(client, org_a, person, "arne")
    page = client.get(reverse("meetings:organisation"), {"diagram": "amo"}).content.decode()
    assert f'href="{reverse("meetings:organisation_pdf", args=["amo"])}"' in page
    page = client.get(
        reverse("meetings:organisation"), {"diagram": "med", "omraade": org_a.omraade.pk}
    ).content.decode()
    url = reverse("meetings:organisation_pdf", args=["med"])
    assert f'href="{url}?omraade={org_a.omraade.pk}"' in page
