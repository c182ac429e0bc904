"""Scale benchmarks of issue 13, side by side in one run (prints figures; not a test).

On a replica fleet (``replicas.fleet``: copies of the replica sites, one loopback IP
each) and a throwaway PostgreSQL database:

3. Incremental recrawl of ``--units`` (1,000) unchanged units in one crawl process:
   requests per unit and per list page (target 1.0 per list page: one conditional GET
   answered 304), wall time; cold start of one unit's crawl process (target < 1.5 s).
4. One incremental round of ``--node-units`` units on 2 Scrapyd nodes against 1 node:
   the ratio of wall times (3,300 units in the issue). The scheduler's batch crawls
   (``--node-batch`` units per Scrapyd job, as ``vnfeeds schedule --batch-units``) are
   what make 3,300 units a round; beside it, one node's round of ``--per-unit-sample``
   units crawled one process per unit against the same units in batches.
5. Peak memory of the ``--units`` crawl process (target < 500 MB) and of
   ``vnfeeds serve`` while clients fetch feeds for ``--serve-seconds``.

    python -m bench.scale [--units 1000] [--node-units 60] [--node-batch 50]
                          [--per-unit-sample 40] [--since 2025-06-01] [--skip-nodes] [--skip-serve]

``--since`` is the fleet's first date: the first crawl stores the articles published
since then (a later date, fewer articles; an incremental round is list pages answered
304 either way).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from domain.registry import load_registry
from ops.scrapyd import Node, ScrapydCrawls
from replicas.fleet import Fleet
from replicas.server import ReplicaServer
from storage.db import Store
from storage.models import Article, CrawlRun
from storage.repository import sync_registry
from tests.scrapyd_nodes import ScrapydNode, build_egg, deploy, scrapyd_missing
from tests.servers import free_port

SINCE = date(2025, 6, 1)  # first crawls store the newest article or so of each unit


def crawl(db: str, units: Path, ids: list[str] | None = None) -> tuple[float, float, str]:
    """`vnfeeds crawl -q` in a process: (wall seconds, peak RSS MiB, output tail)."""
    argv = [sys.executable, "-m", "vnfeeds", "--db", db, "--sites", str(units), "crawl", "-q"]
    argv += ids or []
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read() if p.stdout else b""
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")[-600:]


def cold_start(runs: int = 3) -> float:
    """Seconds to import everything a unit crawl process imports (median of ``runs``)."""
    code = "import ops.scrapy_settings, crawlers.spiders.units, crawlers.pipelines, scrapy.crawler"
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_requests(store: Store, after: int) -> tuple[int, int]:
    """(requests, runs) recorded by crawl runs with id above ``after``."""
    with store.session() as s:
        row = s.execute(
            select(func.coalesce(func.sum(CrawlRun.requests), 0), func.count()).where(
                CrawlRun.id > after
            )
        ).one()
    return int(row[0]), int(row[1])


def last_run(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.max(CrawlRun.id))) or 0)


def node_round(
    nodes: list[ScrapydNode],
    store: Store,
    db: str,
    units: Path,
    ids: list[str],
    slots: int,
    batch: int = 1,
) -> float:
    """Wall seconds for one incremental round of ``ids`` dispatched to ``nodes``, ``batch``
    units per Scrapyd job (``slots`` jobs at a time per node, as the scheduler's workers)."""
    reg = load_registry(units)
    remote = ScrapydCrawls(
        [Node(n.url) for n in nodes],
        store,
        db_url=db,
        sites=units,
        registry=lambda: reg,
        poll=0.2,
        timeout=3600,
    )
    batches = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    before = last_run(store)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(slots * len(nodes)) as pool:
        results = list(pool.map(remote.crawl, batches))
    wall = time.perf_counter() - t0
    bad = [r for r in results if r.exit_code != 0]
    if bad:
        print(f"   warning: {len(bad)} crawls did not finish: {bad[0].tail[:200]}")
    with store.session() as s:
        runs = s.execute(
            select(CrawlRun.status, func.count())
            .where(CrawlRun.id > before)
            .group_by(CrawlRun.status)
        ).all()
    done = dict((st, int(n)) for st, n in runs)
    if sum(done.values()) != len(ids) or set(done) - {"ok"}:
        print(f"   warning: runs of the round by status {done} (expected {len(ids)} ok)")
    return wall


def serve_memory(db: str, units: Path, seconds: float, clients: int = 16) -> tuple[float, float]:
    """(peak RSS MiB of `vnfeeds serve`, requests/s) while clients fetch feeds."""
    port = free_port()
    argv = [sys.executable, "-m", "vnfeeds", "--db", db, "--sites", str(units), "serve"]
    proc = subprocess.Popen(
        [*argv, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/all.rss", timeout=30).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        paths = ["/all.rss", "/all.json", "/feeds.opml", "/topics/cong-thuong.atom", "/"]
        done = [0]
        stop = time.monotonic() + seconds

        def client(k: int) -> None:
            i = k
            while time.monotonic() < stop:
                urllib.request.urlopen(base + paths[i % len(paths)], timeout=30).read()
                i += 1
                done[0] += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM"))
        return hwm / 1024, done[0] / seconds
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--node-units", type=int, default=60)
    ap.add_argument("--node-slots", type=int, default=2, help="max_proc of each Scrapyd node")
    ap.add_argument("--node-batch", type=int, default=50, help="units per Scrapyd job")
    ap.add_argument(
        "--per-unit-sample", type=int, default=40, help="units of the per-unit vs batch round"
    )
    ap.add_argument("--since", type=date.fromisoformat, default=SINCE, help="fleet's first date")
    ap.add_argument("--serve-seconds", type=float, default=10.0)
    ap.add_argument("--skip-nodes", action="store_true")
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument("--admin", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    print(
        f"# bench.scale {datetime.now():%Y-%m-%d %H:%M} on {platform.node()}: "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}"
    )

    name = f"vnfeeds_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.admin, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    db = args.admin.rsplit("/", 1)[0] + "/" + name
    tmp = Path(tempfile.mkdtemp(prefix="vnfeeds-bench-scale-"))
    try:
        store = Store(db)
        with ReplicaServer(port=0) as server, Fleet(server, args.units, since=args.since) as fleet:
            units = fleet.write_units(tmp / "units.toml")
            with store.session() as s:
                sync_registry(s, load_registry(units))
            lists = sum(len(u.start) for u in load_registry(units).units.values())

            print(f"\n3. incremental recrawl, {args.units} units ({lists} list pages), one process")
            wall1, rss1, _ = crawl(db, units)
            with store.session() as s:
                stored = s.scalar(select(func.count(Article.id)))
            print(
                f"   first crawl:       {wall1:7.1f} s, {stored} articles, peak RSS {rss1:.0f} MiB"
            )
            before, served = last_run(store), fleet.requests
            wall2, rss2, _ = crawl(db, units)
            reqs, runs = run_requests(store, before)
            robots = runs  # one robots.txt per unit host per crawl
            page_reqs = reqs - robots
            print(f"   unchanged recrawl: {wall2:7.1f} s, peak RSS {rss2:.0f} MiB")
            print(
                f"   requests per unit: {reqs / runs:.2f} ({page_reqs / runs:.2f} without "
                f"robots.txt); per list page: {page_reqs / lists:.2f} (target 1.0); "
                f"the sites answered {fleet.requests - served}"
            )
            print(
                f"   cold start (imports of a unit crawl process): {cold_start():.2f} s "
                "(target < 1.5 s)"
            )
            one = fleet.copies[0].unit_id
            wall_one, _, _ = crawl(db, units, [one])
            print(f"   one unchanged unit, whole `vnfeeds crawl` process: {wall_one:.2f} s")

            print(
                f"\n5. peak memory: the {args.units}-unit crawl process {max(rss1, rss2):.0f} MiB "
                "(target < 500 MB)"
            )
            if not args.skip_serve:
                hwm, rps = serve_memory(db, units, args.serve_seconds)
                print(
                    f"   `vnfeeds serve` under 16 clients for {args.serve_seconds:g} s: "
                    f"peak RSS {hwm:.0f} MiB, {rps:.0f} requests/s"
                )

            if not args.skip_nodes:
                reason = scrapyd_missing()
                if reason:
                    print(f"\n4. skipped: {reason}")
                else:
                    ids = [c.unit_id for c in fleet.copies[: args.node_units]]
                    print(
                        f"\n4. one incremental round of {len(ids)} units on Scrapyd nodes "
                        f"(max_proc {args.node_slots} each, {args.node_batch} units per job)"
                    )
                    nodes = [
                        ScrapydNode(tmp / f"node{i}", max_proc=args.node_slots) for i in range(2)
                    ]
                    try:
                        for n in nodes:
                            n.wait_ready()
                        deploy(build_egg(tmp / "vnfeeds.egg"), nodes, tmp / "deploy")
                        sample = ids[: args.per_unit_sample]
                        lone = node_round(nodes[:1], store, db, units, sample, args.node_slots)
                        many = node_round(
                            nodes[:1], store, db, units, sample, args.node_slots, args.node_batch
                        )
                        print(
                            f"   {len(sample)} units on 1 node: one process per unit {lone:.1f} s, "
                            f"in batches {many:.1f} s ({lone / many:.1f}x)"
                        )
                        t1 = node_round(
                            nodes[:1], store, db, units, ids, args.node_slots, args.node_batch
                        )
                        t2 = node_round(
                            nodes, store, db, units, ids, args.node_slots, args.node_batch
                        )
                        print(
                            f"   1 node: {t1:.1f} s; 2 nodes: {t2:.1f} s; "
                            f"ratio 1-node/2-node {t1 / t2:.2f} (both nodes on this machine)"
                        )
                    finally:
                        for n in nodes:
                            n.stop()
        store.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
