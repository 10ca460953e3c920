"""Structural checks on crafted data. Sources: AML §§ 7-8, BEK om systematisk arbejdsmiljøarbejde
§§ 7, 9, 24, 33; Rammeaftale om medindflydelse og medbestemmelse; Albertslund's MED-aftale
(nærhedsprincip: an AMG at every address; TRIO-retningslinje; KommuneMED's forretningsorden)."""

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
from organisations.models import Kommune, Unit
from organisations.services import unit_save

from . import factories as f


def findings(org, code):
    with tenant_scope(org.kommune):
        results = {r.code: r for r in run_structural_checks(org.kommune)}
    return [x.message for x in results[code].findings]


def test_the_fixture_organisation_is_clean_except_what_it_lacks(org_a):
    # org_a: AMG Nord has leder + AMR; AMG Syd lacks an AMR; Plejecenter Syd has no LokalMED;
    # HovedMED has no members at all.
    assert findings(org_a, "amg_coverage") == []
    assert findings(org_a, "amg_per_address") == []
    assert findings(org_a, "local_med_coverage") == [
        "Alfa Plejecenter Syd (60 ansatte) er hverken dækket af et lokalt MED-udvalg eller et "
        "personalemøde med MED-status."
    ]
    assert findings(org_a, "top_management") == [
        "Alfa HovedMED har ingen formand fra ledelsessiden."
    ]
    assert findings(org_a, "amg_composition") == ["Alfa AMG Syd mangler AMR."]
    assert findings(org_a, "trio") == []
    assert findings(org_a, "trio_composition") == []
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
    """n more workplaces, each with what every check reads: two addresses (one on an afdeling,
    under the workplace's AMG: a finding each), a LokalMED, an AMG and a TRIO with its seats."""
    with tenant_scope(org.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        for i in range(n):
            wp = f.unit(org.kommune, f"Alfa Ekstra {i}", parent=org.omraade, headcount=10)
            part = f.unit(org.kommune, f"Alfa Ekstra {i} Afd", Unit.Kind.AFDELING, parent=wp)
            f.address(wp, f"Ekstravej {i}")
            f.address(part, f"Afdelingsvej {i}")
            med = f.committee(
                org.kommune, f"Alfa LokalMED Ekstra {i}", Committee.Kind.LOKALMED, hoved, [wp]
            )
            amg = f.committee(org.kommune, f"Alfa AMG Ekstra {i}", parent=med, units=[wp])
            trio = f.committee(
                org.kommune, f"Alfa TRIO Ekstra {i}", Committee.Kind.TRIO, parent=amg, units=[wp]
            )
            p = f.person(org.kommune, "P", f"Ekstra{i}", unit=wp)
            f.membership(p, amg, Membership.Role.AMR)
            f.membership(p, trio, Membership.Role.AMR)
            tr = f.person(org.kommune, "T", f"Ekstra{i}", unit=part)
            f.membership(tr, trio, Membership.Role.TR)
            f.membership(f.person(org.kommune, "L", f"Ekstra{i}", unit=wp), trio, "leder")


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


def test_the_checks_run_the_same_queries_at_any_size(org_a):
    """DESIGN, scale: a kommune of 1,000 workplaces runs the same queries as one of ten."""
    grow(org_a, 3)
    with tenant_scope(org_a.kommune), CaptureQueriesContext(connection) as small:
        before = run_structural_checks(org_a.kommune)
    grow(org_a, 30)
    with tenant_scope(org_a.kommune), CaptureQueriesContext(connection) as large:
        after = run_structural_checks(org_a.kommune)
    assert len(small) == len(large)
    per_address = {r.code: r for r in after}["amg_per_address"].findings
    assert len(per_address) - len({r.code: r for r in before}["amg_per_address"].findings) == 60
    # Every grown TRIO has its three, at its workplace (the TR on an afdeling of it).
    assert {r.code: r for r in after}["trio_composition"].findings == []


# --- an AMG at every address ----------------------------------------------------------------------


def test_every_address_of_a_workplace_has_an_amg_of_its_own(scope_a):
    """Albertslund's MED-aftale (AMO bilag, nærhedsprincip): "der hvor en arbejdsplads har flere
    adresser ... skal der nedsættes en arbejdsmiljøgruppe på hver adresse"."""
    org = scope_a
    part = f.unit(org.kommune, "Alfa Skole Nord Syd", Unit.Kind.AFDELING, parent=org.workplace)
    f.address(part, "Sydgade 9")
    # AMG Nord covers the workplace and so also the afdeling's address: neither has its own.
    assert findings(org, "amg_per_address") == [
        "Alfavej 1, 2620 Albertslund (Alfa Skole Nord) har ingen arbejdsmiljøgruppe for sig "
        "selv: Alfa AMG Nord dækker også arbejdspladsens andre adresser.",
        "Sydgade 9, 2620 Albertslund (Alfa Skole Nord) har ingen arbejdsmiljøgruppe for sig "
        "selv: Alfa AMG Nord dækker også arbejdspladsens andre adresser.",
    ]
    # The afdeling gets its own AMG: AMG Nord now answers for Alfavej alone.
    f.committee(org.kommune, "Alfa AMG Sydgade", parent=org.med, units=[part])
    assert findings(org, "amg_per_address") == []


def test_the_same_address_typed_twice_is_one_place(scope_a):
    org = scope_a
    part = f.unit(org.kommune, "Alfa Skole Nord SFO", Unit.Kind.AFDELING, parent=org.workplace)
    f.address(part, "  alfavej   1")
    assert findings(org, "amg_per_address") == []


def test_two_addresses_on_one_unit_need_an_afdeling_each(scope_a):
    org = scope_a
    f.address(org.workplace, "Nordgade 2")
    messages = findings(org, "amg_per_address")
    assert len(messages) == 2
    assert all("Alfa AMG Nord dækker også" in m for m in messages)
    with tenant_scope(org.kommune):
        result = {r.code: r for r in run_structural_checks(org.kommune)}["amg_per_address"]
    assert {x.url for x in result.findings} == {
        reverse("admin:organisations_unit_change", args=[org.workplace.pk])
    }


def test_the_med_aftale_may_let_one_amg_span_the_addresses(scope_a):
    """The kommune's setting (`Kommune.amg_may_span_addresses`): one AMG may cover several
    addresses; an address no AMG covers at all is still a finding."""
    org = scope_a
    part = f.unit(org.kommune, "Alfa Skole Nord Syd", Unit.Kind.AFDELING, parent=org.workplace)
    f.address(part, "Sydgade 9")
    org.kommune.amg_may_span_addresses = True
    org.kommune.save()
    assert findings(org, "amg_per_address") == []
    library = f.unit(org.kommune, "Alfa Bibliotek", parent=org.omraade, headcount=5)
    f.address(library, "Bogvej 1")
    f.address(library, "Bogvej 3")
    assert findings(org, "amg_per_address") == [
        "Bogvej 1, 2620 Albertslund (Alfa Bibliotek) er ikke dækket af en arbejdsmiljøgruppe.",
        "Bogvej 3, 2620 Albertslund (Alfa Bibliotek) er ikke dækket af en arbejdsmiljøgruppe.",
    ]
    with tenant_scope(org.kommune):
        result = {r.code: r for r in run_structural_checks(org.kommune)}["amg_per_address"]
    assert result.title == "Alle adresser på en arbejdsplads er dækket af en arbejdsmiljøgruppe"


def test_an_empty_or_closed_workplace_needs_no_amg_per_address(scope_a):
    org = scope_a
    empty = f.unit(org.kommune, "Alfa Tomt Lager", parent=org.omraade, headcount=0)
    f.address(empty, "Lagervej 1")
    f.address(empty, "Lagervej 2")
    part = f.unit(
        org.kommune,
        "Alfa Skole Nord Gammel",
        Unit.Kind.AFDELING,
        parent=org.workplace,
        closed_on=datetime.date(2025, 1, 1),
    )
    f.address(part, "Gammelvej 1")
    assert findings(org, "amg_per_address") == []


# --- a local MED forum at every workplace ---------------------------------------------------------


def test_every_workplace_has_a_lokalmed_or_a_personalemoede_med_med_status(scope_a):
    """Rammeaftale om medindflydelse og medbestemmelse; Albertslund's MED chart: every
    workplace has an ArbejdspladsMED or a personalemøde med MED-status."""
    org = scope_a
    syd = "Alfa Plejecenter Syd"
    assert [m for m in findings(org, "local_med_coverage") if syd in m]
    # An AfdelingsMED over the område is the level above, not the workplace's forum.
    hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
    afd = f.committee(
        org.kommune, "Alfa OmrådeMED Syd", Committee.Kind.AFDELINGSMED, hoved, [org.other_omraade]
    )
    assert [m for m in findings(org, "local_med_coverage") if syd in m]
    # ... but it is when it covers the workplace itself (the local level of that area).
    covering = f.committee(
        org.kommune, "Alfa MED Syd", Committee.Kind.AFDELINGSMED, hoved, [org.other_workplace]
    )
    assert findings(org, "local_med_coverage") == []
    covering.closed_on = datetime.date(2026, 1, 1)
    covering.save()
    assert [m for m in findings(org, "local_med_coverage") if syd in m]
    f.committee(
        org.kommune,
        "Personalemøde Syd",
        Committee.Kind.PERSONALEMOEDE,
        parent=afd,
        units=[org.other_workplace],
    )
    assert findings(org, "local_med_coverage") == []


def test_a_workplace_is_covered_through_all_its_afdelinger_or_the_omraade(scope_a):
    org = scope_a
    a = f.unit(org.kommune, "Syd Dag", Unit.Kind.AFDELING, parent=org.other_workplace)
    b = f.unit(org.kommune, "Syd Nat", Unit.Kind.AFDELING, parent=org.other_workplace)
    f.committee(org.kommune, "LokalMED Dag", Committee.Kind.LOKALMED, org.med, [a])
    assert len(findings(org, "local_med_coverage")) == 1  # Nat has none
    f.committee(org.kommune, "Personalemøde Nat", Committee.Kind.PERSONALEMOEDE, org.med, [b])
    assert findings(org, "local_med_coverage") == []
    empty = f.unit(org.kommune, "Alfa Tom Bygning", parent=org.other_omraade, headcount=0)
    assert findings(org, "local_med_coverage") == []  # no employees, no forum needed
    f.person(org.kommune, "Eva", "Ansat", unit=empty)
    assert findings(org, "local_med_coverage") == [
        "Alfa Tom Bygning (1 ansatte) er hverken dækket af et lokalt MED-udvalg eller et "
        "personalemøde med MED-status."
    ]
    # A LokalMED over the whole område covers every workplace in it.
    f.committee(org.kommune, "LokalMED Syd", Committee.Kind.LOKALMED, org.med, [org.other_omraade])
    assert findings(org, "local_med_coverage") == []


# --- top management in the strategic AMO ----------------------------------------------------------


def test_the_top_management_chairs_hovedmed(scope_a):
    """BEK om systematisk arbejdsmiljøarbejde § 33 stk. 1: the top management is represented in
    the AMO; Albertslund's KommuneMED forretningsorden: "Formand for KommuneMED er
    kommunaldirektøren"."""
    org = scope_a
    hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
    no_chair = ["Alfa HovedMED har ingen formand fra ledelsessiden."]
    # A formand from the employees' side is not the employer's.
    employee = f.person(org.kommune, "Mona", "Medarbejder", unit=org.workplace)
    f.membership(employee, hoved, Membership.Role.FORMAND, side=Membership.Side.MEDARBEJDER)
    assert findings(org, "top_management") == no_chair
    # A local leader in the chair is not the top management.
    local = f.membership(
        org.leader_person, hoved, Membership.Role.FORMAND, side=Membership.Side.LEDELSE
    )
    assert findings(org, "top_management") == [
        "Lene AlfaLeder er formand for Alfa HovedMED, men er ansat på Alfa Skole Nord og dermed "
        "ikke en del af den øverste ledelse."
    ]
    # ... unless she leads an område/forvaltning (a direktør).
    org.omraade.leader = org.leader_person
    unit_save(org.omraade)
    assert findings(org, "top_management") == []
    org.omraade.leader = None
    unit_save(org.omraade)
    local.ended_on = datetime.date(2026, 1, 1)
    local.save()
    # The kommunaldirektør sits above the units.
    director = f.person(org.kommune, "Dorte", "Direktør")
    f.membership(director, hoved, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
    assert findings(org, "top_management") == []


def test_a_kommune_without_hovedmed_is_told_to_create_one(client, org_a, hr_a, hr_a_limited):
    with tenant_scope(org_a.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        hoved.closed_on = datetime.date(2026, 1, 1)
        hoved.save()
    message = "Kommunen har intet HovedMED (arbejdsmiljøudvalget på det strategiske niveau)."
    assert findings(org_a, "top_management") == [message]
    client.force_login(hr_a)
    body = client.get(reverse("admin:structural_checks")).content.decode()
    assert message in body
    assert reverse("admin:committees_committee_add") in body
    # Kommune-wide: not one område's HR's to fix.
    client.force_login(hr_a_limited)
    assert message not in client.get(reverse("admin:structural_checks")).content.decode()


# --- TRIO: leder, TR and AMR of the same workplace ------------------------------------------------


def make_trio(org, units=None):
    trio = f.committee(
        org.kommune,
        "TRIO Skole Nord",
        Committee.Kind.TRIO,
        parent=org.amg,
        units=units if units is not None else [org.workplace],
    )
    f.membership(org.leader_person, trio, Membership.Role.LEDER)
    f.membership(org.amr.person, trio, Membership.Role.AMR)
    return trio


def test_a_trio_has_a_leader_a_tr_and_an_amr(scope_a):
    """Albertslund's retningslinje for TRIO-samarbejde: "et samarbejde mellem leder,
    tillidsrepræsentant (TR) og arbejdsmiljørepræsentant (AMR)"; more TRs or AMRs may join."""
    org = scope_a
    trio = make_trio(org)
    assert findings(org, "trio_composition") == ["TRIO Skole Nord mangler TR."]
    tr = f.person(org.kommune, "Tina", "Tr", unit=org.workplace)
    f.membership(tr, trio, Membership.Role.TR)
    assert findings(org, "trio_composition") == []
    second_amr = f.person(org.kommune, "Anders", "Amr", unit=org.workplace)
    f.membership(second_amr, trio, Membership.Role.AMR)
    assert findings(org, "trio_composition") == []
    Membership.objects.filter(committee=trio, role=Membership.Role.LEDER).update(
        ended_on=datetime.date(2026, 1, 1)
    )
    assert findings(org, "trio_composition") == ["TRIO Skole Nord mangler leder."]


def test_the_trio_members_work_at_its_workplace(scope_a):
    """Same source: the TRIO works by the nærhedsprincip, its members share the workplace."""
    org = scope_a
    trio = make_trio(org)
    outsider = f.person(org.kommune, "Otto", "Tr", unit=org.other_workplace)
    seat = f.membership(outsider, trio, Membership.Role.TR)
    assert findings(org, "trio_composition") == [
        "Otto Tr (Tillidsrepræsentant (TR) i TRIO Skole Nord) arbejder ikke på Alfa Skole Nord."
    ]
    with tenant_scope(org.kommune):
        result = {r.code: r for r in run_structural_checks(org.kommune)}["trio_composition"]
    assert result.findings[0].url == reverse("admin:committees_membership_change", args=[seat.pk])
    # A TR of an afdeling of the workplace is of the workplace.
    sfo = f.unit(org.kommune, "Alfa Skole Nord SFO", Unit.Kind.AFDELING, parent=org.workplace)
    outsider.unit = sfo
    outsider.save()
    assert findings(org, "trio_composition") == []
    # The leader may be registered above the workplace as long as she leads it.
    org.leader_person.unit = org.omraade
    org.leader_person.save()
    assert len(findings(org, "trio_composition")) == 1
    org.workplace.leader = org.leader_person
    unit_save(org.workplace)
    assert findings(org, "trio_composition") == []


def test_a_trio_belongs_to_one_workplace(scope_a):
    org = scope_a
    empty = make_trio(org, units=[])
    assert findings(org, "trio_composition") == ["TRIO Skole Nord dækker ingen arbejdsplads."]
    empty.closed_on = datetime.date(2026, 1, 1)
    empty.save()
    trio = make_trio(org, units=[org.workplace, org.other_workplace])
    f.membership(f.person(org.kommune, "Tina", "Tr", unit=org.workplace), trio, "tr")
    assert findings(org, "trio_composition") == [
        "TRIO Skole Nord dækker flere arbejdspladser (Alfa Plejecenter Syd, Alfa Skole Nord); "
        "en TRIO hører til én."
    ]


# --- sources and areas ----------------------------------------------------------------------------


def test_a_check_names_the_kommunes_own_agreement_and_no_other(org_a, org_b):
    """DESIGN, user-facing text: the source names the law and the kommune's own MED-aftale."""
    Kommune.objects.filter(pk=org_a.kommune.pk).update(
        med_agreement_name="MED-aftalen for Alfa Kommune"
    )
    org_b.kommune.refresh_from_db()
    with tenant_scope(org_a.kommune):
        org_a.kommune.refresh_from_db()
        ours = {r.code: r.source for r in run_structural_checks(org_a.kommune)}
    with tenant_scope(org_b.kommune):
        theirs = {r.code: r.source for r in run_structural_checks(org_b.kommune)}
    assert ours["trio"] == "MED-aftalen for Alfa Kommune (retningslinje for TRIO-samarbejde)"
    assert ours["top_management"].startswith("BEK om systematisk arbejdsmiljøarbejde § 33 stk. 1")
    assert theirs["trio"] == "kommunens MED-aftale (retningslinje for TRIO-samarbejde)"
    assert not any("Alfa" in s or "Albertslund" in s for s in theirs.values())


def test_limited_hr_sees_the_new_findings_of_its_omraade_only(scope_a):
    org = scope_a
    f.address(org.workplace, "Nordgade 2")  # two addresses, one AMG: Nord's findings
    with tenant_scope(org.kommune):
        nord = run_structural_checks(org.kommune, unit_ids=[org.omraade.pk, org.workplace.pk])
        syd = run_structural_checks(
            org.kommune, unit_ids=[org.other_omraade.pk, org.other_workplace.pk]
        )
    nord, syd = {r.code: r for r in nord}, {r.code: r for r in syd}
    assert len(nord["amg_per_address"].findings) == 2
    assert syd["amg_per_address"].findings == []
    assert nord["local_med_coverage"].findings == []
    assert len(syd["local_med_coverage"].findings) == 1
