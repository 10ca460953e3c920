"""The role matrix of the portal (issue 5): who may open which page and take which action.

The MATRIX below is the documentation: one row per portal page or action, one column per
persona, each cell the expected outcome. Every cell is its own test; the world is built once
per run and each test's changes are rolled back, so every cell starts from the same world.

The world (kommune A, built with the factories and services; kommune B alike, for the outsider):

    Alfa HovedMED ── Alfa LokalMED Nord ── Alfa AMG Nord      (cover Alfa Skole Nord)
                └─── Alfa AMG Syd                             (covers Alfa Plejecenter Syd)

Personas:
    AMR       Arne, AMR in Alfa AMG Nord (works at Skole Nord; consents to share with his kreds)
    TR        Tove, TR in Alfa LokalMED Nord (works at Skole Nord, not in the AMG)
    LEDER     Lene, leder in Alfa AMG Nord and the leader of Skole Nord
    HMED      Hanne, employee representative in Alfa HovedMED (works at Plejecenter Syd)
    HR        HR staff of kommune A (the Django admin is their place; no person in the portal)
    HR_B      HR staff of kommune B
    OFCR      the officer of the kreds Arne consents to (an account of the kreds, no kommune)
    OFCR_B    the officer of another kreds that also covers kommune A
    EMPL      Mette, employee at Skole Nord without any seat
    ANON      not logged in
    HR_NORD   HR of kommune A limited to Område Nord (django-guardian), no health-data grant
    HR_SYD    HR of kommune A limited to Område Syd
    HR_HLTH   HR of kommune A with the health-data grant
    TR_AMG    Tim, TR who sits in Alfa AMG Nord (not its leder or AMR)

The admin rows (issue 16) open the same objects through the HR admin: the accident's change page
and one version of it (the history form), and a HovedMED seat.

The objects: the AMG Nord page; an upcoming AMG Nord meeting (proposals still open); a held AMG
Nord meeting whose referat is written and waits for approval; an accident at Skole Nord (of a
colleague, Ivan, who is none of the personas); the AMG Nord APV page; the kreds' pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apv.models import ApvCycle
from committees.models import Committee, Membership
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.models import Deadline
from incidents.models import HealthDataAccess, Incident, Kind
from incidents.services import incident_report
from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting, Referat
from meetings.selectors import agenda_for
from organisations.models import KommuneStaff
from organisations.services import unit_save

from . import factories as f
from .conftest import build_org
from .test_unions import KREDS_NAME, build_world, join

Role = Membership.Role

# --- outcomes ------------------------------------------------------------------------------------

SEE = "see"  # 200: the page is shown
DONE = "done"  # the action is carried out: redirected back, and the change is in the database
HIDE = "404"  # not found: not theirs; the same answer as a missing object or another kommune's
DENY = "403"  # they may see the object, but not take this action
KREDS = "kreds"  # a union officer's account has no kommune: sent to their kreds pages
LOGIN = "login"  # anonymous: sent to the login page
NOADM = "no-admin"  # not HR of the kommune: sent to the admin's login (or kommune choice)

PERSONAS = (
    "AMR",
    "TR",
    "LEDER",
    "HMED",
    "HR",
    "HR_B",
    "OFCR",
    "OFCR_B",
    "EMPL",
    "ANON",
    "HR_NORD",
    "HR_SYD",
    "HR_HLTH",
    "TR_AMG",
)

# fmt: off
MATRIX = {
    #                     AMR    TR     LEDER  HMED   HR     HR_B   OFCR   OFCR_B EMPL   ANON   HR_NORD HR_SYD HR_HLTH TR_AMG
    # The portal home: everyone with a kommune (HR B: their own kommune's home).
    "home":              (SEE,   SEE,   SEE,   SEE,   SEE,   SEE,   KREDS, KREDS, SEE,   LOGIN, SEE,   SEE,   SEE,   SEE),
    # The page of AMG Nord: its members and the leader of a unit it covers.
    "committee":         (SEE,   HIDE,  SEE,   HIDE,  HIDE,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, HIDE,  HIDE,  HIDE,  SEE),
    # The kommune's compliance overview: HovedMED members (HR has the admin's overview).
    "compliance":        (HIDE,  HIDE,  HIDE,  SEE,   HIDE,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    # An upcoming AMG Nord meeting: the members, covered units' leaders and HR read it.
    "meeting":           (SEE,   HIDE,  SEE,   HIDE,  SEE,   HIDE,  KREDS, KREDS, HIDE,  LOGIN, SEE,   HIDE,  SEE,   SEE),
    # Propose an item: members only (in an AMG the leder and the AMR chair, see below, so
    # their item goes straight on the agenda; HR reads meetings but takes no part).
    "propose":           (DONE,  HIDE,  DONE,  HIDE,  DENY,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, DENY,  HIDE,  DENY,  DONE),
    # Settle the agenda: the two approval slots; an AMG has no formandskab, so the leder
    # and the AMR fill them (meetings/access.py `approver_roles`).
    "settle":            (DONE,  HIDE,  DONE,  HIDE,  DENY,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, DENY,  HIDE,  DENY,  DONE),
    # Approve the referat of the held meeting: the same two slots. A draft referat is read
    # only by those who write it and by HR, so other members do not even see it.
    "approve_referat":   (DONE,  HIDE,  DONE,  HIDE,  DENY,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, DENY,  HIDE,  DENY,  DONE),
    # Report an incident: any employee of the kommune (HR staff have no workplace here).
    "incident_report":   (SEE,   SEE,   SEE,   SEE,   HIDE,  HIDE,  KREDS, KREDS, SEE,   LOGIN, HIDE,  HIDE,  HIDE,  SEE),
    # A colleague's accident (health data): the AMG handling it and the unit's leader; HR only
    # with a health-data grant; not a colleague, not the TR, not HovedMED.
    "incident_detail":   (SEE,   HIDE,  SEE,   HIDE,  HIDE,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, HIDE,  HIDE,  SEE,   HIDE),
    # The APV of AMG Nord (AML § 15 a: available to the employees it covers and their leaders).
    "apv":               (SEE,   SEE,   SEE,   HIDE,  SEE,   HIDE,  KREDS, KREDS, SEE,   LOGIN, SEE,   HIDE,  SEE,   SEE),
    # Start the group's next APV: its members (leder and AMR); those who only read it: 403.
    "apv_start":         (DONE,  DENY,  DONE,  HIDE,  DENY,  HIDE,  KREDS, KREDS, DENY,  LOGIN, DENY,  HIDE,  DENY,  DONE),
    # The kreds officer's member list and its CSV export: that kreds' officers only.
    "kreds_overview":    (HIDE,  HIDE,  HIDE,  HIDE,  HIDE,  HIDE,  SEE,   HIDE,  HIDE,  LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    "kreds_csv":         (HIDE,  HIDE,  HIDE,  HIDE,  HIDE,  HIDE,  SEE,   HIDE,  HIDE,  LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    # Register an AMR/TR election in the portal: the leader of the unit (HR does it in the admin).
    "election_page":     (HIDE,  HIDE,  SEE,   HIDE,  HIDE,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    "election_register": (HIDE,  HIDE,  DONE,  HIDE,  HIDE,  HIDE,  KREDS, KREDS, HIDE,  LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    # A person's own pages: the union statement and the reminders sent to them.
    "my_union":          (SEE,   SEE,   SEE,   SEE,   HIDE,  HIDE,  KREDS, KREDS, SEE,   LOGIN, HIDE,  HIDE,  HIDE,  SEE),
    "reminders":         (SEE,   SEE,   SEE,   SEE,   HIDE,  HIDE,  KREDS, KREDS, SEE,   LOGIN, HIDE,  HIDE,  HIDE,  SEE),
    # The HR admin (issue 16): the accident, its history form (one version) and a HovedMED
    # seat. Health data only with the grant, and only in the HR person's units; every door
    # answers alike; the kreds officers, who have no kommune, are sent to choose one.
    "admin_incident":    (NOADM, NOADM, NOADM, NOADM, HIDE,  HIDE,  NOADM, NOADM, NOADM, NOADM, HIDE,  HIDE,  SEE,   NOADM),
    "admin_incident_version": (NOADM, NOADM, NOADM, NOADM, HIDE, HIDE, NOADM, NOADM, NOADM, NOADM, HIDE, HIDE, SEE, NOADM),
    "admin_hovedmed_seat": (NOADM, NOADM, NOADM, NOADM, SEE, HIDE,  NOADM, NOADM, NOADM, NOADM, HIDE,  HIDE,  SEE,   NOADM),
}
# fmt: on

PROPOSAL_TITLE = "Støj i kantinen"
INCIDENT_TEXT = "Faldt på den våde trappe ved kantinen"


# --- the world -----------------------------------------------------------------------------------


@dataclass
class MatrixWorld:
    org: object
    unions: object
    users: dict
    upcoming: Meeting
    held: Meeting
    incident: object
    employee_person: object
    hovedmed_seat: object
    deadline: object = None
    union_membership: object = None


def build_matrix_world() -> MatrixWorld:
    org, org_b = build_org("kommune-a", "Alfa"), build_org("kommune-b", "Beta")
    k = org.kommune
    today = timezone.localdate()
    unions = build_world(org, org_b)
    users = {
        "HR": f.hr_user(k, "hr_a"),
        "HR_B": f.hr_user(org_b.kommune, "hr_b"),
        "OFCR": unions.officer,
        "OFCR_B": unions.other_officer,
        "EMPL": f.user("mette_medarbejder"),
        "ANON": None,
        "HR_NORD": f.hr_user(k, "hr_nord", limited_to=[org.omraade]),
        "HR_SYD": f.hr_user(k, "hr_syd", limited_to=[org.other_omraade]),
        "HR_HLTH": f.hr_user(k, "hr_health"),
        "TR_AMG": f.user("tim_tr_amg"),
    }
    with tenant_scope(k):
        hovedmed = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        arne = org.amr.person
        arne.user = users["AMR"] = f.user("arne_amr")
        arne.save()
        lene = org.leader_person
        lene.user = users["LEDER"] = f.user("lene_leder")
        lene.save()
        org.workplace.leader = lene
        unit_save(org.workplace)
        users["TR"] = f.user("tove_tr")
        tove = f.person(k, "Tove", "Tillid", unit=org.workplace, user=users["TR"])
        f.membership(tove, org.med, Role.TR)
        users["HMED"] = f.user("hanne_hovedmed")
        hanne = f.person(k, "Hanne", "Hovedmed", unit=org.other_workplace, user=users["HMED"])
        hovedmed_seat = f.membership(hanne, hovedmed, Role.MEDARBEJDERREPRAESENTANT)
        tim = f.person(k, "Tim", "TrIAmg", unit=org.workplace, user=users["TR_AMG"])
        f.membership(tim, org.amg, Role.TR)
        HealthDataAccess.objects.create(
            kommune=k, staff=KommuneStaff.objects.get(user=users["HR_HLTH"])
        )
        mette = f.person(k, "Mette", "Medarbejder", unit=org.workplace, user=users["EMPL"])
        ivan = f.person(k, "Ivan", "Tilskadekommen", unit=org.workplace)

        upcoming = meeting_services.meeting_create(
            committee=org.amg, date=today + datetime.timedelta(days=30)
        )
        held = meeting_services.meeting_create(
            committee=org.amg, date=today - datetime.timedelta(days=3)
        )
        item = agenda_for(held).items[0]
        meeting_services.minutes_write(item, minutes="Dagsordenen blev godkendt.", decisions=[])

        incident = incident_report(
            kind=Kind.ARBEJDSULYKKE,
            occurred_on=today - datetime.timedelta(days=2),
            place="Trappen ved kantinen",
            unit=org.workplace,
            description=INCIDENT_TEXT,
            injured=ivan,
            reporter=ivan,
        )
        deadline = Deadline.objects.filter(person=arne).order_by("due_date").first()
    union_membership = join(arne, unions.kreds)
    return MatrixWorld(
        org,
        unions,
        users,
        upcoming,
        held,
        incident,
        mette,
        hovedmed_seat,
        deadline,
        union_membership,
    )


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """Built once for the 170 cells: the world lives in an outer transaction, and each test's
    own transaction (the `db` fixture) is a savepoint inside it, rolled back after the test, so
    every cell still starts from the same untouched world."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_matrix_world()
        with django_db_blocker.block():
            yield world
        transaction.set_rollback(True)


