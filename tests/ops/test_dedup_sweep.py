"""The scheduler leader's dedup sweep (``ops.dedup_sweep``)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, update

from ops.dedup_sweep import JOB_ID, MARGIN, DedupSweeper, add_sweep_job
from storage import models as m
from storage.db import Store
from storage.models import utcnow
from tests.dedup.conftest import SEED, edited_copy_body, make_article
from tests.ops.conftest import Plan
from tests.ops.scheduling import Harness, wait_for


def _pairs(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(m.DuplicateCandidate)) or 0


def test_the_leader_sweeps_and_a_standby_does_not(
    tmp_path: Path, plan: Plan, default_db_url: str
) -> None:
    """Two copies stored by crawls that did not compare them (as two processes writing at
    once leave them) are paired by the leader's next sweep; the standby sweeps nothing."""
    h = Harness(tmp_path, plan, default_db_url)
    try:
        leader = h.start(interval=3600, sweep=0.01)
        leader.start()
        assert wait_for(lambda: leader.is_leader)
        standby = h.start(interval=3600, sweep=0.01)
        standby.start()
        store = leader.store
        with store.session() as s:
            a = make_article(s, "unit-a", 1, lead=SEED.lead)
            b = make_article(s, "unit-b", 1, title="Tin: " + SEED.title, body=edited_copy_body())
            s.execute(
                update(m.Article).where(m.Article.id.in_([a.id, b.id])).values(changed_at=utcnow())
            )
        assert _pairs(store) == 0
        assert wait_for(lambda: _pairs(store) == 1, timeout=20)
        assert leader.dedup_sweeper is not None and leader.dedup_sweeper.last_start is not None
        assert standby.dedup_sweeper is not None and standby.dedup_sweeper.last_start is None
        assert not standby.is_leader
    finally:
        for sched in list(h.running):
            h.stop(sched)


def test_the_sweep_is_on_by_default_on_postgresql_only(store: Store) -> None:
    sched = BackgroundScheduler()
    sched.add_jobstore("memory", alias="local")
    sweeper = add_sweep_job(sched, store, None)
    on_pg = store.engine.dialect.name == "postgresql"
    assert (sweeper is not None) == on_pg
    assert (sched.get_job(JOB_ID, jobstore="local") is not None) == on_pg
    assert add_sweep_job(BackgroundScheduler(), store, 0) is None  # 0 = off


def test_each_sweep_goes_back_to_where_the_previous_began(store: Store) -> None:
    sweeper = DedupSweeper(store, minutes=10)
    now = utcnow()
    assert now - sweeper.since(now) == timedelta(minutes=3 * 10) + MARGIN  # three periods back
    sweeper()
    started = sweeper.last_start
    assert started is not None and sweeper.since(utcnow()) == started - MARGIN
    sweeper.forget()
    assert sweeper.last_start is None


def test_the_sweep_runs_while_crawl_jobs_hold_every_worker(store: Store) -> None:
    """One crawl worker, busy with a long crawl: the sweep still runs on its own thread."""
    sched = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)})
    sched.add_jobstore("memory", alias="local")
    crawl_running, release = threading.Event(), threading.Event()

    def long_crawl() -> None:
        crawl_running.set()
        release.wait(30)

    sched.add_job(long_crawl, "date", id="crawl:busy")
    sweeper = add_sweep_job(sched, store, 0.005)  # every 0.3 s
    assert sweeper is not None
    sched.start()
    try:
        assert crawl_running.wait(10)
        deadline = time.monotonic() + 10
        while sweeper.last_start is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sweeper.last_start is not None, "the sweep waited for the crawl's worker"
    finally:
        release.set()
        sched.shutdown()
