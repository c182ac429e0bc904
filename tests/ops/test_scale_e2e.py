"""Done-when of issue 13: two schedulers, two Scrapyd nodes, 100 replica units, PostgreSQL.

Both `vnfeeds schedule` processes dispatch to the nodes (``VNFEEDS_SCRAPYD``); the
leader is SIGKILLed after some crawls and the standby takes over; then a node is
SIGKILLed (with its crawls) while it crawls, and its units are crawled again on the
other node once their locks are free. In the end every unit ran, every expected
article is stored exactly once, and no unit's runs overlap. Units are paused by the
test once crawled, so each is crawled about once (pausing is a real feature).
``VNFEEDS_SCALE_TEST_BATCH=10`` runs the same scenario with batch crawls (10 units per
Scrapyd job): a node killed mid-batch, the batch crawled again on the other node.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from replicas.fleet import Fleet
from replicas.server import ReplicaServer
from storage.db import Store
from storage.models import Article, CrawlRun, Unit
from tests.ops.conftest import SINCE, expected_articles
from tests.ops.scheduling import wait_for as poll
from tests.scrapyd_nodes import ScrapydNode

UNITS = int(os.environ.get("VNFEEDS_SCALE_TEST_UNITS", "100"))
# One crawl process per unit: ~4 CPU-seconds each here, so 100 units take ~4 min on an
# idle 2-core machine and far longer on a busy one; the limits leave room for that.
PER_UNIT = 20.0
# Units per crawl process (`vnfeeds schedule --batch-units`); 1, one process per unit,
# in CI. VNFEEDS_SCALE_TEST_BATCH=10 runs the same scenario with batch crawls.
BATCH = int(os.environ.get("VNFEEDS_SCALE_TEST_BATCH", "1"))


def wait_for(check: Callable[[], bool], timeout: float) -> bool:
    """:func:`tests.ops.scheduling.wait_for`, polling every half second (the checks read
    logs and the store while a whole fleet crawls)."""
    return poll(check, timeout, step=0.5)


class Scheduler:
    """One `vnfeeds schedule` process dispatching to the nodes."""

    def __init__(self, db: str, units: Path, nodes: str, log: Path) -> None:
        self.log = log
        env = {**os.environ, "VNFEEDS_SCRAPYD": nodes, "PYTHONPATH": str(Path.cwd())}
        argv = [sys.executable, "-m", "vnfeeds", "--db", db, "--sites", str(units), "schedule"]
        argv += ["--interval-seconds", "3", "--jitter", "0", "--workers", "6"]
        argv += ["--watch-interval", "1", "--leader-check", "0.5", "--timeout", "300"]
        argv += ["--batch-units", str(BATCH), "--batch-window", "1"]
        self.fh = log.open("wb")
        self.p = subprocess.Popen(argv, stdout=self.fh, stderr=subprocess.STDOUT, env=env)

    def text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.fh.close()


@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_two_schedulers_two_nodes_hundred_units(
    store: Store, nodes: list[ScrapydNode], tmp_path: Path
) -> None:
    with ReplicaServer(port=0) as server, Fleet(server, UNITS, since=SINCE) as fleet:
        units = fleet.write_units(tmp_path / "units.toml")
        expected = expected_articles(server, fleet)
        node_urls = ",".join(n.url for n in nodes)
        first = Scheduler(store.url, units, node_urls, tmp_path / "one.log")
        assert wait_for(lambda: "event=leader_elected" in first.text(), 60), first.text()
        second = Scheduler(store.url, units, node_urls, tmp_path / "two.log")
        scheds = [first, second]

        def crawled() -> set[str]:
            """Units with a finished good run; they are paused so they are not crawled again."""
            with store.session() as s:
                done = set(
                    s.scalars(
                        select(CrawlRun.unit_id).where(CrawlRun.status.in_(("ok", "partial")))
                    )
                )
                if done:
                    s.execute(update(Unit).where(Unit.id.in_(done)).values(paused=True))
            return done

        try:
            assert wait_for(lambda: "event=leader_standby" in second.text(), 60), second.text()
            assert wait_for(lambda: len(crawled()) >= min(10, UNITS // 4), 60 + 10 * PER_UNIT), (
                first.text()[-3000:]
            )
            first.p.send_signal(signal.SIGKILL)  # the leader dies mid-round
            first.p.wait()
            assert wait_for(lambda: "event=leader_elected" in second.text(), 30), second.text()

            def second_crawls_on_node0() -> bool:
                return any(
                    f"node={nodes[0].url}" in ln and "crawl_dispatched" in ln
                    for ln in second.text().splitlines()
                )

            assert wait_for(second_crawls_on_node0, 120), second.text()[-3000:]
            time.sleep(1.0)  # its crawl is under way
            nodes[0].kill()  # the node dies with its crawls
            assert wait_for(lambda: len(crawled()) >= UNITS, UNITS * PER_UNIT), second.text()[
                -3000:
            ]
        finally:
            for sched in scheds:
                sched.stop()

        log2 = second.text()
        assert "event=node_lost" in log2 and "event=crawl_retried" in log2, log2[-3000:]

        def open_runs() -> list[tuple[str, object]]:
            with store.session() as s:
                q = select(CrawlRun.unit_id, CrawlRun.started_at).where(
                    CrawlRun.status == "running"
                )
                return [(u, t) for u, t in s.execute(q)]

        # A crawl dispatched just before the schedulers stopped finishes on its node and
        # closes its own run: its sites stay up until then (inside this block), and the nodes
        # stop only after this test.
        assert wait_for(lambda: not open_runs(), 120), (
            f"crawl runs left open after the round: {open_runs()}\n{log2[-2000:]}"
        )

    with store.session() as s:
        stored = Counter(s.scalars(select(Article.unit_id)))
        dupes = s.execute(
            select(Article.unit_id, Article.canonical_url, func.count())
            .group_by(Article.unit_id, Article.canonical_url)
            .having(func.count() > 1)
        ).all()
        runs = s.execute(
            select(CrawlRun.unit_id, CrawlRun.started_at, CrawlRun.finished_at, CrawlRun.status)
        ).all()
    assert not dupes
    missing = {u: (stored.get(u, 0), n) for u, n in expected.items() if stored.get(u, 0) != n}
    assert not missing, f"units whose articles differ from the site (stored, expected): {missing}"
    assert sum(stored.values()) == sum(expected.values()) > UNITS

    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for unit_id, start, end, status in runs:
        assert status != "running", f"{unit_id}: a run was never closed"
        spans[unit_id].append((start.timestamp(), (end or start).timestamp()))
    assert set(spans) == set(expected)
    for uid, ss in spans.items():
        ss.sort()
        for (_, prev_end), (next_start, _) in itertools.pairwise(ss):
            assert next_start >= prev_end, f"{uid}: two crawls overlapped"
