"""The scheduled job: lock, crawl in a subprocess, judge health, back off, alert, publish.

Scrapy's reactor cannot be restarted inside one process, so every crawl runs as
``python -m vnfeeds --db DB [--sites SITES] crawl UNIT… --no-lock`` (or a configured
command) with a time limit, while this process holds the units' locks. A crawl may
take several units at once (a *batch*, ``ops.batches``): one process start for all of
them, each unit still locked, recorded, judged and published on its own.

APScheduler's persistent job store keeps a textual reference to a module-level
function, so jobs call :func:`run_scheduled`, which hands over to the
:class:`CrawlJob` installed in this process (one scheduler per process).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crawlers.spiders.units import LEFT_OUT
from domain.registry import Registry
from ops.alerts import AlertConfig
from ops.backoff import BackoffPolicy, in_backoff
from ops.batches import BatchQueue
from ops.health import HealthRules, Transition
from ops.judging import alert_transition, judge_unit
from ops.locks import DEFAULT_TTL, LockBusy, default_holder, is_locked, unit_lock
from ops.logging import event, output_tail
from ops.publish import Publisher
from ops.scrapyd import ScrapydCrawls
from storage.db import Store
from storage.models import CrawlRun, Unit, utcnow

log = logging.getLogger("vnfeeds.ops.jobs")

#: Placeholders a crawl command template may use (an argument that is exactly
#: ``{units}`` becomes one argument per unit of the crawl).
PLACEHOLDERS = ("{python}", "{db}", "{sites}", "{unit}", "{units}")


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
    batch_units: int = 1  # units one crawl process may take (1: a process per unit)
    batch_window: float = 2.0  # seconds a fired unit waits for others to share its crawl

    @property
    def batch_size(self) -> int:
        """Units per crawl: 1 when the crawl command names one ``{unit}``."""
        if self.crawl_command and "{units}" not in self.crawl_command:
            return 1
        return max(1, self.batch_units)


def crawl_argv(settings: JobSettings, unit_ids: Sequence[str] | str) -> list[str]:
    """The crawl subprocess's argv for one unit or a batch (the template filled in)."""
    ids = [unit_ids] if isinstance(unit_ids, str) else list(unit_ids)
    if settings.crawl_command:
        values = {
            "python": sys.executable,
            "db": settings.db_url,
            "sites": str(settings.sites or ""),
            "unit": ids[0],
        }
        out: list[str] = []
        for part in settings.crawl_command:
            out += ids if part == "{units}" else [part.format(**values)]
        return out
    argv = [sys.executable, "-m", "vnfeeds", "--db", settings.db_url]
    if settings.sites:
        argv += ["--sites", str(settings.sites)]
    return [*argv, "crawl", *ids, "--no-lock"]


