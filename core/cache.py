"""Values computed from a kommune's data, kept in the shared cache until that data changes.

As pretix's per-event cache: each kommune has a version token in the cache, every key is built
with it, and `clear()` replaces the token, which drops all the kommune's values at once (they
expire on their own). The token is replaced at once and again when the transaction commits: a
request that computed a value from the old rows while the transaction was open stored it under
the token replaced at commit, so no value outlives the change it missed.

The cache must be shared by every process that changes the data (web, Celery workers): Redis
when REDIS_URL is set, a directory under var/ otherwise (config/settings.py).

The cache is an optimisation, never a dependency: every call on it goes through `cache_call`,
so when Redis is down pages are computed uncached and writes go through. A failure is logged at
most once per `OUTAGE_LOG_INTERVAL` per process, and for `OUTAGE_RETRY_AFTER` after a failure
this process does not even try (a down Redis costs a connect timeout per call, and a page makes
several). A token this process could not replace is replaced as soon as the cache answers again,
so a change made during the outage is not hidden behind values cached before it.

Apps may ask to hear when a transaction that cleared a kommune's values has committed
(`on_clear_committed`), to compute again at once what the next request would otherwise wait for.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What `cache_call` returns for a failed read, told apart from a miss (None).
_FAILED = object()

# A safety net only: values are dropped by `clear()` when their data changes.
DEFAULT_TIMEOUT = 6 * 3600

# After a failed call, skip the cache for this many seconds before trying it again.
OUTAGE_RETRY_AFTER = 30.0
# Log a failing cache at most this often per process (a warning per request would flood the log).
OUTAGE_LOG_INTERVAL = 300.0


class _Outage:
    """This process's view of the cache: when to try it again, and when the failure was last
    logged. Module-level state, guarded by a lock (runserver and gunicorn's threads share it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at: float | None = None
        # Kommuner whose token this process could not replace (see `KommuneCache.clear`).
        self.pending_clears: set[int] = set()

    def reset(self) -> None:
        with self.lock:
            self.down_until = 0.0
            self.logged_at = None
            self.pending_clears.clear()


_outage = _Outage()


def cache_available() -> bool:
    return time.monotonic() >= _outage.down_until


def _record_failure(error: Exception) -> None:
    now = time.monotonic()
    with _outage.lock:
        _outage.down_until = now + OUTAGE_RETRY_AFTER
        log = _outage.logged_at is None or now - _outage.logged_at >= OUTAGE_LOG_INTERVAL
        if log:
            _outage.logged_at = now
    if log:
        logger.warning(
            "The cache is unreachable (%s: %s); computing uncached. Retried every %ds, "
            "logged at most every %ds.",
            type(error).__name__,
            error,
            OUTAGE_RETRY_AFTER,
            OUTAGE_LOG_INTERVAL,
        )


def cache_call(operation: Callable[[], T], default: T) -> T:
    """`operation()` (a call on the cache), or `default` when the cache fails or is known to be
    down. Every use of django.core.cache in requests and services goes through here."""
    if not cache_available():
        return default
    try:
        return operation()
    except Exception as error:  # redis.ConnectionError, TimeoutError, OSError, …: any is an outage
        _record_failure(error)
        return default


def _token_key(kommune_id: int, topic: str = "") -> str:
    return f"kommune:{kommune_id}:{topic}:token" if topic else f"kommune:{kommune_id}:token"


def _new_token(kommune_id: int, topic: str = "") -> str | None:
    """A new token for the kommune (or one of its topics), stored; None when the cache failed
    (then the kommune is remembered, and its token replaced when the cache answers again: the
    values of its topics are keyed with that token too, so they go with it)."""
    token = uuid.uuid4().hex

    def store() -> bool:
        cache.set(_token_key(kommune_id, topic), token, None)
        return True

    if cache_call(store, False):
        return token
    _outage.pending_clears.add(kommune_id)
    return None


def _replay_pending_clears() -> bool:
    """Replace the tokens this process could not replace during an outage. False while any
    is still pending: the values cached before the outage must not be served until then."""
    for kommune_id in list(_outage.pending_clears):
        _outage.pending_clears.discard(kommune_id)
        if _new_token(kommune_id) is None:
            return False
    return True


class KommuneCache:
    def __init__(self, kommune_id: int):
        self.kommune_id = kommune_id

    def _key(self, token: str, parts: Iterable) -> str:
        digest = hashlib.sha1(repr(tuple(parts)).encode()).hexdigest()
        return f"kommune:{self.kommune_id}:{token}:{digest}"

    def get_or_set(self, parts: Iterable, compute: Callable, timeout: int = DEFAULT_TIMEOUT):
        """The cached value for `parts` (any repr-able tuple), computed on a miss. The token is
        read before computing, so a value computed across a change is stored under the token
        the change replaces. Computed uncached when the cache is down."""
        if not cache_available() or not _replay_pending_clears():
            return compute()
        token = cache_call(lambda: cache.get(_token_key(self.kommune_id)), _FAILED)
        if token is _FAILED:
            return compute()
        if token is None:
            token = _new_token(self.kommune_id)
            if token is None:
                return compute()
        key = self._key(token, parts)
        value = cache_call(lambda: cache.get(key), None)
        if value is None:
            value = compute()
            cache_call(lambda: cache.set(key, value, timeout), None)
        return value

    def get_many_or_set(self, entries: dict, topic: str, timeout: int = DEFAULT_TIMEOUT) -> dict:
        """`get_or_set` of several values at once, in two round trips to the cache (the tokens,
        then the values) and a third to store those computed: `entries` maps a name to its
        (parts, compute). The values are also kept under the token of `topic`, which
        `clear_kommune_topic` replaces when data outside the kommune's token changes (the
        portal's panels read meetings, APV, incidents …). A computed None is kept too."""
        if not cache_available() or not _replay_pending_clears():
            return {name: compute() for name, (_parts, compute) in entries.items()}
        keys = [_token_key(self.kommune_id), _token_key(self.kommune_id, topic)]
        tokens = cache_call(lambda: cache.get_many(keys), _FAILED)
        if tokens is _FAILED:
            return {name: compute() for name, (_parts, compute) in entries.items()}
        token = tokens.get(keys[0]) or _new_token(self.kommune_id)
        topic_token = tokens.get(keys[1]) or _new_token(self.kommune_id, topic)
        if token is None or topic_token is None:
            return {name: compute() for name, (_parts, compute) in entries.items()}
        names = {
            self._key(token, (topic, topic_token, *parts)): name
            for name, (parts, _c) in entries.items()
        }
        found = cache_call(lambda: cache.get_many(list(names)), {})
        values, computed = {}, {}
        for key, name in names.items():
            if key in found:
                values[name] = found[key][0]
            else:
                values[name] = entries[name][1]()
                computed[key] = (values[name],)  # a 1-tuple: a computed None is a hit too
        if computed:
            cache_call(lambda: cache.set_many(computed, timeout), None)
        return values

    def clear(self) -> None:
        kommune_id = self.kommune_id
        _new_token(kommune_id)
        _AfterCommit.register(kommune_id)


# Called with the kommune's id after a transaction that cleared its values has committed, once
# per kommune and transaction (the deadlines register their overview's recount).
_clear_hooks: list[Callable[[int], None]] = []


def on_clear_committed(hook: Callable[[int], None]) -> None:
    if hook not in _clear_hooks:
        _clear_hooks.append(hook)


class KommuneAfterCommit:
    """A callback run once per kommune when the open transaction commits, however often it is
    registered in that transaction (a sync that saves a thousand units clears a thousand times).
    Subclasses define `__call__`; `register` runs it at once outside a transaction, as Django's
    `on_commit` does."""

    robust = False

    def __init__(self, kommune_id: int, topic: str = ""):
        self.kommune_id = kommune_id
        self.topic = topic

    @classmethod
    def register(cls, kommune_id: int, topic: str = "") -> None:
        if not cls.pending(kommune_id, topic):
            transaction.on_commit(cls(kommune_id, topic), robust=cls.robust)

    @classmethod
    def pending(cls, kommune_id: int, topic: str = "") -> bool:
        """Whether the open transaction already runs this callback for the kommune when it
        commits. A callback of a savepoint that was rolled back is no longer in Django's list,
        so the next registration adds it again."""
        if not connection.in_atomic_block:
            return False
        return any(
            isinstance(callback, cls)
            and callback.kommune_id == kommune_id
            and callback.topic == topic
            for _savepoints, callback, _robust in connection.run_on_commit
        )


class _AfterCommit(KommuneAfterCommit):
    """The on-commit part of `KommuneCache.clear`: replace the token again, then tell the hooks.
    Only clears made inside a transaction tell them: outside one, the caller may clear before it
    writes (the engine's bulk writes do), and a recount started at once could miss the rows."""

    def __init__(self, kommune_id: int, topic: str = ""):
        super().__init__(kommune_id, topic)
        self.in_transaction = connection.in_atomic_block

    def __call__(self) -> None:
        if _new_token(self.kommune_id) is None or not self.in_transaction:
            return
        for hook in _clear_hooks:
            try:
                hook(self.kommune_id)
            except Exception:  # noqa: BLE001 - a hook is an optimisation; the write has committed
                logger.warning("cache clear hook %r failed", hook, exc_info=True)


def clear_kommune_caches(kommune_ids: Iterable[int]) -> None:
    for kommune_id in set(kommune_ids):
        if kommune_id is not None:
            KommuneCache(kommune_id).clear()


class _TopicAfterCommit(KommuneAfterCommit):
    """The on-commit part of `clear_kommune_topic` (as `_AfterCommit`, without the hooks)."""

    def __call__(self) -> None:
        _new_token(self.kommune_id, self.topic)


def clear_kommune_topic(kommune_id: int | None, topic: str) -> None:
    """Drop the kommune's values kept under `topic` (`KommuneCache.get_many_or_set`), now and
    again when the open transaction commits; the kommune's other values stay."""
    if kommune_id is None:
        return
    _new_token(kommune_id, topic)
    _TopicAfterCommit.register(kommune_id, topic)
