"""The integration API (issue 13): the door (token, scopes, kommune), the resources, the HR
system's sync and the webhooks."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import ApiAuditEntry, ApiClient, Scope, WebhookDelivery, WebhookEndpoint
from api.services import api_client_create, api_client_revoke, webhook_endpoint_save
from committees.models import Membership
from core import outbox
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.engine import evaluate_kommune
from deadlines.models import Deadline
from organisations.models import Person, Unit
from training.models import Completion, Enrolment

from . import factories as f

ALL_SCOPES = [scope for scope, _label in Scope.choices]


def api(token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(headers=headers)


@pytest.fixture
def token_a(org_a):
    with tenant_scope(org_a.kommune):
        _client, token = api_client_create(org_a.kommune, name="Lønsystem", scopes=ALL_SCOPES)
    return token


@pytest.fixture
def token_b(org_b):
    with tenant_scope(org_b.kommune):
        _client, token = api_client_create(org_b.kommune, name="ESDH B", scopes=ALL_SCOPES)
    return token


def ids_of_b(org_b) -> dict[str, uuid.UUID]:
    with tenant_scope(org_b.kommune):
        evaluate_kommune(org_b.kommune)
        return {
            "units": org_b.workplace.public_id,
            "people": org_b.amr.person.public_id,
            "committees": org_b.amg.public_id,
            "memberships": org_b.amr.public_id,
            "deadlines": Deadline.objects.visible().first().public_id,
        }


ENDPOINTS = ["units", "people", "committees", "memberships", "deadlines"]


# --- the door -----------------------------------------------------------------------------------


def test_another_kommunes_object_is_not_found_like_a_missing_one(org_a, org_b, token_a):
    foreign = ids_of_b(org_b)
    client = api(token_a)
    for name in ENDPOINTS:
        other = client.get(f"/api/v1/{name}/{foreign[name]}/")
        missing = client.get(f"/api/v1/{name}/{uuid.uuid4()}/")
        assert other.status_code == missing.status_code == 404, name
        assert other.json() == missing.json()
        for method in ("put", "patch"):
            if name in ("units", "people", "memberships"):
                response = getattr(client, method)(
                    f"/api/v1/{name}/{foreign[name]}/",
                    data={"name": "x"},
                    content_type="application/json",
                )
                assert response.status_code == 404, (name, method)
        # Nor does a list show it, or a filter by it find anything.
        listed = client.get(f"/api/v1/{name}/")
        assert str(foreign[name]) not in listed.content.decode()


def test_a_reference_to_another_kommunes_object_is_refused(org_a, org_b, token_a):
    response = api(token_a).post(
        "/api/v1/people/",
        data={"first_name": "Ny", "last_name": "Person", "unit": str(org_b.workplace.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    with tenant_scope(org_a.kommune):
        assert not Person.objects.filter(first_name="Ny").exists()


@pytest.mark.parametrize(
    ("scopes", "method", "path"),
    [
        ([Scope.DEADLINES_READ], "get", "/api/v1/people/"),
        ([Scope.ORG_READ], "get", "/api/v1/deadlines/"),
        ([Scope.ORG_READ], "post", "/api/v1/units/"),
        ([Scope.ORG_READ], "post", "/api/v1/sync/"),
        ([Scope.ORG_WRITE], "delete", "/api/v1/units/"),
    ],
)
def test_a_client_without_the_scope_is_refused(org_a, scopes, method, path):
    with tenant_scope(org_a.kommune):
        client, token = api_client_create(org_a.kommune, name="Smal", scopes=scopes)
    response = getattr(api(token), method)(path, data={}, content_type="application/json")
    assert response.status_code in (403, 405)
    if method != "delete":
        assert response.status_code == 403
        with scopes_disabled():
            assert ApiAuditEntry.objects.filter(client=client, status=403).exists()


def test_a_missing_wrong_expired_or_revoked_token_gets_401(org_a, token_a):
    assert api().get("/api/v1/units/").status_code == 401
    assert api("medorg_abc_nonsense").get("/api/v1/units/").status_code == 401
    assert api(token_a + "x").get("/api/v1/units/").status_code == 401
    assert api(token_a).get("/api/v1/units/").status_code == 200
    with scopes_disabled():
        client = ApiClient.objects.get(token_prefix=tokens.token_prefix(token_a))
    client.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    with scopes_disabled():
        client.save()
    assert api(token_a).get("/api/v1/units/").status_code == 401
    client.expires_at = None
    with scopes_disabled():
        client.save()
        api_client_revoke(client)
    response = api(token_a).get("/api/v1/units/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_token_is_stored_hashed(org_a, token_a):
    with scopes_disabled():
        client = ApiClient.objects.get()
    assert token_a not in client.token_hash
    assert client.token_hash == hashlib.sha256(token_a.encode()).hexdigest()


# --- resources ------------------------------------------------------------------------------------


def test_lists_are_paginated_by_cursor(org_a, token_a):
    client = api(token_a)
    first = client.get("/api/v1/units/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    seen = {u["id"] for u in first["results"]} | {u["id"] for u in second["results"]}
    with tenant_scope(org_a.kommune):
        assert seen == {str(u.public_id) for u in Unit.objects.all()}


# The lists of the large tables, with the index their pages are read by (core.tenancy.
# kommune_pk_index): a page in pk order within the kommune.
LIST_INDEXES = {
    "units": (Unit, "unit_kommune_pk"),
    "people": (Person, "person_kommune_pk"),
    "memberships": (Membership, "membership_kommune_pk"),
    "deadlines": (Deadline, "deadline_kommune_pk"),
    "enrolments": (Enrolment, "enrolment_kommune_pk"),
    "completions": (Completion, "completion_kommune_pk"),
}


PLANNER_SHORTCUTS = ("enable_seqscan", "enable_bitmapscan", "enable_sort")


@pytest.mark.parametrize("endpoint", LIST_INDEXES)
def test_a_list_page_reads_only_its_kommunes_rows(
    require_postgres, org_a, org_b, token_a, endpoint
):
    """A page of a list comes from the (kommune, id) index, without a sort: not from the
    primary key with every other kommune's rows skipped (at 98 kommuner, a page of a kommune
    whose rows come late in the table read thousands of rows). The planner's other ways (a
    sequential or bitmap scan and a sort, cheapest for a few rows) are turned off, so that the
    plan shows what the indexes allow, whatever the size of the test data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = api(token_a).get(f"/api/v1/{endpoint}/?page_size=2")
    assert response.status_code == 200
    model, index = LIST_INDEXES[endpoint]
    table = model._meta.db_table
    (page,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    with connection.cursor() as cursor:
        for setting in PLANNER_SHORTCUTS:
            cursor.execute(f"SET {setting} = off")
        try:
            cursor.execute(f"EXPLAIN {page}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for setting in PLANNER_SHORTCUTS:
                cursor.execute(f"RESET {setting}")
    assert f"Index Scan using {index} on {table}" in plan, plan
    assert "Sort" not in plan, plan


def test_deadlines_are_filtered(org_a, token_a):
    with tenant_scope(org_a.kommune):
        evaluate_kommune(org_a.kommune)
        amr_deadlines = set(
            Deadline.objects.visible()
            .filter(person=org_a.amr.person)
            .values_list("public_id", flat=True)
        )
    assert amr_deadlines
    client = api(token_a)
    response = client.get(f"/api/v1/deadlines/?person={org_a.amr.person.public_id}")
    assert {uuid.UUID(d["id"]) for d in response.json()["results"]} == amr_deadlines
    assert client.get("/api/v1/deadlines/?due_before=nonsense").status_code == 400
    assert client.get("/api/v1/deadlines/?status=nonsense").status_code == 400
    far = client.get("/api/v1/deadlines/?due_after=2999-01-01").json()
    assert far["results"] == []


def test_a_person_written_through_the_api_has_the_client_in_its_history(org_a, token_a):
    client = api(token_a)
    response = client.post(
        "/api/v1/people/",
        data={
            "external_id": "L-1001",
            "first_name": "Sofie",
            "last_name": "Sørensen",
            "unit": str(org_a.workplace.public_id),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    public_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/people/{public_id}/",
        data={"job_title": "Pædagog"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["job_title"] == "Pædagog"
    with tenant_scope(org_a.kommune):
        person = Person.objects.get(public_id=public_id)
        users = {h.history_user.username for h in person.history.all()}
        assert users == {ApiClient.objects.get().user.username}
        audit = list(ApiAuditEntry.objects.order_by("at").values_list("method", "status"))
    assert audit == [("POST", 201), ("PATCH", 200)]


def test_the_models_own_rules_apply(org_a, token_a):
    response = api(token_a).post(
        "/api/v1/units/",
        data={"external_id": "ny-afd", "name": "Ny", "kind": "afdeling"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_seat_created_through_the_api_starts_its_deadlines(org_a, token_a):
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Ida", "Ny", unit=org_a.workplace)
    response = api(token_a).post(
        "/api/v1/memberships/",
        data={
            "person": str(person.public_id),
            "committee": str(org_a.amg.public_id),
            "role": "amr",
            "start_date": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["side"] == "medarbejder"
    with tenant_scope(org_a.kommune):
        assert Deadline.objects.open().filter(person=person).exists()


# --- the HR system's sync ---------------------------------------------------------------------


def sync_body(**extra):
    return {
        "units": [
            {"external_id": "omr-x", "name": "Område X", "kind": "omraade"},
            {
                "external_id": "skole-x",
                "name": "Skole X",
                "kind": "arbejdsplads",
                "parent": "omr-x",
                "headcount": 40,
            },
        ],
        "people": [
            {
                "external_id": f"HR-{n}",
                "first_name": f"Navn{n}",
                "last_name": "Hansen",
                "email": f"e{n}@x.dk",
                "unit": "skole-x",
                "hired_on": "2020-01-01",
            }
            for n in range(5)
        ],
        **extra,
    }


def post_sync(token, body):
    return api(token).post("/api/v1/sync/", data=body, content_type="application/json")


def history_rows(kommune) -> int:
    with tenant_scope(kommune):
        return Person.history.count() + Unit.history.count()


def test_the_sync_is_idempotent(org_a, token_a):
    first = post_sync(token_a, sync_body())
    assert first.status_code == 200, first.content
    assert first.json()["units"]["created"] == 2
    assert first.json()["people"]["created"] == 5
    rows = history_rows(org_a.kommune)
    second = post_sync(token_a, sync_body())
    assert second.json()["people"] == {"created": 0, "updated": 0, "unchanged": 5, "ended": 0}
    assert second.json()["units"]["unchanged"] == 2
    assert second.json()["changes"] == []
    assert history_rows(org_a.kommune) == rows
    with tenant_scope(org_a.kommune):
        person = Person.objects.get(employee_number="HR-3")
        assert person.unit.code == "skole-x"
        assert person.history.get().history_user.username.startswith("api-")


def test_a_dry_run_writes_nothing(org_a, token_a):
    response = post_sync(token_a, sync_body(dry_run=True))
    assert response.json()["people"]["created"] == 5
    assert response.json()["dry_run"] is True
    with tenant_scope(org_a.kommune):
        assert not Person.objects.filter(employee_number__startswith="HR-").exists()
        assert not Unit.objects.filter(code="omr-x").exists()


def test_one_bad_row_rejects_the_whole_sync(org_a, token_a):
    body = sync_body()
    body["people"][3]["unit"] = "findes-ikke"
    body["people"][4]["hired_on"] = "31-12-2020"
    body["people"].append({"external_id": "HR-1", "first_name": "Dobbelt", "last_name": "X"})
    body["units"].append({"external_id": "afd", "name": "Afd", "kind": "afdeling"})
    response = post_sync(token_a, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    by_row = {(e["list"], e["row"]): e["messages"] for e in errors}
    assert "unit" in by_row[("people", 3)]
    assert "hired_on" in by_row[("people", 4)]
    assert "external_id" in by_row[("people", 5)]
    assert "parent" in by_row[("units", 2)]
    with tenant_scope(org_a.kommune):
        assert not Unit.objects.filter(code="omr-x").exists()
        assert not Person.objects.filter(employee_number__startswith="HR-").exists()
        assert ApiAuditEntry.objects.get().status == 400


def test_a_full_sync_ends_the_people_missing_from_it(org_a, token_a):
    with tenant_scope(org_a.kommune):
        amr = org_a.amr.person
        amr.employee_number = "AMR-1"
        amr.save()
        manual = f.person(org_a.kommune, "Uden", "Nummer", unit=org_a.workplace)
        Person.objects.filter(pk=manual.pk).update(employee_number="")
        with_numbers = Person.objects.exclude(employee_number="").count()
        evaluate_kommune(org_a.kommune)
        assert Deadline.objects.open().filter(person=amr).exists()
    partial = post_sync(token_a, sync_body())
    assert partial.json()["people"]["ended"] == 0  # not a full sync
    response = post_sync(token_a, sync_body(full=True))
    assert response.json()["people"]["ended"] == with_numbers
    today = timezone.localdate()
    with tenant_scope(org_a.kommune):
        amr.refresh_from_db()
        assert amr.left_on == today
        assert Membership.objects.get(pk=org_a.amr.pk).ended_on == today
        assert not Deadline.objects.open().filter(person=amr).exists()
        manual.refresh_from_db()
        assert manual.left_on is None  # not the HR system's


def test_the_sync_refuses_what_is_not_a_list(org_a, token_a):
    response = post_sync(token_a, {"people": "nej", "full": "ja"})
    assert response.status_code == 400
    assert {e["list"] for e in response.json()["errors"]} == {"request"}


# --- webhooks ---------------------------------------------------------------------------------------


class Receiver:
    """A webhook receiver in the test process: checks every signature, answers 500 to the first
    `fail_first` deliveries, records the events it accepted."""

    def __init__(self, secret: str = "", fail_first: int = 0):
        self.secret, self.fail_first, self.accepted, self.calls = secret, fail_first, [], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                stamp = dict(p.split("=", 1) for p in self.headers["X-Medorg-Signature"].split(","))
                expected = hmac.new(
                    receiver.secret.encode(), f"{stamp['t']}.".encode() + body, hashlib.sha256
                ).hexdigest()
                fresh = abs(int(stamp["t"]) - datetime.datetime.now().timestamp()) < 300
                if not (hmac.compare_digest(expected, stamp["v1"]) and fresh):
                    self.send_response(401)
                elif receiver.calls <= receiver.fail_first:
                    self.send_response(500)
                else:
                    event = json.loads(body)
                    if event["id"] not in {e["id"] for e in receiver.accepted}:
                        receiver.accepted.append(event)
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver(fail_first=1)
    yield r
    r.close()


def endpoint_for(kommune, url, receiver=None, **kwargs) -> WebhookEndpoint:
    with tenant_scope(kommune):
        endpoint = WebhookEndpoint(kommune=kommune, name="ESDH", url=url, **kwargs)
        secret = webhook_endpoint_save(endpoint)
    if receiver is not None:
        receiver.secret = secret
    return endpoint


def deliver_all(now=None):
    with scopes_disabled():
        pks = list(WebhookDelivery.objects.values_list("pk", flat=True))
    return outbox.send_many("api.webhook", pks, now=now)


def test_a_webhook_is_signed_and_delivered_once_after_a_failure(org_a, receiver):
    endpoint_for(org_a.kommune, receiver.url, receiver, events=["membership.changed"])
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Vera", "Valgt", unit=org_a.workplace)
        f.membership(person, org_a.amg, Membership.Role.AMR)
    assert deliver_all() == {"failed": 1}
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
    assert delivery.response_status == 500 and delivery.state == "pending"
    later = timezone.now() + datetime.timedelta(hours=1)
    assert deliver_all(now=later) == {"sent": 1}
    assert deliver_all(now=later + datetime.timedelta(hours=1)) == {"not_claimed": 1}  # sent once
    assert receiver.calls == 2
    [event] = receiver.accepted
    assert event["type"] == "membership.changed"
    assert event["data"]["person"] == str(person.public_id)
    assert event["data"]["role"] == "amr"


def test_a_wrong_secret_is_refused_by_the_receiver(org_a):
    receiver = Receiver(secret="not-the-one")
    try:
        endpoint_for(org_a.kommune, receiver.url)
        with tenant_scope(org_a.kommune):
            f.membership(org_a.leader_person, org_a.med, Membership.Role.LEDER)
        assert deliver_all() == {"failed": 1}
        with scopes_disabled():
            assert WebhookDelivery.objects.get().response_status == 401
        assert receiver.accepted == []
    finally:
        receiver.close()


def test_an_event_of_another_kommune_is_not_delivered(org_a, org_b, receiver):
    endpoint_for(org_a.kommune, receiver.url, receiver)
    with tenant_scope(org_b.kommune):
        f.membership(org_b.leader_person, org_b.med, Membership.Role.LEDER)
    with scopes_disabled():
        assert not WebhookDelivery.objects.exists()


def test_overdue_deadlines_are_raised_once(org_a, receiver):
    from deadlines.events import overdue_raise

    receiver.fail_first = 0
    endpoint_for(org_a.kommune, receiver.url, receiver, events=["deadline.overdue"])
    with tenant_scope(org_a.kommune):
        evaluate_kommune(org_a.kommune)
        deadline = Deadline.objects.open().order_by("due_date").first()
    day_after = deadline.due_date + datetime.timedelta(days=1)
    assert overdue_raise(day_after) >= 1
    overdue_raise(day_after + datetime.timedelta(days=1))  # the next night: nothing new
    with scopes_disabled():
        keys = list(WebhookDelivery.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    assert f"deadline:{deadline.public_id}:{deadline.due_date.isoformat()}" in keys
    with time_machine.travel(timezone.now(), tick=True):
        deliver_all()
    assert str(deadline.public_id) in {e["data"]["deadline"] for e in receiver.accepted}


def test_send_again_delivers_the_same_event_id(org_a, receiver):
    from api.events import resend

    receiver.fail_first = 0
    endpoint_for(org_a.kommune, receiver.url, receiver)
    with tenant_scope(org_a.kommune):
        f.membership(org_a.leader_person, org_a.med, Membership.Role.LEDER)
    deliver_all()
    with tenant_scope(org_a.kommune):
        again = resend(WebhookDelivery.objects.get())
    outbox.send_many("api.webhook", [again.pk])
    assert receiver.calls == 2
    assert len(receiver.accepted) == 1  # the receiver recognised the event id


def test_the_schema_is_served_without_a_token(db):
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/sync/" in response.json()["paths"]
    assert Client().get("/api/v1/docs/").status_code == 200


# --- documents, training, APV, counts ---------------------------------------------------------------


def published_meeting(org, case_number=""):
    from meetings import services as meeting_services
    from meetings.models import Referat

    with tenant_scope(org.kommune):
        meeting = meeting_services.meeting_create(
            committee=org.amg, date=timezone.localdate() + datetime.timedelta(days=20)
        )
        meeting.case_number = case_number
        meeting.save()
        referat = meeting_services.referat_for(meeting)
        referat.notes = "Arbejdsmiljøgruppen drøftede støj i kantinen."
        referat.save()
        Referat.objects.filter(pk=referat.pk).update(state=Referat.State.FINAL)
        meeting_services.referat_publish(meeting)
    return meeting


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_more_of_another_kommunes_objects_are_not_found(org_a, org_b, token_a):
    from apv.models import ApvCycle
    from training.models import Completion, CourseDate, Enrolment

    meeting = published_meeting(org_b)
    with tenant_scope(org_b.kommune):
        booking = Enrolment.objects.create(
            kommune=org_b.kommune,
            person=org_b.amr.person,
            course_date=f.sample(org_b, CourseDate),
        )
    foreign = {
        "enrolments": booking.public_id,
        "meetings": meeting.public_id,
        "apv-cycles": f.sample(org_b, ApvCycle).public_id,
        "completions": f.sample(org_b, Completion).public_id,
    }
    client = api(token_a)
    for name, public_id in foreign.items():
        assert client.get(f"/api/v1/{name}/{public_id}/").status_code == 404, name
        assert str(public_id) not in client.get(f"/api/v1/{name}/").content.decode()
    assert client.get(f"/api/v1/meetings/{meeting.public_id}/referat/").status_code == 404


def test_a_published_referat_is_read_with_its_pdf(org_a, token_a):
    meeting = published_meeting(org_a)
    client = api(token_a)
    data = client.get(f"/api/v1/meetings/{meeting.public_id}/").json()
    assert data["referat"]["pdf"].endswith(f"/api/v1/meetings/{meeting.public_id}/referat/")
    response = client.get(f"/api/v1/meetings/{meeting.public_id}/referat/")
    assert response["Content-Type"] == "application/pdf"
    assert "støj i kantinen" in pdf_text(response.content)


def test_an_unpublished_referat_has_no_pdf(org_a, token_a):
    from meetings import services as meeting_services

    with tenant_scope(org_a.kommune):
        meeting = meeting_services.meeting_create(
            committee=org_a.amg, date=timezone.localdate() + datetime.timedelta(days=20)
        )
    client = api(token_a)
    assert client.get(f"/api/v1/meetings/{meeting.public_id}/").json()["referat"] is None
    assert client.get(f"/api/v1/meetings/{meeting.public_id}/referat/").status_code == 404


def test_a_completed_course_registered_by_the_api_ends_the_deadline(org_a, token_a):
    from training.models import CourseKind, CourseType

    with tenant_scope(org_a.kommune):
        CourseType.objects.create(
            kommune=org_a.kommune, name="Arbejdsmiljøuddannelse", kind=CourseKind.AMO_BASIC, days=3
        )
        evaluate_kommune(org_a.kommune)
        assert Deadline.objects.open().filter(person=org_a.amr.person, rule="training.amo_basic")
    response = api(token_a).post(
        "/api/v1/completions/",
        data={
            "person": str(org_a.amr.person.public_id),
            "course_kind": "amo_basic",
            "completed_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    with tenant_scope(org_a.kommune):
        assert not Deadline.objects.open().filter(
            person=org_a.amr.person, rule="training.amo_basic"
        )
    unknown = api(token_a).post(
        "/api/v1/completions/",
        data={
            "person": str(org_a.amr.person.public_id),
            "course_kind": "med",
            "completed_on": "2026-01-01",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "course_kind" in unknown.json()


def test_incident_counts_carry_no_health_data(org_a, token_a):
    from .samples_incidents import make_incident

    with tenant_scope(org_a.kommune):
        incident = make_incident(org_a, description="Brækket arm, sygemeldt")
    response = api(token_a).get(f"/api/v1/counts/incidents/?year={incident.occurred_on.year}")
    assert response.status_code == 200
    assert {
        "unit": str(incident.unit.public_id),
        "kind": incident.kind,
        "year": incident.occurred_on.year,
        "count": 1,
    } in response.json()
    assert "arm" not in response.content.decode()
    assert api(token_a).get("/api/v1/counts/incidents/?year=abc").status_code == 400


def test_deadline_counts_match_the_deadlines(org_a, token_a):
    with tenant_scope(org_a.kommune):
        evaluate_kommune(org_a.kommune)
        total = Deadline.objects.visible().count()
    rows = api(token_a).get("/api/v1/counts/deadlines/").json()
    assert sum(r["count"] for r in rows) == total > 0


def test_the_journal_adapter_posts_the_referat_pdf(org_a, receiver):
    receiver.fail_first = 0
    endpoint = endpoint_for(
        org_a.kommune, receiver.url, receiver, kind=WebhookEndpoint.Kind.JOURNAL
    )
    assert endpoint.wants("referat.published") and not endpoint.wants("membership.changed")
    meeting = published_meeting(org_a, case_number="27.00.00-A00-12-26")
    assert deliver_all() == {"sent": 1}
    [event] = receiver.accepted
    assert event["type"] == "referat.published"
    assert event["metadata"]["case_number"] == "27.00.00-A00-12-26"
    assert event["metadata"]["committee"] == org_a.amg.name
    assert event["metadata"]["meeting_date"] == meeting.date.isoformat()
    import base64

    pdf = base64.b64decode(event["document"]["content_base64"])
    assert "støj i kantinen" in pdf_text(pdf)


def test_the_sync_takes_bodies_larger_than_a_form_within_its_own_limit(org_a, token_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    body = sync_body()
    assert len(json.dumps(body)) > 500
    assert post_sync(token_a, body).status_code == 200
    settings.API_SYNC_MAX_BYTES = 500
    response = post_sync(token_a, body)
    assert response.status_code == 400
    assert "For stor" in response.json()["errors"][0]["messages"]["detail"][0]


def test_hr_creates_a_client_and_sees_its_token_once(client, org_a, hr_a, hr_a_limited):
    import re

    client.force_login(hr_a)
    response = client.post(
        "/admin/api/apiclient/add/",
        {"name": "SD Løn", "scopes": ["org:read"], "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 200
    token = re.search(r"medorg_[0-9a-f]+_[\w-]+", response.content.decode()).group(0)
    assert api(token).get("/api/v1/units/").status_code == 200
    assert api(token).post("/api/v1/units/", data={}).status_code == 403
    with scopes_disabled():
        stored = ApiClient.objects.get(name="SD Løn")
    assert stored.created_by == hr_a and token not in stored.token_hash
    page = client.get(f"/admin/api/apiclient/{stored.pk}/change/").content.decode()
    assert token not in page  # shown once, never again
    # HR limited to one område does not reach the kommune's integrations.
    client.force_login(hr_a_limited)
    assert client.get("/admin/api/apiclient/").status_code == 403
    assert client.get(f"/admin/api/apiclient/{stored.pk}/change/").status_code in (302, 404)


def test_list_queries_do_not_grow_with_the_data(org_a, token_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .samples_incidents import make_incident

    published_meeting(org_a)
    paths = [
        "/api/v1/deadlines/",
        "/api/v1/people/",
        "/api/v1/units/",
        "/api/v1/committees/",
        "/api/v1/memberships/",
        "/api/v1/meetings/",
        "/api/v1/counts/incidents/",
    ]

    def counts():
        with tenant_scope(org_a.kommune):
            evaluate_kommune(org_a.kommune)
        with scopes_disabled():  # last_used_at is written once a minute: not in what is counted
            ApiClient.objects.update(last_used_at=timezone.now())
        client = api(token_a)
        result = {}
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            result[path] = len(queries)
        return result

    small = counts()
    with tenant_scope(org_a.kommune):
        for n in range(12):
            person = f.person(org_a.kommune, f"Ny{n}", "Person", unit=org_a.workplace)
            f.membership(person, org_a.amg, Membership.Role.AMR)
            make_incident(org_a)
    published_meeting(org_a)
    assert counts() == small


def test_calls_beyond_the_rate_are_refused(org_a, token_a, monkeypatch):
    from api.authentication import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min"})
    client = api(token_a)
    statuses = [client.get("/api/v1/units/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_journal_adapter_takes_the_committees_case_number_when_the_meeting_has_none(
    org_a, receiver
):
    receiver.fail_first = 0
    endpoint_for(
        org_a.kommune,
        receiver.url,
        receiver,
        kind=WebhookEndpoint.Kind.JOURNAL,
        case_numbers={str(org_a.amg.public_id): "00.01.00-A00-7-26"},
        default_case_number="00.01.00-A00-1-26",
    )
    published_meeting(org_a)
    deliver_all()
    assert receiver.accepted[0]["metadata"]["case_number"] == "00.01.00-A00-7-26"


def dispatched_meeting_with_material(org):
    from django.core.files.base import ContentFile

    from meetings import services as meeting_services
    from meetings.models import ItemAttachment
    from meetings.selectors import agenda_for

    with tenant_scope(org.kommune):
        meeting = meeting_services.meeting_create(
            committee=org.amg, date=timezone.localdate() + datetime.timedelta(days=5)
        )
        item = agenda_for(meeting).items[0]
        attachment = ItemAttachment(
            kommune=org.kommune, item=item, name="støjmåling.txt", content_type="text/plain"
        )
        attachment.file.save("x.txt", ContentFile(b"Maaling: 82 dB"), save=True)
        assert meeting_services.meeting_dispatch_agenda(meeting.pk)
    return meeting, attachment


def test_a_sent_agenda_is_read_with_its_pdf_and_material(org_a, org_b, token_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting, attachment = dispatched_meeting_with_material(org_a)
    client = api(token_a)
    data = client.get(f"/api/v1/meetings/{meeting.public_id}/").json()
    assert data["agenda_pdf"].endswith(f"/api/v1/meetings/{meeting.public_id}/agenda/")
    urls = [a["url"] for item in data["agenda"] for a in item["attachments"]]
    assert urls == [f"http://testserver/api/v1/attachments/{attachment.public_id}/"]
    pdf = client.get(f"/api/v1/meetings/{meeting.public_id}/agenda/")
    assert pdf["Content-Type"] == "application/pdf" and pdf_text(pdf.content).strip()
    download = client.get(urls[0])
    assert b"".join(download.streaming_content) == b"Maaling: 82 dB"
    other_meeting, other_attachment = dispatched_meeting_with_material(org_b)
    assert client.get(f"/api/v1/attachments/{other_attachment.public_id}/").status_code == 404
    assert client.get(f"/api/v1/meetings/{other_meeting.public_id}/agenda/").status_code == 404


def test_old_api_log_entries_and_deliveries_go_when_retention_is_on(org_a, token_a):
    from core import privacy
    from core.models import RetentionPolicy

    post_sync(token_a, {"people": [], "dry_run": True})
    endpoint = endpoint_for(org_a.kommune, "https://esdh.example.dk/hook")
    with tenant_scope(org_a.kommune):
        WebhookDelivery.objects.create(
            kommune=org_a.kommune, endpoint=endpoint, event="membership.changed", state="sent"
        )
        privacy.policies(org_a.kommune.pk)
        RetentionPolicy.objects.filter(
            category__in=["api.audit_log", "api.webhook_deliveries"]
        ).update(enabled=True)
    later = timezone.now() + datetime.timedelta(days=800)
    with time_machine.travel(later, tick=False):
        privacy.retention_run_kommune(org_a.kommune.pk)
    with scopes_disabled():
        assert not ApiAuditEntry.objects.exists()
        assert not WebhookDelivery.objects.exists()
