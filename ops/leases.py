"""Lease rows (``unit_leases``): the unit locks of a SQLite store.

A lease names its holder and expires ``ttl`` seconds after it was taken or last renewed.
All the leases one process holds in one database are renewed by one heartbeat thread
(:class:`Heartbeat`), in one statement per holder, every third of the shortest ``ttl``: a
crawl of 3,300 units keeps one thread and one write every 20 s, not 3,300 of each.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import weakref
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Store
from storage.models import UnitLease, utcnow

log = logging.getLogger("vnfeeds.ops.locks")

#: Units renewed per statement (SQLite's oldest limit is 999 bound values).
CHUNK = 500
THREAD_NAME = "lease-heartbeat"


def holder_is_dead(holder: str) -> bool:
    """True when ``holder`` (``prefix@host:pid:rand``) names a process of this host that is gone."""
    try:
        host, pid_text = holder.rsplit("@", 1)[1].split(":")[:2]
        pid = int(pid_text)
    except (IndexError, ValueError):
        return False
    if host != socket.gethostname() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def take_lease(store: Store, unit_id: str, holder: str, ttl: float) -> bool:
    """Take the unit's lease: free, expired, or held by a dead process of this host."""
    now = utcnow()
    expires = now + timedelta(seconds=ttl)
    try:
        with store.session() as s:
            s.execute(insert(UnitLease).values(unit_id=unit_id, holder=holder, expires_at=expires))
        return True
    except IntegrityError:
        pass
    with store.session() as s:
        row = s.get(UnitLease, unit_id)
        if row is None:
            return False
        if row.expires_at >= now and not holder_is_dead(row.holder):
            return False
        res = s.execute(  # compare-and-swap on the old holder: one taker wins
            update(UnitLease)
            .where(UnitLease.unit_id == unit_id, UnitLease.holder == row.holder)
            .values(holder=holder, expires_at=expires)
        )
        if res.rowcount:  # type: ignore[attr-defined]
            log.info("unit=%s event=lease_taken_over from=%s", unit_id, row.holder)
        return bool(res.rowcount)  # type: ignore[attr-defined]


def drop_lease(store: Store, unit_id: str, holder: str) -> None:
    """Delete the unit's lease if ``holder`` still holds it."""
    with store.session() as s:
        s.execute(delete(UnitLease).where(UnitLease.unit_id == unit_id, UnitLease.holder == holder))


def renew_leases(store: Store, holder: str, unit_ids: list[str], ttl: float) -> set[str]:
    """Push the expiry of ``holder``'s leases on ``unit_ids`` to ``ttl`` from now; return
    the units whose lease ``holder`` no longer has (taken over after it expired)."""
    lost: set[str] = set()
    with store.session() as s:
        for i in range(0, len(unit_ids), CHUNK):
            ids = unit_ids[i : i + CHUNK]
            res = s.execute(
                update(UnitLease)
                .where(UnitLease.holder == holder, UnitLease.unit_id.in_(ids))
                .values(expires_at=utcnow() + timedelta(seconds=ttl))
            )
            if res.rowcount != len(ids):  # type: ignore[attr-defined]
                kept = s.scalars(
                    select(UnitLease.unit_id).where(
                        UnitLease.holder == holder, UnitLease.unit_id.in_(ids)
                    )
                )
                lost |= set(ids) - set(kept)
    return lost


def lease_holder(store: Store, unit_id: str) -> str | None:
    """Who holds an unexpired lease on the unit, else None."""
    with store.session() as s:
        row = s.scalar(
            select(UnitLease).where(UnitLease.unit_id == unit_id, UnitLease.expires_at >= utcnow())
        )
        return row.holder if row else None


class Heartbeat:
    """Renews the leases this process holds in one database, from one thread.

    The thread starts with the first lease added and ends once the last is removed (so a
    process holding none runs no thread, and can fork its parse workers).
    """

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._cond = threading.Condition()
        self._leases: dict[tuple[str, str], float] = {}  # (unit_id, holder) -> ttl
        self._thread: threading.Thread | None = None

    def add(self, unit_id: str, holder: str, ttl: float) -> None:
        """Renew this lease from now on."""
        with self._cond:
            self._leases[unit_id, holder] = ttl
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                self._thread.start()
            self._cond.notify()

    def remove(self, unit_id: str, holder: str) -> None:
        """Stop renewing this lease; with it the last, wait (up to 5 s) for the thread's end."""
        with self._cond:
            self._leases.pop((unit_id, holder), None)
            thread = self._thread if not self._leases else None
            self._cond.notify()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        last = time.monotonic()
        while True:
            with self._cond:
                while True:  # until a renewal is due (a lease added or removed wakes it early)
                    if not self._leases:
                        self._thread = None
                        return
                    due = last + max(min(self._leases.values()) / 3, 0.05)
                    if (left := due - time.monotonic()) <= 0:
                        break
                    self._cond.wait(left)
                batches: dict[tuple[str, float], list[str]] = defaultdict(list)
                for (unit_id, holder), ttl in self._leases.items():
                    batches[holder, ttl].append(unit_id)
            last = time.monotonic()
            for (holder, ttl), unit_ids in batches.items():
                self._renew(holder, unit_ids, ttl)

    def _renew(self, holder: str, unit_ids: list[str], ttl: float) -> None:
        store = self._store()
        if store is None:  # the store is gone, and its leases with it
            return
        try:
            lost = renew_leases(store, holder, unit_ids, ttl)
        except Exception as e:  # a busy database must not kill the crawl
            log.warning(
                "units=%d event=lease_renew_failed holder=%s error=%r", len(unit_ids), holder, e
            )
            return
        with self._cond:
            for unit_id in sorted(lost):
                if self._leases.pop((unit_id, holder), None) is not None:  # still ours to keep
                    log.warning("unit=%s event=lease_lost holder=%s", unit_id, holder)


_beats: weakref.WeakKeyDictionary[Store, Heartbeat] = weakref.WeakKeyDictionary()
_beats_mutex = threading.Lock()


def heartbeat(store: Store) -> Heartbeat:
    """The heartbeat of ``store``'s database in this process."""
    with _beats_mutex:
        beat = _beats.get(store)
        if beat is None:
            beat = _beats[store] = Heartbeat(store)
        return beat
