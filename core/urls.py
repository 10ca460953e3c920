"""Addresses of many objects of one kind, for pages and e-mails that link dozens of them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import reverse

# Stands for the object's public id in the reversed address (no real id is all zeros).
_SENTINEL = uuid.UUID(int=0)


def address_of_each(viewname: str, *args) -> Callable[[uuid.UUID], str]:
    """`reverse(viewname, args=[*args, public_id])` for many public ids: the address is
    reversed once, and each id is put in the sentinel's place."""
    address = reverse(viewname, args=[*args, _SENTINEL])
    sentinel = str(_SENTINEL)
    return lambda public_id: address.replace(sentinel, str(public_id))
