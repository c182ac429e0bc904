"""One crawler per unit at a time, across processes and machines.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a stable
64-bit hash of the unit id, held for the whole crawl on one dedicated connection per
process (however many units it locks); the server drops it if the process dies.
SQLite: a lease row in ``unit_leases`` with a short expiry (``ttl``, 60 s), renewed every
``ttl/3`` while held by the process' one heartbeat thread (:mod:`ops.leases`), from
:meth:`Lock.start_renewing` when taken with ``renew_now=False``: the crawl command starts
the renewals once its parse workers are forked, which it does only while it runs one thread. A lease whose holder process is gone (same
host, pid no longer alive) is taken over at once; one held from another host expires
``ttl`` seconds after its last heartbeat.

Usage (the crawl command and the scheduler's job)::

    with unit_lock(store, "phutho-soct", holder="scheduler@host:123", ttl=3600):
        crawl()
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from ops.leases import drop_lease, heartbeat, lease_holder, take_lease
from storage.db import Store, error_line

log = logging.getLogger("vnfeeds.ops.locks")

DEFAULT_TTL = 60.0
#: Server-side TCP keepalives of the connection holding advisory locks (PostgreSQL).
KEEPALIVE = {"tcp_keepalives_idle": 5, "tcp_keepalives_interval": 5, "tcp_keepalives_count": 2}


class LockBusy(RuntimeError):
    """Another process holds the unit's lock."""

    def __init__(self, unit_id: str, holder: str | None = None) -> None:
        self.unit_id = unit_id
        self.holder = holder
        who = f" (held by {holder})" if holder else ""
        super().__init__(f"unit {unit_id} is being crawled by another process{who}")


@dataclass
class Lock:
    """A held lock: which unit, who holds it, and how."""

    unit_id: str
    holder: str
    kind: str  # "advisory" or "lease"
    _renew: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def start_renewing(self) -> None:
        """Start the lease's heartbeat if it is not running yet (an advisory lock needs none)."""
        if self._renew is not None:
            self._renew()


def renew_all(locks: Iterable[Lock]) -> None:
    """Start the heartbeat of every lease among ``locks`` that is not renewed yet."""
    for lock in locks:
        lock.start_renewing()


def default_holder(prefix: str = "vnfeeds") -> str:
    """A holder name unique to this process and call: ``prefix@host:pid:rand``."""
    return f"{prefix}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lock_key(unit_id: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` (same in every process)."""
    digest = hashlib.blake2b(f"vnfeeds:unit:{unit_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _is_postgres(store: Store) -> bool:
    return store.engine.dialect.name == "postgresql"


@contextmanager
def unit_lock(
    store: Store,
    unit_id: str,
    holder: str | None = None,
    ttl: float = DEFAULT_TTL,
    *,
    renew_now: bool = True,
) -> Iterator[Lock]:
    """Hold the unit's lock for the ``with`` block; raise ``LockBusy`` if taken.

    ``ttl`` only matters on SQLite: how long a lease outlives a holder that died.
    ``renew_now=False``: the lease is renewed only once :meth:`Lock.start_renewing` is
    called, which must be well within ``ttl``.
    """
    who = holder or default_holder()
    if _is_postgres(store):
        with _advisory_lock(store, unit_id, who) as lock:
            yield lock
    else:
        with _lease_lock(store, unit_id, who, ttl, renew_now) as lock:
            yield lock


class _AdvisoryConn:
    """One dedicated connection per engine holding all of this process's advisory locks.

    A crawl of hundreds of units would otherwise hold hundreds of connections.
    PostgreSQL advisory locks are re-entrant within a session, so exclusivity between
    threads of this process is kept by the ``held`` set.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.mutex = threading.Lock()
        self.conn: Connection | None = None
        self.held: set[int] = set()

    def acquire(self, key: int) -> bool:
        with self.mutex:
            if key in self.held:
                return False
            if self.conn is None or self.conn.closed or self.conn.invalidated:
                self.conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                # a crawl node that dies silently frees its locks after ~15 s of probes
                for name, value in KEEPALIVE.items():
                    self.conn.execute(text(f"SET {name} = {int(value)}"))
            try:
                got = bool(
                    self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
                )
            except Exception:
                self._drop()
                raise
            if got:
                self.held.add(key)
            elif not self.held:
                self._close()
            return got

    def release(self, key: int) -> None:
        with self.mutex:
            if key not in self.held:
                return
            self.held.discard(key)
            try:
                if self.conn is not None:
                    self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            except Exception:  # a broken connection has lost every lock anyway
                self._drop()
                raise
            if not self.held:
                self._close()

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _drop(self) -> None:
        """The connection failed: its locks are gone; never reuse it."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.invalidate()
            self._close()
        self.held.clear()


_advisory: weakref.WeakKeyDictionary[Engine, _AdvisoryConn] = weakref.WeakKeyDictionary()
_advisory_mutex = threading.Lock()


def _advisory_conn(store: Store) -> _AdvisoryConn:
    with _advisory_mutex:
        ac = _advisory.get(store.engine)
        if ac is None:
            ac = _advisory[store.engine] = _AdvisoryConn(store.engine)
        return ac


@contextmanager
def _advisory_lock(store: Store, unit_id: str, holder: str) -> Iterator[Lock]:
    key = lock_key(unit_id)
    ac = _advisory_conn(store)
    if not ac.acquire(key):
        raise LockBusy(unit_id)
    log.debug("unit=%s event=lock_acquired kind=advisory holder=%s", unit_id, holder)
    try:
        yield Lock(unit_id, holder, "advisory")
    finally:
        ac.release(key)
        log.debug("unit=%s event=lock_released kind=advisory holder=%s", unit_id, holder)


@contextmanager
def _lease_lock(
    store: Store, unit_id: str, holder: str, ttl: float, renew_now: bool = True
) -> Iterator[Lock]:
    if not take_lease(store, unit_id, holder, ttl):
        raise LockBusy(unit_id, lease_holder(store, unit_id))
    log.debug("unit=%s event=lock_acquired kind=lease holder=%s ttl=%s", unit_id, holder, ttl)
    beat = heartbeat(store)
    mutex = threading.Lock()
    state = {"renewed": False, "released": False}

    def renew() -> None:
        with mutex:
            if not state["renewed"] and not state["released"]:
                state["renewed"] = True
                beat.add(unit_id, holder, ttl)

    if renew_now:
        renew()
    try:
        yield Lock(unit_id, holder, "lease", renew)
    finally:
        with mutex:
            state["released"] = True
        beat.remove(unit_id, holder)
        try:
            drop_lease(store, unit_id, holder)
        except SQLAlchemyError as e:  # a full disk, a lost server: the lease ends by itself
            log.error(
                "unit %s: lock not released (%s); another crawl may take it once this process"
                " has ended or after %.0f s",
                unit_id,
                error_line(e),
                ttl,
            )
        else:
            log.debug("unit=%s event=lock_released kind=lease holder=%s", unit_id, holder)


def is_locked(store: Store, unit_id: str) -> bool:
    """True when some process holds the unit's lock right now."""
    if not _is_postgres(store):
        return lease_holder(store, unit_id) is not None
    key = lock_key(unit_id)
    if key in _advisory_conn(store).held:
        return True
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        if got:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        return not got
