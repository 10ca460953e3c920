"""Structural checks on crafted data. Sources: AML §§ 7-8, BEK om systematisk arbejdsmiljøarbejde
§§ 7, 9, 24; Albertslund's MED-aftale (nærhedsprincip, TRIO-retningslinje)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.checks import run_structural_checks
from committees.models import Committee, Membership
from committees.services import add_years
from core.tenancy import tenant_scope
from organisations.models import Unit
from organisations.services import unit_save

from . import factories as f


def findings(org, code):
    with tenant_scope(org.kommune):
        results = {r.code: r for r in run_structural_checks(org.kommune)}
    return [x.message for x in results[code].findings]


def test_the_fixture_organisation_is_clean_except_what_it_lacks(org_a):
    # org_a: AMG Nord has leder + AMR; AMG Syd lacks an AMR.
    assert findings(org_a, "amg_coverage") == []
    assert findings(org_a, "amg_composition") == ["Alfa AMG Syd mangler AMR."]
    assert findings(org_a, "trio") == []
    assert findings(org_a, "amr_not_leader") == []
    assert findings(org_a, "amr_term") == []


def test_a_workplace_with_employees_must_be_covered_by_an_amg(scope_a):
    org = scope_a
    uncovered = f.unit(org.kommune, "Alfa Bibliotek", parent=org.omraade, headcount=12)
    empty = f.unit(org.kommune, "Alfa Tom Bygning", parent=org.omraade, headcount=0)
    f.unit(
        org.kommune, "Alfa Skole Nord SFO", Unit.Kind.AFDELING, parent=org.workplace, headcount=8
    )
    messages = findings(org, "amg_coverage")
    assert messages == ["Alfa Bibliotek (12 ansatte) er ikke dækket af en arbejdsmiljøgruppe."]
    # A registered employee counts even when the headcount field is 0.
    f.person(org.kommune, "Eva", "Ansat", unit=empty)
    assert len(findings(org, "amg_coverage")) == 2
    # A closed AMG covers nothing.
    f.committee(
        org.kommune,
        "Alfa AMG Bibliotek",
        parent=org.med,
        units=[uncovered],
        closed_on=datetime.date(2025, 1, 1),
    )
    assert len(findings(org, "amg_coverage")) == 2


def test_a_workplace_with_tr_and_amr_needs_a_trio(scope_a):
    org = scope_a
    tr = f.person(org.kommune, "Tina", "Tr", unit=org.workplace)
    f.membership(tr, org.med, Membership.Role.TR)
    assert findings(org, "trio") == ["Alfa Skole Nord har både TR og AMR, men ingen TRIO."]
    # An ended TR seat no longer counts.
    trio = f.committee(
        org.kommune, "TRIO Skole Nord", Committee.Kind.TRIO, parent=org.amg, units=[org.workplace]
    )
    assert findings(org, "trio") == []
    trio.closed_on = datetime.date(2026, 1, 1)
    trio.save()
    assert len(findings(org, "trio")) == 1


def test_an_amg_needs_a_leader_and_an_amr(scope_a):
    org = scope_a
    amg = f.committee(org.kommune, "Alfa AMG Tom", parent=org.med, units=[org.workplace])
    assert "Alfa AMG Tom mangler leder og AMR." in findings(org, "amg_composition")
    leader = f.person(org.kommune, "Lis", "Leder")
    seat = f.membership(leader, amg, Membership.Role.LEDER)
    assert "Alfa AMG Tom mangler AMR." in findings(org, "amg_composition")
    seat.ended_on = datetime.date(2026, 1, 1)
    seat.save()
    assert "Alfa AMG Tom mangler leder og AMR." in findings(org, "amg_composition")


def test_an_amr_is_not_a_leader(scope_a):
    org = scope_a
    amr_person = org.amr.person
    assert findings(org, "amr_not_leader") == []
    org.workplace.leader = amr_person
    unit_save(org.workplace)
    assert len(findings(org, "amr_not_leader")) == 1
    org.workplace.leader = None
    unit_save(org.workplace)
    f.membership(amr_person, org.med, Membership.Role.LEDELSESREPRAESENTANT)
    assert len(findings(org, "amr_not_leader")) == 1


def test_amr_term_is_two_years_unless_the_kommune_agreed_up_to_four(scope_a):
    org = scope_a
    person = f.person(org.kommune, "Ida", "Amr", unit=org.workplace)
    start = datetime.date(2024, 2, 29)
    seat = f.membership(person, org.amg, Membership.Role.AMR, start=start)
    # Default term: 2 years; 29 February lands on 28 February.
    assert seat.term_end == datetime.date(2026, 2, 28)
    assert findings(org, "amr_term") == []
    seat.term_end = add_years(start, 3)
    seat.save()
    assert len(findings(org, "amr_term")) == 1
    org.kommune.amr_term_years = 4
    org.kommune.save()
    assert findings(org, "amr_term") == []
    seat.term_end = None
    seat.save()
    assert len(findings(org, "amr_term")) == 1


def test_kommune_rejects_amr_terms_outside_two_to_four_years(org_a):
    from django.core.exceptions import ValidationError

    org_a.kommune.amr_term_years = 5
    with pytest.raises(ValidationError):
        org_a.kommune.full_clean()


def grow(org, n):
    with tenant_scope(org.kommune):
        for i in range(n):
            wp = f.unit(org.kommune, f"Alfa Ekstra {i}", parent=org.omraade, headcount=10)
            amg = f.committee(org.kommune, f"Alfa AMG Ekstra {i}", parent=org.med, units=[wp])
            p = f.person(org.kommune, "P", f"Ekstra{i}", unit=wp)
            f.membership(p, amg, Membership.Role.AMR)


def test_the_checks_page_runs_the_same_queries_at_any_size(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:structural_checks")
    grow(org_a, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert "Alfa AMG Syd mangler AMR." in response.content.decode()
    grow(org_a, 40)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_the_checks_page_links_to_the_fix(client, org_a, hr_a):
    client.force_login(hr_a)
    body = client.get(reverse("admin:structural_checks")).content.decode()
    assert reverse("admin:committees_committee_change", args=[org_a.other_amg.pk]) in body
