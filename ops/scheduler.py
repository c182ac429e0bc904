"""The crawl scheduler: APScheduler 3 with its job store in the project's database.

One job per enabled, unpaused unit (id ``crawl:<unit>``), from the unit's schedule
(cron expression in Vietnam time, or an interval) with jitter, ``max_instances=1``,
coalescing and a misfire grace time. Jobs live in the ``apscheduler_jobs`` table
(created by APScheduler itself), so they and their next run times survive a restart;
a job whose schedule did not change is left alone on start and on reload.

Reload (SIGHUP, a changed unit file, or a unit paused/resumed in the store) re-reads
the units, upserts them into the store and adds, changes or removes jobs; crawl runs
and unit state are never touched. A unit file that fails to load keeps its units' old
jobs instead of dropping them.

Several schedulers may run on one database, but only the leader (``ops.leader``)
syncs and fires jobs; the others stand by with their APScheduler paused and take
over when the leader dies (APScheduler 3 itself must never share a job store
between two running schedulers).
"""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from domain.records import Unit
from domain.registry import Registry, load_registry
from domain.timezone import VN_TZ
from ops.deadruns import sweep_dead_runs
from ops.dedup_sweep import add_sweep_job
from ops.jobs import CrawlJob, install
from ops.leader import LeaderSettings, Leadership
from ops.logging import NO_UNIT, event
from ops.overview import JOB_PREFIX, JOBS_TABLE, job_id
from ops.reload import merge_registry, watched_files
from storage.db import Store
from storage.models import Unit as UnitRow
from storage.repository import sync_registry_in

log = logging.getLogger("vnfeeds.ops.scheduler")

JOB_FUNC = "ops.jobs:run_scheduled"
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True)
class SchedulerSettings:
    """How the scheduler runs (the units' data says when each unit runs)."""

    workers: int = 4
    misfire_grace_seconds: int = 600
    watch_interval: float = 5.0
    interval_seconds: float | None = None  # replaces every unit's schedule (tests, demos)
    jitter_seconds: int | None = None  # replaces every unit's jitter
    leader: LeaderSettings = field(default_factory=LeaderSettings)
    dedup_sweep_minutes: float | None = None  # None: ops.dedup_sweep's default for the store


@dataclass
class SyncResult:
    """What a job sync changed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def cron_day_of_week(field_: str) -> str:
    """Crontab's day-of-week field (0 or 7 = Sunday) as APScheduler 3 day names.

    APScheduler 3 reads ``0`` as Monday; unit files use crontab's meaning.
    """
    if any(c.isalpha() for c in field_) or field_ == "*":
        return field_
    days: set[int] = set()
    for part in field_.split(","):
        rng, _, step_s = part.partition("/")
        step = int(step_s) if step_s else 1
        if rng == "*":
            lo, hi = 0, 6
        elif "-" in rng:
            a, b = rng.split("-", 1)
            lo, hi = int(a), int(b)
        else:
            lo = hi = int(rng)
            if step_s:
                hi = 7
        days.update(d % 7 for d in range(lo, hi + 1, step))
    return ",".join(_CRON_DAYS[d] for d in sorted(days))


def unit_trigger(unit: Unit, settings: SchedulerSettings) -> tuple[BaseTrigger, str]:
    """The unit's trigger and a fingerprint of it (changes when the schedule does)."""
    sched = unit.schedule
    jitter = sched.jitter_seconds if settings.jitter_seconds is None else settings.jitter_seconds
    trigger: BaseTrigger
    if settings.interval_seconds:
        desc = f"interval {settings.interval_seconds}s"
        trigger = IntervalTrigger(
            seconds=settings.interval_seconds, jitter=jitter or None, timezone=VN_TZ
        )
    elif sched.cron:
        v = sched.cron.split()
        desc = f"cron {sched.cron}"
        trigger = CronTrigger(
            minute=v[0],
            hour=v[1],
            day=v[2],
            month=v[3],
            day_of_week=cron_day_of_week(v[4]),
            timezone=VN_TZ,
            jitter=jitter or None,
        )
    else:
        minutes = sched.interval_minutes or 60
        desc = f"interval {minutes}m"
        trigger = IntervalTrigger(minutes=minutes, jitter=jitter or None, timezone=VN_TZ)
    fp = hashlib.sha1(f"{desc} jitter {jitter}".encode()).hexdigest()[:12]
    return trigger, fp


