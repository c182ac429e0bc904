"""The real APScheduler with a database job store: fires, persists, reloads, pauses."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from domain.registry import load_registry
from domain.timezone import VN_TZ as TZ
from ops.leader import leader_alive
from ops.overview import next_run_times, set_paused, unit_statuses
from ops.scheduler import SchedulerSettings, cron_day_of_week, unit_trigger
from storage.db import Store
from storage.models import Unit
from tests.ops.conftest import Plan, write_units
from tests.ops.scheduling import Harness, runs_of, wait_for


@pytest.mark.parametrize(
    ("cron", "aps"),
    [
        ("1", "mon"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/2", "sun,tue,thu,sat"),
        ("5/2", "sun,fri"),
        ("*", "*"),
        ("mon-fri", "mon-fri"),
    ],
)
def test_crontab_weekdays_keep_their_meaning(cron: str, aps: str) -> None:
    assert cron_day_of_week(cron) == aps


def test_cron_schedule_fires_on_monday_vietnam_time(tmp_path: Path) -> None:
    f = write_units(
        tmp_path / "u.toml",
        ["unit-a"],
        {"unit-a": 'schedule = { cron = "15 6 * * 1", jitter_seconds = 0 }'},
    )
    unit = load_registry(f).units["unit-a"]
    trigger, fp = unit_trigger(unit, SchedulerSettings())
    nxt = trigger.get_next_fire_time(None, datetime(2025, 7, 2, tzinfo=TZ))  # a Wednesday
    assert nxt is not None and (nxt.weekday(), nxt.hour, nxt.minute) == (0, 6, 15)
    assert nxt.date().isoformat() == "2025-07-07"
    _, fp_fast = unit_trigger(unit, SchedulerSettings(interval_seconds=1))
    assert fp != fp_fast


@pytest.fixture
def harness(tmp_path: Path, plan: Plan, default_db_url: str) -> Iterator[Harness]:
    h = Harness(tmp_path, plan, default_db_url)
    yield h
    for s in list(h.running):
        h.stop(s)


def test_jobs_fire_and_persist_across_a_restart(harness: Harness) -> None:
    sched = harness.start()
    first = sched.start()
    assert sorted(first.added) == ["unit-a", "unit-b"]
    store = sched.store
    assert wait_for(lambda: runs_of(store, "unit-a") >= 1 and runs_of(store, "unit-b") >= 1)
    harness.stop(sched)

    check = Store(harness.db)
    before = next_run_times(check)
    assert set(before) == {"unit-a", "unit-b"}  # the jobs outlived the scheduler
    n = runs_of(check, "unit-a")

    again = harness.start()
    result = again.start()
    assert sorted(result.kept) == ["unit-a", "unit-b"] and not result.added
    assert wait_for(lambda: runs_of(check, "unit-a") >= n + 1)
    check.dispose()


def test_reload_and_pause_keep_history(harness: Harness) -> None:
    sched = harness.start()
    sched.start()
    store = sched.store
    assert wait_for(lambda: runs_of(store, "unit-b") >= 1)
    time.sleep(0.05)
    write_units(harness.units, ["unit-a", "unit-b", "unit-c"], {"unit-b": "enabled = false"})
    assert wait_for(lambda: set(next_run_times(store)) == {"unit-a", "unit-c"})
    assert wait_for(lambda: runs_of(store, "unit-c") >= 1)
    assert runs_of(store, "unit-b") >= 1  # history of the disabled unit stays

    # a broken file does not drop the units it used to define
    harness.units.write_text("[[unit]\nid = ", encoding="utf-8")
    sched.request_reload()
    time.sleep(0.8)
    assert set(next_run_times(store)) == {"unit-a", "unit-c"}

    # pausing in the store (as `vnfeeds pause` does) removes the job; resuming restores it
    set_paused(store, "unit-a", True)
    assert wait_for(lambda: "unit-a" not in next_run_times(store))
    n = runs_of(store, "unit-a")
    time.sleep(1.2)
    assert runs_of(store, "unit-a") <= n + 1  # at most one crawl already on its way
    set_paused(store, "unit-a", False)
    assert wait_for(lambda: "unit-a" in next_run_times(store))
    assert wait_for(lambda: runs_of(store, "unit-a") >= n + 2)


def test_failing_unit_backs_off_and_recovers(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vnfeeds.ops.jobs")
    harness.plan.set("unit-a", "down")
    write_units(harness.units, ["unit-a"])
    sched = harness.start(interval=0.5)
    sched.start()
    store = sched.store

    def skipped_for_backoff() -> bool:
        return any(
            getattr(r, "vn_event", "") == "job_skipped"
            and getattr(r, "vn_unit", "") == "unit-a"
            and r.vn_fields.get("reason") == "backoff"  # type: ignore[attr-defined]
            for r in caplog.records
        )

    def unit_a() -> Unit:
        with store.session() as s:
            u = s.get(Unit, "unit-a")
            assert u is not None
            return u

    assert wait_for(lambda: unit_a().failures >= 2, timeout=15)
    assert wait_for(skipped_for_backoff, timeout=10)
    assert unit_a().state == "down" and unit_a().backoff_until is not None
    harness.plan.set("unit-a", "ok")
    assert wait_for(lambda: unit_a().state == "ok", timeout=15)
    assert unit_a().failures == 0 and unit_a().backoff_until is None


def test_status_says_scheduler_not_running_once_it_stopped(harness: Harness) -> None:
    sched = harness.start()
    sched.start()
    store = sched.store
    assert wait_for(lambda: leader_alive(store))
    assert wait_for(
        lambda: (
            {s.unit: s.next_run_state[0] for s in unit_statuses(store)}.get("unit-a") == "scheduled"
        )
    )
    harness.stop(sched)

    check = Store(harness.db)
    assert set(next_run_times(check)) >= {"unit-a"}  # the jobs outlive the scheduler ...
    assert not leader_alive(check)
    labels = {s.unit: s.next_run_label for s in unit_statuses(check)}
    assert labels["unit-a"] == "scheduler not running"  # ... but their times no longer count
