"""Batch crawls on Scrapyd nodes: one job for many units, locks per unit, a lost node.

Real nodes on loopback (``tests.scrapyd_nodes``), replica sites, PostgreSQL: the job the
scheduler runs (``CrawlJob.run_batch`` with ``ScrapydCrawls``) sends its units to a node
as one Scrapyd job; a unit another process is crawling is left out by the crawl on the
node and reported as skipped; a node killed mid-batch has the whole batch crawled again
on the other node, losing nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.registry import load_registry
from ops.jobs import CrawlJob, JobOutcome, JobSettings
from ops.locks import unit_lock
from ops.scrapyd import Node, ScrapydCrawls
from replicas.fleet import Fleet
from replicas.server import ReplicaServer
from storage.db import Store
from storage.models import Article, CrawlRun
from storage.repository import sync_registry
from tests.ops.conftest import SINCE, expected_articles
from tests.scrapyd_nodes import ScrapydNode

UNITS = 6


def _job(store: Store, units: Path, nodes: list[ScrapydNode]) -> CrawlJob:
    reg = load_registry(units)
    with store.session() as s:
        sync_registry(s, reg)
    remote = ScrapydCrawls(
        [Node(n.url) for n in nodes],
        store,
        db_url=store.url,
        sites=units,
        registry=lambda: reg,
        timeout=300,
        poll=0.2,
        lost_after=3.0,
    )
    settings = JobSettings(db_url=store.url, sites=units, timeout=300, batch_units=UNITS)
    return CrawlJob(store, settings, lambda: reg, remote=remote)


def _stored(store: Store) -> Counter[str]:
    with store.session() as s:
        return Counter(s.scalars(select(Article.unit_id)))


def _events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, object]]:
    """The events of that name: their unit and fields (``ops.logging.event``)."""
    return [
        {"unit": getattr(r, "vn_unit", ""), **getattr(r, "vn_fields", {})}
        for r in list(caplog.records)
        if getattr(r, "vn_event", None) == name
    ]


def _dispatches(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return _events(caplog, "crawl_dispatched")


@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_batch_is_one_job_and_a_locked_unit_is_left_out(
    store: Store, nodes: list[ScrapydNode], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with ReplicaServer(port=0) as server, Fleet(server, UNITS, since=SINCE) as fleet:
        units = fleet.write_units(tmp_path / "units.toml")
        expected = expected_articles(server, fleet)
        job = _job(store, units, nodes)
        ids = sorted(expected)
        busy = ids[2]
        with unit_lock(store, busy, holder="another-crawl@elsewhere:1:x", ttl=60):
            outs = {o.unit_id: o for o in job.run_batch(ids)}
            sent = _dispatches(caplog)
            # locked when the batch was formed: never sent to the node
            assert len(sent) == 1, sent  # one Scrapyd job, naming the other units
            assert sent[0]["unit"] == ",".join(u for u in ids if u != busy)
            # locked after the batch was sent (a race): the crawl on the node leaves it out
            assert job.remote is not None
            res = job.remote.crawl(ids)
            assert res.locked == {busy}, res
    assert outs[busy].skipped == "locked" and outs[busy].run_id is None
    crawled = [u for u in ids if u != busy]
    assert all(outs[u].ran and outs[u].state == "ok" for u in crawled), outs
    stored = _stored(store)
    assert {u: stored[u] for u in crawled} == {u: expected[u] for u in crawled}
    assert stored[busy] == 0
    with store.session() as s:
        runs = Counter(s.scalars(select(CrawlRun.unit_id)))
    assert runs == Counter(crawled * 2)  # the batch, then the race: none for the unit left out


@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_unit_the_node_does_not_know_does_not_stop_its_batch(
    store: Store, nodes: list[ScrapydNode], tmp_path: Path
) -> None:
    with ReplicaServer(port=0) as server, Fleet(server, 3, since=SINCE) as fleet:
        units = fleet.write_units(tmp_path / "units.toml")
        expected = expected_articles(server, fleet)
        job = _job(store, units, nodes)  # the scheduler knows the three units
        ids = sorted(expected)
        gone = ids[1]
        text = units.read_text(encoding="utf-8")
        kept = [t for t in text.split("[[unit]]") if f'id = "{gone}"' not in t]
        units.write_text("[[unit]]".join(kept), encoding="utf-8")  # the node's file lost it
        outs = {o.unit_id: o for o in job.run_batch(ids)}
    assert all(outs[u].state == "ok" for u in ids if u != gone), outs
    with store.session() as s:
        run = s.get(CrawlRun, outs[gone].run_id)
        assert run is not None and run.status == "failed"
        assert f"unit {gone}: left out of this crawl: it is unknown here" in (run.error_text or "")
    stored = _stored(store)
    assert {u: stored[u] for u in ids if u != gone} == {u: expected[u] for u in ids if u != gone}


@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_node_lost_mid_batch_has_the_batch_crawled_elsewhere(
    store: Store, nodes: list[ScrapydNode], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with ReplicaServer(port=0) as server, Fleet(server, UNITS, since=SINCE) as fleet:
        units = fleet.write_units(tmp_path / "units.toml")
        expected = expected_articles(server, fleet)
        job = _job(store, units, nodes)
        result: list[JobOutcome] = []
        t = threading.Thread(target=lambda: result.extend(job.run_batch(sorted(expected))))
        t.start()
        deadline = time.monotonic() + 60
        while not _dispatches(caplog) and time.monotonic() < deadline:
            time.sleep(0.1)
        first = _dispatches(caplog)
        assert first, "the batch was never dispatched"
        victim = next(n for n in nodes if n.url == first[0]["node"])
        time.sleep(2.0)  # its crawl process is under way
        victim.kill()
        t.join(timeout=240)
        assert not t.is_alive(), "the batch never finished"
    assert _events(caplog, "node_lost") and _events(caplog, "crawl_retried")
    sent = _dispatches(caplog)
    assert [d["node"] for d in sent] == [victim.url, next(n.url for n in nodes if n is not victim)]
    assert all(o.ran for o in result), result
    assert dict(_stored(store)) == expected  # nothing lost, nothing twice
    with store.session() as s:
        open_runs = list(s.scalars(select(CrawlRun.unit_id).where(CrawlRun.status == "running")))
    assert not open_runs
