"""The job: lock, crawl subprocess, settle the run, judge health, back off, publish."""

from __future__ import annotations

import time
from datetime import timedelta

from ops.jobs import JobSettings, crawl_argv
from ops.locks import unit_lock
from ops.publish import Publisher
from storage.db import Store
from storage.models import CrawlRun, Unit, utcnow
from tests.ops.conftest import MakeJob, Plan


def _unit(store: Store, uid: str) -> Unit:
    with store.session() as s:
        u = s.get(Unit, uid)
        assert u is not None
        return u


def test_default_argv_is_the_crawl_contract() -> None:
    argv = crawl_argv(JobSettings(db_url="sqlite:///x.db"), "unit-a")
    assert argv[1:] == ["-m", "vnfeeds", "--db", "sqlite:///x.db", "crawl", "unit-a", "--no-lock"]


def test_ok_run_sets_state_ok(sqlite_store: Store, make_job: MakeJob) -> None:
    out = make_job().run("unit-a")
    assert out.ran and out.exit_code == 0 and out.state == "ok"
    u = _unit(sqlite_store, "unit-a")
    assert (u.state, u.failures, u.backoff_until) == ("ok", 0, None)
    with sqlite_store.session() as s:
        run = s.get(CrawlRun, out.run_id)
        assert run is not None and run.status == "ok" and run.new == 1


def test_down_backs_off_then_recovers(store: Store, make_job_any: MakeJob, plan: Plan) -> None:
    job = make_job_any()
    plan.set("unit-a", "down")
    first = job.run("unit-a")
    assert first.state == "down"
    u = _unit(store, "unit-a")
    assert u.failures == 1 and u.backoff_until is not None
    assert "connection refused" in (u.last_error or "")
    assert job.run("unit-a").skipped == "backoff"
    with store.session() as s:  # pretend the wait is over
        s.get(Unit, "unit-a").backoff_until = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    job.run("unit-a")
    u = _unit(store, "unit-a")
    assert u.failures == 2
    assert u.backoff_until is not None and u.backoff_until - utcnow() > timedelta(seconds=1.5)
    with store.session() as s:
        s.get(Unit, "unit-a").backoff_until = None  # type: ignore[union-attr]
    plan.set("unit-a", "ok")
    back = job.run("unit-a")
    assert back.transition is not None and back.transition.recovered
    assert _unit(store, "unit-a").failures == 0


def test_crash_without_row_records_a_failed_run(
    sqlite_store: Store, make_job: MakeJob, plan: Plan
) -> None:
    plan.set("unit-a", "crash")
    out = make_job().run("unit-a")
    assert out.exit_code == 3 and out.state == "down"
    with sqlite_store.session() as s:
        run = s.get(CrawlRun, out.run_id)
        assert run is not None and run.status == "failed"
        assert "exited with code 3" in (run.error_text or "") and "boom" in (run.error_text or "")


def test_timeout_kills_and_fails_the_run(
    sqlite_store: Store, make_job: MakeJob, plan: Plan
) -> None:
    plan.set("unit-a", "hang")
    t0 = time.monotonic()
    out = make_job(timeout=1.5).run("unit-a")
    assert time.monotonic() - t0 < 10
    assert out.timed_out and out.state == "down"
    with sqlite_store.session() as s:
        run = s.get(CrawlRun, out.run_id)
        assert run is not None and run.status == "failed" and run.finished_at is not None
        assert "timed out" in (run.error_text or "")


def test_broken_layout_is_reported(sqlite_store: Store, make_job: MakeJob, plan: Plan) -> None:
    plan.set("unit-b", "broken")
    out = make_job().run("unit-b")
    assert out.state == "broken"
    assert "no article link" in (_unit(sqlite_store, "unit-b").last_error or "")


def test_skips_locked_and_paused(store: Store, make_job_any: MakeJob) -> None:
    job = make_job_any()
    with unit_lock(store, "unit-a", holder="someone-else", ttl=30):
        assert job.run("unit-a").skipped == "locked"
    with store.session() as s:
        s.get(Unit, "unit-a").paused = True  # type: ignore[union-attr]
    assert job.run("unit-a").skipped == "paused"
    assert job.run("no-such-unit").skipped == "unknown"
    with store.session() as s:
        assert s.query(CrawlRun).count() == 0


def test_publishes_only_when_something_changed(
    sqlite_store: Store, make_job: MakeJob, plan: Plan
) -> None:
    calls: list[object] = []
    pub = Publisher(
        sqlite_store,
        lambda: None,  # type: ignore[arg-type,return-value]
        export_fn=lambda: calls.append("export"),
        ping_fn=lambda urls: calls.append(urls),
    )
    pub.registry = make_job().registry
    job = make_job(publisher=pub)
    plan.set("unit-a", "ok", new=0)
    assert not job.run("unit-a").published and calls == []
    plan.set("unit-a", "ok", new=2)
    assert job.run("unit-a").published
    assert calls[0] == "export"
    urls = calls[1]
    assert isinstance(urls, list)
    assert any(u.endswith("/units/unit-a.atom") for u in urls)
    assert any(u.endswith("/provinces/phu-tho.rss") for u in urls)
