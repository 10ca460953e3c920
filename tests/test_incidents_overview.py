"""The yearly overview of accidents etc. for each arbejdsmiljøudvalg (BEK om systematisk
arbejdsmiljøarbejde § 30 stk. 2 nr. 6): counts by kind, unit and absence with last year's trend,
as a page with an SVG chart and as a PDF — counts only, never a name; flat query counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from incidents.models import Incident, Kind
from incidents.selectors import UNIT_ROWS, yearly_overview

from . import factories as f
from .samples_incidents import make_incident


@pytest.fixture
def data(org_a):
    """2025 (the year of the overview), 2024 (last year) and 2026 (ignored)."""
    with tenant_scope(org_a.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        injured = org_a.amr.person
        for days in (2, 0, 5):
            make_incident(
                org_a,
                occurred_on=date(2025, 3, 1),
                injured=injured,
                absence_first_day=date(2025, 3, 2) if days else None,
                absence_days=days,
            )
        make_incident(
            org_a,
            kind=Kind.VOLD,
            nature="psychological",
            by_third_party=True,
            unit=org_a.other_workplace,
            committee=org_a.other_amg,
            occurred_on=date(2025, 12, 31),
            absence_first_day=date(2026, 1, 2),
            absence_days=1,
            injured=org_a.leader_person,
        )
        make_incident(org_a, kind=Kind.TILLOEB, occurred_on=date(2025, 1, 1))
        make_incident(
            org_a, occurred_on=date(2024, 6, 1), absence_days=4, absence_first_day=date(2024, 6, 2)
        )
        make_incident(
            org_a,
            kind=Kind.MOBNING,
            unit=org_a.other_workplace,
            committee=org_a.other_amg,
            occurred_on=date(2024, 2, 1),
        )
        make_incident(org_a, occurred_on=date(2026, 1, 5))
        member = f.person(org_a.kommune, "Hanne", "HovedMED", unit=org_a.workplace)
        f.membership(member, hoved, Membership.Role.MEDARBEJDERREPRAESENTANT)
        user = f.user("hanne")
        member.user = user
        member.save()
    return hoved, user


def test_it_counts_by_kind_unit_and_absence_with_the_trend(org_a, data):
    hoved, _user = data
    with tenant_scope(org_a.kommune):
        overview = yearly_overview(hoved, 2025)
    assert {r.kind: (r.count, r.last_year, r.trend) for r in overview.kinds} == {
        "arbejdsulykke": (3, 1, 2),
        "tilloeb": (1, 0, 1),
        "vold": (1, 0, 1),
        "mobning": (0, 1, -1),
    }
    assert (overview.total, overview.total_last_year, overview.trend) == (5, 2, 3)
    assert (overview.absence_days, overview.absence_days_last_year) == (8, 4)
    assert (overview.with_absence, overview.offensive, overview.by_third_party) == (3, 1, 1)
    assert (overview.physical, overview.psychological) == (4, 1)
    assert [(u.name, u.count, u.last_year, u.absence_days) for u in overview.units] == [
        ("Alfa Skole Nord", 4, 1, 7),
        ("Alfa Plejecenter Syd", 1, 1, 1),
    ]
    # HovedMED answers for the whole kommune: also counted by område.
    assert [(u.name, u.count, u.last_year, u.absence_days) for u in overview.omraader] == [
        ("Alfa Område Nord", 4, 1, 7),
        ("Alfa Område Syd", 1, 1, 1),
    ]


def test_a_large_kommune_lists_its_omraader_and_the_units_with_the_most_cases(org_a, data):
    """A kommune with cases in a thousand units: the page shows every område and the UNIT_ROWS
    units with the most cases, and says how many there are."""
    hoved, _user = data
    with tenant_scope(org_a.kommune):
        extra = [
            f.unit(org_a.kommune, f"Institution {i:02d}", parent=org_a.omraade)
            for i in range(UNIT_ROWS + 5)
        ]
        for i, unit in enumerate(extra):
            for _n in range(1 + i % 3):
                make_incident(org_a, unit=unit, occurred_on=date(2025, 3, 1))
        overview = yearly_overview(hoved, 2025)
    assert len(overview.units) == UNIT_ROWS
    assert overview.units_total == UNIT_ROWS + 5 + 2
    assert [u.count for u in overview.units] == sorted(
        (u.count for u in overview.units), reverse=True
    )
    assert overview.units[0].count == 4  # Alfa Skole Nord
    nord = {u.name: u.count for u in overview.omraader}["Alfa Område Nord"]
    assert nord == 4 + sum(1 + i % 3 for i in range(UNIT_ROWS + 5))


def test_an_afdelingsmed_counts_only_its_own_area(org_a, data):
    """An AfdelingsMED answers for the units covered by it and the committees below it."""
    with tenant_scope(org_a.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        afd = f.committee(org_a.kommune, "Dagtilbud", Committee.Kind.AFDELINGSMED, parent=hoved)
        house = f.unit(org_a.kommune, "Børnehuset", parent=org_a.omraade)
        afdeling = f.unit(org_a.kommune, "Vuggestuen", kind="afdeling", parent=house)
        amg = f.committee(org_a.kommune, "AMG Børnehuset", parent=afd, units=[house])
        make_incident(org_a, unit=afdeling, committee=amg, occurred_on=date(2025, 4, 1))
        overview = yearly_overview(afd, 2025)
        whole = yearly_overview(hoved, 2025)
    assert (overview.total, [u.name for u in overview.units]) == (1, ["Vuggestuen"])
    assert overview.omraader == []  # by område only for the whole kommune (HovedMED)
    assert whole.total == 6


def test_the_page_and_the_pdf_show_counts_and_no_names(client, org_a, data):
    hoved, user = data
    client.force_login(user)
    page = client.get(reverse("incidents:overview", args=[hoved.public_id]), {"aar": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Arbejdsulykke" in html and "Alfa Skole Nord" in html
    pdf = client.get(reverse("incidents:overview_pdf", args=[hoved.public_id]), {"aar": 2025})
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Årsoversigt over arbejdsulykker m.v. 2025" in text
    assert "Arbejdsulykke" in text and "Alfa Skole Nord" in text
    for content in (html, text):
        for name in ("Arne", "AlfaAmr", "Lene", "AlfaLeder", "Hanne", "Gangen", "Beskrivelse"):
            assert name not in content, name


def test_only_udvalg_members_and_hr_read_the_overview(client, org_a, org_b, data, employee_a, hr_a):
    hoved, _user = data
    url = reverse("incidents:overview", args=[hoved.public_id])
    client.force_login(employee_a)
    assert client.get(url).status_code == 404
    assert client.get(reverse("incidents:overview", args=[org_a.amg.public_id])).status_code == 404
    client.force_login(hr_a)  # plain HR sees counts
    assert client.get(url).status_code == 200
    with tenant_scope(org_b.kommune):
        outsider = f.person(org_b.kommune, "Bo", "Beta", unit=org_b.workplace)
        f.membership(outsider, Committee.objects.get(kind=Committee.Kind.HOVEDMED))
        outsider.user = f.user("bo")
        outsider.save()
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404


def add_incidents(org, n: int) -> None:
    with tenant_scope(org.kommune):
        kinds = [k for k, _label in Kind.choices]
        units = [org.workplace, org.other_workplace]
        Incident.objects.bulk_create(
            [
                Incident(
                    kommune=org.kommune,
                    kind=kinds[i % len(kinds)],
                    occurred_on=date(2024 + i % 2, 1 + i % 12, 1 + i % 28),
                    place="Sted",
                    unit=units[i % 2],
                    committee=org.amg,
                    description="x",
                    absence_days=i % 3,
                    absence_first_day=date(2024 + i % 2, 1 + i % 12, 1 + i % 28) if i % 3 else None,
                )
                for i in range(n)
            ]
        )


def count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("view", ["incidents:overview", "incidents:overview_pdf"])
def test_the_overview_runs_the_same_queries_for_10_and_1000_incidents(client, org_a, data, view):
    hoved, user = data
    client.force_login(user)
    url = reverse(view, args=[hoved.public_id])
    add_incidents(org_a, 2)  # 10 with the fixture's 8
    count(client, url, {"aar": 2025})
    small = count(client, url, {"aar": 2025})
    add_incidents(org_a, 990)
    assert count(client, url, {"aar": 2025}) == small


def test_hr_reads_the_overview_in_the_admin_without_the_health_grant(client, org_a, data, hr_a):
    """Plain HR sees counts (not details): the overview is open to every HR staff member."""
    hoved, _user = data
    client.force_login(hr_a)
    response = client.get(
        reverse("admin:incidents_overview"), {"udvalg": str(hoved.public_id), "aar": 2025}
    )
    assert response.status_code == 200
    assert response.context["overview"].total == 5
    html = response.content.decode()
    assert "Arbejdsulykke" in html
    for name in ("AlfaAmr", "AlfaLeder", "Beskrivelse", "Gangen"):
        assert name not in html


def test_the_overview_names_units_as_they_are_now(org_a, data):
    """The units' names and places in the tree are kept in the kommune cache; saving a unit
    drops them, so a renamed unit shows its new name at once."""
    hoved, _user = data
    with tenant_scope(org_a.kommune):
        assert "Alfa Skole Nord" in [u.name for u in yearly_overview(hoved, 2025).units]
        org_a.workplace.name = "Alfa Skole Nordvest"
        org_a.workplace.save()
        names = [u.name for u in yearly_overview(hoved, 2025).units]
    assert "Alfa Skole Nordvest" in names and "Alfa Skole Nord" not in names


def test_an_udvalg_without_incidents_counts_zero(org_a):
    with tenant_scope(org_a.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        overview = yearly_overview(hoved, 2025)
    assert (overview.total, overview.total_last_year, overview.absence_days) == (0, 0, 0)
    assert overview.kinds == overview.units == overview.omraader == []
