"""The APV in the portal: who sees and who changes it, the handlingsplan as page, CSV and PDF
from one selector (flat query counts), and the home panel."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from apv import services
from apv.models import ApvActionItem, ApvCycle
from core.tenancy import tenant_scope

from . import factories as f


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-02 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def cycle(org_a) -> ApvCycle:
    with tenant_scope(org_a.kommune):
        apv = services.apv_cycle_start(committee=org_a.amg)
        add_items(org_a, apv, 3)
        return apv


def add_items(org, apv, n, start=0):
    for i in range(start, start + n):
        owner = f.person(org.kommune, "Ejer", f"Nr{i}", unit=org.workplace)
        services.action_item_save(
            ApvActionItem(
                kommune=org.kommune,
                cycle=apv,
                problem=f"Problem {i} – støj på Søndergård",
                cause="Årsag",
                measure=f"Tiltag {i}",
                owner=owner,
                due_on=date(2026, 6, 1),
            )
        )


def test_the_amg_member_sees_and_updates_the_plan(client, org_a, cycle):
    f.login_as(client, org_a, org_a.amr.person, "amr")
    page = client.get(reverse("apv:cycle", args=[cycle.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Problem 0 – støj på Søndergård" in body and "Opdatér status" in body
    with tenant_scope(org_a.kommune):
        item = cycle.action_items.order_by("pk").first()
    prefix = str(item.public_id)
    response = client.post(
        reverse("apv:item_update", args=[item.public_id]),
        {f"{prefix}-status": "done", f"{prefix}-follow_up": "Lydplader sat op."},
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        item.refresh_from_db()
    assert (item.status, item.closed_on, item.follow_up) == (
        "done",
        date(2026, 3, 2),
        "Lydplader sat op.",
    )


def test_a_covered_employee_reads_but_cannot_change(client, org_a, employee_a, cycle):
    client.force_login(employee_a)
    page = client.get(reverse("apv:cycle", args=[cycle.public_id]))
    assert page.status_code == 200
    assert "Problem 0" in page.content.decode() and "Opdatér status" not in page.content.decode()
    with tenant_scope(org_a.kommune):
        item = cycle.action_items.first()
    response = client.post(
        reverse("apv:item_update", args=[item.public_id]), {f"{item.public_id}-status": "done"}
    )
    assert response.status_code == 403
    assert client.post(reverse("apv:advance", args=[cycle.public_id])).status_code == 403


def test_outsiders_get_the_same_404_as_for_a_missing_apv(client, org_a, org_b, cycle):
    with tenant_scope(org_a.kommune):
        stranger = f.person(org_a.kommune, "Sofie", "Syd", unit=org_a.other_workplace)
    f.login_as(client, org_a, stranger, "syd")
    urls = [
        reverse("apv:cycle", args=[cycle.public_id]),
        reverse("apv:plan_csv", args=[cycle.public_id]),
        reverse("apv:plan_pdf", args=[cycle.public_id]),
        reverse("apv:amg", args=[org_a.amg.public_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.get(reverse("apv:cycle", args=[uuid.uuid4()])).status_code == 404

    with tenant_scope(org_b.kommune):
        other = f.person(org_b.kommune, "Bo", "Beta", unit=org_b.workplace)
        f.membership(other, org_b.amg)
    client.logout()
    f.login_as(client, org_b, other, "beta")
    for url in urls:
        assert client.get(url).status_code == 404


def test_csv_and_pdf_carry_the_same_plan_as_the_page(client, org_a, cycle):
    f.login_as(client, org_a, org_a.leader_person, "leder")
    csv_text = client.get(reverse("apv:plan_csv", args=[cycle.public_id])).content.decode(
        "utf-8-sig"
    )
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Problem;Risiko;Årsag;Løsning;Ansvarlig;Frist")
    assert len(lines) == 4 and "Problem 2 – støj på Søndergård" in csv_text
    assert "01.06.2026" in csv_text

    response = client.get(reverse("apv:plan_pdf", args=[cycle.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "APV-handlingsplan" in text and "Alfa AMG Nord" in text
    assert "Tiltag 0" in text and "Tiltag 2" in text


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("view", ["apv:cycle", "apv:plan_csv", "apv:plan_pdf"])
def test_the_plan_runs_the_same_number_of_queries_for_3_and_40_lines(client, org_a, cycle, view):
    f.login_as(client, org_a, org_a.amr.person, "amr")
    url = reverse(view, args=[cycle.public_id])
    count(client, url)
    small = count(client, url)
    with tenant_scope(org_a.kommune):
        add_items(org_a, cycle, 37, start=3)
    count(client, url)  # the kommune cache (committees.viewer), replaced by the change, warms up
    assert count(client, url) == small


def test_the_home_panel_shows_my_groups_open_plan_lines(client, org_a, employee_a, cycle):
    client.force_login(employee_a)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Min arbejdsmiljøgruppes APV-handlingsplan" in page
    assert "Problem 0 – støj på Søndergård" in page


def test_the_apv_list_shows_the_groups_of_the_viewer(client, org_a, employee_a, cycle):
    client.force_login(employee_a)
    page = client.get(reverse("apv:index")).content.decode()
    assert "Alfa AMG Nord" in page and "Alfa AMG Syd" not in page


def test_members_advance_the_phase_and_see_why_not(client, org_a, cycle):
    f.login_as(client, org_a, org_a.amr.person, "amr")
    response = client.post(reverse("apv:advance", args=[cycle.public_id]), follow=True)
    assert "Vurdér alle punkter i tjeklisten" in response.content.decode()
    with tenant_scope(org_a.kommune):
        cycle.refresh_from_db()
    assert cycle.phase == ApvCycle.Phase.KORTLAEGNING


def test_the_apv_list_runs_the_same_queries_for_2_and_20_groups(client, org_a, employee_a):
    from committees.models import Committee

    client.force_login(employee_a)
    url = reverse("apv:index")

    def add(n):
        with tenant_scope(org_a.kommune):
            for i in range(n):
                amg = f.committee(
                    org_a.kommune,
                    f"AMG {i}",
                    Committee.Kind.AMG,
                    parent=org_a.med,
                    units=[org_a.workplace],
                )
                services.apv_cycle_start(committee=amg)

    add(2)
    count(client, url)
    small = count(client, url)
    add(18)
    count(client, url)  # the kommune cache (committees.viewer), replaced by the change, warms up
    assert count(client, url) == small
