"""Values computed from a kommune's data, kept in the shared cache until that data changes.

As pretix's per-event cache: each kommune has a version token in the cache, every key is built
with it, and `clear()` replaces the token, which drops all the kommune's values at once (they
expire on their own). The token is replaced at once and again when the transaction commits: a
request that computed a value from the old rows while the transaction was open stored it under
the token replaced at commit, so no value outlives the change it missed.

The cache must be shared by every process that changes the data (web, Celery workers): Redis
when REDIS_URL is set, a directory under var/ otherwise (config/settings.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

# A safety net only: values are dropped by `clear()` when their data changes.
DEFAULT_TIMEOUT = 6 * 3600


def _token_key(kommune_id: int) -> str:
    return f"kommune:{kommune_id}:token"


def _new_token(kommune_id: int) -> str:
    token = uuid.uuid4().hex
    cache.set(_token_key(kommune_id), token, None)
    return token


class KommuneCache:
    def __init__(self, kommune_id: int):
        self.kommune_id = kommune_id

    def _key(self, token: str, parts: Iterable) -> str:
        digest = hashlib.sha1(repr(tuple(parts)).encode()).hexdigest()
        return f"kommune:{self.kommune_id}:{token}:{digest}"

    def get_or_set(self, parts: Iterable, compute: Callable, timeout: int = DEFAULT_TIMEOUT):
        """The cached value for `parts` (any repr-able tuple), computed on a miss. The token is
        read before computing, so a value computed across a change is stored under the token
        the change replaces."""
        token = cache.get(_token_key(self.kommune_id)) or _new_token(self.kommune_id)
        key = self._key(token, parts)
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout)
        return value

    def clear(self) -> None:
        kommune_id = self.kommune_id
        _new_token(kommune_id)
        transaction.on_commit(lambda: _new_token(kommune_id))


def clear_kommune_caches(kommune_ids: Iterable[int]) -> None:
    for kommune_id in set(kommune_ids):
        if kommune_id is not None:
            KommuneCache(kommune_id).clear()
