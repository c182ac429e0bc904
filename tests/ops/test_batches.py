"""Batch crawls: fired units gathered into one crawl process, each still judged alone."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.registry import load_registry
from domain.timezone import VN_TZ
from ops.backoff import BackoffPolicy
from ops.batches import BatchQueue
from ops.jobs import CrawlJob, JobSettings, crawl_argv
from ops.locks import unit_lock
from ops.publish import Publisher
from ops.scheduler import CrawlScheduler, SchedulerSettings
from storage.db import Store
from storage.models import CrawlRun, Unit
from storage.repository import sync_registry
from tests.ops.conftest import FAKE_CRAWL, Plan, write_units

UNITS = ["unit-a", "unit-b", "unit-c", "unit-d"]


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def batch_command(plan: Plan, intervals: Path) -> tuple[str, ...]:
    """The fake crawl taking every unit of a batch in one process."""
    return (
        sys.executable,
        str(FAKE_CRAWL),
        "--batch",
        "{db}",
        str(plan.path),
        str(intervals),
        "{units}",
    )


def pids(intervals: Path) -> dict[str, list[int]]:
    """Each unit's crawl processes, from the fake crawl's intervals file."""
    out: dict[str, list[int]] = {}
    for line in intervals.read_text().splitlines():
        uid, _start, _end, pid = line.split()
        out.setdefault(uid, []).append(int(pid))
    return out


# -- the queue ----------------------------------------------------------------------------
class Recorder:
    """A run_batch that records its batches (and can be held until released)."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.release.set()

    def __call__(self, units: Sequence[str]) -> None:
        self.batches.append(list(units))
        self.release.wait(10)


def test_units_fired_within_the_window_share_one_batch() -> None:
    rec = Recorder()
    q = BatchQueue(rec, max_units=10, window=0.3, slots=1)
    try:
        for uid in UNITS:
            assert q.submit(uid)
        assert wait_for(lambda: len(rec.batches) == 1)
        time.sleep(0.4)  # nothing more comes
        assert rec.batches == [UNITS]
    finally:
        q.stop()
        q.join()


def test_a_batch_holds_at_most_max_units_and_the_rest_follow() -> None:
    rec = Recorder()
    q = BatchQueue(rec, max_units=3, window=1.0, slots=2)
    try:
        for uid in [*UNITS, "unit-e"]:
            q.submit(uid)
        # a full batch goes at once, without waiting out the window
        assert wait_for(lambda: len(rec.batches) >= 1, timeout=0.8)
        assert rec.batches[0] == UNITS[:3]
        assert wait_for(lambda: len(rec.batches) == 2, timeout=4.0)
        assert rec.batches[1] == ["unit-d", "unit-e"]
    finally:
        q.stop()
        q.join()


def test_a_unit_queued_or_crawling_is_not_queued_again() -> None:
    rec = Recorder()
    rec.release.clear()  # the first batch stays "crawling"
    q = BatchQueue(rec, max_units=10, window=0.1, slots=1)
    try:
        assert q.submit("unit-a")
        assert not q.submit("unit-a")  # queued
        assert wait_for(lambda: q.busy() == {"unit-a"})
        assert not q.submit("unit-a")  # crawling
        assert q.submit("unit-b")  # waits for the only slot
        time.sleep(0.3)
        assert q.pending() == ["unit-b"] and len(rec.batches) == 1
        rec.release.set()
        assert wait_for(lambda: len(rec.batches) == 2)
        assert rec.batches == [["unit-a"], ["unit-b"]]
        assert wait_for(lambda: not q.busy())
        assert q.submit("unit-a")  # done: it may be queued again
    finally:
        q.stop()
        q.join()


def test_stop_drops_the_queued_units_and_refuses_new_ones() -> None:
    rec = Recorder()
    q = BatchQueue(rec, max_units=10, window=30.0, slots=1)
    q.submit("unit-a")
    assert q.stop() == ["unit-a"]
    assert not q.submit("unit-b")
    q.join()
    assert rec.batches == []


