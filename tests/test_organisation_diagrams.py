"""Organisation diagrams (issue 11): the MED and AMO charts as trees laid out by Graphviz's dot,
in the PDF and on the organisation page of the portal and the admin. A box opens the
committee only for someone who may read it; the viewer's own committees are highlighted; a
large kommune gets an overview that leads to each område; without Graphviz the lists stand in."""

from __future__ import annotations

import html
import io
import re
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Committee
from core.tenancy import tenant_scope
from meetings import charts, diagrams, documents
from meetings.models import DocumentJob
from tests import factories as f

# Graphviz is part of the set-up (bin/setup installs Debian's graphviz): no skip without it.
pytestmark = pytest.mark.django_db

HREF = re.compile(r'xlink:href="([^"]+)"')


def boxes(svg: str) -> int:
    return svg.count('class="node committee')


def edges(svg: str) -> int:
    return svg.count('class="edge"')


def test_the_whole_kommune_is_one_tree(org_a):
    """Every committee one box, every box but the root hung from exactly one line."""
    with tenant_scope(org_a.kommune):
        chart = charts.build_chart(Committee.MED_KINDS, charts.MED_GROUPS)
        amo = charts.build_chart(charts.AMO_CHART_KINDS, charts.AMO_GROUPS)
        (med_diagram,) = diagrams.diagrams(chart)
        (amo_diagram,) = diagrams.diagrams(amo)
    assert med_diagram.title == "Hele organisationen"
    assert boxes(med_diagram.svg) == chart.total == 2  # HovedMED and LokalMED Nord
    assert edges(med_diagram.svg) == boxes(med_diagram.svg) - 1
    assert boxes(amo_diagram.svg) == amo.total == 3  # HovedMED and the two AMGs
    assert edges(amo_diagram.svg) == 2
    for name in ("Alfa HovedMED", "Alfa AMG Nord", "Alfa AMG Syd"):
        assert name in amo_diagram.svg
    # The key people are in their boxes; dot's own node names are not shown to anyone.
    assert "AlfaAmr" in amo_diagram.svg
    assert "<title>" not in amo_diagram.svg and "<!--" not in amo_diagram.svg


def test_names_are_escaped_in_the_diagram(org_a):
    with tenant_scope(org_a.kommune):
        f.committee(org_a.kommune, 'AMG <script>alert("x")</script> & Co', parent=org_a.med)
        chart = charts.build_chart(charts.AMO_CHART_KINDS, charts.AMO_GROUPS)
        (diagram,) = diagrams.diagrams(chart)
    assert "<script>" not in diagram.svg
    assert "&lt;script&gt;" in diagram.svg


def test_a_large_kommune_gets_an_overview_and_a_page_per_omraade(org_a, monkeypatch):
    """København: the overview names each område with its count and links to its page; an
    område with more committees than fit a page is split into numbered pages."""
    monkeypatch.setattr(diagrams, "WHOLE_TREE", 2)
    monkeypatch.setattr(diagrams, "PER_PAGE", 3)
    with tenant_scope(org_a.kommune):
        afdeling = f.committee(
            org_a.kommune,
            "AfdelingsMED Nord",
            Committee.Kind.AFDELINGSMED,
            units=[org_a.omraade],
        )
        Committee.objects.filter(pk__in=[org_a.amg.pk, org_a.med.pk]).update(parent=afdeling)
        for n in range(4):
            f.committee(org_a.kommune, f"Alfa AMG ekstra {n}", parent=afdeling)
        chart = charts.build_chart(charts.AMO_CHART_KINDS, charts.AMO_GROUPS)
        found = diagrams.diagrams(chart, section_link=lambda s: f"?omraade={s.omraade_id}")
    titles = [d.title for d in found]
    assert titles[0] == "Oversigt"
    assert f"?omraade={org_a.omraade.pk}" in found[0].svg
    assert "5 udvalg og grupper" in found[0].svg  # the AMG Nord and the four extra
    nord = [t for t in titles if "Alfa Område Nord" in t]
    assert nord == ["Alfa Område Nord (side 1 af 2)", "Alfa Område Nord (side 2 af 2)"]
    shown = "".join(d.svg for d in found[1:])
    for n in range(4):
        assert f"Alfa AMG ekstra {n}" in shown


