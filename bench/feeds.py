"""Benchmark of the feed side (prints figures; not a test).

1. Rebuild: render and export every feed (all formats, archives, OPML, index) for
   synthetic data — default 500 units × 10 topics × 50 items per unit — in a temp
   SQLite store; then a second export (nothing changed: no file rewritten).
2. Serving: ``vnfeeds serve`` vs nginx serving the exported file, measured with wrk on
   loopback: requests/s and p99 for a cached feed (200) and for a 304.

    /work/venv/bin/python bench/feeds.py [--units 500] [--topics 10] [--items 50]
        [--duration 5] [--connections 32] [--workers 1,2] [--skip-serve]

Needs the Debian packages wrk and nginx for part 2 (skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

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
worker_processes auto;
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


def bench_serving(
    tmp: Path, db: str, sites: Path, out: Path, duration: int, conns: int, workers: list[int]
) -> None:
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("serving: skipped (needs the Debian packages wrk and nginx)")
        return
    port = free_port()
    (tmp / "nginx.conf").write_text(
        NGINX_CONF.format(tmp=tmp, port=port, root=out), encoding="utf-8"
    )
    nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])
    results: dict[str, tuple[float, str]] = {}
    try:
        url = f"http://127.0.0.1:{port}{FEED}"
        wait_http(url)
        results["nginx 200"] = wrk(url, duration, conns, [])
        results["nginx 304"] = wrk(url, duration, conns, [f"If-None-Match: {etag_of(url)}"])
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)
    env = {**os.environ, "VNFEEDS_WEBSUB_HUB": ""}
    for w in workers:
        sport = free_port()
        cmd = [sys.executable, "-m", "vnfeeds.cli", "--db", db, "--sites", str(sites), "serve"]
        cmd += ["--port", str(sport), "--workers", str(w), "--base-url", "https://bench.example.vn"]
        proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{sport}{FEED}"
            wait_http(url)
            for _ in range(4 * w):  # fill every worker's cache
                wait_http(url)
            results[f"serve x{w} 200"] = wrk(url, duration, conns, [])
            results[f"serve x{w} 304"] = wrk(
                url, duration, conns, [f"If-None-Match: {etag_of(url)}"]
            )
        finally:
            proc.terminate()
            proc.wait(20)
    size = (out / FEED.lstrip("/")).stat().st_size
    print(f"serving {FEED} ({size} bytes, identity), wrk -t2 -c{conns} -d{duration}s:")
    for name, (rps, p99) in results.items():
        print(f"  {name:<16} {rps:>10.0f} req/s   p99 {p99}")
    for w in workers:
        for kind in ("200", "304"):
            ratio = results[f"serve x{w} {kind}"][0] / max(results[f"nginx {kind}"][0], 1)
            verdict = "meets" if ratio >= 0.5 else "BELOW"
            print(f"  ratio serve x{w} / nginx ({kind}): {ratio:.2f}  ({verdict} the 0.5 target)")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--units", type=int, default=500)
    ap.add_argument("--topics", type=int, default=10)
    ap.add_argument("--items", type=int, default=50, help="articles per unit")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", default="1,2", help="comma-separated uvicorn worker counts")
    ap.add_argument("--skip-serve", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="vnfeeds-bench-") as d:
        tmp = Path(d)
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        shipped = load_registry(tmp / "none.toml")
        topics = sorted(shipped.topics)[: args.topics]
        provinces = sorted(p for p, v in shipped.provinces.items() if not v.successor)
        sites = tmp / "units.toml"
        write_units(sites, args.units, topics, provinces)
        registry = load_registry(sites)
        db = f"sqlite:///{tmp / 'bench.sqlite3'}"
        store = Store(db)
        with store.session() as s:
            sync_registry(s, registry)
        t = time.perf_counter()
        n = fill(store, args.units, topics, args.items)
        print(
            f"data: {args.units} units × {len(topics)} topics, {n} articles (insert {time.perf_counter() - t:.1f} s)"
        )
        out = tmp / "site"
        config = FeedConfig(base_url="https://bench.example.vn")
        t = time.perf_counter()
        rep = export_tree(store, registry, out, config=config)
        first = time.perf_counter() - t
        t = time.perf_counter()
        again = export_tree(store, registry, out, config=config)
        second = time.perf_counter() - t
        print(
            f"rebuild every feed: {rep.total} documents in {first:.1f} s ({1000 * first / rep.total:.1f} ms each)"
        )
        print(f"rebuild, nothing changed: {second:.1f} s, {len(again.written)} files rewritten")
        store.dispose()
        if not args.skip_serve:
            workers = [int(w) for w in args.workers.split(",") if w]
            bench_serving(tmp, db, sites, out, args.duration, args.connections, workers)


if __name__ == "__main__":
    main()