@pytest.fixture
def w(db, matrix_world) -> MatrixWorld:
    return matrix_world


# --- the pages and actions -----------------------------------------------------------------------


def _referat(w: MatrixWorld) -> Referat:
    return Referat.objects.get(meeting=w.held)


@dataclass(frozen=True)
class Page:
    url: Callable[[MatrixWorld], str]
    method: str = "get"
    data: Callable[[MatrixWorld], dict] | None = None
    # For actions: has the change been made? (Checked inside kommune A's scope.)
    done: Callable[[MatrixWorld], bool] | None = None
    # For pages: a text that must be on the page when it is shown.
    shows: str | None = None


PAGES = {
    "home": Page(lambda w: reverse("portal:home")),
    "committee": Page(
        lambda w: reverse("portal:committee", args=[w.org.amg.public_id]), shows="Alfa AMG Nord"
    ),
    "compliance": Page(lambda w: reverse("portal:compliance"), shows="Efter område"),
    "meeting": Page(
        lambda w: reverse("meetings:meeting", args=[w.upcoming.public_id]), shows="Alfa AMG Nord"
    ),
    "propose": Page(
        lambda w: reverse("meetings:propose", args=[w.upcoming.public_id]),
        method="post",
        data=lambda w: {"title": PROPOSAL_TITLE, "description": "Målinger i frokostpausen"},
        done=lambda w: AgendaItem.objects.filter(meeting=w.upcoming, title=PROPOSAL_TITLE).exists(),
    ),
    "settle": Page(
        lambda w: reverse("meetings:settle", args=[w.upcoming.public_id]),
        method="post",
        done=lambda w: Meeting.objects.get(pk=w.upcoming.pk).agenda_settled_at is not None,
    ),
    "approve_referat": Page(
        lambda w: reverse("meetings:approve", args=[w.held.public_id]),
        method="post",
        done=lambda w: bool(_referat(w).first_approved_by_id or _referat(w).second_approved_by_id),
    ),
    "incident_report": Page(lambda w: reverse("incidents:report"), shows="Alfa Skole Nord"),
    "incident_detail": Page(
        lambda w: reverse("incidents:detail", args=[w.incident.public_id]), shows=INCIDENT_TEXT
    ),
    "apv": Page(lambda w: reverse("apv:amg", args=[w.org.amg.public_id]), shows="Alfa AMG Nord"),
    "apv_start": Page(
        lambda w: reverse("apv:start", args=[w.org.amg.public_id]),
        method="post",
        data=lambda w: {"method": ApvCycle.Method.CHECKLIST},
        done=lambda w: ApvCycle.objects.filter(committee=w.org.amg).exists(),
    ),
    "kreds_overview": Page(
        lambda w: reverse("unions:overview", args=[w.unions.kreds.public_id]),
        shows="Arne AlfaAmr",  # the consenting AMR
    ),
    "kreds_csv": Page(
        lambda w: reverse("unions:export", args=[w.unions.kreds.public_id]), shows="Arne AlfaAmr"
    ),
    "election_page": Page(lambda w: reverse("unions:election_new"), shows="Alfa AMG Nord"),
    "election_register": Page(
        lambda w: reverse("unions:election_new"),
        method="post",
        data=lambda w: {
            "committee": w.org.amg.public_id,
            "person": w.employee_person.public_id,
            "role": Role.AMR,
            "start_date": timezone.localdate().isoformat(),
            "employer_notified_on": timezone.localdate().isoformat(),
        },
        done=lambda w: Membership.objects.filter(
            person=w.employee_person, committee=w.org.amg, role=Role.AMR
        ).exists(),
    ),
    "my_union": Page(lambda w: reverse("unions:my_union"), shows=KREDS_NAME),
    "reminders": Page(lambda w: reverse("reminders:mine")),
}