def pdf_text(data: bytes) -> tuple[list[str], object]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    texts = [
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in reader.pages
    ]
    return texts, reader


def test_the_pdf_draws_the_tree_with_its_words_as_text(org_a):
    """Drawn by Graphviz itself (vector lines, real text), A3 landscape, each page with the
    kommune, the title, the legend, when it was printed and its number."""
    with tenant_scope(org_a.kommune):
        data = documents.chart_pdf(DocumentJob.Kind.AMO_CHART, org_a.kommune)
    (text,), reader = pdf_text(data)
    for name in ("Alfa HovedMED", "Alfa AMG Nord", "Alfa AMG Syd", "AlfaAmr"):
        assert name in text
    assert f"Arbejdsmiljøorganisationen i {org_a.kommune}" in text
    assert "Arbejdsmiljøgruppe (AMG)" in text  # the legend
    assert "Udskrevet" in text and "Side 1 af 1" in text
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (1191, 842)


def test_a_large_kommunes_pdf_is_an_overview_and_numbered_pages(org_a, monkeypatch):
    monkeypatch.setattr(diagrams, "WHOLE_TREE", 2)
    monkeypatch.setattr(diagrams, "PER_PAGE", 1)
    with tenant_scope(org_a.kommune):
        texts, _reader = pdf_text(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, org_a.kommune))
    assert "Oversigt" in texts[0]
    assert all(f"Side {n} af {len(texts)}" in text for n, text in enumerate(texts, 1))
    shown = " ".join(texts[1:])
    assert "Alfa AMG Nord" in shown and "Alfa AMG Syd" in shown


