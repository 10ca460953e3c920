"""Reads of the committees shared by the apps."""

from __future__ import annotations

from .models import Committee


def hovedmed() -> Committee | None:
    """The kommune's open HovedMED/KommuneMED (the first, were a new one set up beside an old
    one not yet closed). One query."""
    return (
        Committee.objects.filter(kind=Committee.Kind.HOVEDMED, closed_on__isnull=True)
        .order_by("pk")
        .first()
    )
