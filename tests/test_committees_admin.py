"""HR changes seats and coverage in the admin: the deadlines follow at once, whichever admin path
made the change (the seat's own delete page, the bulk delete action, the committee's inlines)."""

from __future__ import annotations

from django.urls import reverse

from committees.models import Committee, CommitteeUnit, Membership
from core.tenancy import tenant_scope
from deadlines.models import Deadline


def open_amo_basic(org) -> bool:
    """AML § 9 a / BEK 1181 § 4: the AMR's 3-day course is open while the seat lasts."""
    with tenant_scope(org.kommune):
        return Deadline.objects.filter(
            rule="training.amo_basic", person=org.amr.person, state="open"
        ).exists()


def post_data(response) -> dict:
    """The change form as the browser would post it back unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is None or value is False:
                    continue
                data[sub.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data


def test_deleting_a_seat_closes_its_deadlines(client, org_a, hr_a):
    assert open_amo_basic(org_a)
    client.force_login(hr_a)
    url = reverse("admin:committees_membership_delete", args=[org_a.amr.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not open_amo_basic(org_a)


def test_the_bulk_delete_action_closes_the_deadlines_too(client, org_a, hr_a):
    client.force_login(hr_a)
    response = client.post(
        reverse("admin:committees_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [org_a.amr.pk], "post": "yes"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        assert not Membership.objects.filter(pk=org_a.amr.pk).exists()
    assert not open_amo_basic(org_a)


def test_removing_a_seat_in_the_committee_inline_closes_its_deadlines(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:committees_committee_change", args=[org_a.amg.pk])
    data = post_data(client.get(url))
    prefix = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith("memberships-") and key.endswith("-id") and value == org_a.amr.pk
    )
    data[f"{prefix}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert not open_amo_basic(org_a)


def test_an_unchanged_committee_form_keeps_the_deadlines(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:committees_committee_change", args=[org_a.amg.pk])
    with tenant_scope(org_a.kommune):
        units = CommitteeUnit.objects.filter(committee=org_a.amg).count()
    response = client.post(url, post_data(client.get(url)))
    assert response.status_code == 302
    assert open_amo_basic(org_a)
    with tenant_scope(org_a.kommune):
        assert CommitteeUnit.objects.filter(committee=org_a.amg).count() == units
        assert Committee.objects.get(pk=org_a.amg.pk).name == org_a.amg.name
