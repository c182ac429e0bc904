"""The scheduler leader's dedup sweep: the pairs concurrent crawl processes missed.

On PostgreSQL several crawl processes (nodes, batches) write at once, and two copies of
one story stored at the same moment are not compared by either (``dedup.sweep``). The
leader compares the articles changed in the last minutes with each other every
``--dedup-sweep-minutes`` (``VNFEEDS_DEDUP_SWEEP_MINUTES``; 10 on PostgreSQL, 0 = off, the
default on SQLite, whose writers take turns). Each sweep goes back to where the previous
one began, less a margin for transactions still open then; a newly elected leader goes
back three periods.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from dedup.sweep import sweep
from domain.timezone import VN_TZ
from ops.logging import NO_UNIT, event
from storage.db import Store
from storage.models import utcnow

log = logging.getLogger("vnfeeds.ops.dedup")

#: how far before the previous sweep's start the next one begins (open transactions)
MARGIN = timedelta(minutes=5)
#: the period on PostgreSQL when none is configured
DEFAULT_MINUTES = 10.0
JOB_ID = "dedup-sweep"
#: the sweep's own one-thread executor: crawl jobs holding every worker do not delay it
EXECUTOR = "dedup-sweep"


def default_minutes(store: Store) -> float:
    """10 on PostgreSQL, 0 (off) on SQLite."""
    return DEFAULT_MINUTES if store.engine.dialect.name == "postgresql" else 0.0


class DedupSweeper:
    """The periodic job: sweep since the previous sweep began (less :data:`MARGIN`)."""

    def __init__(self, store: Store, minutes: float) -> None:
        self.store = store
        self.minutes = minutes
        self.last_start: datetime | None = None
        self._lock = threading.Lock()

    def since(self, now: datetime) -> datetime:
        """Where the next sweep begins."""
        start = self.last_start or now - timedelta(minutes=3 * self.minutes)
        return start - MARGIN

    def __call__(self) -> dict[str, int]:
        with self._lock:
            now = utcnow()
            since = self.since(now)
            try:
                counts = sweep(self.store, since)
            except Exception:
                log.exception(
                    "dedup sweep failed",
                    extra={"vn_event": "dedup_sweep_failed", "vn_unit": NO_UNIT},
                )
                return {}
            self.last_start = now
            event(log, "dedup_swept", NO_UNIT, since=since.isoformat(), **counts)
            return counts

    def forget(self) -> None:
        """Leadership lost: the next leader (maybe this one again) goes back three periods."""
        with self._lock:
            self.last_start = None


def add_sweep_job(
    scheduler: BaseScheduler, store: Store, minutes: float | None
) -> DedupSweeper | None:
    """Add the sweep every ``minutes`` (None: :func:`default_minutes`; 0: none) as a job of
    the ``local`` job store: it fires only while the scheduler runs, that is while it leads.
    It runs on a thread of its own (:data:`EXECUTOR`), not in the crawl jobs' pool."""
    minutes = default_minutes(store) if minutes is None else minutes
    if minutes <= 0:
        return None
    sweeper = DedupSweeper(store, minutes)
    trigger = IntervalTrigger(seconds=minutes * 60, timezone=VN_TZ)
    scheduler.add_executor(ThreadPoolExecutor(1), alias=EXECUTOR)
    scheduler.add_job(sweeper, trigger, id=JOB_ID, name=JOB_ID, jobstore="local", executor=EXECUTOR)
    return sweeper