def test_queued_units_can_be_dropped_and_the_queue_goes_on() -> None:
    rec = Recorder()
    q = BatchQueue(rec, max_units=10, window=0.3, slots=1)
    try:
        q.submit("unit-a")
        assert q.drop("not_leader") == ["unit-a"] and q.pending() == []
        assert q.submit("unit-b")  # still taking units
        assert wait_for(lambda: rec.batches == [["unit-b"]])
    finally:
        q.stop()
        q.join()


def test_bad_batch_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_units"):
        BatchQueue(Recorder(), max_units=0, window=1, slots=1)


# -- the command --------------------------------------------------------------------------
def test_argv_of_a_batch() -> None:
    s = JobSettings(db_url="sqlite:///x.db", batch_units=5)
    argv = crawl_argv(s, ["a", "b"])
    assert argv[1:] == ["-m", "vnfeeds", "--db", "sqlite:///x.db", "crawl", "a", "b", "--no-lock"]
    assert s.batch_size == 5
    tpl = JobSettings(db_url="d", crawl_command=("run", "{db}", "{units}", "--x"), batch_units=5)
    assert crawl_argv(tpl, ["a", "b"]) == ["run", "d", "a", "b", "--x"]
    assert tpl.batch_size == 5
    # a template naming one {unit} cannot take a batch
    one = JobSettings(db_url="d", crawl_command=("run", "{unit}"), batch_units=5)
    assert one.batch_size == 1 and crawl_argv(one, "a") == ["run", "a"]


# -- the job ------------------------------------------------------------------------------
@pytest.fixture
def batch_job(store: Store, tmp_path: Path, plan: Plan, intervals: Path) -> CrawlJob:
    units = write_units(tmp_path / "batch-units.toml", UNITS)
    reg = load_registry(units)
    with store.session() as s:
        sync_registry(s, reg)
    settings = JobSettings(
        db_url=store.url,
        sites=units,
        timeout=20.0,
        crawl_command=batch_command(plan, intervals),
        backoff=BackoffPolicy(base_seconds=1, cap_seconds=4, jitter=0),
        batch_units=10,
        batch_window=0.3,
    )
    return CrawlJob(store, settings, lambda: reg)


def test_a_batch_is_one_process_and_each_unit_is_judged(
    store: Store, batch_job: CrawlJob, plan: Plan, intervals: Path
) -> None:
    plan.set("unit-b", "down")
    plan.set("unit-c", "broken")
    outs = batch_job.run_batch([*UNITS, "unit-a"])  # named twice: crawled once
    assert [o.unit_id for o in outs] == UNITS
    assert all(o.ran and o.run_id is not None for o in outs)
    assert [o.state for o in outs] == ["ok", "down", "broken", "ok"]
    crawls = pids(intervals)
    assert sorted(crawls) == UNITS
    assert len({p for ps in crawls.values() for p in ps}) == 1, crawls  # one crawl process
    with store.session() as s:
        b = s.get(Unit, "unit-b")
        assert b is not None and b.failures == 1 and b.backoff_until is not None
        runs = {r.unit_id: r.status for r in s.scalars(select(CrawlRun))}
    assert runs == {"unit-a": "ok", "unit-b": "failed", "unit-c": "partial", "unit-d": "ok"}


def test_locked_paused_and_backing_off_units_are_left_out(
    store: Store, batch_job: CrawlJob, plan: Plan, intervals: Path
) -> None:
    plan.set("unit-d", "down")
    assert batch_job.run("unit-d").state == "down"  # now backing off
    with store.session() as s:
        u = s.get(Unit, "unit-b")
        assert u is not None
        u.paused = True
    with unit_lock(store, "unit-c", holder="someone-else@host:1:x", ttl=60):
        outs = {o.unit_id: o for o in batch_job.run_batch(UNITS)}
    assert outs["unit-a"].ran and outs["unit-a"].state == "ok"
    assert (outs["unit-b"].skipped, outs["unit-c"].skipped, outs["unit-d"].skipped) == (
        "paused",
        "locked",
        "backoff",
    )
    assert pids(intervals).keys() == {"unit-a", "unit-d"}  # unit-d: its first, lone run
    with store.session() as s:
        ran = sorted(s.scalars(select(CrawlRun.unit_id)))
    assert ran == ["unit-a", "unit-d"]


