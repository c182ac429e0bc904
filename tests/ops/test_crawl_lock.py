"""Dead runs: a Scrapyd crawl closes its units' (ops.crawl_lock), the leader sweeps the rest
(ops.deadruns)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from scrapy import signals
from scrapy.settings import Settings
from scrapy.signalmanager import SignalManager
from sqlalchemy import select

from crawlers.shared import CrawlStore
from domain.registry import Registry, load_registry
from ops.crawl_lock import UnitLocks
from ops.deadruns import sweep_dead_runs
from ops.locks import is_locked, unit_lock
from storage import models as m
from storage.db import Store
from storage.models import utcnow
from storage.repository import sync_registry_in
from tests.ops.conftest import write_units


def _unit_with_running_run(store: Store, tmp_path: Path, minutes_ago: int) -> Registry:
    registry = load_registry(write_units(tmp_path / "units.toml", ["u1"]))
    sync_registry_in(store, registry)
    with store.session() as s:
        started = utcnow() - timedelta(minutes=minutes_ago)
        s.add(m.CrawlRun(unit_id="u1", started_at=started, status="running"))
    return registry


def _crawler(store: Store, registry: Registry) -> SimpleNamespace:
    ext = CrawlStore(store, registry, owned=False)
    return SimpleNamespace(get_extension=lambda cls: ext, signals=SignalManager())


def test_a_dead_crawls_run_is_closed_when_the_unit_is_crawled_again(
    store: Store, tmp_path: Path
) -> None:
    registry = _unit_with_running_run(store, tmp_path, minutes_ago=5)
    crawler = _crawler(store, registry)
    spider = SimpleNamespace(units=[registry.unit("u1")])
    locks = UnitLocks(crawler, ttl=60)  # type: ignore[arg-type]
    locks.spider_opened(spider)  # type: ignore[arg-type]
    try:
        with store.session() as s:
            runs = s.execute(select(m.CrawlRun.status, m.CrawlRun.finished_at)).all()
        assert [r.status for r in runs] == ["killed"] and runs[0].finished_at is not None
        assert spider.unit_ids == ["u1"]
    finally:
        locks.spider_closed(spider)  # type: ignore[arg-type]


def test_a_unit_another_process_crawls_keeps_its_running_run(store: Store, tmp_path: Path) -> None:
    registry = _unit_with_running_run(store, tmp_path, minutes_ago=0)
    crawler = _crawler(store, registry)
    spider = SimpleNamespace(units=[registry.unit("u1")])
    with unit_lock(store, "u1", holder="another-node", ttl=60):
        UnitLocks(crawler, ttl=60).spider_opened(spider)  # type: ignore[arg-type]
    assert spider.unit_ids == []
    with store.session() as s:
        assert s.scalars(select(m.CrawlRun.status)).all() == ["running"]


def test_the_sweep_closes_only_runs_no_crawl_holds(store: Store, tmp_path: Path) -> None:
    registry = load_registry(write_units(tmp_path / "units.toml", ["u1", "u2"]))
    sync_registry_in(store, registry)
    with store.session() as s:
        for unit_id in ("u1", "u2"):
            s.add(m.CrawlRun(unit_id=unit_id, started_at=utcnow(), status="running"))
    with unit_lock(store, "u2", holder="a-live-crawl", ttl=60):
        assert list(sweep_dead_runs(store)) == ["u1"]  # u2's crawl holds its lock: alive
    with store.session() as s:
        status = dict(s.execute(select(m.CrawlRun.unit_id, m.CrawlRun.status)).tuples().all())
    assert status == {"u1": "killed", "u2": "running"}
    assert sweep_dead_runs(store) == {"u2": [2]}  # its crawl is gone now


def test_the_locks_are_freed_after_the_runs_are_closed(store: Store, tmp_path: Path) -> None:
    """The run recorder (an extension enabled after UnitLocks) closes the runs with the
    locks still held: the leader's sweep cannot close a finishing crawl's run as killed."""
    registry = load_registry(write_units(tmp_path / "units.toml", ["u1"]))
    sync_registry_in(store, registry)
    signals_ = SignalManager()
    ext = CrawlStore(store, registry, owned=False)
    crawler = SimpleNamespace(
        get_extension=lambda cls: ext, signals=signals_, settings=Settings({"VNFEEDS_LOCK_TTL": 60})
    )
    locks = UnitLocks.from_crawler(crawler)  # type: ignore[arg-type]
    held_when_recorded: list[bool] = []

    def recorder_closes_runs(spider: object) -> None:  # connected later, as RunRecorder is
        held_when_recorded.append(is_locked(store, "u1"))

    signals_.connect(recorder_closes_runs, signal=signals.spider_closed)
    spider = SimpleNamespace(units=[registry.unit("u1")])
    signals_.send_catch_log(signals.spider_opened, spider=spider)
    assert is_locked(store, "u1")
    signals_.send_catch_log(signals.spider_closed, spider=spider)
    assert held_when_recorded == [True]
    assert not is_locked(store, "u1")
    assert locks.ttl == 60
