"""Benchmark of the feed side (prints figures; not a test).

1. Export, for each size in ``--sizes`` (default 100 and 500 units × 10 topics × 50
   items per unit, synthetic, in a temp SQLite store): a full rebuild of every feed (all
   formats, archives, OPML, index); an incremental export with nothing changed; then,
   ``--changes`` times, one unit's crawl (one new article in one topic) followed by an
   incremental export (target: < 0.5 s at 500 units). Wall and CPU time are printed: on
   a shared, loaded machine the process's CPU time is the steadier figure.
2. Serving, on the ``--units`` data set: ``vnfeeds serve`` vs nginx serving the exported
   file, both running, wrk alternating between them (``--rounds``, so a shared machine's
   load falls on both alike): requests/s and p99 for a cached feed (200) and for a 304
   (target: serve / nginx >= 0.8 for both, one worker each; median of paired ratios).

    python -m bench.feeds [--sizes 100,500] [--units 500] [--topics 10] [--items 50]
        [--changes 3] [--duration 5] [--connections 32] [--workers 1]
        [--nginx-workers 1] [--rounds 3] [--skip-serve]

Run it from the checkout (``python -m`` puts it on the path). Needs the Debian packages
wrk and nginx for part 2 (skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from domain.registry import load_registry
from feeds.config import FeedConfig
from feeds.export import export_tree
from storage.db import Store
from storage.models import Article, ArticleTopic
from storage.repository import sync_registry

FEED = "/units/u0001.rss"


def write_units(path: Path, units: int, topics: list[str], provinces: list[str]) -> None:
    """A units TOML with ``units`` units spread over the provinces, mapping all topics."""
    lines = []
    for i in range(units):
        uid = f"u{i:04d}"
        mapping = ", ".join(f'"Mục {t}" = ["{t}"]' for t in topics)
        lines += [
            "[[unit]]",
            f'id = "{uid}"',
            f'name = "Sở thử nghiệm số {i} tỉnh {provinces[i % len(provinces)]}"',
            f'province = "{provinces[i % len(provinces)]}"',
            'platform = "nukeviet"',
            f'homepage = "https://{uid}.example.vn/"',
            f"topics = {{ {mapping} }}",
            "[[unit.start]]",
            f'url = "https://{uid}.example.vn/news/"',
            'category = "Tin tức"',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def fill(store: Store, units: int, topics: list[str], items: int) -> int:
    """Insert ``units × items`` articles, topics round-robin; returns the count."""
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    body = "<p>" + "Nội dung bài viết về hoạt động của sở, ngành trong tỉnh. " * 30 + "</p>"
    n = 0
    with store.session() as s:
        for u in range(units):
            rows, topic_rows = [], []
            for k in range(items):
                n += 1
                when = t0 + timedelta(minutes=37 * n)
                rows.append(
                    {
                        "id": n,
                        "guid": f"tag:bench.vnfeeds,2025:u{u:04d}/{k}",
                        "unit_id": f"u{u:04d}",
                        "url": f"https://u{u:04d}.example.vn/tin/{k}.html",
                        "canonical_url": f"https://u{u:04d}.example.vn/tin/{k}.html",
                        "title": f"Tin số {k} của đơn vị {u}: hội nghị tổng kết công tác năm",
                        "published": when,
                        "lead": "Sáng nay, đơn vị đã tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ.",
                        "body_html": body,
                        "body_text": body[3:-4],
                        "images": [
                            {"url": f"https://u{u:04d}.example.vn/anh/{k}.jpg", "caption": "Ảnh"}
                        ],
                        "attachments": [],
                        "first_seen": when,
                        "last_seen": when,
                        "changed_at": when,
                    }
                )
                topic_rows.append(
                    {"article_id": n, "topic_slug": topics[k % len(topics)], "source": "category"}
                )
            s.execute(insert(Article), rows)
            s.execute(insert(ArticleTopic), topic_rows)
    return n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                r.read()
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def etag_of(url: str) -> str:
    req = urllib.request.Request(url, method="HEAD", headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return str(r.headers["ETag"])


def wrk(url: str, duration: int, connections: int, headers: list[str]) -> tuple[float, str]:
    """(requests/s, p99 latency) from one wrk run."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"    warning: {non2xx.group(1)} error responses from {url}")
    return (float(rps.group(1)) if rps else 0.0, p99.group(1) if p99 else "?")


NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  types {{ application/rss+xml rss; application/atom+xml atom; application/feed+json json; }}
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  server {{ listen 127.0.0.1:{port}; root {root}; etag on; }}
}}
"""


def start_serve(db: str, sites: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """``vnfeeds serve`` with ``workers`` workers on a free port; (process, feed URL)."""
    env = {**os.environ, "VNFEEDS_WEBSUB_HUB": ""}
    port = free_port()
    cmd = [sys.executable, "-m", "vnfeeds.cli", "--db", db, "--sites", str(sites), "serve"]
    cmd += [
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--base-url",
        "https://bench.example.vn",
    ]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}{FEED}"
    wait_http(url)
    for _ in range(4 * workers):  # fill every worker's cache
        wait_http(url)
    return proc, url


def bench_serving(
    tmp: Path,
    db: str,
    sites: Path,
    out: Path,
    opts: argparse.Namespace,
) -> None:
    """nginx and serve run side by side; wrk alternates between them for ``rounds`` rounds."""
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("serving: skipped (needs the Debian packages wrk and nginx)")
        return
    duration, conns = opts.duration, opts.connections
    workers = [int(w) for w in opts.workers.split(",") if w]
    port = free_port()
    (tmp / "nginx.conf").write_text(
        NGINX_CONF.format(tmp=tmp, port=port, root=out, workers=opts.nginx_workers),
        encoding="utf-8",
    )
    nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])
    load = [os.getloadavg()[0]]  # the machine is shared: say how busy it was
    procs: list[subprocess.Popen[bytes]] = []
    runs: dict[str, list[tuple[float, str]]] = {}
    try:
        urls = {"nginx": f"http://127.0.0.1:{port}{FEED}"}
        wait_http(urls["nginx"])
        for w in workers:
            proc, urls[f"serve x{w}"] = start_serve(db, sites, w)
            procs.append(proc)
        for _ in range(opts.rounds):
            for kind in ("200", "304"):
                for name, url in urls.items():
                    headers = [f"If-None-Match: {etag_of(url)}"] if kind == "304" else []
                    runs.setdefault(f"{name} {kind}", []).append(wrk(url, duration, conns, headers))
            load.append(os.getloadavg()[0])
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)
        for proc in procs:
            proc.terminate()
            proc.wait(20)
    size = (out / FEED.lstrip("/")).stat().st_size
    print(
        f"serving {FEED} ({size} bytes, identity), wrk -t2 -c{conns} -d{duration}s, "
        f"nginx with {opts.nginx_workers} worker(s), {opts.rounds} alternating rounds "
        f"(1-minute load average {' '.join(f'{x:.1f}' for x in load)} at the start and after "
        "each round):"
    )
    for name, rs in runs.items():
        rps = statistics.median(r[0] for r in rs)
        p99s = " ".join(r[1] for r in rs)
        print(
            f"  {name:<16} median {rps:>8.0f} req/s   (rounds: "
            + " ".join(f"{r[0]:.0f}" for r in rs)
            + f")   p99 {p99s}"
        )
    for w in workers:
        for kind in ("200", "304"):
            pairs = zip(runs[f"serve x{w} {kind}"], runs[f"nginx {kind}"], strict=True)
            ratios = [a[0] / max(b[0], 1) for a, b in pairs]
            ratio = statistics.median(ratios)
            verdict = "meets" if ratio >= 0.8 else "BELOW"
            print(
                f"  ratio serve x{w} / nginx ({kind}): median {ratio:.2f} "
                f"(rounds: {' '.join(f'{r:.2f}' for r in ratios)})  ({verdict} the 0.8 target)"
            )


def one_unit_crawl(store: Store, unit: int, topic: str) -> None:
    """What one unit's crawl that found news leaves behind: one new article in one topic."""
    now = datetime.now(UTC)
    with store.session() as s:
        n = int(s.scalar(select(func.max(Article.id))) or 0) + 1
        uid = f"u{unit:04d}"
        s.add(
            Article(
                id=n,
                guid=f"tag:bench.vnfeeds,2025:{uid}/new{n}",
                unit_id=uid,
                url=f"https://{uid}.example.vn/tin/new{n}.html",
                canonical_url=f"https://{uid}.example.vn/tin/new{n}.html",
                title=f"Tin mới {n} của đơn vị {unit}",
                published=now,
                lead="Tin vừa đăng.",
                body_html="<p>Tin vừa đăng.</p>",
                body_text="Tin vừa đăng.",
                first_seen=now,
                last_seen=now,
                changed_at=now,
            )
        )
        s.flush()
        s.add(ArticleTopic(article_id=n, topic_slug=topic, source="category"))


