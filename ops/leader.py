"""Leadership: of several schedulers sharing one database, exactly one fires jobs.

PostgreSQL: a session advisory lock on a fixed key, held on one dedicated connection
whose server-side TCP keepalives are short. The server drops the lock when the
leader's process dies (at once) or its machine goes silent (after the keepalive
probes, ``keepalive_seconds``). The leader checks its connection every ``check``
seconds and steps down when it broke.

SQLite: a row in ``leases`` with an expiry, renewed every ``check`` seconds; a standby
takes it over once it expired (``ttl`` seconds after the leader's last renewal).

A standby tries every ``check`` seconds, so it leads at most ``ttl + check`` seconds
(SQLite) or ``keepalive_seconds + check`` seconds (PostgreSQL, dead machine) after
the leader died.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert, text, update
from sqlalchemy.exc import IntegrityError

from ops.locks import default_holder
from ops.logging import NO_UNIT, event
from storage.db import Store
from storage.models import Lease, utcnow

log = logging.getLogger("vnfeeds.ops.leader")

Callback = Callable[[], None]


@dataclass(frozen=True)
class LeaderSettings:
    """How leadership is held and checked."""

    name: str = "scheduler"
    ttl: float = 15.0  # SQLite: a lease not renewed for this long is free
    check: float = 2.0  # seconds between renewals (leader) and attempts (standby)
    keepalive_seconds: int = 15  # PostgreSQL: how long a silent leader machine keeps the lock


def leader_key(name: str) -> int:
    """The advisory-lock key of a leadership name (apart from unit keys by prefix)."""
    digest = hashlib.blake2b(f"vnfeeds:leader:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Leadership:
    """Campaign for leadership in a thread; call back on election and on loss."""

    def __init__(
        self,
        store: Store,
        settings: LeaderSettings | None = None,
        *,
        holder: str | None = None,
        on_elected: Callback | None = None,
        on_lost: Callback | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or LeaderSettings()
        self.holder = holder or default_holder(self.settings.name)
        self.on_elected = on_elected
        self.on_lost = on_lost
        self.is_leader = False
        self._conn: Connection | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mutex = threading.Lock()

    @property
    def _pg(self) -> bool:
        return self.store.engine.dialect.name == "postgresql"

    # -- one step --------------------------------------------------------------------
    def step(self) -> bool:
        """Try to become (or stay) leader; run the callbacks on a change; True when leading."""
        with self._mutex:
            was = self.is_leader
            try:
                now = self._renew() if was else self._acquire()
            except Exception as e:  # an unreachable database: not leading
                log.warning("leadership check failed: %r", e, extra={"vn_unit": NO_UNIT})
                self._drop()
                now = False
            self.is_leader = now
        if now and not was:
            event(log, "leader_elected", NO_UNIT, holder=self.holder)
            if self.on_elected:
                self.on_elected()
        elif was and not now:
            event(log, "leader_lost", NO_UNIT, logging.WARNING, holder=self.holder)
            if self.on_lost:
                self.on_lost()
        return now

    def _acquire(self) -> bool:
        if self._pg:
            if self._conn is None:
                conn = self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                ka = max(1, self.settings.keepalive_seconds // 3)
                conn.execute(text(f"SET tcp_keepalives_idle = {ka}"))
                conn.execute(text(f"SET tcp_keepalives_interval = {ka}"))
                conn.execute(text("SET tcp_keepalives_count = 2"))
                self._conn = conn
            key = leader_key(self.settings.name)
            got = bool(
                self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            )
            return got
        expires = utcnow() + timedelta(seconds=self.settings.ttl)
        try:
            with self.store.session() as s:
                s.execute(
                    insert(Lease).values(
                        name=self.settings.name, holder=self.holder, expires_at=expires
                    )
                )
            return True
        except IntegrityError:
            pass
        with self.store.session() as s:
            res = s.execute(
                update(Lease)
                .where(Lease.name == self.settings.name, Lease.expires_at < utcnow())
                .values(holder=self.holder, expires_at=expires)
            )
            return bool(res.rowcount)  # type: ignore[attr-defined]

    def _renew(self) -> bool:
        if self._pg:
            if self._conn is None:
                return False
            # a new session (after a reconnect) would not hold the lock: ask the server
            k = leader_key(self.settings.name) & 0xFFFFFFFFFFFFFFFF
            held = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND classid = :c AND objid = :o"
                    " AND objsubid = 1"
                ),
                {"c": k >> 32, "o": k & 0xFFFFFFFF},
            ).scalar()
            if not held:
                self._drop()
            return bool(held)
        with self.store.session() as s:
            res = s.execute(
                update(Lease)
                .where(Lease.name == self.settings.name, Lease.holder == self.holder)
                .values(expires_at=utcnow() + timedelta(seconds=self.settings.ttl))
            )
            return bool(res.rowcount)  # type: ignore[attr-defined]

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.invalidate()
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    # -- the campaign thread ---------------------------------------------------------
    def start(self) -> bool:
        """One attempt now, then keep campaigning in a thread; True when leading now."""
        leading = self.step()
        self._thread = threading.Thread(target=self._run, name="vnfeeds-leader", daemon=True)
        self._thread.start()
        return leading

    def _run(self) -> None:
        while not self._stop.wait(self.settings.check):
            self.step()

    def stop(self) -> None:
        """Stop campaigning and give leadership up (a standby may take it at once)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._mutex:
            if self._pg:
                if self._conn is not None and self.is_leader:
                    with contextlib.suppress(Exception):
                        key = leader_key(self.settings.name)
                        self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                self._drop()
            elif self.is_leader:
                with contextlib.suppress(Exception), self.store.session() as s:
                    s.execute(
                        delete(Lease).where(
                            Lease.name == self.settings.name, Lease.holder == self.holder
                        )
                    )
            self.is_leader = False


def leader_alive(store: Store, name: str = "scheduler") -> bool:
    """Whether some process leads ``name`` now (a held advisory lock, or an unexpired lease).

    The status pages use it: jobs outlive a stopped scheduler in its job table, so their
    next-run times mean something only while a leader is there to fire them.
    """
    if store.engine.dialect.name == "postgresql":
        k = leader_key(name) & 0xFFFFFFFFFFFFFFFF
        with store.engine.connect() as conn:
            held = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                    " AND classid = :c AND objid = :o AND objsubid = 1"
                ),
                {"c": k >> 32, "o": k & 0xFFFFFFFF},
            ).scalar()
        return bool(held)
    with store.session() as s:
        lease = s.get(Lease, name)
        return lease is not None and _aware(lease.expires_at) > utcnow()


def _aware(t: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes."""
    return t if t.tzinfo else t.replace(tzinfo=UTC)
