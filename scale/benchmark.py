"""The benchmark: the product under gunicorn against PostgreSQL, measured at sizes S and L
(and XL where it fits the machine). Run by hand (`manage.py benchmark`), not in CI.

Writes docs/performance.json and docs/performance.md."""

from __future__ import annotations

import datetime
import http.client
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.tenancy import SESSION_KEY as KOMMUNE_SESSION_KEY
from core.tenancy import scopes_disabled, tenant_scope

ROOT = Path(settings.BASE_DIR)


@dataclass
class Persona:
    user: object
    kommune_id: int | None

    def session_cookie(self) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(self.user.pk)
        store[BACKEND_SESSION_KEY] = "core.auth.UsernameOrEmailBackend"
        store[HASH_SESSION_KEY] = self.user.get_session_auth_hash()
        if self.kommune_id:
            store[KOMMUNE_SESSION_KEY] = self.kommune_id
        store.save()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@dataclass
class Page:
    key: str
    title: str
    persona: str
    url: Callable  # (fixture) -> str, may raise LookupError when the feature is not available


@dataclass
class Fixture:
    size: str
    kommune: object
    personas: dict[str, Persona] = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


# --- fixtures per size -------------------------------------------------------------------------


def _user(username: str, *, staff=False):
    from django.contrib.auth.models import User

    user, _created = User.objects.get_or_create(username=username, defaults={"is_staff": staff})
    user.is_staff = staff
    user.set_unusable_password()
    user.save()
    return user


def build_fixture(size: str, kommune) -> Fixture:
    from committees.models import Committee, Membership
    from core.roles import hr_group
    from organisations.models import KommuneStaff, Person

    fixture = Fixture(size, kommune)
    hr = _user(f"bench-hr-{kommune.code}", staff=True)
    hr.groups.add(hr_group())
    with tenant_scope(kommune):
        KommuneStaff.objects.get_or_create(user=hr, kommune=kommune)
        seat = (
            Membership.objects.filter(
                role=Membership.Role.AMR, ended_on__isnull=True, committee__kind=Committee.Kind.AMG
            )
            .select_related("person", "committee")
            .order_by("pk")
            .first()
        )
        amr_user = _user(f"bench-amr-{kommune.code}")
        Person.objects.filter(user=amr_user).exclude(pk=seat.person_id).update(user=None)
        Person.objects.filter(pk=seat.person_id).update(user=amr_user)
        fixture.objects["committee"] = seat.committee
        fixture.objects["amr_person"] = seat.person
    fixture.personas["hr"] = Persona(hr, kommune.pk)
    fixture.personas["amr"] = Persona(amr_user, kommune.pk)
    _optional_fixtures(fixture)
    return fixture


def _optional_fixtures(fixture: Fixture) -> None:
    """Objects of capabilities that may not exist in this build (meetings, unions, incidents)."""
    try:
        from meetings.models import Meeting

        with tenant_scope(fixture.kommune):
            meeting = (
                Meeting.objects.filter(committee=fixture.objects["committee"]).first()
                or Meeting.objects.order_by("pk").first()
            )
        if meeting is not None:
            fixture.objects["meeting"] = meeting
    except Exception:  # noqa: BLE001 - the capability is optional here
        pass
    try:
        from unions.models import KredsOfficer

        with scopes_disabled():
            officer = KredsOfficer.objects.select_related("user").order_by("pk").first()
        if officer is not None:
            fixture.personas["officer"] = Persona(officer.user, None)
    except Exception:  # noqa: BLE001
        pass


def _need(fixture: Fixture, key: str):
    if key not in fixture.objects:
        raise LookupError(key)
    return fixture.objects[key]


def _reverse(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch as error:
        raise LookupError(name) from error


PAGES = [
    Page("floor", "Floor: one query, full middleware", "amr", lambda f: "/_bench/floor/"),
    Page(
        "hr_overview",
        "HR compliance overview",
        "hr",
        lambda f: _reverse("admin:compliance_overview"),
    ),
    Page(
        "committee",
        "Committee page (portal)",
        "amr",
        lambda f: _reverse("portal:committee", _need(f, "committee").public_id),
    ),
    Page("amr_home", "Portal home of an AMR", "amr", lambda f: _reverse("portal:home")),
    Page(
        "kreds_officer", "Kreds officer view", "officer", lambda f: _reverse("unions:officer_home")
    ),
    Page(
        "incidents_overview", "Incidents overview", "hr", lambda f: _reverse("incidents:overview")
    ),
    Page(
        "meeting",
        "Meeting page",
        "amr",
        lambda f: _reverse("meetings:meeting", _need(f, "meeting").public_id),
    ),
]


# --- measuring ---------------------------------------------------------------------------------


def count_queries(fixture: Fixture, page: Page) -> int | None:
    persona = fixture.personas.get(page.persona)
    if persona is None:
        return None
    try:
        url = page.url(fixture)
    except LookupError:
        return None
    client = Client(HTTP_HOST="127.0.0.1")
    name, _sep, value = persona.session_cookie().partition("=")
    client.cookies[name] = value
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        return None
    return len(queries)


class Server:
    def __init__(self, workers: int = 3):
        self.port = _free_port()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-" + "x" * 50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "BENCHMARK_VIEWS": "1",
            "LOG_LEVEL": "WARNING",
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, path: str, cookie: str, *, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - began
    latencies.sort()
    if not latencies:
        return {"requests": 0, "errors": errors}
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "throughput_rps": round(len(latencies) / duration, 1),
    }


