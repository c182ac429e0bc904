"""Unit locks: advisory on PostgreSQL, lease rows on SQLite."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import timedelta

import pytest

from ops.locks import LockBusy, is_locked, lock_key, renew_all, unit_lock
from storage.db import Store
from storage.models import UnitLease, utcnow


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
        assert not any(t.name == "lease-u1" for t in threading.enumerate())
        renew_all([lock])
        renew_all([lock])  # a second call starts nothing more
        assert sum(t.name == "lease-u1" for t in threading.enumerate()) == 1
        time.sleep(1.0)  # longer than the ttl: only renewal keeps it
        with (
            pytest.raises(LockBusy),
            unit_lock(sqlite_only_store, "u1", holder="b", ttl=0.4),
        ):
            pass
    assert not any(t.name == "lease-u1" for t in threading.enumerate())


def test_a_lease_never_renewed_expires_and_is_released_cleanly(sqlite_only_store: Store) -> None:
    with unit_lock(sqlite_only_store, "u1", holder="a", ttl=0.4, renew_now=False):
        time.sleep(0.8)  # not renewed: another holder may take it over
        with unit_lock(sqlite_only_store, "u1", holder="b", ttl=0.4):
            pass
    with sqlite_only_store.session() as s:
        assert s.get(UnitLease, "u1") is None
