"""The scheduled job: lock, crawl in a subprocess, judge health, back off, alert, publish.

Scrapy's reactor cannot be restarted inside one process, so every crawl runs as
``python -m vnfeeds --db DB [--sites SITES] crawl UNIT --no-lock`` (or a configured
command) with a time limit, while this process holds the unit's lock.

APScheduler's persistent job store keeps a textual reference to a module-level
function, so jobs call :func:`run_scheduled`, which hands over to the
:class:`CrawlJob` installed in this process (one scheduler per process).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.registry import Registry
from ops.alerts import AlertConfig, notify
from ops.backoff import BackoffPolicy, in_backoff
from ops.health import HealthRules, Transition, Verdict, apply_verdict, judge
from ops.locks import DEFAULT_TTL, LockBusy, default_holder, is_locked, unit_lock
from ops.logging import event
from ops.publish import Publisher
from ops.scrapyd import ScrapydCrawls
from storage.db import Store
from storage.models import CrawlRun, Unit, utcnow

log = logging.getLogger("vnfeeds.ops.jobs")

#: Placeholders a crawl command template may use.
PLACEHOLDERS = ("{python}", "{db}", "{sites}", "{unit}")


@dataclass(frozen=True)
class JobSettings:
    """Everything a scheduled crawl needs besides the store and the registry."""

    db_url: str
    sites: Path | None = None
    timeout: float = 1800.0
    crawl_command: tuple[str, ...] | None = None
    lock_ttl: float | None = None  # default: ops.locks.DEFAULT_TTL (renewed by a heartbeat)
    backoff: BackoffPolicy = field(default_factory=BackoffPolicy)
    rules: HealthRules = field(default_factory=HealthRules.from_env)
    alerts: AlertConfig = field(default_factory=AlertConfig)
    holder_prefix: str = "scheduler"


def crawl_argv(settings: JobSettings, unit_id: str) -> list[str]:
    """The crawl subprocess's argv for one unit (the template filled in)."""
    if settings.crawl_command:
        values = {
            "python": sys.executable,
            "db": settings.db_url,
            "sites": str(settings.sites or ""),
            "unit": unit_id,
        }
        return [part.format(**values) for part in settings.crawl_command]
    argv = [sys.executable, "-m", "vnfeeds", "--db", settings.db_url]
    if settings.sites:
        argv += ["--sites", str(settings.sites)]
    return [*argv, "crawl", unit_id, "--no-lock"]


@dataclass
class JobOutcome:
    """What one firing of a unit's job did."""

    unit_id: str
    skipped: str | None = None  # unknown, disabled, paused, backoff, locked, stopping
    exit_code: int | None = None
    timed_out: bool = False
    run_id: int | None = None
    state: str | None = None
    transition: Transition | None = None
    published: bool = False
    seconds: float = 0.0

    @property
    def ran(self) -> bool:
        """True when a crawl subprocess was started."""
        return self.skipped is None