def _admin(view: str, model, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _version(obj) -> int:
    with scopes_disabled():
        return type(obj).history.filter(id=obj.pk).order_by("-history_id").first().history_id


PAGES.update(
    {
        "admin_incident": Page(
            lambda w: _admin("change", Incident, w.incident.pk), shows=INCIDENT_TEXT
        ),
        "admin_incident_version": Page(
            lambda w: _admin("simple_history", Incident, w.incident.pk, _version(w.incident)),
            shows=INCIDENT_TEXT,
        ),
        "admin_hovedmed_seat": Page(
            lambda w: _admin("change", Membership, w.hovedmed_seat.pk), shows="Hovedmed"
        ),
    }
)


def outcome(response, method: str) -> str:
    if response.status_code == 200:
        return SEE
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("portal:login")):
            return LOGIN
        if location == reverse("unions:index"):
            return KREDS
        if location.startswith(reverse("admin:index")):
            return NOADM
        if method == "post":
            return DONE  # an action redirects back to its page (whether it worked: see `done`)
        return f"redirect to {location}"
    return f"unexpected {response.status_code}"


CELLS = [(page, persona) for page in MATRIX for persona in PERSONAS]


def test_the_matrix_has_a_cell_for_every_page_and_persona():
    assert set(MATRIX) == set(PAGES)
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())
    # Every action has somebody who may take it and somebody who may not.
    for key, page in PAGES.items():
        row = MATRIX[key]
        allowed = DONE if page.done else SEE
        assert allowed in row and any(cell != allowed for cell in row), key