class CrawlScheduler:
    """A background APScheduler that crawls units; ``run_forever`` for the CLI."""

    def __init__(
        self,
        store: Store,
        job: CrawlJob,
        *,
        sites: Path | None = None,
        settings: SchedulerSettings | None = None,
        loader: Callable[[Path | None], Registry] = load_registry,
    ) -> None:
        self.store = store
        self.job = job
        self.sites = sites
        self.settings = settings or SchedulerSettings()
        self.loader = loader
        self._registry: Registry | None = None
        self._mtimes: dict[str, float] = {}
        self._paused: set[str] = set()
        self._reload = threading.Event()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._lock = threading.RLock()
        self._started = False
        self._last_sync = SyncResult()
        self._jobstore = SQLAlchemyJobStore(engine=store.engine, tablename=JOBS_TABLE)
        self.leadership = Leadership(
            store, self.settings.leader, on_elected=self._elected, on_lost=self._lost
        )
        self.scheduler = BackgroundScheduler(
            jobstores={"default": self._jobstore, "local": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(self.settings.workers)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.settings.misfire_grace_seconds,
            },
            timezone=VN_TZ,
        )
        self.dedup_sweeper = add_sweep_job(self.scheduler, store, self.settings.dedup_sweep_minutes)

    def registry(self) -> Registry:
        """The units as last loaded."""
        if self._registry is None:
            self._registry = merge_registry(None, self.loader(self.sites))
        return self._registry

    # -- lifecycle -------------------------------------------------------------------
    @property
    def is_leader(self) -> bool:
        """True while this scheduler leads (syncs and fires jobs)."""
        return self.leadership.is_leader

    def start(self) -> SyncResult:
        """Campaign for leadership, start watching; the first sync if elected at once.

        A standby returns an empty result and starts firing when it is elected.
        """
        self._ensure_table()
        install(self.job)
        self.job.start_batches(self.settings.workers)
        self.scheduler.start(paused=True)
        if not self.leadership.start():
            event(log, "leader_standby", NO_UNIT, holder=self.leadership.holder)
        self._started = True
        self._watcher = threading.Thread(target=self._watch, name="vnfeeds-watch", daemon=True)
        self._watcher.start()
        return self._last_sync

    def _elected(self) -> None:
        """Leadership won: sync the jobs (other leaders may have changed them) and fire."""
        self._last_sync = self.reload("elected" if self._started else "start")
        if self.scheduler.running and not self._stop.is_set():
            self.scheduler.resume()

    def _lost(self) -> None:
        """Leadership lost: stop firing (running crawls keep their unit locks); units
        queued for a batch are left to the new leader."""
        if self.scheduler.running:
            self.scheduler.pause()
        if self.job.batches is not None:
            self.job.batches.drop("not_leader")
        if self.dedup_sweeper is not None:
            self.dedup_sweeper.forget()

    def shutdown(self, wait: bool = True, kill: bool = False) -> None:
        """Stop firing; wait for running crawls (or kill them with ``kill``); step down."""
        self._stop.set()
        if self.scheduler.running:
            self.scheduler.pause()
        self.job.stop(kill=kill)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.job.join_batches(wait=wait)
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self.leadership.stop()
        install(None)
        event(log, "scheduler_stopped", NO_UNIT)

    def request_reload(self) -> None:
        """Ask the watcher thread to reload (what SIGHUP does)."""
        self._reload.set()

    def run_forever(self) -> None:
        """Start, reload on SIGHUP, stop on SIGINT/SIGTERM (main thread only)."""
        self.start()

        def on_hup(_signum: int, _frame: Any) -> None:
            self.request_reload()

        def on_term(_signum: int, _frame: Any) -> None:
            self._stop.set()
            self._reload.set()

        signal.signal(signal.SIGHUP, on_hup)
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        try:
            while not self._stop.wait(1.0):
                pass
        finally:
            self.shutdown(wait=True, kill=True)

    def _ensure_table(self) -> None:
        for attempt in range(3):
            try:
                self._jobstore.jobs_t.create(self.store.engine, checkfirst=True)
                return
            except Exception:  # two schedulers creating it at once: the other one won
                if attempt == 2:
                    raise

    def _watch(self) -> None:
        while not self._stop.is_set():
            self._reload.wait(self.settings.watch_interval)
            if self._stop.is_set():
                return
            if not self.is_leader:  # standbys leave units and jobs to the leader
                self._reload.clear()  # reloaded anyway when elected
                continue
            try:
                if self._reload.is_set():
                    self._reload.clear()
                    self.reload("sighup")
                else:
                    self.check()
            except Exception:
                log.exception(
                    "reload failed", extra={"vn_event": "reload_failed", "vn_unit": NO_UNIT}
                )
            self._sweep()

    def _sweep(self) -> None:
        """Close the runs of crawls that died (``ops.deadruns``); the leader's chore."""
        try:
            for unit_id, ids in sweep_dead_runs(self.store).items():
                event(log, "dead_runs_closed", unit_id, logging.WARNING, runs=ids)
        except Exception:
            log.exception("sweep failed", extra={"vn_event": "sweep_failed", "vn_unit": NO_UNIT})

    # -- syncing ---------------------------------------------------------------------
    def check(self) -> SyncResult | None:
        """Reload if a unit file changed or a unit was paused/resumed; wake the scheduler."""
        result = None
        if watched_files(self.sites) != self._mtimes:
            result = self.reload("files_changed")
        elif self._paused_units() != self._paused:
            result = self.sync_jobs()
        self.scheduler.wakeup()  # another scheduler may have changed the shared job store
        return result

    def reload(self, reason: str) -> SyncResult:
        """Re-read the units, upsert them into the store, sync the jobs."""
        with self._lock:
            self._mtimes = watched_files(self.sites)
            self._registry = merge_registry(self._registry, self.loader(self.sites))
            self._sync_units(self._registry)
            result = self.sync_jobs()
            event(
                log,
                "units_reloaded",
                NO_UNIT,
                reason=reason,
                units=len(self._registry.units),
                added=len(result.added),
                changed=len(result.changed),
                removed=len(result.removed),
            )
            return result

    def _sync_units(self, reg: Registry) -> None:
        """Upsert the units into the store (another scheduler may be inserting them too)."""
        sync_registry_in(self.store, reg)

    def _paused_units(self) -> set[str]:
        with self.store.session() as s:
            return set(s.scalars(select(UnitRow.id).where(UnitRow.paused.is_(True))))

    def sync_jobs(self) -> SyncResult:
        """Make the jobs match the enabled, unpaused units."""
        with self._lock:
            reg = self.registry()
            self._paused = self._paused_units()
            wanted = {u.id: u for u in reg.enabled_units() if u.id not in self._paused}
            existing = {
                j.id: j
                for j in self.scheduler.get_jobs(jobstore="default")
                if j.id.startswith(JOB_PREFIX)
            }
            result = SyncResult()
            for uid, unit in sorted(wanted.items()):
                trigger, fp = unit_trigger(unit, self.settings)
                jid = job_id(uid)
                old = existing.pop(jid, None)
                if old is not None and old.kwargs.get("fp") == fp:
                    result.kept.append(uid)
                    continue
                self.scheduler.add_job(
                    JOB_FUNC,
                    trigger=trigger,
                    args=[uid],
                    kwargs={"fp": fp},
                    id=jid,
                    name=jid,
                    jobstore="default",
                    replace_existing=True,
                )
                (result.changed if old is not None else result.added).append(uid)
                event(log, "job_changed" if old else "job_added", uid, trigger=str(trigger))
            for jid in sorted(existing):
                self.scheduler.remove_job(jid, jobstore="default")
                uid = jid[len(JOB_PREFIX) :]
                result.removed.append(uid)
                reason = "paused" if uid in self._paused else "disabled or removed"
                event(log, "job_removed", uid, reason=reason)
            return result