def test_without_graphviz_the_lists_stand_in(org_a, client, monkeypatch):
    monkeypatch.setattr(diagrams, "available", lambda: False)
    with tenant_scope(org_a.kommune):
        texts, reader = pdf_text(documents.chart_pdf(DocumentJob.Kind.MED_CHART, org_a.kommune))
        person = org_a.amr.person
    assert "Alfa LokalMED Nord" in " ".join(texts)
    assert round(float(reader.pages[0].mediabox.width)) == 595  # the A4 list document
    f.login_as(client, org_a, person, "arne")
    response = client.get(reverse("meetings:organisation"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" not in body
    assert "Alfa LokalMED Nord" in body and "<details" in body


def test_the_portal_page_links_only_what_the_viewer_may_read(org_a, org_b, client):
    """The AMR of AMG Nord: their AMG opens and is highlighted; AMG Syd is drawn (every
    employee may know the AMO, BEK § 33 stk. 2) but not a link; another kommune's område in
    the address changes nothing."""
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
    f.login_as(client, org_a, person, "arne")
    url = reverse("meetings:organisation")
    response = client.get(url, {"diagram": "amo", "omraade": org_b.omraade.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alfa AMG Nord" in body and "Alfa AMG Syd" in body
    assert "Beta" not in body
    links = set(HREF.findall(body))
    assert links == {reverse("portal:committee", args=[org_a.amg.public_id])}
    mine = re.search(r'<g id="[^"]+" class="node committee mine">.*?</g>', body, re.S)
    assert mine and "Alfa AMG Nord" in mine.group(0)
    assert body.count("committee mine") == 1


def test_the_admin_page_links_to_what_this_hr_may_read(org_a, client, hr_a, hr_a_limited):
    url = reverse("admin:organisation_diagram")
    client.force_login(hr_a)
    whole = client.get(url, {"diagram": "amo"}).content.decode()
    change = {
        reverse("admin:committees_committee_change", args=[c.pk])
        for c in (org_a.amg, org_a.other_amg)
    }
    assert change <= set(HREF.findall(whole))
    client.force_login(hr_a_limited)
    nord = client.get(url, {"diagram": "amo"}).content.decode()
    links = {html.unescape(link) for link in HREF.findall(nord)}
    assert reverse("admin:committees_committee_change", args=[org_a.amg.pk]) in links
    assert reverse("admin:committees_committee_change", args=[org_a.other_amg.pk]) not in links
    assert "Alfa AMG Syd" in nord  # drawn, as in the PDF every employee may order


def test_the_page_runs_the_same_queries_whatever_the_size(org_a, client):
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
    f.login_as(client, org_a, person, "arne")
    url = reverse("meetings:organisation")
    client.get(url, {"diagram": "amo"})

    def count() -> tuple[int, int]:
        """Queries when the page is drawn, and when it is read from the kommune cache."""
        from django.core.cache import cache

        cache.clear()
        counts = []
        for _drawn_then_cached in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"diagram": "amo"}).status_code == 200
            counts.append(len(queries))
        return tuple(counts)

    small = count()
    assert small[1] < small[0]
    with tenant_scope(org_a.kommune):
        for n in range(12):
            amg = f.committee(org_a.kommune, f"Alfa AMG mere {n}", parent=org_a.med)
            f.membership(
                f.person(org_a.kommune, "Per", f"Mere{n}", unit=org_a.workplace),
                amg,
                "amr",
            )
    assert count() == small


def dot_dying_on(monkeypatch, name: str, splines: tuple[str, ...] = ("ortho",)) -> list[int]:
    """dot as it behaves when its orthogonal router aborts (maze.c "chkSgraph", found by the
    benchmark's L data) on the page naming `name`: the pages before it are drawn, then the
    process dies. Returns how many pages each dot process was given."""
    import subprocess

    real = diagrams._dot
    batches = []

    def dot(sources, fmt, folder):
        batches.append(len(sources))
        for n, source in enumerate(sources):
            if name in source and any(f"splines={s}" in source for s in splines):
                drawn, done = real(sources[:n], fmt, folder)
                return drawn, subprocess.CompletedProcess(done.args, -6, b"", b"chkSgraph")
        return real(sources, fmt, folder)

    monkeypatch.setattr(diagrams, "_dot", dot)
    return batches


def test_the_pages_are_drawn_in_a_few_dot_processes(org_a, monkeypatch):
    """A dot process costs about what a page does: the pages go through one process per core,
    in order."""
    monkeypatch.setattr(diagrams, "WHOLE_TREE", 2)
    monkeypatch.setattr(diagrams, "PER_PAGE", 1)
    monkeypatch.setattr(diagrams, "DOT_PROCESSES", 2)
    batches = dot_dying_on(monkeypatch, "no such page")
    with tenant_scope(org_a.kommune):
        texts, reader = pdf_text(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, org_a.kommune))
    assert len(batches) == 2 and sum(batches) == len(texts) >= 3
    assert all(f"Side {n} af {len(texts)}" in text for n, text in enumerate(texts, 1))
    assert {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    } == {(1191, 842)}


def test_a_page_dot_cannot_route_orthogonally_is_drawn_with_polylines(org_a, monkeypatch):
    """The process dies on that page: the pages before it are kept, that page is drawn with
    polylines by a new process, which goes on with the rest."""
    monkeypatch.setattr(diagrams, "WHOLE_TREE", 2)
    monkeypatch.setattr(diagrams, "PER_PAGE", 1)
    monkeypatch.setattr(diagrams, "DOT_PROCESSES", 1)
    batches = dot_dying_on(monkeypatch, "Alfa AMG Nord")
    with tenant_scope(org_a.kommune):
        texts, _reader = pdf_text(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, org_a.kommune))
    nord = next(n for n, text in enumerate(texts) if "Alfa AMG Nord" in text)
    assert batches == [len(texts), len(texts) - nord]
    assert all(f"Side {n} af {len(texts)}" in text for n, text in enumerate(texts, 1))
    assert "Alfa AMG Syd" in " ".join(texts)


def test_a_page_dot_cannot_draw_at_all_leaves_the_lists(org_a, monkeypatch):
    dot_dying_on(monkeypatch, "Alfa AMG Nord", splines=("ortho", "polyline"))
    with tenant_scope(org_a.kommune):
        texts, reader = pdf_text(documents.chart_pdf(DocumentJob.Kind.AMO_CHART, org_a.kommune))
    assert "Alfa AMG Nord" in " ".join(texts)
    assert round(float(reader.pages[0].mediabox.width)) == 595  # the A4 list document