@pytest.mark.parametrize(("page_key", "persona"), CELLS, ids=[f"{p}-{r}" for p, r in CELLS])
def test_role_matrix(client, w, page_key, persona):
    page = PAGES[page_key]
    expected = MATRIX[page_key][PERSONAS.index(persona)]
    user = w.users[persona]
    if user is not None:
        client.force_login(user)
    kommune = w.org.kommune

    if page.done is not None:
        with tenant_scope(kommune):
            assert not page.done(w), "the change must not be there before the action"

    url = page.url(w)
    data = page.data(w) if page.data else {}
    response = client.post(url, data) if page.method == "post" else client.get(url)
    assert outcome(response, page.method) == expected, (
        f"{page_key} as {persona}: {response.status_code}"
    )

    if page.done is not None:
        with tenant_scope(kommune):
            assert page.done(w) == (expected == DONE), f"{page_key} as {persona}: change made?"
    if expected == SEE and page.shows:
        assert page.shows in response.content.decode("utf-8")


# --- the decisions behind the pages (core.access.access_to) -------------------------------------

OBJECTS = {
    "committee": lambda w: w.org.amg,
    "seat_hovedmed": lambda w: w.hovedmed_seat,
    "person_ivan": lambda w: w.incident.injured,
    "meeting": lambda w: w.upcoming,
    "item_held": lambda w: agenda_for(w.held).items[0],
    "referat_draft": lambda w: _referat(w),
    "incident": lambda w: w.incident,
    "health_data": lambda w: (w.incident, "health_data"),
    "deadline_arne": lambda w: w.deadline,
    "union_arne": lambda w: w.union_membership,
    "apv_cycle": lambda w: _closed_survey_cycle(w),
    "survey_results": lambda w: (_closed_survey_cycle(w), "survey"),
}