@dataclass
class JobOutcome:
    """What one firing of a unit's job did."""

    unit_id: str
    skipped: str | None = None  # unknown, disabled, paused, backoff, locked, queued, stopping
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
    """Runs units' crawls and everything that follows them."""

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
        self.batches: BatchQueue | None = None

    def start_batches(self, slots: int) -> None:
        """Gather fired units into batch crawls, ``slots`` crawls at a time."""
        size = self.settings.batch_size
        if size > 1 and self.batches is None:
            self.batches = BatchQueue(
                self.run_batch, max_units=size, window=self.settings.batch_window, slots=slots
            )

    def join_batches(self, wait: bool = True) -> None:
        """After :meth:`stop`: wait for the running batch crawls (with ``wait``)."""
        if self.batches is not None:
            self.batches.join(None if wait else 0)

    # -- the job --------------------------------------------------------------------
    def fire(self, unit_id: str) -> None:
        """What a unit's schedule does: crawl now, or queue it for the next batch."""
        if self.batches is None:
            self.run(unit_id)
        elif not self.batches.submit(unit_id):
            event(log, "job_skipped", unit_id, reason="queued")

    def run(self, unit_id: str) -> JobOutcome:
        """Crawl the unit now unless it is paused, backing off or locked elsewhere."""
        return self.run_batch([unit_id])[0]

    def run_batch(self, unit_ids: Sequence[str]) -> list[JobOutcome]:
        """Crawl these units in one crawl process; each one skipped, judged and published
        on its own (``exit_code`` is the crawl process', shared by the batch)."""
        unit_ids = list(dict.fromkeys(unit_ids))  # a unit named twice is crawled once
        outs = {uid: JobOutcome(uid) for uid in unit_ids}
        todo = []
        for uid in unit_ids:
            outs[uid].skipped = self._skip_reason(uid)
            if outs[uid].skipped is None:
                todo.append(uid)
        ttl = self.settings.lock_ttl or DEFAULT_TTL
        holder = default_holder(self.settings.holder_prefix)
        with ExitStack() as locks:
            crawl = []
            for uid in todo:
                try:
                    if self.remote is not None:  # the crawl on the node locks it itself
                        if is_locked(self.store, uid):
                            raise LockBusy(uid)
                    else:
                        locks.enter_context(unit_lock(self.store, uid, holder, ttl))
                    crawl.append(uid)
                except LockBusy:
                    outs[uid].skipped = "locked"
            if crawl:
                self._crawl_and_judge(crawl, outs)
        for out in outs.values():
            if out.skipped:
                event(log, "job_skipped", out.unit_id, reason=out.skipped)
            elif out.transition and out.transition.alertable:
                self._alert(out.transition)
        if self.publisher is not None:
            runs = [(o.unit_id, o.run_id) for o in outs.values() if o.run_id is not None]
            published = self.publisher.after_runs(runs)
            for uid in published:
                outs[uid].published = True
        return [outs[uid] for uid in unit_ids]

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

    def _crawl_and_judge(self, unit_ids: list[str], outs: dict[str, JobOutcome]) -> None:
        with self.store.session() as s:
            before = s.scalar(select(func.max(CrawlRun.id))) or 0
        for uid in unit_ids:
            event(log, "crawl_started", uid, timeout=self.settings.timeout, batch=len(unit_ids))
        t0 = time.monotonic()
        skipped: set[str] = set()
        output = ""
        if self.remote is not None:
            res = self.remote.crawl(unit_ids, self._stopping.is_set)
            # another process crawled these: no run of ours, no verdict
            skipped = {u for u in res.locked if _newest_run(self.store, u, before) is None}
            code, timed_out, tail, output = res.exit_code, res.timed_out, res.tail, res.output
        else:
            code, timed_out, output = self._spawn(crawl_argv(self.settings, unit_ids))
            tail = output_tail(output)
        seconds = round(time.monotonic() - t0, 3)
        interrupted = self._stopping.is_set() and (code != 0 or timed_out)
        if timed_out:
            cause = f"crawl timed out after {self.settings.timeout:g}s"
        elif interrupted:
            cause = "crawl interrupted by scheduler shutdown"
        else:
            cause = f"crawl exited with code {code}: {tail}".strip()
        left_out = _left_out(output)
        for uid in unit_ids:
            out = outs[uid]
            if uid in skipped:
                out.skipped = "locked"
                continue
            out.exit_code, out.timed_out, out.seconds = code, timed_out, seconds
            run = self._settle_run(uid, before, left_out.get(uid) or cause)
            out.run_id = run.id
            if interrupted:
                event(log, "crawl_interrupted", uid, run=run.id)
                continue
            out.transition = self._judge(uid, run)
            out.state = out.transition.new
            event(
                log,
                "crawl_finished",
                uid,
                run=run.id,
                status=run.status,
                state=out.state,
                new=run.new,
                updated=run.updated,
                errors=run.errors,
                seconds=seconds,
                exit=code,
            )

    def _spawn(self, argv: Sequence[str]) -> tuple[int | None, bool, str]:
        """Run the crawl; (exit code, timed out, its output: the last 256 KB)."""
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
            buf.seek(max(0, buf.tell() - 262144))
            return code, timed_out, buf.read().decode("utf-8", "replace")

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
        if self.batches is not None:
            self.batches.stop()  # queued units are dropped; running batches go on (or die)
        if kill:
            with self._procs_lock:
                procs = list(self._procs)
            for p in procs:
                _kill_group(p, signal.SIGTERM)


_LEFT_OUT_LINE = re.compile(rf"unit (\S+) {re.escape(LEFT_OUT)}: (.*)")


def _left_out(output: str) -> dict[str, str]:
    """Why a batch crawl left units out (``vnfeeds crawl``'s warnings), by unit."""
    found: dict[str, str] = {}
    for m in _LEFT_OUT_LINE.finditer(output):
        found.setdefault(m.group(1), f"{LEFT_OUT}: {m.group(2).strip()}")
    return found


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
        job.fire(unit_id)
    except Exception:
        log.exception("job failed", extra={"vn_event": "job_error", "vn_unit": unit_id})
        raise
