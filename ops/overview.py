"""What ``vnfeeds status``, the status page and ``/metrics`` show: one query module.

The CLI and the web page are thin shells over these functions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.sql import column, table

from domain.timezone import VN_TZ
from ops.leader import leader_alive
from storage.db import Store
from storage.models import Article, CrawlRun, DeadLink, Unit, utcnow

JOBS_TABLE = "apscheduler_jobs"
JOB_PREFIX = "crawl:"


def job_id(unit_id: str) -> str:
    """The scheduler's job id for a unit."""
    return f"{JOB_PREFIX}{unit_id}"


@dataclass
class UnitStatus:
    """One row of the status table."""

    unit: str
    name: str
    province: str
    state: str
    state_since: datetime | None
    paused: bool
    enabled: bool
    failures: int
    backoff_until: datetime | None
    last_error: str | None
    last_run: datetime | None
    last_run_status: str | None
    new_items: int | None
    last_new_at: datetime | None
    next_run: datetime | None
    moved_to: str | None
    dead_links: int = 0  # article links its lists show that are skipped as dead, now

    @property
    def next_run_state(self) -> tuple[str, datetime | None]:
        """(kind, time): ``paused``, ``disabled``, ``backoff`` (until the time), ``scheduled``
        (at the time) or ``unscheduled`` (no running scheduler has a job for the unit)."""
        if self.paused:
            return "paused", None
        if not self.enabled:
            return "disabled", None
        nxt = self.next_run
        if self.backoff_until and (nxt is None or self.backoff_until > nxt):
            return "backoff", self.backoff_until
        if nxt is None:
            return "unscheduled", None
        return "scheduled", nxt

    @property
    def next_run_label(self) -> str:
        """``paused``, ``disabled``, ``scheduler not running`` or the next run in +07:00
        (``(backoff)`` when waiting)."""
        kind, at = self.next_run_state
        if kind == "backoff":
            return f"{fmt_time(at)} (backoff)"
        if kind == "scheduled":
            return fmt_time(at)
        return "scheduler not running" if kind == "unscheduled" else kind

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 strings."""
        out = asdict(self)
        for k, v in out.items():
            if isinstance(v, datetime):
                out[k] = v.isoformat()
        out["next_run_label"] = self.next_run_label
        return out


def fmt_time(t: datetime | None) -> str:
    """A time in +07:00 as ``YYYY-MM-DD HH:MM``, or ``-``."""
    return t.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M") if t else "-"


def iso_time(t: datetime) -> str:
    """A time in +07:00 in ISO 8601 (``2026-11-29T21:58:03+07:00``)."""
    return t.astimezone(VN_TZ).isoformat(timespec="seconds")


def next_run_times(store: Store) -> dict[str, datetime]:
    """Unit id -> next scheduled run, read from the scheduler's job table (if any)."""
    if JOBS_TABLE not in inspect(store.engine).get_table_names():
        return {}
    jobs = table(JOBS_TABLE, column("id"), column("next_run_time"))
    out: dict[str, datetime] = {}
    with store.engine.connect() as conn:
        for jid, ts in conn.execute(select(jobs.c.id, jobs.c.next_run_time)):
            if isinstance(jid, str) and jid.startswith(JOB_PREFIX) and ts is not None:
                out[jid[len(JOB_PREFIX) :]] = datetime.fromtimestamp(float(ts), UTC)
    return out


def latest_runs(store: Store, unit_ids: list[str] | None = None) -> dict[str, CrawlRun]:
    """The newest crawl run of each unit."""
    with store.session() as s:
        newest = select(func.max(CrawlRun.id)).group_by(CrawlRun.unit_id)
        if unit_ids:
            newest = newest.where(CrawlRun.unit_id.in_(unit_ids))
        rows = s.scalars(select(CrawlRun).where(CrawlRun.id.in_(newest)))
        return {r.unit_id: r for r in rows}


