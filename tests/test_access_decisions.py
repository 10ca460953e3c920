"""One access decision per object type (issue 16): every object type has one decider in its
app's access module, with one shape (`read`, `change`, `reason`), and the doors agree with it.

Here: the registry covers every object type the issue names; an object type without a decider
is refused, never opened; and for HR — whole kommune, limited to Område Nord, limited to Område
Syd, with the health-data grant — the admin's decision about every sample object (inside Nord
and inside Syd) is the decider's. The portal personas are in tests/test_role_matrix.py
(DECISIONS), beside the pages they open."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from apv.models import ApvActionItem, ApvCycle
from committees.models import Committee, Membership
from core.access import Access, access_to, deciders
from core.admin import TenantAdmin
from core.admin_site import site
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from incidents.models import HealthDataAccess, Incident, IncidentMeasure
from meetings.models import ActionItem, AgendaItem, DocumentJob, ItemAttachment, Meeting, Referat
from organisations.models import KommuneStaff, Person, Unit
from training.models import Completion, CourseDate, Enrolment
from unions.models import UnionMembership

from . import factories as f
from .test_admin_access import syd  # noqa: F401 (fixture)

# The object types of the issue, each with its decider (and aspect).
NAMED = {
    "committee": (Committee, ""),
    "membership": (Membership, ""),
    "person": (Person, ""),
    "meeting": (Meeting, ""),
    "agenda item": (AgendaItem, ""),
    "referat": (Referat, ""),
    "APV cycle": (ApvCycle, ""),
    "survey": (ApvCycle, "survey"),
    "incident": (Incident, ""),
    "health data": (Incident, "health_data"),
    "deadline": (Deadline, ""),
    "union membership": (UnionMembership, ""),
    "document": (ItemAttachment, ""),
    "background document": (DocumentJob, ""),
    "follow-up action": (ActionItem, ""),
    "handlingsplan line": (ApvActionItem, ""),
    "preventive measure": (IncidentMeasure, ""),
    "course completion": (Completion, ""),
    "course date": (CourseDate, ""),
    "course booking": (Enrolment, ""),
}


def test_every_object_type_has_one_decider():
    registered = deciders()
    missing = [name for name, key in NAMED.items() if key not in registered]
    assert not missing, f"no decider for {missing}"


def test_an_object_type_without_a_decider_is_refused(org_a, rf):
    request = rf.get("/")
    request.user, request.kommune = AnonymousUser(), org_a.kommune
    with tenant_scope(org_a.kommune), pytest.raises(LookupError):
        access_to(request, Unit.objects.first())


# --- HR: the admin's decision is the decider's ---------------------------------------------------

# Models with both an admin and a decider (the admin decides HR's part of every decider).
SHARED = sorted(
    {
        model
        for (model, aspect) in deciders()
        if not aspect and isinstance(site._registry.get(model), TenantAdmin)
    },
    key=lambda m: m._meta.label,
)


def hr_request(rf, user, kommune):
    request = rf.get("/")
    request.user, request.kommune = user, kommune
    return request


@pytest.fixture
def hr_personas(org_a):
    health = f.hr_user(org_a.kommune, "hr_health")
    with tenant_scope(org_a.kommune):
        HealthDataAccess.objects.create(
            kommune=org_a.kommune, staff=KommuneStaff.objects.get(user=health)
        )
    return {
        "HR": f.hr_user(org_a.kommune, "hr_whole"),
        "HR_NORD": f.hr_user(org_a.kommune, "hr_nord", limited_to=[org_a.omraade]),
        "HR_SYD": f.hr_user(org_a.kommune, "hr_syd", limited_to=[org_a.other_omraade]),
        "HR_HLTH": health,
    }


def test_shared_covers_the_models_hr_maintains():
    labels = {m._meta.label for m in SHARED}
    assert {"committees.Committee", "committees.Membership", "organisations.Person"} <= labels
    assert {"meetings.Meeting", "incidents.Incident", "deadlines.Deadline"} <= labels


@pytest.mark.parametrize("where", ["Nord", "Syd"])
@pytest.mark.parametrize("model", SHARED, ids=lambda m: m._meta.label)
def test_the_admin_and_the_decider_agree_for_every_hr_persona(
    rf,
    org_a,
    syd,  # noqa: F811 (the fixture imported above)
    hr_personas,
    model,
    where,
):
    model_admin = site._registry[model]
    obj = f.sample(org_a if where == "Nord" else syd, model)
    disagreements, seen = [], set()
    for persona, user in hr_personas.items():
        with tenant_scope(org_a.kommune):
            admin = model_admin.object_access(hr_request(rf, user, org_a.kommune), obj)
            decided = access_to(hr_request(rf, user, org_a.kommune), obj)
        assert isinstance(decided, Access)
        seen.add((decided.read, decided.change))
        if (admin.read, admin.change) != (decided.read, decided.change):
            disagreements.append((persona, admin, decided))
        if not (decided.read and decided.change):
            assert decided.reason, (persona, "a refusal says why")
    assert not disagreements
    assert len(seen) > 1, "the personas differ on every object (an area or a grant decides)"
