"""Helpers of the scheduler tests: polling, run counts, schedulers on one database."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from ops.backoff import BackoffPolicy
from ops.jobs import CrawlJob, JobSettings
from ops.scheduler import CrawlScheduler, SchedulerSettings
from storage.db import Store
from storage.models import CrawlRun
from tests.ops.conftest import Plan, fake_command, write_units


def wait_for(cond: Callable[[], bool], timeout: float = 10.0, step: float = 0.1) -> bool:
    """Poll ``cond`` until true or timeout; returns its last value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def runs_of(store: Store, unit: str) -> int:
    """How many crawl runs the store holds for ``unit``."""
    with store.session() as s:
        return int(s.scalar(select(func.count()).where(CrawlRun.unit_id == unit)) or 0)


class Harness:
    """Schedulers on one database, each with its own Store (a restart = a new one)."""

    def __init__(self, tmp_path: Path, plan: Plan, db: str) -> None:
        self.db = db
        self.units = write_units(tmp_path / "units.toml", ["unit-a", "unit-b"])
        self.plan = plan
        self.running: list[CrawlScheduler] = []

    def start(self, **kw: float) -> CrawlScheduler:
        store = Store(self.db)
        settings = JobSettings(
            db_url=self.db,
            sites=self.units,
            timeout=20,
            crawl_command=fake_command(self.plan),
            backoff=BackoffPolicy(base_seconds=1, cap_seconds=2, jitter=0),
        )
        sched: CrawlScheduler
        job = CrawlJob(store, settings, lambda: sched.registry())
        sched = CrawlScheduler(
            store,
            job,
            sites=self.units,
            settings=SchedulerSettings(
                interval_seconds=kw.get("interval", 1.0),
                jitter_seconds=0,
                watch_interval=kw.get("watch", 0.3),
                misfire_grace_seconds=30,
                dedup_sweep_minutes=kw.get("sweep", 0.0),
            ),
        )
        self.running.append(sched)
        return sched

    def stop(self, sched: CrawlScheduler) -> None:
        sched.shutdown(wait=True)
        sched.store.dispose()
        self.running.remove(sched)
