"""Uploads are served only through views that check access, in every mode: no /media/ route,
not even under DEBUG (bin/run), and each file field has its access-checked download (issue 16 §3).

The file fields: meetings.ItemAttachment.file (meetings:attachment), meetings.DocumentJob.file
(meetings:document ?hent=1) and training.Completion.certificate (training:certificate)."""

from __future__ import annotations

import datetime
import importlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from core.tenancy import tenant_scope
from meetings import services
from training.models import Completion, CourseType

from . import factories as f
from .samples_meetings import at, build_med, new_meeting

MEETING_DAY = date(2026, 3, 2)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def w(org_a, media):
    with at(date(2026, 1, 5)):
        return build_med(org_a)


@pytest.fixture
def attachment(w):
    meeting = new_meeting(w, MEETING_DAY)
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        item = services.item_propose(
            meeting,
            person=w.rep,
            title="Støj i kantinen",
            description="Målinger fra lokale 12.",
            files=[SimpleUploadedFile("maaling.pdf", b"%PDF-1.4 bilag", "application/pdf")],
            acting_user=w.users["rep"],
        )
        return item.attachments.get()


@pytest.fixture
def completion(org_a, media):
    """A certificate of the AMR (Arne, who works at Skole Nord in område Nord)."""
    with tenant_scope(org_a.kommune):
        course = CourseType.objects.create(kommune=org_a.kommune, name="AMR-uddannelse")
        completion = Completion(
            kommune=org_a.kommune,
            person=org_a.amr.person,
            course_type=course,
            completed_on=datetime.date(2025, 3, 1),
            hours=22,
        )
        completion.certificate.save("arne-bevis.pdf", ContentFile(b"%PDF-1.4 bevis"), save=False)
        completion.save()
    return completion


@pytest.fixture
def amr_user(org_a, client):
    user = f.user("amr_a")
    with tenant_scope(org_a.kommune):
        org_a.amr.person.user = user
        org_a.amr.person.save()
    return user


def media_url(field_file) -> str:
    return "/media/" + field_file.name


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_serves_no_upload_from_media_as_anonymous_or_logged_in(
    client, w, attachment, completion, hr_a
):
    paths = [media_url(attachment.file), media_url(completion.certificate)]
    for field_file in (attachment.file, completion.certificate):
        assert field_file.storage.exists(field_file.name)  # the files are really there
    for user in (None, w.users["rep"], hr_a):
        if user is not None:
            client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 404, (user, path)


def test_it_serves_no_upload_from_media_under_debug(client, w, attachment, hr_a):
    """bin/run sets DJANGO_DEBUG=1; the URLconf is built at import, so rebuild it under DEBUG."""
    import config.urls

    path = media_url(attachment.file)
    try:
        with override_settings(DEBUG=True):
            importlib.reload(config.urls)
            clear_url_caches()
            assert client.get(path).status_code == 404
            client.force_login(hr_a)
            assert client.get(path).status_code == 404
    finally:
        importlib.reload(config.urls)
        clear_url_caches()


def test_it_downloads_an_attachment_for_a_member_and_404s_for_others(client, w, attachment):
    url = reverse("meetings:attachment", args=[attachment.public_id])
    client.force_login(w.users["rep"])
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == b"%PDF-1.4 bilag"
    assert 'filename="maaling.pdf"' in response["Content-Disposition"]
    client.force_login(w.users["outsider"])  # of the kommune, without a seat
    assert client.get(url).status_code == 404


def test_it_downloads_a_certificate_for_its_person_and_hr_and_404s_for_others(
    client, org_a, org_b, completion, amr_user, hr_a, hr_a_limited, hr_b, employee_a
):
    url = reverse("training:certificate", args=[completion.public_id])
    for user in (amr_user, hr_a, hr_a_limited):  # hr_a_limited: område Nord, Arne's
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.username
        assert body(response) == b"%PDF-1.4 bevis"
        assert 'filename="kursusbevis-2025-03-01.pdf"' in response["Content-Disposition"]
    hr_syd = f.hr_user(org_a.kommune, "hr_a_syd", limited_to=[org_a.other_omraade])
    for user in (employee_a, hr_b, hr_syd):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


def test_it_404s_a_completion_without_certificate(client, org_a, completion, amr_user):
    with tenant_scope(org_a.kommune):
        Completion.objects.filter(pk=completion.pk).update(certificate="")
    client.force_login(amr_user)
    assert client.get(reverse("training:certificate", args=[completion.public_id])).status_code == (
        404
    )


def test_the_home_panel_links_the_certificate_through_the_view(client, completion, amr_user):
    client.force_login(amr_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("training:certificate", args=[completion.public_id]) in page
    assert "/media/" not in page


def test_it_links_a_certificate_in_the_admin_through_the_checked_view(client, org_a, hr_a):
    from django.core.files.base import ContentFile

    from core.tenancy import tenant_scope
    from training.models import Completion

    from . import factories as f

    completion = f.sample(org_a, Completion)
    with tenant_scope(org_a.kommune):
        completion.certificate.save("bevis.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client.force_login(hr_a)

    page = client.get(
        reverse("admin:training_completion_change", args=[completion.pk])
    ).content.decode()

    assert reverse("training:certificate", args=[completion.public_id]) in page
    assert "/media/" not in page


def test_it_stores_a_certificate_under_an_opaque_name(org_a, completion):
    # The uploader's file name ("arne-bevis.pdf", often a person's name) is never in the path.
    name = completion.certificate.name
    assert "arne" not in name and "bevis" not in name
    assert name.startswith(f"certificates/{org_a.kommune.pk}/") and name.endswith(".pdf")