def measure_pages(fixture: Fixture, server: Server, *, seconds: float, concurrency: int) -> dict:
    results = {}
    for page in PAGES:
        persona = fixture.personas.get(page.persona)
        try:
            url = page.url(fixture)
        except LookupError:
            url = None
        if persona is None or url is None:
            results[page.key] = {"title": page.title, "available": False}
            continue
        cookie = persona.session_cookie()
        load(server.port, url, cookie, concurrency=1, seconds=1)  # warm-up
        stats = load(server.port, url, cookie, concurrency=concurrency, seconds=seconds)
        results[page.key] = {"title": page.title, "available": True, "url": url, **stats}
    floor = results.get("floor", {}).get("p95_ms")
    for result in results.values():
        if floor and result.get("p95_ms"):
            result["ratio_to_floor"] = round(result["p95_ms"] / floor, 2)
    return results


def measure_engine(kommuner) -> dict:
    from deadlines.engine import evaluate_kommune

    started = time.perf_counter()
    for kommune in kommuner:
        evaluate_kommune(kommune)
    return {
        "full_reevaluation_s": round(time.perf_counter() - started, 2),
        "kommuner": len(kommuner),
    }


def measure_incremental(kommune) -> dict:
    """One AMR elected: the service updates the person's and the committee's deadlines."""
    from committees.models import Committee, Membership
    from committees.services import membership_save
    from organisations.models import Person

    timings = []
    with tenant_scope(kommune):
        amg = Committee.objects.filter(kind=Committee.Kind.AMG).order_by("pk").first()
        people = list(Person.objects.filter(unit__isnull=False).order_by("-pk")[:5])
        for person in people:
            with transaction.atomic():
                membership = Membership(
                    kommune=kommune,
                    person=person,
                    committee=amg,
                    role=Membership.Role.AMR,
                    side=Membership.Side.MEDARBEJDER,
                    start_date=datetime.date.today(),
                )
                started = time.perf_counter()
                membership_save(membership)
                timings.append(time.perf_counter() - started)
                transaction.set_rollback(True)
    return {"amr_elected_ms": round(1000 * statistics.median(timings), 1)}


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "date": datetime.date.today().isoformat(),
    }


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_report(results: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "performance.json").write_text(json.dumps(results, indent=2, default=str))
    lines = ["# Performance", "", "Measured by `python manage.py benchmark` (see README).", ""]
    m = results["machine"]
    lines += [
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, PostgreSQL "
        f"{m['postgresql']}, Python {m['python']}, Django {m['django']}; {m['date']}.",
        "",
    ]
    for size, data in results["sizes"].items():
        lines += [
            f"## Size {size}",
            "",
            "| page | p50 ms | p95 ms | req/s | × floor | queries |",
            "|---|---|---|---|---|---|",
        ]
        for key, page in data["pages"].items():
            if not page.get("available"):
                lines.append(f"| {page['title']} | – | – | – | – | not available |")
                continue
            lines.append(
                f"| {page['title']} | {page.get('p50_ms', '–')} | {page.get('p95_ms', '–')} | "
                f"{page.get('throughput_rps', '–')} | {page.get('ratio_to_floor', '–')} | "
                f"{data['queries'].get(key, '–')} |"
            )
        lines.append("")
        for section in ("engine", "incremental", "reminders", "pdf"):
            if section in data:
                lines.append(
                    f"- {section}: " + ", ".join(f"{k} = {v}" for k, v in data[section].items())
                )
        lines.append("")
    if "query_counts_equal" in results:
        lines += [
            "Queries per page equal at S and L: "
            + ("yes" if results["query_counts_equal"] else "NO"),
            "",
        ]
    lines += results.get("notes", [])
    (out_dir / "performance.md").write_text("\n".join(lines) + "\n")


# Measurements of capabilities that plug in here: (name, function(fixture) -> dict).
EXTRA_MEASUREMENTS: list[tuple[str, Callable]] = []
