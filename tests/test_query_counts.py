"""Changelists run the same number of queries for 10 and 200 rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from organisations.models import Person, Unit

from . import factories as f


def add_rows(org, n):
    with tenant_scope(org.kommune):
        for i in range(n):
            wp = f.unit(org.kommune, f"Enhed {i}", parent=org.omraade, headcount=5)
            f.address(wp, f"Vej {i}")
            amg = f.committee(org.kommune, f"AMG {i}", parent=org.med, units=[wp])
            p = f.person(org.kommune, "Per", f"Son{i}", unit=wp)
            f.membership(p, amg, Membership.Role.AMR)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"all": ""})
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "model", [Unit, Person, Committee, Membership], ids=lambda m: m._meta.label
)
def test_changelist_queries_do_not_grow(client, org_a, hr_a, model, settings):
    client.force_login(hr_a)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    add_rows(org_a, 10)
    count_queries(client, url)  # warm caches (content types, sessions)
    small = count_queries(client, url)
    add_rows(org_a, 190)
    large = count_queries(client, url)
    assert small == large


def test_limited_staff_changelist_queries_do_not_grow(client, org_a, hr_a_limited):
    client.force_login(hr_a_limited)
    url = reverse("admin:committees_membership_changelist")
    add_rows(org_a, 10)
    count_queries(client, url)
    small = count_queries(client, url)
    add_rows(org_a, 190)
    assert count_queries(client, url) == small
