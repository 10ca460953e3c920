"""The documents (WeasyPrint through core/pdf.py), checked by extracting their text with pypdf:
agenda and referat (æøå in body and page margins, page numbers, Danish dates, the members), the
MED and AMO organisation charts of the Albertslund demo (every committee), the AMO plan with its
members (BEK § 33 stk. 2), a person's training record; hostile referat text fetches nothing; the
large documents render in a Celery task with time and memory limits."""

from __future__ import annotations

import datetime
import io
import re
import resource
import threading
import unicodedata
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from pypdf import PdfReader

from committees.models import Committee
from core.tenancy import tenant_scope
from meetings import charts, diagrams, documents, services
from meetings.models import DocumentJob
from meetings.selectors import agenda_for
from meetings.tasks import meetings_render_document, memory_cap
from organisations.demo_loader import load_demo
from organisations.models import Kommune, Unit

from . import factories as f
from .samples_meetings import at, build_med, new_meeting

MEETING_DAY = date(2026, 3, 2)


def pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    # NFKC: the diagrams are typeset by cairo/pango with ligatures ("ﬁ" in "Trafik").
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture
def w(org_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A kommune name with æøå: it is printed in the top margin of every page.
    Kommune.objects.filter(pk=org_a.kommune.pk).update(name="Høje-Tåstrup Ærø Kommune")
    org_a.kommune.refresh_from_db()
    with at(date(2026, 1, 5)):
        return build_med(org_a)


def test_the_agenda_pdf_has_danish_text_page_numbers_and_the_members(w):
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY, location="Søndergård, lokale Ærø")
        for i in range(40):
            services.item_add(meeting, title=f"Punkt {i} om støj og lys", description="Å" * 300)
        services.afbud_give(meeting, person=w.rep)
        data = documents.agenda_pdf(meeting)
    texts = pages(data)
    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"Side {number} af {len(texts)}" in text
        assert "Høje-Tåstrup Ærø Kommune" in text  # top margin, every page
        assert "Udskrevet" in text  # bottom margin
    text = flat("\n".join(texts))
    assert "Dagsorden: Alfa LokalMED Nord" in text
    assert "mandag 2. marts 2026" in text
    assert "Søndergård, lokale Ærø" in text
    assert "Orientering fra formanden og næstformanden" in text
    for person in (w.formand, w.naestformand, w.sekretaer, w.rep):
        assert person.full_name in text
    assert "Niels Næstformand Næstformand" in text  # name and role


def test_the_referat_pdf_shows_minutes_decisions_actions_and_approvals(w):
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        services.attendance_record(meeting, statuses={w.formand.pk: "present", w.rep.pk: "afbud"})
        item = agenda_for(meeting).items[1]
        services.minutes_write(item, minutes="Årets APV går i gang.", decisions=["Start i maj"])
        services.action_add(item, text="Book lokale", owner=w.rep, due_on=date(2026, 4, 1))
        draft = flat("\n".join(pages(documents.referat_pdf(meeting))))
        assert "Kladde – ikke godkendt" in draft
        services.referat_approve(meeting, person=w.formand, slots={"first"})
        services.referat_approve(meeting, person=w.naestformand, slots={"second"})
        text = flat("\n".join(pages(documents.referat_pdf(meeting))))
    assert "Referat: Alfa LokalMED Nord" in text
    assert "Årets APV går i gang." in text
    assert "2.1 Beslutning: Start i maj" in text
    assert "Book lokale" in text and "1. april 2026" in text
    assert "Til stede Frida Formand" in text and "Afbud Rasmus Repræsentant" in text
    assert "Frida Formand, 2. marts 2026" in text and "Niels Næstformand, 2. marts 2026" in text
    assert "Kladde" not in text


def test_the_referat_names_its_referent_case_number_next_meeting_and_print_time(w):
    """Issue 11: a referat shows who wrote it, the ESDH case number when set, the date of the
    committee's next meeting, and every PDF says when it was printed."""
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY, case_number="27.00.00-A00-12-26")
        new_meeting(w, date(2026, 6, 15))
        services.meeting_cancel(new_meeting(w, date(2026, 4, 20)), reason="Ferie")
        before = flat("\n".join(pages(documents.referat_pdf(meeting))))
        item = agenda_for(meeting).items[1]
        services.minutes_write(
            item, minutes="Drøftet.", decisions=[], acting_user=w.users["naestformand"]
        )
        text = flat("\n".join(pages(documents.referat_pdf(meeting))))
        agenda = flat("\n".join(pages(documents.agenda_pdf(meeting))))
    assert "Referent Sara Sekretær" in before  # nobody has written yet: the sekretær
    assert "Referent Niels Næstformand" in text  # the first who wrote it
    assert "Sagsnummer 27.00.00-A00-12-26" in text and "27.00.00-A00-12-26" in agenda
    assert "Næste møde mandag 15. juni 2026" in text  # the cancelled April meeting is skipped
    assert "Udskrevet 2. marts 2026 kl. 15.00" in text and "Udskrevet 2. marts 2026" in agenda


