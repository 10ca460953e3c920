"""Changelist filters on committees and units are searched as you type (issue 11), not
sidebars listing every committee or unit of the kommune (København: ~1,500 committees): the
sidebar stays the same size whatever the number, the choice filters the list, and the search
answers only with what this HR member may see."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from core.tenancy import tenant_scope

from . import factories as f

pytestmark = pytest.mark.django_db


def sidebar(client, url: str) -> str:
    html = client.get(url).content.decode()
    return html[html.index('id="changelist-filter"') :]


def test_the_filter_sidebar_does_not_grow_with_the_committees(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:committees_membership_changelist")
    before = sidebar(client, url)
    with tenant_scope(org_a.kommune):
        for n in range(15):
            f.committee(org_a.kommune, f"Alfa AMG nummer {n}", parent=org_a.med)
    after = sidebar(client, url)
    assert "Alfa AMG nummer" not in after
    assert "Alfa AMG Nord" not in after
    assert len(after) == len(before)
    assert 'data-field-name="committee"' in after  # the search box in its place


def test_choosing_a_committee_filters_the_list(client, org_a, org_b, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:committees_membership_changelist")
    response = client.get(url, {"committee__id__exact": org_a.amg.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<li class="selected"><a href="?committee__id__exact=' in body
    assert "Alfa AMG Nord" in body[body.index('id="changelist-filter"') :]
    rows = response.context["cl"].result_list
    assert rows and {m.committee_id for m in rows} == {org_a.amg.pk}
    # Another kommune's committee is neither named nor matched.
    other = client.get(url, {"committee__id__exact": org_b.amg.pk})
    assert other.status_code == 200
    assert "Beta" not in other.content.decode()
    assert list(other.context["cl"].result_list) == []


def test_the_search_answers_with_what_this_hr_may_see(client, org_a, org_b, hr_a_limited):
    client.force_login(hr_a_limited)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "committees",
            "model_name": "membership",
            "field_name": "committee",
            "term": "AMG",
        },
    )
    assert response.status_code == 200
    names = {row["text"] for row in json.loads(response.content)["results"]}
    assert "Alfa AMG Nord" in names
    assert "Alfa AMG Syd" not in names  # the other område
    assert not any(name.startswith("Beta") for name in names)


def test_people_and_units_are_filtered_the_same_way(client, org_a, hr_a):
    client.force_login(hr_a)
    people = sidebar(client, reverse("admin:organisations_person_changelist"))
    units = sidebar(client, reverse("admin:organisations_unit_changelist"))
    assert 'data-field-name="unit"' in people and "Alfa Skole Nord" not in people
    assert 'data-field-name="parent"' in units and "Alfa Område Nord" not in units