class CrawlJob:
    """Runs one unit's crawl and everything that follows it."""

    def __init__(
        self,
        store: Store,
        settings: JobSettings,
        registry: Callable[[], Registry],
        publisher: Publisher | None = None,
        remote: ScrapydCrawls | None = None,
    ) -> None:
        self.remote = remote  # crawl on Scrapyd nodes instead of local subprocesses
        self.store = store
        self.settings = settings
        self.registry = registry
        self.publisher = publisher
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._procs_lock = threading.Lock()
        self._stopping = threading.Event()

    # -- the job --------------------------------------------------------------------
    def run(self, unit_id: str) -> JobOutcome:
        """Crawl the unit now unless it is paused, backing off or locked elsewhere."""
        out = JobOutcome(unit_id)
        out.skipped = self._skip_reason(unit_id)
        if out.skipped:
            event(log, "job_skipped", unit_id, reason=out.skipped)
            return out
        ttl = self.settings.lock_ttl or DEFAULT_TTL
        try:
            if self.remote is not None:  # the crawl on the node holds the lock itself
                if is_locked(self.store, unit_id):
                    raise LockBusy(unit_id)
                self._crawl_and_judge(unit_id, out)
            else:
                holder = default_holder(self.settings.holder_prefix)
                with unit_lock(self.store, unit_id, holder, ttl):
                    self._crawl_and_judge(unit_id, out)
        except LockBusy:
            out.skipped = "locked"
        if out.skipped:
            event(log, "job_skipped", unit_id, reason=out.skipped)
            return out
        if out.transition and out.transition.alertable:
            self._alert(out.transition)
        if out.run_id is not None and self.publisher is not None:
            out.published = self.publisher.after_run(unit_id, out.run_id)
        return out

    def _skip_reason(self, unit_id: str) -> str | None:
        if self._stopping.is_set():
            return "stopping"
        with self.store.session() as s:
            unit = s.get(Unit, unit_id)
            if unit is None:
                return "unknown"
            if not unit.enabled:
                return "disabled"
            if unit.paused:
                return "paused"
            if in_backoff(unit.backoff_until, utcnow()):
                return "backoff"
        return None

    def _crawl_and_judge(self, unit_id: str, out: JobOutcome) -> None:
        with self.store.session() as s:
            before = s.scalar(select(func.max(CrawlRun.id))) or 0
        event(log, "crawl_started", unit_id, timeout=self.settings.timeout)
        t0 = time.monotonic()
        if self.remote is not None:
            res = self.remote.crawl(unit_id, self._stopping.is_set)
            if res.locked and _newest_run(self.store, unit_id, before) is None:
                raise LockBusy(unit_id)  # another process crawled it: no run, no verdict
            out.exit_code, out.timed_out, tail = res.exit_code, res.timed_out, res.tail
        else:
            out.exit_code, out.timed_out, tail = self._spawn(crawl_argv(self.settings, unit_id))
        out.seconds = round(time.monotonic() - t0, 3)
        interrupted = self._stopping.is_set() and (out.exit_code != 0 or out.timed_out)
        if out.timed_out:
            cause = f"crawl timed out after {self.settings.timeout:g}s"
        elif interrupted:
            cause = "crawl interrupted by scheduler shutdown"
        else:
            cause = f"crawl exited with code {out.exit_code}: {tail}".strip()
        run = self._settle_run(unit_id, before, cause)
        out.run_id = run.id
        if interrupted:
            event(log, "crawl_interrupted", unit_id, run=run.id)
            return
        out.transition = self._judge(unit_id, run)
        out.state = out.transition.new
        event(
            log,
            "crawl_finished",
            unit_id,
            run=run.id,
            status=run.status,
            state=out.state,
            new=run.new,
            updated=run.updated,
            errors=run.errors,
            seconds=out.seconds,
            exit=out.exit_code,
        )

    def _spawn(self, argv: Sequence[str]) -> tuple[int | None, bool, str]:
        """Run the crawl; (exit code, timed out, last lines of its output)."""
        with tempfile.TemporaryFile() as buf:
            proc = subprocess.Popen(
                list(argv), stdout=buf, stderr=subprocess.STDOUT, start_new_session=True
            )
            with self._procs_lock:
                self._procs.add(proc)
            timed_out = False
            try:
                code: int | None = proc.wait(timeout=self.settings.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(proc)
                code = proc.wait()
            finally:
                with self._procs_lock:
                    self._procs.discard(proc)
            buf.seek(0, os.SEEK_END)
            buf.seek(max(0, buf.tell() - 2000))
            tail = buf.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        return code, timed_out, " | ".join(tail)[-500:]

    def _settle_run(self, unit_id: str, before: int, cause: str) -> CrawlRun:
        """The run the crawl recorded, closed as failed if the crawl died; one if none."""
        now = utcnow()
        with self.store.session() as s:
            run = s.scalar(
                select(CrawlRun)
                .where(CrawlRun.unit_id == unit_id, CrawlRun.id > before)
                .order_by(CrawlRun.id.desc())
                .limit(1)
            )
            if run is None:
                run = CrawlRun(
                    unit_id=unit_id, started_at=now, finished_at=now, status="failed", errors=1
                )
                run.error_text = f"unit {unit_id}: {cause}"
                run.stats = {}
                s.add(run)
            elif run.status == "running" or run.finished_at is None:
                # the crawl died before closing its run (crash, timeout, kill)
                run.status = "failed"
                run.errors = (run.errors or 0) + 1
                run.error_text = f"unit {unit_id}: {cause}"
                run.finished_at = now
            s.flush()
            return run

    def _judge(self, unit_id: str, run: CrawlRun) -> Transition:
        return judge_unit(
            self.store,
            self.registry(),
            unit_id,
            run,
            rules=self.settings.rules,
            backoff=self.settings.backoff,
        )

    def _alert(self, t: Transition) -> None:
        alert_transition(self.store, self.settings.alerts, t)

    # -- shutdown -------------------------------------------------------------------
    def stop(self, kill: bool = True) -> None:
        """Refuse new runs; with ``kill``, terminate running crawls (they are not judged)."""
        self._stopping.set()
        if kill:
            with self._procs_lock:
                procs = list(self._procs)
            for p in procs:
                _kill_group(p, signal.SIGTERM)


def _verdict(
    s: Session, registry: Registry, unit_id: str, run: CrawlRun, rules: HealthRules, now: datetime
) -> tuple[Verdict, Unit]:
    reg_unit = registry.units.get(unit_id)
    unit = s.get(Unit, unit_id)
    assert unit is not None
    first = s.scalar(select(func.min(CrawlRun.started_at)).where(CrawlRun.unit_id == unit_id))
    verdict = judge(
        run,
        now=now,
        last_new_at=unit.last_new_at,
        watched_since=first,
        cadence_days=reg_unit.schedule.expected_cadence_days if reg_unit else 14.0,
        archived=reg_unit.archived if reg_unit else False,
        platform=unit.platform,
        rules=rules,
    )
    return verdict, unit


def judge_unit(
    store: Store,
    registry: Registry,
    unit_id: str,
    run: CrawlRun,
    *,
    rules: HealthRules,
    backoff: BackoffPolicy,
) -> Transition:
    """Judge a unit by its run, store the state (and backoff), log a change."""
    now = utcnow()
    with store.session() as s:
        verdict, unit = _verdict(s, registry, unit_id, run, rules, now)
        t = apply_verdict(unit, verdict, now=now, policy=backoff)
        if t.old != t.new:
            event(log, "state_changed", unit_id, old=t.old, new=t.new, reason=t.reason)
        if unit.backoff_until:
            event(log, "backing_off", unit_id, failures=unit.failures, until=unit.backoff_until)
        return t


def _newest_run(store: Store, unit_id: str, after: int) -> int | None:
    with store.session() as s:
        return s.scalar(
            select(func.max(CrawlRun.id)).where(CrawlRun.unit_id == unit_id, CrawlRun.id > after)
        )


def _kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


# -- the reference APScheduler stores ------------------------------------------------
_installed: dict[str, CrawlJob] = {}


def install(job: CrawlJob | None) -> None:
    """Make ``job`` the one :func:`run_scheduled` uses in this process (None removes it)."""
    if job is None:
        _installed.pop("job", None)
    else:
        _installed["job"] = job


def run_scheduled(unit_id: str, **_schedule: Any) -> None:
    """The function every persisted job names; runs the installed :class:`CrawlJob`."""
    job = _installed.get("job")
    if job is None:
        event(log, "job_skipped", unit_id, logging.WARNING, reason="no scheduler in this process")
        return
    try:
        job.run(unit_id)
    except Exception:
        log.exception("job failed", extra={"vn_event": "job_error", "vn_unit": unit_id})
        raise


def alert_transition(store: Store, alerts: AlertConfig, t: Transition) -> None:
    """Send the alerts for a unit's state change, if any channel is configured."""
    if not alerts.enabled:
        return
    with store.session() as s:
        unit = s.get(Unit, t.unit_id)
        name, failures = (unit.name, unit.failures) if unit else ("", 0)
    notify(alerts, t, unit_name=name, failures=failures)


def _latest_run(store: Store, unit_id: str) -> CrawlRun | None:
    with store.session() as s:
        return s.scalar(
            select(CrawlRun)
            .where(CrawlRun.unit_id == unit_id)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        )


def verdicts_of_latest_runs(
    store: Store, registry: Registry, unit_ids: Sequence[str]
) -> dict[str, Verdict]:
    """Each unit's state after its newest run, judged as the scheduler will, not stored."""
    out: dict[str, Verdict] = {}
    now = utcnow()
    rules = HealthRules.from_env()
    for uid in unit_ids:
        run = _latest_run(store, uid)
        if run is None:
            out[uid] = judge(None, now=now, last_new_at=None, watched_since=None, cadence_days=14)
            continue
        with store.session() as s:
            out[uid] = _verdict(s, registry, uid, run, rules, now)[0]
    return out


def judge_latest_runs(
    store: Store, registry: Registry, unit_ids: Sequence[str]
) -> list[Transition]:
    """After a manual `vnfeeds crawl`: judge each unit's newest run, store it, alert on changes."""
    alerts = AlertConfig.from_env()
    out = []
    for uid in unit_ids:
        run = _latest_run(store, uid)
        if run is None:
            continue
        t = judge_unit(
            store, registry, uid, run, rules=HealthRules.from_env(), backoff=BackoffPolicy()
        )
        if t.alertable:
            alert_transition(store, alerts, t)
        out.append(t)
    return out
