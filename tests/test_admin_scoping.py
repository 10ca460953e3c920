"""HR admin personas: staff of kommune A see nothing of kommune B anywhere in the admin, and a
staff member limited to one område sees only that område. Another kommune's object and a missing
one give the same 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committees.models import Committee, CommitteeUnit, Membership
from core.admin import TenantAdmin
from core.admin_site import site
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import KommuneStaff, Person, Unit

from . import factories as f

TENANT_ADMIN_MODELS = sorted(
    (m for m, ma in site._registry.items() if isinstance(ma, TenantAdmin)),
    key=lambda m: m._meta.label,
)
MISSING_PK = 987654321


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_b(hr_b):
    return hr_b


@pytest.mark.parametrize("model", TENANT_ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_it_shows_kommune_a_staff_nothing_of_kommune_b(client, org_a, org_b, hr_a, staff_b, model):
    client.force_login(hr_a)
    theirs = f.sample(org_b, model)
    f.sample(org_a, model)
    superuser_only = model is KommuneStaff

    response = client.get(url(model, "changelist"))
    if superuser_only:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        shown = {obj.kommune_id for obj in response.context["cl"].result_list}
        assert shown == {org_a.kommune.pk}

    for view in ("change", "history"):
        other = client.get(url(model, view, theirs.pk))
        missing = client.get(url(model, view, MISSING_PK))
        assert other.status_code == missing.status_code
        assert other.status_code in (403, 404) if superuser_only else other.status_code == 404

    delete = client.post(url(model, "delete", theirs.pk), {"post": "yes"})
    assert delete.status_code in (403, 404)
    with scopes_disabled():
        assert model.objects.filter(pk=theirs.pk).exists()


AUTOCOMPLETE = [
    # (target model, source app, source model, source field, text in both kommuner' names)
    (Unit, "organisations", "person", "unit", "Skole"),
    (Person, "committees", "membership", "person", "Leder"),
    (Committee, "committees", "membership", "committee", "AMG"),
]


@pytest.mark.parametrize(
    "target,app,model_name,field,term", AUTOCOMPLETE, ids=[a[0].__name__ for a in AUTOCOMPLETE]
)
def test_autocomplete_is_scoped(client, org_a, org_b, hr_a, target, app, model_name, field, term):
    client.force_login(hr_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model_name, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    texts = [r["text"] for r in response.json()["results"]]
    assert texts, "kommune A's own match must be found"
    assert not any("Beta" in t for t in texts)
    assert all("Alfa" in t or target is Person for t in texts)


def test_posting_a_foreign_key_from_another_kommune_is_an_error(client, org_a, org_b, hr_a):
    client.force_login(hr_a)
    with tenant_scope(org_b.kommune):
        foreign_person = org_b.leader_person
    response = client.post(
        url(Membership, "add"),
        {
            "person": foreign_person.pk,
            "committee": org_a.amg.pk,
            "role": Membership.Role.AMR,
            "side": Membership.Side.MEDARBEJDER,
            "chosen": Membership.Chosen.ELECTED,
            "start_date": "01-01-2026",
        },
    )
    assert response.status_code == 200
    assert "person" in response.context["adminform"].form.errors
    with scopes_disabled():
        assert not Membership.objects.filter(person=foreign_person, committee=org_a.amg).exists()


def test_inline_foreign_key_from_another_kommune_is_an_error(client, org_a, org_b, hr_a):
    client.force_login(hr_a)
    with tenant_scope(org_a.kommune):
        before = CommitteeUnit.objects.filter(committee=org_a.med).count()
    data = {
        "name": org_a.med.name,
        "code": org_a.med.code,
        "kind": org_a.med.kind,
        "parent": org_a.med.parent_id,
        "established_on": "01.01.2024",
        "coverage-TOTAL_FORMS": "1",
        "coverage-INITIAL_FORMS": "0",
        "coverage-0-unit": org_b.workplace.pk,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(url(Committee, "change", org_a.med.pk), data)
    assert response.status_code == 200  # re-rendered with errors, not saved
    coverage = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "coverage"
    ).formset
    assert "unit" in coverage.errors[0]
    assert not response.context["adminform"].form.errors
    with tenant_scope(org_a.kommune):
        assert CommitteeUnit.objects.filter(committee=org_a.med).count() == before


def test_it_limits_a_staff_member_to_their_omraade(client, org_a, hr_a_limited):
    client.force_login(hr_a_limited)
    response = client.get(url(Unit, "changelist"))
    names = {u.name for u in response.context["cl"].result_list}
    assert "Alfa Skole Nord" in names and "Alfa Område Nord" in names
    assert "Alfa Plejecenter Syd" not in names and "Alfa Område Syd" not in names

    assert client.get(url(Unit, "change", org_a.other_workplace.pk)).status_code == 404
    assert client.get(url(Unit, "history", org_a.other_workplace.pk)).status_code == 404
    assert client.get(url(Unit, "change", org_a.workplace.pk)).status_code == 200

    people = client.get(url(Person, "changelist")).context["cl"].result_list
    assert {p.unit_id for p in people} == {org_a.workplace.pk}
    committees = {
        c.name for c in client.get(url(Committee, "changelist")).context["cl"].result_list
    }
    assert "Alfa AMG Nord" in committees and "Alfa AMG Syd" not in committees

    form = client.get(url(Person, "add")).context["adminform"].form
    choices = set(form.fields["unit"].queryset.values_list("name", flat=True))
    assert "Alfa Skole Nord" in choices and "Alfa Plejecenter Syd" not in choices


def test_it_keeps_history_with_the_acting_user(client, org_a, hr_a):
    client.force_login(hr_a)
    unit = org_a.workplace
    response = client.post(
        url(Unit, "change", unit.pk),
        {
            "name": "Alfa Skole Nord (ny)",
            "code": unit.code,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "headcount": 41,
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    with tenant_scope(org_a.kommune):
        latest = Unit.history.filter(id=unit.pk).latest("history_date")
    assert latest.history_user == hr_a
    assert latest.name == "Alfa Skole Nord (ny)"
    page = client.get(url(Unit, "history", unit.pk))
    assert page.status_code == 200
    assert "hr_a" in page.content.decode()


def test_a_plain_employee_gets_no_admin(client, org_a, employee_a):
    client.force_login(employee_a)
    response = client.get(url(Unit, "changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_of_b_cannot_see_a(client, org_a, org_b, hr_b):
    client.force_login(hr_b)
    response = client.get(url(Unit, "changelist"))
    assert {u.kommune_id for u in response.context["cl"].result_list} == {org_b.kommune.pk}
    assert client.get(url(Unit, "change", org_a.workplace.pk)).status_code == 404


def test_staff_in_two_kommuner_choose_one(client, org_a, org_b):
    from tests import factories as f

    user = f.hr_user(org_a.kommune, "hr_begge")
    with tenant_scope(org_b.kommune):
        from organisations.services import staff_save

        staff_save(KommuneStaff(kommune=org_b.kommune, user=user), units=[])
    client.force_login(user)
    response = client.get(url(Unit, "changelist"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:choose_kommune")
    client.post(reverse("admin:choose_kommune"), {"kommune": org_b.kommune.pk})
    response = client.get(url(Unit, "changelist"))
    assert {u.kommune_id for u in response.context["cl"].result_list} == {org_b.kommune.pk}
