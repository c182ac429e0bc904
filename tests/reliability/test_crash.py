"""Failure 1: a crawl SIGKILLed at any point loses nothing; the next plain run resumes it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import models as m
from storage.db import Store, resolve_db_url
from tests.reliability.conftest import FAST_ENV, run_vnfeeds, vnfeeds_argv
from tests.reliability.faults import FaultServer, Site, unit_toml

UNIT = "crash-site"
PAGES, PER_PAGE = 5, 6


def _stored(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(m.Article)) or 0


def _crawl_and_kill(db: str, units: Path, when: Callable[[], bool], limit: float = 120) -> None:
    """Start a plain `vnfeeds crawl`, SIGKILL it as soon as ``when()`` holds."""
    proc = subprocess.Popen(
        vnfeeds_argv(db, units, "crawl", "-q"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **FAST_ENV},
    )
    end = time.monotonic() + limit
    try:
        while not when():
            assert proc.poll() is None, "the crawl ended before the kill point"
            assert time.monotonic() < end, "kill point never reached"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()


@pytest.mark.slow
def test_sigkill_at_several_points_then_a_plain_run_stores_every_listed_article(
    faults: FaultServer, db_url: str, tmp_path: Path
) -> None:
    faults.sites["crash"] = Site(pages=PAGES, per_page=PER_PAGE, article_delay=0.02)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml(UNIT, faults.list_url("crash")), encoding="utf-8")
    store = Store(resolve_db_url(db_url))
    try:
        # 1. killed as soon as the first list page was served: nothing stored yet
        _crawl_and_kill(db_url, units, lambda: bool(faults.paths("/crash/list")))
        # 2. and 3. killed after some, then after about half the articles were stored
        _crawl_and_kill(db_url, units, lambda: _stored(store) >= 5)
        _crawl_and_kill(db_url, units, lambda: _stored(store) >= 15)
        assert _stored(store) < PAGES * PER_PAGE
        res = run_vnfeeds(db_url, units, "crawl", "-q")  # plain: no --full
        assert res.returncode == 0, res.stderr[-3000:]
        assert "being crawled by another process" not in res.stdout + res.stderr
        with store.session() as s:
            urls = set(s.scalars(select(m.Article.url).where(m.Article.unit_id == UNIT)))
            runs = s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id)).all()
            pending = s.scalar(select(func.count()).select_from(m.PendingEntry))
        want = {faults.article_url("crash", n) for n in range(1, PAGES * PER_PAGE + 1)}
        assert want - urls == set(), f"{len(want - urls)} listed articles were lost"
        assert pending == 0
        assert [r.status for r in runs] == ["killed", "killed", "killed", "ok"]
        assert all(r.finished_at is not None for r in runs)
        assert runs[-1].error_text is None and runs[0].error_text
        assert "died" in runs[0].error_text
    finally:
        store.dispose()


@pytest.mark.slow
def test_a_dead_holders_lease_is_taken_over_at_once(faults: FaultServer, tmp_path: Path) -> None:
    """SQLite: the lease of a SIGKILLed crawl does not block the next one for an hour."""
    faults.sites["slow"] = Site(pages=1, per_page=5, article_delay=2.0)
    units = tmp_path / "units.toml"
    units.write_text(unit_toml("slow-site", faults.list_url("slow")), encoding="utf-8")
    db = str(tmp_path / "lease.sqlite3")
    store = Store(resolve_db_url(db))
    try:

        def leased() -> bool:
            with store.session() as s:
                return s.get(m.UnitLease, "slow-site") is not None

        _crawl_and_kill(db, units, lambda: leased() and bool(faults.paths("/slow/a/")))
        assert leased(), "the killed crawl's lease row is still there"
        faults.sites["slow"].article_delay = 0
        res = run_vnfeeds(db, units, "crawl", "-q")
        assert res.returncode == 0, res.stderr[-3000:]
        assert "being crawled by another process" not in res.stdout + res.stderr
        with store.session() as s:
            statuses = [r.status for r in s.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id))]
        assert statuses == ["killed", "ok"]
    finally:
        store.dispose()