def bench_export(
    tmp: Path, units: int, topics: list[str], provinces: list[str], items: int, changes: int
) -> tuple[str, Path, Path]:
    """Part 1 for one size; returns (db url, units file, exported tree)."""
    d = tmp / f"u{units}"
    d.mkdir()
    sites = d / "units.toml"
    write_units(sites, units, topics, provinces)
    registry = load_registry(sites)
    db = f"sqlite:///{d / 'bench.sqlite3'}"
    store = Store(db)
    with store.session() as s:
        sync_registry(s, registry)
    t = time.perf_counter()
    n = fill(store, units, topics, items)
    print(
        f"data: {units} units × {len(topics)} topics, {n} articles "
        f"(insert {time.perf_counter() - t:.1f} s)"
    )
    out = d / "site"
    config = FeedConfig(base_url="https://bench.example.vn")
    t, c = time.perf_counter(), time.process_time()
    rep = export_tree(store, registry, out, config=config, full=True)
    first = time.perf_counter() - t
    print(
        f"  full rebuild: {rep.total} documents in {first:.1f} s "
        f"({1000 * first / rep.total:.1f} ms each; {time.process_time() - c:.1f} s CPU)"
    )
    t = time.perf_counter()
    again = export_tree(store, registry, out, config=config)
    print(
        f"  incremental, nothing changed: {time.perf_counter() - t:.2f} s, "
        f"{again.rendered} rendered, {len(again.written)} written"
    )
    times, cpu = [], []
    for k in range(changes):
        one_unit_crawl(store, 1 + 37 * k % units, topics[k % len(topics)])
        t, c = time.perf_counter(), time.process_time()
        inc = export_tree(store, registry, out, config=config)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        print(
            f"  incremental after one unit's crawl: {times[-1]:.2f} s "
            f"({cpu[-1]:.2f} s CPU), {inc.rendered} documents rendered, {len(inc.written)} written"
        )
    if times:
        worst = max(times)
        verdict = "meets" if worst < 0.5 else "ABOVE"
        print(
            f"  incremental after one unit changes, {units} units: median "
            f"{statistics.median(times):.2f} s, max {worst:.2f} s ({verdict} the 0.5 s target); "
            f"CPU median {statistics.median(cpu):.2f} s, max {max(cpu):.2f} s"
        )
    store.dispose()
    return db, sites, out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="100,500", help="unit counts for the export part")
    ap.add_argument("--units", type=int, default=500, help="unit count of the serving data")
    ap.add_argument("--topics", type=int, default=10)
    ap.add_argument("--items", type=int, default=50, help="articles per unit")
    ap.add_argument("--changes", type=int, default=3, help="one-unit crawls to time")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", default="1", help="comma-separated uvicorn worker counts")
    ap.add_argument("--nginx-workers", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3, help="alternating wrk rounds per server")
    ap.add_argument("--skip-serve", action="store_true")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    if args.units not in sizes:
        sizes.append(args.units)
    with tempfile.TemporaryDirectory(prefix="vnfeeds-bench-") as d:
        tmp = Path(d)
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        shipped = load_registry(tmp / "none.toml")
        topics = sorted(shipped.topics)[: args.topics]
        provinces = sorted(p for p, v in shipped.provinces.items() if not v.successor)
        built = {
            n: bench_export(tmp, n, topics, provinces, args.items, args.changes) for n in sizes
        }
        if not args.skip_serve:
            db, sites, out = built[args.units]
            for p in (out.parent, out):
                os.chmod(p, 0o755)
            bench_serving(tmp, db, sites, out, args)


if __name__ == "__main__":
    main()
