"""Photos and attachments on an incident (issue 11): the type is read from the file's bytes and
bounded with the size and count, a bad file is a Danish error and saves nothing (not even the
report), files are stored under opaque names, served only to those who read the case (the
same 404 as a missing one for everybody else), each look logged like the case."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tenancy import tenant_scope
from incidents import attachments, services
from incidents.models import Incident, IncidentAttachment, IncidentViewLog

from .test_incidents_access import EXPECTED, Case, build_case


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-10 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def case(org_a, org_b, hr_a, employee_a) -> Case:
    return build_case(org_a, org_b, hr_a, employee_a)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, data: bytes, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (PDF, "application/pdf"),
        (b"MZ\x90\x00", None),  # a Windows program
        (b"<svg onload=alert(1)>", None),  # SVG can carry script: not accepted
        (b"<html><script>", None),
    ],
)
def test_the_type_is_read_from_the_bytes(data, expected):
    assert attachments.sniff(data[:16]) == expected


def test_a_report_with_photos_stores_them_under_opaque_names(client, org_a, case, media):
    client.force_login(case.users["colleague_reporter"])
    response = client.post(
        reverse("incidents:report"),
        {
            "kind": "arbejdsulykke",
            "nature": "physical",
            "occurred_on": "2026-03-09",
            "unit": org_a.workplace.pk,
            "place": "Trappen",
            "description": "Faldt på trappen",
            "who": "self",
            "files": [upload("trappe foto.png", PNG), upload("skade.pdf", PDF, "application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    with tenant_scope(org_a.kommune):
        incident = Incident.objects.get(description="Faldt på trappen")
        stored = list(IncidentAttachment.objects.filter(incident=incident))
    assert [(a.name, a.content_type) for a in stored] == [
        ("trappe foto.png", "image/png"),
        ("skade.pdf", "application/pdf"),
    ]
    for attachment in stored:
        assert "trappe" not in attachment.file.name and "skade" not in attachment.file.name
        assert attachment.file.name.startswith(f"incidents/{org_a.kommune.pk}/")
        assert (media / attachment.file.name).exists()


def test_a_bad_file_is_a_danish_error_and_saves_nothing(client, org_a, case):
    client.force_login(case.users["colleague_reporter"])
    with tenant_scope(org_a.kommune):
        before = Incident.objects.count()
    response = client.post(
        reverse("incidents:report"),
        {
            "kind": "arbejdsulykke",
            "nature": "physical",
            "occurred_on": "2026-03-09",
            "unit": org_a.workplace.pk,
            "place": "Trappen",
            "description": "Med et program",
            "who": "self",
            "files": [upload("ok.png", PNG), upload("virus.png", b"MZ\x90\x00" * 8)],
        },
    )
    assert response.status_code == 200
    assert "virus.png kan ikke vedhæftes" in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert Incident.objects.count() == before
        assert not IncidentAttachment.objects.exists()


def test_size_and_count_are_bounded(org_a, case, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    with tenant_scope(org_a.kommune):
        with pytest.raises(Exception, match="for stor"):
            services.incident_attach(case.incident, files=[upload("big.png", PNG + b"x" * 200)])
        monkeypatch.setattr(attachments, "MAX_PER_CASE", 2)
        services.incident_attach(case.incident, files=[upload("a.png", PNG), upload("b.png", PNG)])
        with pytest.raises(Exception, match="højst have 2"):
            services.incident_attach(case.incident, files=[upload("c.png", PNG)])
        assert IncidentAttachment.objects.filter(incident=case.incident).count() == 2


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_who_gets_a_photo(client, org_a, case, persona):
    """Exactly those who read the case; everyone else the same 404 as a missing file. Each
    look is logged (who, which case, when, never what)."""
    with tenant_scope(org_a.kommune):
        (photo,) = services.incident_attach(case.incident, files=[upload("foto.png", PNG)])
    user = case.users[persona]
    client.force_login(user)
    response = client.get(reverse("incidents:attachment", args=[photo.public_id]), {"vis": "1"})
    missing = client.get(reverse("incidents:attachment", args=[uuid.uuid4()]))
    with tenant_scope(org_a.kommune):
        logged = list(IncidentViewLog.objects.values_list("username", flat=True))
    if EXPECTED[persona]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert "no-store" in response["Cache-Control"]
        assert logged == [user.username]
    else:
        assert response.status_code == missing.status_code == 404
        assert logged == []


def test_a_pdf_is_always_downloaded_never_shown_inline(client, org_a, case):
    with tenant_scope(org_a.kommune):
        (pdf,) = services.incident_attach(
            case.incident, files=[upload("x.pdf", PDF, "application/pdf")]
        )
    client.force_login(case.users["amg_member"])
    response = client.get(reverse("incidents:attachment", args=[pdf.public_id]), {"vis": "1"})
    assert response["Content-Disposition"].startswith("attachment")


def test_handlers_add_and_remove_the_injured_adds_only(
    client, org_a, case, media, django_capture_on_commit_callbacks
):
    page = reverse("incidents:detail", args=[case.incident.public_id])
    attach = reverse("incidents:attach", args=[case.incident.public_id])
    client.force_login(case.users["injured"])
    assert client.post(attach, {"files": [upload("min skade.jpg", JPEG)]}).status_code == 302
    with tenant_scope(org_a.kommune):
        photo = IncidentAttachment.objects.get(incident=case.incident)
    body = client.get(page).content.decode()
    assert "min skade.jpg" in body and "Fjern" not in body
    remove = reverse("incidents:attachment_remove", args=[photo.public_id])
    assert client.post(remove).status_code == 403
    client.force_login(case.users["amg_member"])
    assert "Fjern" in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302
    with tenant_scope(org_a.kommune):
        assert not IncidentAttachment.objects.exists()
    assert not (media / photo.file.name).exists()
    # Someone who may not read the case cannot add to it either.
    client.force_login(case.users["hovedmed_member"])
    assert client.post(attach, {"files": [upload("x.png", PNG)]}).status_code == 404
