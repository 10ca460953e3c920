"""Imports from HR systems (CSV/XLSX via django-import-export): preview first; a file with a bad
row is rejected whole with a Danish message per row; nothing is half-imported."""

from __future__ import annotations

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees.models import Membership
from committees.resources import MembershipResource
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Person, Unit
from organisations.resources import UnitResource


def import_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")


def upload(client, model, content: bytes, name: str, fmt: str):
    return client.post(
        import_url(model),
        {"format": fmt, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def counts():
    with scopes_disabled():
        return (
            Unit.objects.count(),
            Person.objects.count(),
            Membership.objects.count(),
            Unit.history.count(),
        )


def test_it_previews_then_imports_units(client, org_a, hr_a):
    client.force_login(hr_a)
    parent = org_a.omraade.code
    csv = (
        "code,name,kind,parent,headcount,closed_on\n"
        f"bibliotek,Bibliotek & Billedskole,arbejdsplads,{parent},35,\n"
        "bibliotek-udlaan,Udlån,afdeling,bibliotek,12,\n"
    ).encode()
    preview = upload(client, Unit, csv, "units.csv", "0")
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    with tenant_scope(org_a.kommune):
        assert not Unit.objects.filter(code="bibliotek").exists()  # preview writes nothing

    confirm = preview.context["confirm_form"].initial
    response = client.post(
        reverse("admin:organisations_unit_process_import"),
        {k: confirm[k] for k in ("import_file_name", "original_file_name", "format", "resource")},
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        bibliotek = Unit.objects.get(code="bibliotek")
        udlaan = Unit.objects.get(code="bibliotek-udlaan")
        assert bibliotek.kommune_id == org_a.kommune.pk
        assert udlaan.path == f"{org_a.omraade.pk}/{bibliotek.pk}/{udlaan.pk}/"
        assert Unit.history.filter(id=bibliotek.pk).latest("history_date").history_user == hr_a


def test_a_bad_file_is_rejected_whole_with_a_message_per_row(client, org_a, org_b, hr_a):
    client.force_login(hr_a)
    before = counts()
    csv = (
        "code,name,kind,parent,headcount,closed_on\n"
        f"ok-enhed,God enhed,arbejdsplads,{org_a.omraade.code},10,\n"
        f"fremmed,Fremmed forælder,arbejdsplads,{org_b.omraade.code},10,\n"
        f"forkert-type,Forkert type,kontor,{org_a.omraade.code},10,\n"
    ).encode()
    response = upload(client, Unit, csv, "units.csv", "0")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "findes ikke i kommunen" in " ".join(map(str, invalid[2]["parent"]))
    assert "gyldigt valg" in " ".join(map(str, invalid[3]["kind"]))
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert counts() == before


def test_the_resource_rolls_back_everything_on_a_bad_row(org_a, org_b, hr_a, rf):
    request = rf.post("/")
    request.user = hr_a
    request.kommune = org_a.kommune
    before = counts()
    with tenant_scope(org_a.kommune):
        dataset = tablib.Dataset(
            headers=[
                "employee_number",
                "committee",
                "role",
                "side",
                "chosen",
                "start_date",
                "term_end",
                "ended_on",
            ]
        )
        dataset.append(
            [
                org_a.leader_person.employee_number,
                org_a.amg.code,
                "tr",
                "",
                "elected",
                "2026-01-01",
                "",
                "",
            ]
        )
        dataset.append(["UKENDT", org_a.amg.code, "amr", "", "elected", "2026-01-01", "", ""])
        result = MembershipResource(request=request).import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )
    assert result.has_validation_errors()
    assert counts() == before


def test_it_imports_people_from_xlsx(client, org_a, hr_a):
    client.force_login(hr_a)
    dataset = tablib.Dataset(
        headers=[
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "unit",
            "hired_on",
            "left_on",
        ]
    )
    dataset.append(
        [
            "X1",
            "Søren",
            "Ærø",
            "soren@example.dk",
            "",
            "Pædagog",
            org_a.workplace.code,
            "2024-03-01",
            "",
        ]
    )
    response = upload(client, Person, dataset.export("xlsx"), "people.xlsx", "1")
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    assert not response.context["result"].has_errors()


def test_limited_staff_cannot_import_into_another_omraade(org_a, hr_a_limited, rf):
    request = rf.post("/")
    request.user = hr_a_limited
    request.kommune = org_a.kommune
    with tenant_scope(org_a.kommune):
        dataset = tablib.Dataset(
            headers=["code", "name", "kind", "parent", "headcount", "closed_on"]
        )
        dataset.append(
            ["syd-ny", "Ny enhed i Syd", "arbejdsplads", org_a.other_omraade.code, 5, ""]
        )
        result = UnitResource(request=request).import_data(
            dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True
        )
        assert result.has_validation_errors()
        assert not Unit.objects.filter(code="syd-ny").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_stays_in_the_kommune(client, org_a, org_b, hr_a, fmt):
    client.force_login(hr_a)
    index = {"csv": "0", "xlsx": "1"}[fmt]
    response = client.post(
        reverse("admin:organisations_unit_export"),
        {"format": index, "resource": "0", "unitresource_code": "on", "unitresource_name": "on"},
    )
    assert response.status_code == 200
    body = response.content
    if fmt == "xlsx":
        book = tablib.Dataset().load(io.BytesIO(body).read(), format="xlsx")
        body = book.export("csv").encode()
    assert b"Alfa" in body and b"Beta" not in body