def test_pages_cairo_did_not_write_are_joined_by_pypdf(org_a):
    """The pages are joined by copying cairo's objects; a PDF of another kind (here one with
    two pages) goes to pypdf, with the same result."""
    from pypdf import PdfWriter

    with tenant_scope(org_a.kommune):
        one = documents.chart_pdf(DocumentJob.Kind.AMO_CHART, org_a.kommune)
    writer = PdfWriter()
    writer.append(io.BytesIO(one))
    writer.append(io.BytesIO(one))
    two = io.BytesIO()
    writer.write(two)
    joined = diagrams.join_pdfs(
        [one, two.getvalue()], page=diagrams.A3_LANDSCAPE, title="Æble", author="Alfa"
    )
    texts, reader = pdf_text(joined)
    assert len(texts) == 3 and all("Alfa AMG Nord" in text for text in texts)
    assert reader.metadata.title == "Æble"
    with pytest.raises(diagrams._NotSimple):
        diagrams._join_simple([two.getvalue()], diagrams.A3_LANDSCAPE, "Æble", "Alfa")
    texts, reader = pdf_text(
        diagrams._join_simple([one, one], diagrams.A3_LANDSCAPE, "Æble", "Alfa")
    )
    assert len(texts) == 2 and reader.metadata.title == "Æble" and reader.metadata.author == "Alfa"


def test_the_page_is_drawn_once_and_again_when_the_structure_or_a_name_changes(
    org_a, client, monkeypatch
):
    """The diagrams and the list are kept in the kommune cache: a second visit draws nothing,
    and a new committee, a renamed person or an anonymised person is shown at the
    next visit (core.cache: the kommune's token is replaced by each of them)."""
    from organisations.services import person_anonymise, person_save

    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
        other = f.person(org_a.kommune, "Olga", "Anden", unit=org_a.workplace)
        f.membership(other, org_a.other_amg, "amr")
    f.login_as(client, org_a, person, "arne")
    url = reverse("meetings:organisation")
    drawn = []
    real = diagrams.page_context
    monkeypatch.setattr(diagrams, "page_context", lambda *a, **k: drawn.append(1) or real(*a, **k))

    def visit(**params) -> str:
        """The page's content (the header carries a fresh CSRF token each time)."""
        response = client.get(url, params)
        assert response.status_code == 200
        body = response.content.decode()
        return body[body.index("<h1>") :]

    first = visit(diagram="amo")
    assert visit(diagram="amo") == first and len(drawn) == 1
    visit(diagram="med")  # another chart is drawn on its own
    assert len(drawn) == 2

    with tenant_scope(org_a.kommune):
        f.committee(org_a.kommune, "Alfa AMG Ny", parent=org_a.med, kind="amg")
    assert "Alfa AMG Ny" in visit(diagram="amo") and len(drawn) == 3

    with tenant_scope(org_a.kommune):
        other.first_name = "Omdøbt"
        person_save(other)
    assert "Omdøbt" in visit(diagram="amo") and len(drawn) == 4

    with tenant_scope(org_a.kommune):
        person_anonymise(other)
    assert "Omdøbt" not in visit(diagram="amo") and len(drawn) == 5


def test_each_viewer_gets_their_own_links_from_the_cache(org_a, client):
    """Two viewers of the same chart: each sees the links and the highlight of their own
    standing, not the drawing cached for the other."""
    with tenant_scope(org_a.kommune):
        amr = org_a.amr.person
        other = f.person(org_a.kommune, "Olga", "Anden", unit=org_a.workplace)
        f.membership(other, org_a.other_amg, "amr")
    url = reverse("meetings:organisation")
    f.login_as(client, org_a, amr, "arne")
    mine = set(HREF.findall(client.get(url, {"diagram": "amo"}).content.decode()))
    client.logout()
    f.login_as(client, org_a, other, "olga")
    theirs = set(HREF.findall(client.get(url, {"diagram": "amo"}).content.decode()))
    assert mine == {reverse("portal:committee", args=[org_a.amg.public_id])}
    assert theirs == {reverse("portal:committee", args=[org_a.other_amg.public_id])}
