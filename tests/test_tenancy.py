"""Tenancy: a query on tenant data without an active kommune scope fails, never leaks."""

import pytest
from django.apps import apps

from core.tenancy import ScopeError, TenantModel, scopes_disabled, tenant_scope
from organisations.models import Kommune, Person, Unit

PROJECT_APPS = {
    "core",
    "organisations",
    "committees",
    "training",
    "meetings",
    "apv",
    "incidents",
    "unions",
    "portal",
    "deadlines",
    "reminders",
    "documents",
}

# Models that reference tenant data but are not tenant-owned rows themselves, and why.
NOT_TENANT_OWNED = {
    # The tenant itself.
    "organisations.Kommune": "the tenant",
    "organisations.HistoricalKommune": "history of the tenant itself",
    # django-guardian's direct-FK permission tables are read per user by guardian, always joined
    # to a unit that was itself fetched in scope; they carry no kommune data of their own.
    "organisations.UnitUserObjectPermission": "guardian object permission (per user)",
    "organisations.UnitGroupObjectPermission": "guardian object permission (per group)",
}


def _points_to_tenant(model, seen=None) -> bool:
    seen = seen or set()
    if model in seen:
        return False
    seen.add(model)
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            target = field.related_model
            if target is Kommune:
                return True
            if (
                target._meta.app_label in PROJECT_APPS
                and target is not model
                and (issubclass(target, TenantModel) or _points_to_tenant(target, seen))
            ):
                return True
    return False


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_it_finds_the_tenant_models():
    # Guards the meta-test itself: it must see the core tenant models.
    names = {m._meta.label for m in project_models()}
    assert {"organisations.Unit", "organisations.Person", "committees.Membership"} <= names


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_it_scopes_every_tenant_owned_model(db, model):
    label = model._meta.label
    if label in NOT_TENANT_OWNED:
        return
    if not _points_to_tenant(model) and not hasattr(model, "kommune"):
        # Not tenant-owned (e.g. union data spanning kommuner) — nothing to scope here.
        return
    assert "kommune" in {f.name for f in model._meta.concrete_fields}, (
        f"{label} references tenant data but has no kommune column: inherit TenantModel"
    )
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model._default_manager.filter(pk=1).exists()
    history = getattr(model, "history", None)
    if history is not None and hasattr(history, "get_super_queryset"):
        with pytest.raises(ScopeError):
            list(history.all())


def test_it_filters_to_the_active_kommune(org_a, org_b):
    with tenant_scope(org_a.kommune):
        names = set(Unit.objects.values_list("name", flat=True))
        assert names and all(n.startswith("Alfa") for n in names)
        history_kommuner = set(Unit.history.values_list("kommune_id", flat=True))
        assert history_kommuner == {org_a.kommune.pk}
    with scopes_disabled():
        assert Unit.objects.filter(name__startswith="Beta").exists()


def test_it_refuses_a_missing_kommune():
    with pytest.raises(ScopeError), tenant_scope(None):
        pass


def test_it_refuses_to_save_without_a_kommune(db):
    with pytest.raises(ScopeError):
        Person(first_name="Uden", last_name="Kommune").save()


def test_it_takes_the_kommune_from_the_scope(org_a):
    with tenant_scope(org_a.kommune):
        p = Person(first_name="Med", last_name="Scope")
        p.save()
    assert p.kommune_id == org_a.kommune.pk


def test_it_rejects_a_foreign_key_into_another_kommune(org_a, org_b):
    from django.core.exceptions import ValidationError

    with tenant_scope(org_a.kommune):
        p = Person(kommune=org_a.kommune, first_name="X", last_name="Y", unit=org_b.workplace)
        with pytest.raises(ValidationError) as excinfo:
            p.full_clean()
    assert "unit" in excinfo.value.message_dict


def test_request_without_kommune_has_no_scope(client, db):
    # An anonymous request reads no tenant data: the login page renders without a scope.
    response = client.get("/login/")
    assert response.status_code == 200