def unit_statuses(store: Store, unit_ids: list[str] | None = None) -> list[UnitStatus]:
    """Every unit in the store (or the given ones) with its last run and next run."""
    with store.session() as s:
        q = select(Unit).order_by(Unit.id)
        if unit_ids:
            q = q.where(Unit.id.in_(unit_ids))
        units = list(s.scalars(q))
    runs = latest_runs(store, unit_ids)
    dead = dead_link_counts(store, unit_ids)
    # A stopped scheduler leaves its jobs behind: their times count only while one leads.
    nexts = next_run_times(store) if leader_alive(store) else {}
    out = []
    for u in units:
        r = runs.get(u.id)
        out.append(
            UnitStatus(
                unit=u.id,
                name=u.name,
                province=u.province_id,
                state=u.state,
                state_since=u.state_since,
                paused=u.paused,
                enabled=u.enabled,
                failures=u.failures,
                backoff_until=u.backoff_until,
                last_error=u.last_error,
                last_run=(r.finished_at or r.started_at) if r else None,
                last_run_status=r.status if r else None,
                new_items=r.new if r else None,
                last_new_at=u.last_new_at,
                next_run=nexts.get(u.id),
                moved_to=u.moved_to,
                dead_links=dead.get(u.id, 0),
            )
        )
    return out


def dead_link_counts(store: Store, unit_ids: list[str] | None = None) -> dict[str, int]:
    """How many dead links each unit has that are still skipped."""
    with store.session() as s:
        q = (
            select(DeadLink.unit_id, func.count())
            .where(DeadLink.until > utcnow())
            .group_by(DeadLink.unit_id)
        )
        if unit_ids:
            q = q.where(DeadLink.unit_id.in_(unit_ids))
        return {uid: int(n) for uid, n in s.execute(q).tuples()}


def run_history(store: Store, unit_id: str, limit: int = 20) -> list[CrawlRun]:
    """A unit's crawl runs, newest first."""
    with store.session() as s:
        q = (
            select(CrawlRun)
            .where(CrawlRun.unit_id == unit_id)
            .order_by(CrawlRun.id.desc())
            .limit(limit)
        )
        return list(s.scalars(q))


def dead_links_of(
    store: Store, unit_id: str, now: datetime | None = None, limit: int = 100
) -> list[DeadLink]:
    """A unit's dead links still skipped at ``now`` (``storage.progress.bury``), newest first."""
    with store.session() as s:
        q = (
            select(DeadLink)
            .where(DeadLink.unit_id == unit_id, DeadLink.until > (now or utcnow()))
            .order_by(DeadLink.found_at.desc())
            .limit(limit)
        )
        return list(s.scalars(q))


def run_duration(run: CrawlRun) -> float | None:
    """Seconds a finished run took."""
    if run.finished_at is None:
        return None
    return (run.finished_at - run.started_at).total_seconds()


def articles_per_day(
    store: Store, unit_id: str, days: int = 30, now: datetime | None = None
) -> list[tuple[date, int]]:
    """Articles per publication day (+07:00) over the last ``days`` days, oldest first."""
    now = now or utcnow()
    today = now.astimezone(VN_TZ).date()
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=VN_TZ)
    with store.session() as s:
        stamps = s.scalars(
            select(func.coalesce(Article.published, Article.first_seen)).where(
                Article.unit_id == unit_id,
                func.coalesce(Article.published, Article.first_seen) >= since,
            )
        )
        counts = Counter(_as_utc(t).astimezone(VN_TZ).date() for t in stamps if t is not None)
    return [
        (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)
    ]


def _as_utc(t: datetime | str) -> datetime:
    # coalesce() loses the column type on SQLite: values may come back naive or as text
    if isinstance(t, str):
        t = datetime.fromisoformat(t)
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def set_paused(store: Store, unit_id: str, paused: bool) -> Unit:
    """Pause or resume a unit's scheduled crawls; resuming also ends its backoff."""
    with store.session() as s:
        unit = s.get(Unit, unit_id)
        if unit is None:
            known = ", ".join(s.scalars(select(Unit.id).order_by(Unit.id)))
            raise KeyError(f"unknown unit {unit_id!r} (known: {known or 'none'})")
        unit.paused = paused
        if not paused:
            unit.backoff_until = None
        return unit
