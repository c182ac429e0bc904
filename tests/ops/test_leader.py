"""Leadership among schedulers: one leader, a standby takes over when it dies or steps down."""

from __future__ import annotations

import time

from ops.leader import LeaderSettings, Leadership
from storage.db import Store
from tests.ops.scheduling import wait_for


def test_one_leader_and_a_clean_handover(store: Store) -> None:
    settings = LeaderSettings(ttl=30, check=0.2)
    events: list[str] = []
    a = Leadership(store, settings, on_elected=lambda: events.append("a+"))
    b = Leadership(store, settings, on_elected=lambda: events.append("b+"))
    try:
        assert a.step() and not b.step()
        assert a.step() and not b.step()  # renewing keeps it; a standby stays out
        a.stop()  # steps down: the standby may lead at once, no ttl to wait for
        assert b.step()
        assert events == ["a+", "b+"]
    finally:
        a.stop()
        b.stop()


def test_a_silent_leader_loses_to_the_standby(store: Store) -> None:
    settings = LeaderSettings(ttl=1.0, check=0.2)
    lost: list[bool] = []
    a = Leadership(store, settings, on_lost=lambda: lost.append(True))
    b = Leadership(store, settings)
    try:
        assert a.step()
        if store.engine.dialect.name == "postgresql":
            assert a._conn is not None
            a._conn.invalidate()  # the leader's session ends as if its process died
        else:
            time.sleep(1.2)  # the leader stopped renewing: its lease expires
        assert b.step()
        assert not a.step() and lost == [True]  # the old leader notices and steps down
        assert b.step()
    finally:
        a.stop()
        b.stop()


def test_campaign_thread_elects_a_standby(store: Store) -> None:
    settings = LeaderSettings(ttl=30, check=0.1)
    a = Leadership(store, settings)
    b = Leadership(store, settings)
    try:
        assert a.start() and not b.start()
        a.stop()
        assert wait_for(lambda: b.is_leader, timeout=5)
    finally:
        a.stop()
        b.stop()