def test_a_batch_that_crashes_fails_the_runs_it_did_not_finish(
    store: Store, batch_job: CrawlJob, plan: Plan, intervals: Path
) -> None:
    plan.set("unit-b", "crash")
    outs = {o.unit_id: o for o in batch_job.run_batch(UNITS)}
    assert outs["unit-a"].state == "ok"  # finished before the crash: its own run stands
    for uid in ("unit-b", "unit-c", "unit-d"):
        out = outs[uid]
        assert out.exit_code == 3 and out.run_id is not None, out
        with store.session() as s:
            run = s.get(CrawlRun, out.run_id)
            assert run is not None and run.status == "failed"
            assert f"unit {uid}: crawl exited with code 3" in (run.error_text or "")


def test_one_export_for_a_batch_that_changed_several_units(
    store: Store, batch_job: CrawlJob, plan: Plan
) -> None:
    calls: list[object] = []
    batch_job.publisher = Publisher(
        store,
        batch_job.registry,
        export_fn=lambda: calls.append("export"),
        ping_fn=lambda urls: calls.append(sorted(urls)),
    )
    plan.set("unit-c", "ok", new=0)
    outs = {o.unit_id: o for o in batch_job.run_batch(UNITS)}
    assert calls.count("export") == 1
    pinged = [c for c in calls if isinstance(c, list)]
    assert len(pinged) == 1 and any("unit-a" in u for u in pinged[0])
    assert any("unit-d" in u for u in pinged[0]) and not any("unit-c" in u for u in pinged[0])
    assert [outs[u].published for u in UNITS] == [True, True, False, True]


def test_a_unit_the_crawl_cannot_load_does_not_stop_its_batch(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """The real crawl command: a unit whose file broke after it fired is left out of the
    batch with its reason; the other unit is crawled and judged as usual."""
    units = write_units(tmp_path / "units.toml", ["unit-a", "unit-b"])
    reg = load_registry(units)
    with sqlite_store.session() as s:
        sync_registry(s, reg)
    write_units(units, ["unit-a"])  # unit-b's file changed under the scheduler
    settings = JobSettings(db_url=sqlite_store.url, sites=units, timeout=60, batch_units=5)
    job = CrawlJob(sqlite_store, settings, lambda: reg)
    a, b = job.run_batch(["unit-a", "unit-b"])
    assert a.ran and a.state == "down"  # its lists are refused (a private host): crawled, judged
    with sqlite_store.session() as s:
        run_a = s.get(CrawlRun, a.run_id)
        run_b = s.get(CrawlRun, b.run_id)
        assert run_a is not None and "unit unit-a: http://127.0.0.1:9/" in (run_a.error_text or "")
        assert run_b is not None and run_b.status == "failed"
        assert (run_b.error_text or "").startswith(
            "unit unit-b: left out of this crawl: it is unknown"
        ), run_b.error_text


# -- the scheduler ------------------------------------------------------------------------
def test_the_scheduler_crawls_fired_units_in_batches(
    tmp_path: Path, plan: Plan, intervals: Path, default_db_url: str
) -> None:
    units = write_units(tmp_path / "units.toml", UNITS)
    store = Store(default_db_url)
    settings = JobSettings(
        db_url=default_db_url,
        sites=units,
        timeout=20,
        crawl_command=batch_command(plan, intervals),
        backoff=BackoffPolicy(base_seconds=1, cap_seconds=2, jitter=0),
        batch_units=10,
        batch_window=0.5,
    )
    sched: CrawlScheduler
    job = CrawlJob(store, settings, lambda: sched.registry())
    sched = CrawlScheduler(
        store,
        job,
        sites=units,
        settings=SchedulerSettings(
            interval_seconds=30, jitter_seconds=0, watch_interval=0.3, workers=2
        ),
    )
    try:
        sched.start()
        now = datetime.now(VN_TZ)
        for j in sched.scheduler.get_jobs(jobstore="default"):
            j.modify(next_run_time=now)  # all due now
        sched.scheduler.wakeup()
        assert wait_for(lambda: intervals.exists() and len(pids(intervals)) == 4, 20)
    finally:
        sched.shutdown(wait=True)
        store.dispose()
    crawls = pids(intervals)
    assert sorted(crawls) == UNITS and all(len(p) == 1 for p in crawls.values())
    assert len({p[0] for p in crawls.values()}) == 1, crawls  # the four in one process
