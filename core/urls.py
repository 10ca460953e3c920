"""Addresses of many objects of one kind, for pages and e-mails that link dozens of them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Stands for the object's public id in the reversed address (no real id is all zeros).
_SENTINEL = uuid.UUID(int=0)
_SENTINEL_TEXT = str(_SENTINEL)

# (viewname, with an id, language, script prefix, URL conf) -> the reversed address.
_ADDRESSES: dict[tuple, str] = {}


def address_of_each(viewname: str, *args) -> Callable[[uuid.UUID], str]:
    """`reverse(viewname, args=[*args, public_id])` for many public ids: the address is
    reversed once, and each id is put in the sentinel's place."""
    address = reverse(viewname, args=[*args, _SENTINEL])
    return lambda public_id: address.replace(_SENTINEL_TEXT, str(public_id))


def address(viewname: str, public_id: uuid.UUID | None = None) -> str:
    """`reverse(viewname)`, or `reverse(viewname, args=[public_id])`, reversed once per
    language, script prefix and URL conf: a reminder tick links the same few pages (the course
    catalogue, a committee's meetings) from tens of thousands of entries."""
    key = (
        viewname,
        public_id is not None,
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
    found = _ADDRESSES.get(key)
    if found is None:
        found = reverse(viewname) if public_id is None else reverse(viewname, args=[_SENTINEL])
        _ADDRESSES[key] = found
    return found if public_id is None else found.replace(_SENTINEL_TEXT, str(public_id))