def test_an_item_carries_its_sagsfremstilling_and_indstilling_into_page_and_agenda(w, client):
    """Issue 11: an agenda item has a case text (sagsfremstilling) and a recommendation
    (indstilling), written with the proposal and shown on the meeting page and in the PDF."""
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
    client.force_login(w.users["rep"])
    with at(date(2026, 2, 1)):
        response = client.post(
            reverse("meetings:propose", args=[meeting.public_id]),
            {
                "title": "Støj i kantinen",
                "description": "Målinger viser 78 dB i frokostpausen.",
                "recommendation": "Udvalget godkender lydabsorberende plader.",
            },
        )
    assert response.status_code == 302
    with tenant_scope(w.kommune):
        item = meeting.items.get(title="Støj i kantinen")
        assert item.recommendation == "Udvalget godkender lydabsorberende plader."
        services.item_decide(item, accept=True, acting_user=w.users["formand"])
    client.force_login(w.users["formand"])
    page = client.get(reverse("meetings:meeting", args=[meeting.public_id])).content.decode()
    assert "Indstilling" in page and "lydabsorberende plader" in page
    edit = client.get(reverse("meetings:item_edit", args=[item.public_id])).content.decode()
    assert "Udvalget godkender lydabsorberende plader." in edit  # the edit form keeps it
    with tenant_scope(w.kommune):
        text = flat("\n".join(pages(documents.agenda_pdf(meeting))))
    assert "Sagsfremstilling Målinger viser 78 dB" in text
    assert "Indstilling Udvalget godkender lydabsorberende plader." in text


class _Recorder(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


def test_a_hostile_referat_produces_no_attachment_and_no_request(w):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    hostile = (
        "<link rel=attachment href=file:///etc/passwd>\n"
        f"<img src=http://127.0.0.1:{port}/img.png>\n"
        f"<style>@import url(http://127.0.0.1:{port}/x.css);</style>"
    )
    try:
        with at(MEETING_DAY, 15), tenant_scope(w.kommune):
            meeting = new_meeting(w, MEETING_DAY, title=f"<img src=http://127.0.0.1:{port}/t.png>")
            item = services.item_add(meeting, title=hostile[:200], description=hostile)
            services.minutes_write(item, minutes=hostile, decisions=[hostile])
            services.referat_notes_write(meeting, notes=hostile)
            data = documents.referat_pdf(meeting)
            agenda = documents.agenda_pdf(meeting)
    finally:
        server.shutdown()
    assert _Recorder.hits == []
    for pdf in (data, agenda):
        reader = PdfReader(io.BytesIO(pdf))
        assert not reader.attachments
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert "root:" not in text
        assert "rel=attachment" in text  # shown as text, not markup


# --- organisation charts ---------------------------------------------------------------------


@pytest.fixture
def albertslund(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo(today=date(2026, 1, 5))
    return Kommune.objects.get(code="albertslund")


def test_the_albertslund_charts_contain_every_committee(albertslund):
    """Seed 003's 2023 charts, from live data: the MED chart holds every MED committee, the AMO
    chart every arbejdsmiljøudvalg, AMG and TRIO; readable (a handful of pages)."""
    with tenant_scope(albertslund):
        med = pages(documents.chart_pdf(DocumentJob.Kind.MED_CHART, albertslund))
        amo = pages(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, albertslund))
        committees = list(Committee.objects.values_list("name", "kind"))
    med_text, amo_text = flat("\n".join(med)), flat("\n".join(amo))
    assert len(med) <= 15 and len(amo) <= 15
    assert "MED-organisationen i Albertslund Kommune" in med_text
    assert "Arbejdsmiljøorganisationen i Albertslund Kommune" in amo_text
    missing = []
    for name, kind in committees:
        name = flat(name)
        if kind in Committee.MED_KINDS and name not in med_text:
            missing.append(("MED", name))
        if kind in (*Committee.AMO_KINDS, Committee.Kind.TRIO) and name not in amo_text:
            missing.append(("AMO", name))
    assert missing == []
    assert len(committees) > 80
    assert f"Side 1 af {len(med)}" in med[0]


def test_a_large_kommune_gets_one_page_per_omraade_and_single_omraade_documents(
    albertslund, monkeypatch
):
    """København (~1,500 AMGs): each område on its own pages after an overview, and an område
    can be ordered alone."""
    monkeypatch.setattr(charts, "LARGE_CHART", 10)
    monkeypatch.setattr(diagrams, "WHOLE_TREE", 10)
    with tenant_scope(albertslund):
        omraader = list(Unit.objects.filter(kind=Unit.Kind.OMRAADE).order_by("name"))
        whole = pages(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, albertslund))
        one = omraader[0]
        single = flat(
            "\n".join(pages(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, albertslund, one)))
        )
        head = Committee.objects.get(kind=Committee.Kind.AFDELINGSMED, units=one)
        elsewhere = Committee.objects.filter(kind=Committee.Kind.AFDELINGSMED).exclude(pk=head.pk)
    assert "Oversigt" in whole[0]
    sections = [i for i, text in enumerate(whole) if any(o.name in text for o in omraader)]
    assert len(sections) >= len(omraader)
    assert head.name in single
    assert not any(flat(c.name) in single for c in elsewhere)


