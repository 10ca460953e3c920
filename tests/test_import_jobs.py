"""Large imports run as Celery jobs (issue 16, hole 6): a file with more rows than a request
should carry is stored as an ImportJob, checked by a worker, confirmed by the HR member who
uploaded it and imported in one transaction; its page shows the progress, the per-row errors
or the result, never a traceback, and only to the uploader."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import imports
from core.models import ImportJob
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Unit
from tests import factories as f

HEADER = "code,name,kind,parent,headcount,closed_on\n"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_ROWS = 3


def units_csv(parent: str, count: int, *, bad_rows: dict[int, str] | None = None) -> bytes:
    lines = [HEADER]
    for n in range(1, count + 1):
        line = f"ny-{n},Ny enhed {n},arbejdsplads,{parent},{n},\n"
        lines.append((bad_rows or {}).get(n, line))
    return "".join(lines).encode()


def upload(client, content: bytes, name: str = "enheder.csv"):
    return client.post(
        reverse("admin:organisations_unit_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def the_job() -> ImportJob:
    with scopes_disabled():
        return ImportJob.objects.get()


def new_units(kommune) -> int:
    with tenant_scope(kommune):
        return Unit.objects.filter(code__startswith="ny-").count()


def job_url(job) -> str:
    return reverse("admin:organisations_unit_import_job", args=[job.public_id])


def test_a_large_file_is_checked_then_imported_in_the_background(client, org_a, hr_a):
    client.force_login(hr_a)
    response = upload(client, units_csv(org_a.omraade.code, 5))
    job = the_job()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert job.state == ImportJob.State.CHECKING and job.rows == 5
    assert job.requested_by == hr_a and job.kommune_id == org_a.kommune.pk
    page = client.get(job_url(job))
    assert page.status_code == 200
    assert "Kontrolleres" in page.content.decode()
    assert 'http-equiv="refresh"' in page.content.decode()  # it updates itself while running

    assert imports.run_import(job.pk) == ImportJob.State.CHECKED
    assert new_units(org_a.kommune) == 0  # the dry run writes nothing
    page = client.get(job_url(job)).content.decode()
    assert "Bekræft import" in page and 'http-equiv="refresh"' not in page
    job.refresh_from_db()
    assert job.totals["new"] == 5

    assert client.post(job_url(job)).status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING
    assert imports.run_import(job.pk) == ImportJob.State.DONE
    assert new_units(org_a.kommune) == 5
    with tenant_scope(org_a.kommune):
        unit = Unit.objects.get(code="ny-3")
        assert unit.kommune_id == org_a.kommune.pk
        assert unit.history.latest("history_date").history_user == hr_a  # as in the request
    assert LogEntry.objects.filter(user=hr_a, object_repr__startswith="Ny enhed").count() == 5
    assert "Filen er importeret" in client.get(job_url(job)).content.decode()


def test_a_confirmation_twice_imports_once(client, org_a, hr_a):
    client.force_login(hr_a)
    upload(client, units_csv(org_a.omraade.code, 4))
    job = the_job()
    imports.run_import(job.pk)
    client.post(job_url(job))
    client.post(job_url(job))  # a second click, another tab
    assert imports.run_import(job.pk) == ImportJob.State.DONE
    assert imports.run_import(job.pk) == "not_claimed"  # a redelivered task
    assert new_units(org_a.kommune) == 4


def test_a_file_with_bad_rows_is_rejected_whole_with_a_danish_message_per_row(
    client, org_a, org_b, hr_a
):
    client.force_login(hr_a)
    bad = {
        2: f"ny-2,Fremmed forælder,arbejdsplads,{org_b.omraade.code},1,\n",
        4: f"ny-4,Forkert type,kontor,{org_a.omraade.code},1,\n",
    }
    upload(client, units_csv(org_a.omraade.code, 6, bad_rows=bad))
    job = the_job()
    assert imports.run_import(job.pk) == ImportJob.State.INVALID
    job.refresh_from_db()
    assert job.error_rows == 2
    assert [error["row"] for error in job.errors] == [2, 4]
    assert "findes ikke i kommunen" in " ".join(job.errors[0]["messages"])
    assert "gyldigt valg" in " ".join(job.errors[1]["messages"])
    page = client.get(job_url(job)).content.decode()
    assert "Filen blev afvist, fordi 2 rækker har fejl" in page
    assert "Traceback" not in page and "Bekræft import" not in page
    assert client.post(job_url(job)).status_code == 302  # confirming a rejected file: nothing
    job.refresh_from_db()
    assert job.state == ImportJob.State.INVALID
    assert new_units(org_a.kommune) == 0


def test_a_row_that_turns_bad_after_the_check_rolls_back_the_whole_import(client, org_a, hr_a):
    client.force_login(hr_a)
    upload(client, units_csv(org_a.omraade.code, 4))
    job = the_job()
    imports.run_import(job.pk)
    client.post(job_url(job))
    with tenant_scope(org_a.kommune):
        # Between the check and the import, the parent of every row is closed and renamed away.
        Unit.objects.filter(pk=org_a.omraade.pk).update(code="omdoebt")
    assert imports.run_import(job.pk) == ImportJob.State.INVALID
    assert new_units(org_a.kommune) == 0


def test_only_the_uploader_sees_the_job_and_other_kommuner_get_404(
    client, org_a, org_b, hr_a, hr_b
):
    client.force_login(hr_a)
    upload(client, units_csv(org_a.omraade.code, 4))
    job = the_job()
    colleague = f.hr_user(org_a.kommune, "hr_a_kollega")
    for user in (colleague, hr_b):
        client.force_login(user)
        assert client.get(job_url(job)).status_code == 404
        assert client.post(job_url(job)).status_code == 404
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKING
    client.force_login(hr_a)
    other_model = reverse("admin:committees_membership_import_job", args=[job.public_id])
    assert client.get(other_model).status_code == 404  # the job of another list


def test_hr_limited_to_an_omraade_cannot_import_outside_it_in_the_background(
    client, org_a, hr_a_limited
):
    client.force_login(hr_a_limited)
    upload(client, units_csv(org_a.other_omraade.code, 4))
    job = the_job()
    assert imports.run_import(job.pk) == ImportJob.State.INVALID
    job.refresh_from_db()
    assert job.error_rows == 4
    assert new_units(org_a.kommune) == 0


def test_a_small_file_is_still_previewed_in_the_request(client, org_a, hr_a):
    client.force_login(hr_a)
    response = upload(client, units_csv(org_a.omraade.code, 3))
    assert response.status_code == 200 and response.context["confirm_form"] is not None
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_an_unexpected_error_shows_a_sentence_not_a_traceback(client, org_a, hr_a, monkeypatch):
    from organisations.resources import UnitResource

    def broken(self, dataset, **kwargs):
        raise RuntimeError("connection to server lost at /srv/app/secret.py line 12")

    monkeypatch.setattr(UnitResource, "before_import", broken)
    client.force_login(hr_a)
    response = upload(client, units_csv(org_a.omraade.code, 2))  # in the request
    page = response.content.decode()
    assert response.status_code == 200
    assert "Uventet fejl" in page
    assert "secret.py" not in page and "Traceback" not in page

    upload(client, units_csv(org_a.omraade.code, 5))  # in the background
    job = the_job()
    assert imports.run_import(job.pk) == ImportJob.State.INVALID
    page = client.get(job_url(job)).content.decode()
    assert "Uventet fejl" in page and "secret.py" not in page
    assert new_units(org_a.kommune) == 0


def test_lost_and_stale_steps_are_queued_again_and_old_files_removed(
    client, org_a, hr_a, monkeypatch
):
    queued = []
    monkeypatch.setattr(imports, "_enqueue", queued.append)
    client.force_login(hr_a)
    upload(client, units_csv(org_a.omraade.code, 4))
    job = the_job()
    now = timezone.now()
    assert imports.sweep_imports(now=now) == 0  # just created: its own task is on the way
    assert imports.sweep_imports(now=now + datetime.timedelta(minutes=2)) == 1
    assert queued == [job.pk]
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(claimed_at=now)  # a worker took it…
    assert imports.run_import(job.pk) == "not_claimed"
    later = now + imports.STALE_AFTER + datetime.timedelta(minutes=1)
    assert imports.sweep_imports(now=later) == 1  # …and died
    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(claimed_at=now - imports.STALE_AFTER * 2)
    assert imports.run_import(job.pk) == ImportJob.State.CHECKED  # taken over
    assert imports.imports_cleanup(now=now + datetime.timedelta(days=8)) == 1
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_dates_and_numbers_get_danish_messages_and_danish_dates_are_read(client, org_a, hr_a):
    client.force_login(hr_a)
    parent = org_a.omraade.code
    bad = {
        1: f"ny-1,Dansk dato,arbejdsplads,{parent},7,31-12-2026\n",
        2: f"ny-2,Forkert dato,arbejdsplads,{parent},7,31/31/2026\n",
        3: f"ny-3,Forkert tal,arbejdsplads,{parent},syv,\n",
    }
    upload(client, units_csv(parent, 4, bad_rows=bad))
    job = the_job()
    assert imports.run_import(job.pk) == ImportJob.State.INVALID
    job.refresh_from_db()
    assert [error["row"] for error in job.errors] == [2, 3]  # 31-12-2026 is a date
    assert "“31/31/2026” er ikke en dato" in job.errors[0]["messages"][0]
    assert "“syv” er ikke et helt tal" in job.errors[1]["messages"][0]
    assert job.errors[0]["values"].startswith("ny-2, Forkert dato")
    page = client.get(job_url(job)).content.decode()
    assert "ny-3, Forkert tal" in page and "could not be parsed" not in page
