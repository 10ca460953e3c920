"""What a photo or attachment on an incident may be: the type is read from the file's first
bytes (never trusted from its name or the browser), the size and count are bounded."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CASE = 10

# content type -> stored extension
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}
# Shown inline on the case page (browsers draw them; HEIC is downloaded).
INLINE = {"image/jpeg", "image/png", "image/webp"}


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes, or None when it is not an allowed type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heim", b"heis"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check(upload, existing: int = 0) -> str:
    """The upload's content type, or a Danish ValidationError saying what is wrong."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    if existing >= MAX_PER_CASE:
        raise ValidationError(
            _("En sag kan højst have %(n)s billeder og bilag.") % {"n": MAX_PER_CASE}
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s er for stor (højst %(mb)s MB).") % {"name": name, "mb": MAX_BYTES // 2**20}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            _("%(name)s kan ikke vedhæftes: kun billeder (JPEG, PNG, WebP, HEIC) og PDF.")
            % {"name": name}
        )
    return kind