def test_the_amo_plan_lists_the_members_employees_must_know(albertslund):
    """BEK om samarbejde om arbejdsmiljø § 33 stk. 2: the plan of the AMO with its members."""
    from committees.models import Membership

    with tenant_scope(albertslund):
        text = flat("\n".join(pages(documents.chart_pdf(DocumentJob.Kind.AMO_PLAN, albertslund))))
        amrs = list(
            Membership.objects.filter(
                role="amr", ended_on__isnull=True, start_date__lte=date(2026, 1, 5)
            ).select_related("person")[:20]
        )
    assert "§ 33 stk. 2" in text
    assert amrs
    for seat in amrs:
        assert seat.person.full_name in text
    assert re.search(r"Arbejdsmiljørepræsentant \(AMR\): \w+", text)


def test_a_training_record(client, w):
    from training.models import Completion, CourseKind, CourseType

    with at(date(2026, 1, 10)), tenant_scope(w.kommune):
        course = CourseType.objects.create(
            kommune=w.kommune,
            name="Arbejdsmiljøuddannelse – 3 dage",
            kind=CourseKind.AMO_BASIC,
            days=3,
            hours=22,
        )
        Completion.objects.create(
            kommune=w.kommune,
            person=w.rep,
            course_type=course,
            completed_on=date(2025, 5, 6),
            hours=22,
        )
        client.force_login(w.users["rep"])
        response = client.get(reverse("meetings:training_pdf"))
        assert response.status_code == 200
        text = flat("\n".join(pages(response.content)))
        assert "Uddannelsesoversigt: Rasmus Repræsentant" in text
        assert "Arbejdsmiljøuddannelse – 3 dage" in text and "6. maj 2025" in text
        # Another person's record only for HR; anyone else gets their own.
        other = f"?person={w.formand.public_id}"
        response = client.get(reverse("meetings:training_pdf") + other)
        assert "Rasmus Repræsentant" in flat("\n".join(pages(response.content)))
        client.force_login(f.hr_user(w.kommune, "hr_docs"))
        response = client.get(reverse("meetings:training_pdf") + other)
        assert "Uddannelsesoversigt: Frida Formand" in flat("\n".join(pages(response.content)))


# --- background documents ------------------------------------------------------------------------


def test_large_documents_render_in_a_limited_task_and_are_downloaded_by_the_requester(
    client, w, org_b
):
    assert meetings_render_document.soft_time_limit == 240
    assert meetings_render_document.time_limit == 300
    client.force_login(w.users["rep"])
    response = client.post(reverse("meetings:documents"), {"kind": "med_chart", "omraade": ""})
    assert response.status_code == 302
    with tenant_scope(w.kommune):
        job = DocumentJob.objects.get()
    assert job.state == "pending"
    page = reverse("meetings:document", args=[job.public_id])
    assert "Venter" in client.get(page).content.decode()
    assert meetings_render_document(job.pk) == "done"
    assert meetings_render_document(job.pk) == "not_claimed"  # a redelivered task
    response = client.get(page + "?hent=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat("\n".join(pages(b"".join(response.streaming_content))))
    assert "MED-organisationen i Høje-Tåstrup Ærø Kommune" in text
    assert "Alfa LokalMED Nord" in text
    # Another user of the kommune, and one of another kommune: 404.
    client.force_login(w.users["formand"])
    assert client.get(page).status_code == 404
    other = build_med(org_b, prefix="b")
    client.force_login(other.users["rep"])
    assert client.get(page).status_code == 404
    # An område of another kommune is not a choice.
    client.force_login(w.users["rep"])
    client.post(reverse("meetings:documents"), {"kind": "amo_chart", "omraade": org_b.omraade.pk})
    with tenant_scope(w.kommune):
        assert DocumentJob.objects.count() == 1


def test_the_memory_cap_stops_a_runaway_render_and_is_lifted_afterwards():
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(MemoryError), memory_cap(64):
        bytearray(512 * 2**20)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    bytearray(128 * 2**20)  # the process is itself again


def test_a_failed_render_is_recorded(w, monkeypatch):
    with tenant_scope(w.kommune):
        job = services.document_request(kind="amo_plan", user=w.users["rep"], kommune=w.kommune)

    def explode(*args, **kwargs):
        raise MemoryError("for stort")

    monkeypatch.setattr(documents, "chart_pdf", explode)
    assert meetings_render_document(job.pk) == "failed"
    with tenant_scope(w.kommune):
        job.refresh_from_db()
    assert job.state == "failed" and "MemoryError" in job.error


def test_old_documents_are_cleaned_up(w):
    with tenant_scope(w.kommune):
        job = services.document_request(kind="amo_plan", user=w.users["rep"], kommune=w.kommune)
    meetings_render_document(job.pk)
    with tenant_scope(w.kommune):
        job.refresh_from_db()
        path = job.file.path
    assert services.documents_cleanup(now=job.created + datetime.timedelta(days=1)) == 0
    assert services.documents_cleanup(now=job.created + datetime.timedelta(days=8)) == 1
    import os

    assert not os.path.exists(path)
