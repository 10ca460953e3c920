"""Reads of the committees shared by the apps."""

from __future__ import annotations

from django.utils.text import slugify

from .models import Committee


def hovedmed() -> Committee | None:
    """The kommune's open HovedMED/KommuneMED (the first, were a new one set up beside an old
    one not yet closed). One query."""
    return (
        Committee.objects.filter(kind=Committee.Kind.HOVEDMED, closed_on__isnull=True)
        .order_by("pk")
        .first()
    )


def free_code(name: str, fallback: str = "udvalg") -> str:
    """A committee code (unique in the kommune) made from a new committee's name: the slug,
    with -2, -3 … when it is taken. For committees the procedures set up (a new AMG, an ad hoc
    MED committee)."""
    base = (slugify(name) or fallback)[:70]
    code, n = base, 1
    while Committee.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code