def _closed_survey_cycle(w: MatrixWorld) -> ApvCycle:
    """An APV of AMG Nord mapped with the anonymous survey, now closed (made inside the
    test's own transaction, so the "apv_start" cells still start without one)."""
    cycle = ApvCycle.objects.filter(committee=w.org.amg).first()
    if cycle is None:
        cycle = ApvCycle.objects.create(
            kommune=w.org.kommune,
            committee=w.org.amg,
            method=ApvCycle.Method.SURVEY,
            survey_closed=True,
        )
    return cycle


def decision_request(w: MatrixWorld, persona: str, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    user = w.users[persona]
    request.user = user or AnonymousUser()
    request.kommune = None if persona in ("OFCR", "OFCR_B", "ANON") else w.org.kommune
    return request


# Each cell: "r" read, "w" change, "-" not; HR_B is never asked (the tenant scope hides kommune
# A's objects from kommune B: tests/test_door_probe.py). The pages above are these decisions
# plus the role-bound actions (settle, approve, start an APV).
# fmt: off
DECISIONS = {
    #                  AMR   TR    LEDER HMED  HR    HR_B  OFCR  OFCR_B EMPL ANON  HR_NORD HR_SYD HR_HLTH TR_AMG
    # AMG Nord: its members and the leader of the unit it covers read; HR of its units changes.
    "committee":      ("r-", "--", "r-", "--", "rw", None, "--", "--", "--", "--", "rw", "--", "rw", "r-"),
    # Hanne's HovedMED seat: she reads it; HR of the whole kommune changes it (HovedMED covers
    # the kommune, not only one område).
    "seat_hovedmed":  ("--", "--", "--", "r-", "rw", None, "--", "--", "--", "--", "--", "--", "rw", "--"),
    # Ivan (Skole Nord): his leader reads; HR of Nord changes.
    "person_ivan":    ("--", "--", "r-", "--", "rw", None, "--", "--", "--", "--", "rw", "--", "rw", "--"),
    # The upcoming AMG meeting and an item of the held one: members read, the two approval
    # slots (leder, AMR, and the TR in the AMG) change; HR of its units.
    "meeting":        ("rw", "--", "rw", "--", "rw", None, "--", "--", "--", "--", "rw", "--", "rw", "rw"),
    "item_held":      ("rw", "--", "rw", "--", "rw", None, "--", "--", "--", "--", "rw", "--", "rw", "rw"),
    # The draft referat: those who write it, and HR.
    "referat_draft":  ("rw", "--", "rw", "--", "rw", None, "--", "--", "--", "--", "rw", "--", "rw", "rw"),
    # Ivan's accident and its health data: the AMG's leder and AMR, HR with the grant.
    "incident":       ("rw", "--", "rw", "--", "--", None, "--", "--", "--", "--", "--", "--", "rw", "--"),
    "health_data":    ("rw", "--", "rw", "--", "--", None, "--", "--", "--", "--", "--", "--", "rw", "--"),
    # Arne's course deadline: Arne and his leader read; HR of his unit marks it done or waives.
    "deadline_arne":  ("r-", "--", "r-", "--", "rw", None, "--", "--", "--", "--", "rw", "--", "rw", "--"),
    # Arne's union membership: he alone changes it; his kreds reads it with his consent; HR never.
    "union_arne":     ("rw", "--", "--", "--", "--", None, "r-", "--", "--", "--", "--", "--", "--", "--"),
    # AMG Nord's APV (AML § 15 a): the group changes it; the employees and leaders it covers
    # read it; HR of its units changes it in the admin.
    "apv_cycle":      ("rw", "r-", "rw", "--", "rw", None, "--", "--", "r-", "--", "rw", "--", "rw", "rw"),
    # Its closed anonymous survey's results: whoever reads the APV; nobody changes an answer.
    "survey_results": ("r-", "r-", "r-", "--", "r-", None, "--", "--", "r-", "--", "r-", "--", "r-", "r-"),
}
# fmt: on

DECISION_CELLS = [(key, p) for key in DECISIONS for p in PERSONAS if p != "HR_B"]


def test_the_decision_matrix_covers_every_object_and_persona():
    assert set(DECISIONS) == set(OBJECTS)
    assert all(len(row) == len(PERSONAS) for row in DECISIONS.values())


@pytest.mark.parametrize(
    ("key", "persona"), DECISION_CELLS, ids=[f"{k}-{p}" for k, p in DECISION_CELLS]
)
def test_decision_matrix(w, rf, key, persona):
    from core.access import access_to

    expected = DECISIONS[key][PERSONAS.index(persona)]
    with tenant_scope(w.org.kommune):
        target = OBJECTS[key](w)
        obj, aspect = target if isinstance(target, tuple) else (target, "")
        decided = access_to(decision_request(w, persona, rf), obj, aspect)
    got = ("r" if decided.read else "-") + ("w" if decided.change else "-")
    assert got == expected, f"{key} as {persona}: {decided.reason}"
    if got != "rw":
        assert decided.reason  # a refusal says why


def test_the_pages_open_what_the_decisions_allow(w, rf, client):
    """The meeting page, the accident's page and the admin's seat agree with the decisions."""
    rows = {
        "meeting": "meeting",
        "incident_detail": "incident",
        "admin_hovedmed_seat": "seat_hovedmed",
    }
    for page_key, key in rows.items():
        for persona in PERSONAS:
            cell = MATRIX[page_key][PERSONAS.index(persona)]
            if cell not in (SEE, HIDE):
                continue
            if persona == "HR_B":
                continue  # kommune B's HR never reaches kommune A's objects (door probe)
            decided = DECISIONS[key][PERSONAS.index(persona)]
            assert (cell == SEE) == decided.startswith("r"), (page_key, persona)
