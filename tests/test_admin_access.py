"""Issue 16: every door of the HR admin asks the one access decision (`TenantAdmin.object_access`,
`core.access.HRArea`).

Holes found by probing, each with its regression test:
1. the history form view (`/admin/<app>/<model>/<id>/history/<version>/`) showed and, on POST,
   changed objects outside the user's limits (health data without the grant; people and 11
   other models outside a limited HR's område);
2. HR limited to an område changed and deleted kommune-wide committees and their seats;
3. HR limited to an område read every AMG's APV and the whole kommune's incident overviews;
8. a non-numeric id in an autocomplete field gave a 500 on the add form.

And the walk: every registered admin URL pattern with an object id, for every tenant model, as
HR of another kommune and as HR limited to another område, answers 404 (or, for what the
limited HR may read but not change, a read-only page and 403 on every write).
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic import RedirectView

from committees.models import Committee, Membership
from core.admin import TenantAdmin
from core.admin_site import site
from core.tenancy import scopes_disabled, tenant_scope
from incidents.models import HealthDataAccess, Incident, IncidentViewLog
from organisations.models import KommuneStaff, Person

from . import factories as f

TENANT_ADMIN_MODELS = sorted(
    (m for m, ma in site._registry.items() if isinstance(ma, TenantAdmin)),
    key=lambda m: m._meta.label,
)
# What HR limited to an område reads but never changes: the kommune's shared course catalogue.
KOMMUNE_WIDE_READ = {"training.CourseType", "training.Provider", "training.CourseDate"}
SUPERUSER_ONLY = {"organisations.KommuneStaff", "incidents.HealthDataAccess"}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def version_of(obj) -> int | None:
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    with scopes_disabled():
        # (`pk` of a historical model is its history_id: filter on the object's own key.)
        record = (
            history.filter(**{type(obj)._meta.pk.attname: obj.pk}).order_by("-history_id").first()
        )
    return record.history_id if record else None


def snapshot(obj) -> dict:
    with scopes_disabled():
        fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
        return model_to_dict(fresh) if fresh else {}


def form_data(model, obj, user, kommune, **changes) -> dict:
    """The admin form of `obj` as a full-kommune HR would post it, with `changes`."""
    request = RequestFactory().get("/")
    request.user = user
    request.kommune = kommune
    model_admin = site._registry[model]
    with tenant_scope(kommune):
        form = model_admin.get_form(request, obj, change=True)(instance=obj)
        data = {}
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, datetime.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(value)
    data.update(changes)
    return data


@pytest.fixture
def syd(org_a):
    """Kommune A seen from its other område (Syd): the sample builders build there."""
    with tenant_scope(org_a.kommune):
        med = f.committee(
            org_a.kommune,
            "Alfa LokalMED Syd",
            Committee.Kind.LOKALMED,
            units=[org_a.other_workplace],
        )
        amr = f.membership(
            f.person(org_a.kommune, "Sara", "Syd", unit=org_a.other_workplace),
            org_a.other_amg,
            Membership.Role.AMR,
        )
        leader = Membership.objects.get(committee=org_a.other_amg, role=Membership.Role.LEDER)
    return dataclasses.replace(
        org_a,
        omraade=org_a.other_omraade,
        other_omraade=org_a.omraade,
        workplace=org_a.other_workplace,
        other_workplace=org_a.workplace,
        amg=org_a.other_amg,
        other_amg=org_a.amg,
        med=med,
        amr=amr,
        leader_person=leader.person,
    )


@pytest.fixture
def kommunewide(org_a):
    """A KommuneMED covering both områder, with a seat of a person in each."""
    with tenant_scope(org_a.kommune):
        committee = f.committee(
            org_a.kommune,
            "Alfa KommuneMED",
            Committee.Kind.AFDELINGSMED,
            units=[org_a.workplace, org_a.other_workplace],
        )
        nord = f.membership(
            f.person(org_a.kommune, "Niels", "Nord", unit=org_a.workplace),
            committee,
            Membership.Role.MEDARBEJDERREPRAESENTANT,
        )
        syd = f.membership(
            f.person(org_a.kommune, "Sofie", "Syd", unit=org_a.other_workplace),
            committee,
            Membership.Role.MEDARBEJDERREPRAESENTANT,
        )
    return committee, nord, syd


# --- the walk: every admin door with an object id ------------------------------------------------


def object_doors(model, obj):
    """(name, method, url) of every admin URL pattern of the model that takes an object id."""
    version = version_of(obj)
    doors = [
        ("change", "get", admin_url(model, "change", obj.pk)),
        ("change", "post", admin_url(model, "change", obj.pk)),
        ("history", "get", admin_url(model, "history", obj.pk)),
        ("delete", "get", admin_url(model, "delete", obj.pk)),
        ("delete", "post", admin_url(model, "delete", obj.pk)),
    ]
    if version is not None:
        history_form = admin_url(model, "simple_history", obj.pk, version)
        doors += [("history_form", "get", history_form), ("history_form", "post", history_form)]
    return doors


def test_it_knows_every_admin_url_pattern_with_an_object_id():
    # A new admin view taking an object id must be added to `object_doors` (and so be probed).
    # The background import's page ("import_job") is probed in test_import_jobs: only its
    # uploader reaches it, other HR of the kommune and of other kommuner get 404.
    known = {"change", "history", "delete", "simple_history", "import_job"}
    for model, model_admin in site._registry.items():
        if not isinstance(model_admin, TenantAdmin):
            continue
        for pattern in model_admin.get_urls():
            if pattern.name is None:
                # Django's old-style "<id>/" URL: a redirect to the change page, probed there.
                assert getattr(pattern.callback, "view_class", None) is RedirectView
                continue
            name = pattern.name
            suffix = name.removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")
            if "<" in str(pattern.pattern) or "([^/]+)" in str(pattern.pattern):
                assert suffix in known, f"admin door {name} is not probed"


@pytest.mark.parametrize("model", TENANT_ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_it_answers_404_on_every_door_to_another_kommunes_object(
    client, org_a, org_b, hr_a, hr_b, model
):
    client.force_login(hr_a)
    theirs = f.sample(org_b, model)
    before = snapshot(theirs)
    for door, method, url in object_doors(model, theirs):
        response = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
        if model._meta.label in SUPERUSER_ONLY:
            assert response.status_code in (403, 404), (door, method)
        else:
            assert response.status_code == 404, (door, method, response.status_code)
    assert snapshot(theirs) == before


@pytest.mark.parametrize(
    "model",
    [m for m in TENANT_ADMIN_MODELS if m._meta.label not in SUPERUSER_ONLY],
    ids=lambda m: m._meta.label,
)
def test_it_keeps_hr_limited_to_an_omraade_inside_it_on_every_door(
    client, org_a, hr_a_limited, syd, model
):
    client.force_login(hr_a_limited)
    outside = f.sample(syd, model)
    before = snapshot(outside)
    read_only = model._meta.label in KOMMUNE_WIDE_READ
    for door, method, url in object_doors(model, outside):
        response = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
        if not read_only:
            expected = 404
        elif method == "get" and door != "delete":
            expected = 200
        else:
            expected = 403
        assert response.status_code == expected, (door, method, response.status_code)
    assert snapshot(outside) == before


# --- hole 1: the history form view ---------------------------------------------------------------


@pytest.fixture
def incident(org_a):
    return f.sample(org_a, Incident)


def test_it_hides_health_data_in_the_history_form_without_the_grant(client, org_a, hr_a, incident):
    admin_user = f.user("root", staff=True)
    admin_user.is_superuser = True
    admin_user.save()
    data = form_data(Incident, incident, admin_user, org_a.kommune, description="Ændret")
    url = admin_url(Incident, "simple_history", incident.pk, version_of(incident))
    client.force_login(hr_a)

    shown = client.get(url)
    changed = client.post(url, data)

    assert shown.status_code == 404
    assert b"glat gulv" not in shown.content
    assert changed.status_code == 404
    with tenant_scope(org_a.kommune):
        incident.refresh_from_db()
        assert incident.description == "Faldt på glat gulv"


def test_it_shows_the_history_form_with_the_grant_and_logs_the_read(client, org_a, hr_a, incident):
    with tenant_scope(org_a.kommune):
        HealthDataAccess.objects.create(
            kommune=org_a.kommune, staff=KommuneStaff.objects.get(user=hr_a)
        )
    client.force_login(hr_a)

    response = client.get(admin_url(Incident, "simple_history", incident.pk, version_of(incident)))

    assert response.status_code == 200
    assert "glat gulv" in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert IncidentViewLog.objects.filter(incident=incident, username="hr_a").exists()


def test_it_refuses_a_revert_of_a_person_outside_the_omraade(client, org_a, hr_a, hr_a_limited):
    outsider = org_a_other_person(org_a)
    data = form_data(Person, outsider, hr_a, org_a.kommune, first_name="Hacket")
    url = admin_url(Person, "simple_history", outsider.pk, version_of(outsider))
    client.force_login(hr_a_limited)

    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    with tenant_scope(org_a.kommune):
        outsider.refresh_from_db()
        assert outsider.first_name == "Ole"


def test_it_still_lets_hr_of_the_whole_kommune_revert(client, org_a, hr_a):
    person = org_a_other_person(org_a)
    version = version_of(person)
    with tenant_scope(org_a.kommune):
        person.first_name = "Olaf"
        person.save()
    data = form_data(Person, person, hr_a, org_a.kommune, first_name="Ole")
    client.force_login(hr_a)

    response = client.post(admin_url(Person, "simple_history", person.pk, version), data)

    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        person.refresh_from_db()
        assert person.first_name == "Ole"


def org_a_other_person(org_a) -> Person:
    with tenant_scope(org_a.kommune):
        return Person.objects.get(unit=org_a.other_workplace, first_name="Ole")


# --- hole 2: committees spanning the område --------------------------------------------------------


def test_it_shows_a_kommune_wide_committee_read_only_to_limited_hr(
    client, org_a, hr_a_limited, kommunewide
):
    committee, _nord, _syd = kommunewide
    client.force_login(hr_a_limited)
    before = snapshot(committee)

    page = client.get(admin_url(Committee, "change", committee.pk))
    post = client.post(admin_url(Committee, "change", committee.pk), {"name": "Omdøbt"})
    delete = client.post(admin_url(Committee, "delete", committee.pk), {"post": "yes"})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert post.status_code == 403
    assert delete.status_code == 403
    assert snapshot(committee) == before


def test_it_never_lets_limited_hr_change_seats_of_a_committee_spanning_the_omraade(
    client, org_a, hr_a, hr_a_limited, kommunewide
):
    committee, nord, syd = kommunewide
    client.force_login(hr_a_limited)
    changelist = client.get(admin_url(Membership, "changelist"))
    shown = {m.pk for m in changelist.context["cl"].result_list}
    assert {nord.pk, syd.pk} <= shown  # read: the AMO plan is known to every employee

    for seat in (nord, syd):
        data = form_data(Membership, seat, hr_a, org_a.kommune, ended_on="2026-01-31")
        assert client.post(admin_url(Membership, "change", seat.pk), data).status_code == 403
        assert (
            client.post(admin_url(Membership, "delete", seat.pk), {"post": "yes"}).status_code
            == 403
        )
    action = client.post(
        admin_url(Membership, "changelist"),
        {"action": "delete_selected", "_selected_action": [nord.pk, syd.pk], "post": "yes"},
    )
    assert action.status_code in (200, 302)
    with tenant_scope(org_a.kommune):
        assert (
            Membership.objects.filter(pk__in=[nord.pk, syd.pk], ended_on__isnull=True).count() == 2
        )


def test_it_refuses_a_new_seat_in_a_committee_spanning_the_omraade(
    client, org_a, hr_a_limited, kommunewide
):
    committee, _nord, _syd = kommunewide
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Nina", "Ny", unit=org_a.workplace)
    client.force_login(hr_a_limited)

    response = client.post(
        admin_url(Membership, "add"),
        {
            "person": person.pk,
            "committee": committee.pk,
            "role": Membership.Role.MEDARBEJDERREPRAESENTANT,
            "side": Membership.Side.MEDARBEJDER,
            "chosen": "elected",
            "start_date": "2026-01-01",
        },
    )

    assert response.status_code == 200
    assert "uden for dit område" in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert not Membership.objects.filter(person=person).exists()


def test_it_lets_limited_hr_change_what_lies_wholly_inside_the_omraade(
    client, org_a, hr_a, hr_a_limited
):
    data = form_data(Person, org_a.leader_person, hr_a, org_a.kommune, job_title="Skoleleder")
    client.force_login(hr_a_limited)

    response = client.post(admin_url(Person, "change", org_a.leader_person.pk), data)

    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        org_a.leader_person.refresh_from_db()
        assert org_a.leader_person.job_title == "Skoleleder"


def test_it_shows_limited_hr_only_structure_findings_of_the_omraade(
    client, org_a, hr_a, hr_a_limited
):
    # Both AMGs lack an AMR? Nord has one; Syd has none: a finding outside the område.
    client.force_login(hr_a)
    whole = client.get(reverse("admin:structural_checks")).content.decode()
    client.force_login(hr_a_limited)
    limited = client.get(reverse("admin:structural_checks")).content.decode()

    assert "Alfa AMG Syd mangler AMR" in whole
    assert "Alfa AMG Syd" not in limited


# --- hole 3: APV and incident overviews ----------------------------------------------------------


def test_it_keeps_limited_hr_out_of_the_apv_of_another_omraade(client, org_a, hr_a, hr_a_limited):
    client.force_login(hr_a_limited)
    assert client.get(reverse("apv:amg", args=[org_a.other_amg.public_id])).status_code == 404
    assert client.get(reverse("apv:amg", args=[org_a.amg.public_id])).status_code == 200
    client.force_login(hr_a)
    assert client.get(reverse("apv:amg", args=[org_a.other_amg.public_id])).status_code == 200


def test_it_keeps_limited_hr_out_of_the_kommune_wide_incident_overview(
    client, org_a, hr_a, hr_a_limited
):
    with tenant_scope(org_a.kommune):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
    url = reverse("incidents:overview", args=[hoved.public_id])
    client.force_login(hr_a_limited)
    limited = client.get(url)
    admin_page = client.get(reverse("admin:incidents_overview")).content.decode()
    client.force_login(hr_a)
    whole = client.get(url)

    assert limited.status_code == 404
    assert "Alfa HovedMED" not in admin_page
    assert whole.status_code == 200


# --- hole 8: autocomplete with a non-numeric id ----------------------------------------------------


@pytest.mark.parametrize(
    "model,field",
    [(Membership, "person"), (Membership, "committee"), (Person, "unit")],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_it_answers_a_non_numeric_autocomplete_id_with_a_form_error(
    client, org_a, hr_a, model, field
):
    client.force_login(hr_a)

    response = client.post(admin_url(model, "add"), {field: "abc"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert b"Traceback" not in response.content


# --- one denial code: superuser-only objects ----------------------------------------------------


def test_it_answers_404_for_a_kommune_page_to_hr(client, org_a, org_b, hr_a):
    from organisations.models import Kommune

    client.force_login(hr_a)
    for kommune in (org_a.kommune, org_b.kommune):
        for door, method, url in object_doors(Kommune, kommune):
            response = getattr(client, method)(url, {"post": "yes"} if method == "post" else None)
            assert response.status_code == 404, (kommune, door, method, response.status_code)


def test_hr_limited_to_an_omraade_sees_a_banner_naming_it(client, org_a, hr_a, hr_a_limited):
    client.force_login(hr_a_limited)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Du administrerer kun" in page and str(org_a.omraade) in page
    client.force_login(hr_a)
    assert "Du administrerer kun" not in client.get(reverse("admin:index")).content.decode()


def test_the_app_list_answers_permissions_as_django_does(org_a, hr_a, hr_a_limited):
    """`core.admin_site.permissions_answered_once` answers from the permission set while the
    app list is built: the same answer as every authentication backend gives, for every
    permission and app, for HR of the whole kommune, limited HR, a superuser, an inactive
    user and a user without permissions."""
    from django.contrib.auth.models import Permission

    from core.admin_site import permissions_answered_once

    inactive = f.hr_user(org_a.kommune, "hr_inactive")
    inactive.is_active = False
    inactive.save()
    users = [hr_a, hr_a_limited, f.user("root", superuser=True), inactive, f.user("nobody")]
    perms = [
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    ]
    apps = {perm.partition(".")[0] for perm in perms}
    for user in users:
        user = type(user).objects.get(pk=user.pk)  # no permission cache from the fixtures
        django = {perm: user.has_perm(perm) for perm in perms}
        modules = {app: user.has_module_perms(app) for app in apps}
        if user.pk == hr_a.pk:
            assert any(django.values()) and not all(django.values())
        with permissions_answered_once(user):
            assert {perm: user.has_perm(perm) for perm in perms} == django, user
            assert {app: user.has_module_perms(app) for app in apps} == modules, user
        assert "has_perm" not in vars(user)  # Django's methods again afterwards


def test_the_app_list_is_djangos(client, org_a, hr_a, hr_a_limited):
    """`HRAdminSite._build_app_dict` (permissions answered once, addresses looked up once) gives
    Django's app list, for HR of the whole kommune and limited HR, in Danish and English."""
    from django.contrib.admin import AdminSite
    from django.utils import translation

    for user in (hr_a, hr_a_limited):
        client.force_login(user)
        request = client.get(reverse("admin:index")).wsgi_request
        for language in ("da", "en"):
            with translation.override(language):
                ours = site._build_app_dict(request)
                django = AdminSite._build_app_dict(site, request)
                assert ours == django
                prefix = "/en/admin/" if language == "en" else "/admin/"
                assert ours["deadlines"]["models"][0]["admin_url"].startswith(prefix)
