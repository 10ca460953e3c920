"""Union membership is GDPR art. 9 data: the kommune's HR and leaders never see it, anywhere.

HR of kommune A walks the whole admin — every changelist (with search), add form, change form,
history view and delete confirmation of a sample of every model, every export, every extra
page, the autocomplete — while people of kommune A have stated their kreds (with and without
consent), a kreds has been notified of an election and invited a member to a network meeting.
No union, kreds or kommunegruppe name may appear. The election pages tell HR and the leader the
same thing whether or not a kreds was notified."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.forms import BooleanField
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from import_export.admin import ExportMixin

from committees.models import Membership
from core.admin import TenantAdmin
from core.admin_site import site
from core.tenancy import scopes_disabled, tenant_scope
from organisations.services import unit_save
from unions.models import ElectionNotice, NetworkGroup, UnionMembership
from unions.services import network_meeting_create

from . import factories as f
from .test_unions import SECRET_STRINGS, build_world, join, member  # noqa: F401

FORBIDDEN = tuple(s.lower() for s in SECRET_STRINGS) + (
    "zulu",
    "yankee",
    "faglig organisation",
    "faglige organisationer",
)
NOW = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


def assert_clean(response, where: str, allowed: tuple[str, ...] = ()) -> None:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    # A form's CSRF token is 64 random letters and digits: "zulu" turns up in one now and then.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text).lower()
    leaks = [word for word in FORBIDDEN if word in text and word not in allowed]
    assert not leaks, f"{where} shows {leaks}"


def admin_url(model, view, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def secrets(request, org_a, org_b, django_capture_on_commit_callbacks):
    """Union data in kommune A: a consenting AMR (notified election, invited to a meeting) and a
    member without consent."""
    from committees.elections import election_register

    request.getfixturevalue("eager_celery")
    world = build_world(org_a, org_b)
    with time_machine.travel(NOW, tick=False):
        asta = member(org_a, "Asta", "Alfamedlem")
        svend = member(org_a, "Svend", "Tavsholm", role=Membership.Role.TR)
        join(asta, world.kreds)
        join(svend, world.other_kreds, consent=False)
        # No seats: nothing protects her from deletion, so the admin's delete page lists every
        # row a delete would cascade to.
        with tenant_scope(org_a.kommune):
            sara = f.person(org_a.kommune, "Sara", "Saedelos", unit=org_a.workplace)
        join(sara, world.kreds)
        with django_capture_on_commit_callbacks(execute=True), tenant_scope(org_a.kommune):
            seat = election_register(
                committee=org_a.med,
                person=asta,
                role=Membership.Role.TR,
                start_date=datetime.date(2026, 3, 1),
                employer_notified_on=datetime.date(2026, 3, 1),
                acting_user=None,
            )
        group = NetworkGroup.objects.create(kreds=world.kreds, name="Netværk Zulu")
        with django_capture_on_commit_callbacks(execute=True):
            network_meeting_create(
                group=group,
                starts_at=timezone.now() + datetime.timedelta(days=7),
                theme="Tema Zulu",
                location="Zulu-huset",
                acting_user=world.officer,
            )
    with scopes_disabled():
        assert ElectionNotice.objects.get().state == "sent"  # the kreds really was told
    assert len(mail.outbox) == 2
    return world, asta, sara, seat


def objects_to_open(org_a, asta, sara, seat):
    """A sample of every TenantAdmin model, plus the members and the notified seat."""
    objects = []
    for model, model_admin in site._registry.items():
        if not isinstance(model_admin, TenantAdmin):
            continue
        if model._meta.label in f.SAMPLE_BUILDERS:
            objects.append(f.sample(org_a, model))
        else:  # an app still being built: take any row of kommune A
            with tenant_scope(org_a.kommune):
                obj = model._default_manager.first()
            if obj is not None:
                objects.append(obj)
    return objects + [asta, sara, seat]


def test_hr_sees_no_union_membership_anywhere_in_the_admin(client, org_a, hr_a, secrets):
    world, asta, sara, seat = secrets
    client.force_login(hr_a)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert_clean(index, "the admin index")

    for model, model_admin in site._registry.items():
        label = model._meta.label
        changelist = client.get(admin_url(model, "changelist"))
        if model._meta.app_label == "unions":
            assert changelist.status_code == 403, label
            continue
        if changelist.status_code != 200:
            assert changelist.status_code == 403, label  # superuser-only (kommuner, users…)
            continue
        assert_clean(changelist, f"{label} changelist")
        if model_admin.search_fields:
            # Searching for the kreds finds nothing (the term itself is echoed in the box).
            found = client.get(admin_url(model, "changelist"), {"q": world.kreds.name})
            assert found.context["cl"].result_count == 0, label
            found = client.get(admin_url(model, "changelist"), {"q": "Alfamedlem"})
            assert_clean(found, f"{label} search")
        add = client.get(admin_url(model, "add"))
        if add.status_code == 200:
            assert_clean(add, f"{label} add form")

    opened = 0
    objects = objects_to_open(org_a, asta, sara, seat)
    for obj in objects:
        model = type(obj)
        for view in ("change", "history", "delete"):
            response = client.get(admin_url(model, view, obj.pk))
            if response.status_code == 200:
                opened += 1
                assert_clean(response, f"{model._meta.label} {view} of {obj}")
    assert opened >= 2 * len(objects)  # change and history at least; delete where allowed

    # The person's own page and the seat's page in the admin, with its history, are the most
    # likely places for a leak: make sure they were really looked at.
    for url in (
        admin_url(type(asta), "change", asta.pk),
        admin_url(type(asta), "history", asta.pk),
        admin_url(type(asta), "delete", asta.pk),
        admin_url(type(sara), "delete", sara.pk),
        admin_url(Membership, "change", seat.pk),
        admin_url(Membership, "history", seat.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Alfamedlem" in response.content.decode() or "Saedelos" in response.content.decode()
        assert_clean(response, url)


def test_hr_exports_contain_no_union_membership(client, org_a, hr_a, secrets):
    client.force_login(hr_a)
    exported = 0
    for model, model_admin in site._registry.items():
        if not isinstance(model_admin, ExportMixin):
            continue
        url = admin_url(model, "export")
        form_page = client.get(url)
        if form_page.status_code != 200:
            continue
        form = form_page.context["form"]
        data = {"format": "0", "resource": "0"}
        data.update(
            {name: "on" for name, fld in form.fields.items() if isinstance(fld, BooleanField)}
        )
        response = client.post(url, data)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        assert_clean(response, f"{model._meta.label} export")
        exported += 1
        if model._meta.label == "organisations.Person":
            assert "Alfamedlem" in response.content.decode()  # the export really ran
    assert exported >= 3


def test_hr_extra_pages_and_lookups_show_no_union_membership(client, org_a, hr_a, secrets):
    world, asta, sara, seat = secrets
    client.force_login(hr_a)
    for _route, _view, name, _title in site._extra_views:
        response = client.get(reverse(f"admin:{name}"))
        assert response.status_code == 200, name
        # The record of processing (art. 30) must name the kind of data the system holds —
        # union membership — but never whose, which union or which kreds.
        allowed = ("faglig organisation",) if name == "privacy_record" else ()
        assert_clean(response, f"admin page {name}", allowed)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "committees",
            "model_name": "membership",
            "field_name": "person",
            "term": "Alfamedlem",
        },
    )
    assert response.status_code == 200 and "Alfamedlem" in response.content.decode()
    assert_clean(response, "person autocomplete")
    # The admin's "view on site" shortcut does not lead to a union membership either.
    with scopes_disabled():
        membership = UnionMembership.objects.get(person=asta)
    content_type = ContentType.objects.get_for_model(UnionMembership)
    try:
        shortcut = reverse("admin:view_on_site", args=[content_type.pk, membership.pk])
    except NoReverseMatch:
        shortcut = None
    if shortcut:
        assert client.get(shortcut).status_code == 404
    # There is no admin page for union memberships at all.
    with pytest.raises(NoReverseMatch):
        admin_url(UnionMembership, "changelist")


@pytest.mark.usefixtures("eager_celery")
def test_the_election_pages_say_the_same_with_and_without_consent(
    client,
    org_a,
    org_b,
    hr_a,
    django_capture_on_commit_callbacks,
):
    """HR and the leader must not learn from the response whether the kreds was told."""
    world = build_world(org_a, org_b)
    with time_machine.travel(NOW, tick=False):
        asta = member(org_a, "Asta", "Alfamedlem", role=Membership.Role.TR)
        svend = member(org_a, "Svend", "Tavsholm", role=Membership.Role.TR)
        join(asta, world.kreds)
        join(svend, world.kreds, consent=False)
        leader_user = f.user("leder_a")
        with tenant_scope(org_a.kommune):
            leader = org_a.leader_person
            leader.user = leader_user
            leader.save()
            org_a.workplace.leader = leader
            unit_save(org_a.workplace)

        pages = {}
        for person, user, url in (
            (asta, hr_a, reverse("admin:election_register")),
            (svend, hr_a, reverse("admin:election_register")),
            (asta, leader_user, reverse("unions:election_new")),
            (svend, leader_user, reverse("unions:election_new")),
        ):
            client.force_login(user)
            form_page = client.get(url)
            assert_clean(form_page, f"election form for {user}")
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    url,
                    {
                        "committee": org_a.amg.public_id,
                        "person": person.public_id,
                        "role": Membership.Role.AMR,
                        "start_date": "2026-03-01" if user == hr_a else "2026-03-02",
                        "employer_notified_on": "2026-03-01",
                    },
                    follow=True,
                )
            assert response.status_code == 200
            assert_clean(response, f"election result for {user}")
            messages = [str(m) for m in response.context["messages"]]
            pages[(person.first_name, user.username)] = messages
    assert pages[("Asta", "hr_a")] == [
        "Valget er registreret: Asta Alfamedlem som Arbejdsmiljørepræsentant (AMR) i Alfa AMG Nord."
    ]
    assert pages[("Svend", "hr_a")] == [
        "Valget er registreret: Svend Tavsholm som Arbejdsmiljørepræsentant (AMR) i Alfa AMG Nord."
    ]
    assert pages[("Asta", "leder_a")] == pages[("Asta", "hr_a")]
    assert pages[("Svend", "leder_a")] == pages[("Svend", "hr_a")]
    # Only Asta consented: her two elections reached the kreds, Svend's none.
    assert len(mail.outbox) == 2
    assert all("Asta Alfamedlem" in m.subject for m in mail.outbox)
