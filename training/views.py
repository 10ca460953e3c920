"""Training pages of the portal: the certificate download (uploads are never served from
/media/; every file goes through a view that checks access)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from portal.views import kommune_required

from .access import get_certificate_for_user


@kommune_required
@require_GET
def certificate_download(request, public_id):
    completion = get_certificate_for_user(request, public_id)
    suffix = PurePosixPath(completion.certificate.name).suffix.lower()[:8]
    try:
        handle = completion.certificate.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    content_type, _encoding = mimetypes.guess_type(f"x{suffix}")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"kursusbevis-{completion.completed_on:%Y-%m-%d}{suffix}",
        content_type=content_type or "application/octet-stream",
    )
