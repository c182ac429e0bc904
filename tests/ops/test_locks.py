"""Unit locks: advisory on PostgreSQL, lease rows on SQLite."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from ops.leases import THREAD_NAME
from ops.locks import LockBusy, is_locked, lock_key, renew_all, unit_lock
from storage.db import Store
from storage.models import UnitLease, utcnow


def _beats() -> int:
    """Lease heartbeat threads running in this process."""
    return sum(t.name == THREAD_NAME for t in threading.enumerate())


def test_lock_key_is_stable_and_distinct() -> None:
    assert lock_key("phutho-soct") == lock_key("phutho-soct")
    assert lock_key("phutho-soct") != lock_key("hoabinh-soct")
    assert -(2**63) <= lock_key("x" * 64) < 2**63


def test_second_holder_is_refused_until_release(store: Store) -> None:
    other = Store(store.url)  # a separate engine: another process as far as the DB knows
    try:
        with unit_lock(store, "u1", holder="a", ttl=30) as lock:
            assert lock.holder == "a"
            assert is_locked(other, "u1")
            with pytest.raises(LockBusy) as exc, unit_lock(other, "u1", holder="b", ttl=30):
                pass
            assert exc.value.unit_id == "u1"
            with unit_lock(other, "u2", holder="b", ttl=30):  # other units are free
                pass
        assert not is_locked(other, "u1")
        with unit_lock(other, "u1", holder="b", ttl=30):
            assert is_locked(store, "u1")
    finally:
        other.dispose()


def test_lock_released_when_block_raises(store: Store) -> None:
    with pytest.raises(ValueError), unit_lock(store, "u1", ttl=30):
        raise ValueError("crawl crashed")
    with unit_lock(store, "u1", ttl=30):
        pass


def test_expired_lease_is_taken_over(sqlite_only_store: Store) -> None:
    with sqlite_only_store.session() as s:
        s.add(UnitLease(unit_id="u1", holder="dead", expires_at=utcnow() - timedelta(seconds=1)))
    with (
        unit_lock(sqlite_only_store, "u1", holder="alive", ttl=30),
        sqlite_only_store.session() as s,
    ):
        assert s.get(UnitLease, "u1").holder == "alive"  # type: ignore[union-attr]
    with sqlite_only_store.session() as s:
        assert s.get(UnitLease, "u1") is None


def test_heartbeat_keeps_a_short_lease_alive(sqlite_only_store: Store) -> None:
    with unit_lock(sqlite_only_store, "u1", holder="a", ttl=0.4):
        time.sleep(1.0)  # longer than the ttl: only renewal keeps it
        with (
            pytest.raises(LockBusy) as exc,
            unit_lock(sqlite_only_store, "u1", holder="b", ttl=0.4),
        ):
            pass
        assert exc.value.holder == "a"


def test_many_units_locked_at_once_in_one_process(store: Store) -> None:
    """A crawl of every unit takes every lock; that must not need a connection each."""
    other = Store(store.url)
    try:
        with contextlib.ExitStack() as stack:
            for i in range(40):  # more than the engine's pool (5 + 10 overflow)
                stack.enter_context(unit_lock(store, f"u{i}", ttl=30))
            with pytest.raises(LockBusy), unit_lock(store, "u7", ttl=30):
                pass  # same process, same unit: still exclusive
            with pytest.raises(LockBusy), unit_lock(other, "u39", ttl=30):
                pass
        with unit_lock(other, "u39", ttl=30):
            pass
    finally:
        other.dispose()


def test_a_lease_taken_without_renewal_is_renewed_once_asked(sqlite_only_store: Store) -> None:
    """The crawl command takes its leases before it forks its parse workers and starts
    their heartbeats after (a running thread would keep them from being forked)."""
    with unit_lock(sqlite_only_store, "u1", holder="a", ttl=0.4, renew_now=False) as lock:
        assert _beats() == 0
        renew_all([lock])
        renew_all([lock])  # a second call starts nothing more
        assert _beats() == 1
        time.sleep(1.0)  # longer than the ttl: only renewal keeps it
        with (
            pytest.raises(LockBusy),
            unit_lock(sqlite_only_store, "u1", holder="b", ttl=0.4),
        ):
            pass
    assert _beats() == 0


def test_a_lease_never_renewed_expires_and_is_released_cleanly(sqlite_only_store: Store) -> None:
    with unit_lock(sqlite_only_store, "u1", holder="a", ttl=0.4, renew_now=False):
        time.sleep(0.8)  # not renewed: another holder may take it over
        with unit_lock(sqlite_only_store, "u1", holder="b", ttl=0.4):
            pass
    with sqlite_only_store.session() as s:
        assert s.get(UnitLease, "u1") is None


def test_a_lease_that_cannot_be_dropped_is_one_error_line_and_expires(
    sqlite_only_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk at the end of a crawl: releasing the lock fails; the crawl still ends
    cleanly (one line naming the unit), and the lease expires for the next crawl."""

    def full_disk(_conn: object, _cursor: object, statement: str, params: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM UNIT_LEASES"):
            # as SQLAlchemy raises the driver's error
            raise OperationalError(statement, params, sqlite3.OperationalError("disk I/O error"))

    engine = sqlite_only_store.engine
    with caplog.at_level(logging.ERROR, logger="vnfeeds.ops.locks"):
        with unit_lock(sqlite_only_store, "u1", holder="a", ttl=0.4, renew_now=False):
            event.listen(engine, "before_cursor_execute", full_disk)
        event.remove(engine, "before_cursor_execute", full_disk)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].startswith("unit u1: lock not released"), errors
    assert "disk I/O error" in errors[0]
    with sqlite_only_store.session() as s:
        assert s.get(UnitLease, "u1") is not None  # still there, expiring
    time.sleep(0.6)
    with unit_lock(sqlite_only_store, "u1", holder="b", ttl=0.4):
        pass


def test_many_leases_share_one_heartbeat_and_one_statement_a_beat(
    sqlite_only_store: Store,
) -> None:
    """A crawl of every unit holds a lease each: one thread renews them all, one UPDATE
    per beat (a thread and a write per lease would contend with the crawl's writes)."""

    updates: list[str] = []

    def count(_conn: object, _cur: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE UNIT_LEASES"):
            updates.append(statement)

    event.listen(sqlite_only_store.engine, "before_cursor_execute", count)
    other = Store(sqlite_only_store.url)
    try:
        with contextlib.ExitStack() as stack:
            for i in range(30):
                stack.enter_context(unit_lock(sqlite_only_store, f"u{i}", holder="a", ttl=0.6))
            assert _beats() == 1
            time.sleep(1.2)  # twice the ttl: only renewal keeps them
            for uid in ("u0", "u17", "u29"):
                with pytest.raises(LockBusy), unit_lock(other, uid, holder="b", ttl=0.6):
                    pass
            assert 1 <= len(updates) < 30  # one renewal of each lease alone would be 30
        assert _beats() == 0
        with sqlite_only_store.session() as s:
            assert s.query(UnitLease).count() == 0
    finally:
        event.remove(sqlite_only_store.engine, "before_cursor_execute", count)
        other.dispose()


def test_a_lease_taken_over_is_reported_lost_and_the_others_kept(
    sqlite_only_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A lease another holder took (it had expired: a stalled process) is no longer
    renewed, and says so; the holder's other leases are renewed as before."""
    with (
        caplog.at_level(logging.WARNING, logger="vnfeeds.ops.locks"),
        unit_lock(sqlite_only_store, "u1", holder="a", ttl=0.3),
        unit_lock(sqlite_only_store, "u2", holder="a", ttl=0.3),
    ):
        with sqlite_only_store.session() as s:
            s.get(UnitLease, "u1").holder = "thief"  # type: ignore[union-attr]
        time.sleep(0.6)
        with sqlite_only_store.session() as s:
            assert s.get(UnitLease, "u1").holder == "thief"  # type: ignore[union-attr]
            u2 = s.get(UnitLease, "u2")
            assert u2 is not None and u2.holder == "a" and u2.expires_at >= utcnow()
    assert "unit=u1 event=lease_lost holder=a" in caplog.text
    assert "unit=u2 event=lease_lost" not in caplog.text
    with sqlite_only_store.session() as s:  # released: ours deleted, the thief's kept
        assert s.get(UnitLease, "u2") is None
        assert s.get(UnitLease, "u1").holder == "thief"  # type: ignore[union-attr]
