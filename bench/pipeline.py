"""The crawl pipeline against raw Scrapy on the same replica pages, side by side.

    python -m bench.pipeline [--pairs N] [--seed N] [--set NAME=VALUE …]

Serves the replica sites on loopback (``replicas``; their units ask for no delay
and 4 requests per host), then runs, interleaved over ``--pairs`` pairs (the order
alternates from pair to pair), two processes with politeness off (:data:`POLITENESS_OFF`:
no AutoThrottle, no delay; robots.txt is still fetched and obeyed by both):

* ours: ``vnfeeds --db FRESH --sites UNITS crawl --full --no-lock -q --set …`` (fetch,
  parse, clean, store, dedup), a fresh SQLite database each time;
* raw: ``python -m bench.raw_scrapy`` (a Scrapy spider with a no-op callback and the same
  settings) on the URLs ours fetched in a warm-up run.

Each run is timed from the replica server's answer to its first request to the process'
exit, so both sides are timed the same way, start-up is left out and whatever work is still
queued when the last page arrives (storing, dedup, closing) is counted; the whole-process
wall time is printed too. ``--set NAME=VALUE`` (repeatable) gives our crawl a setting raw
Scrapy does not get, to see what one part costs (``VNFEEDS_DEDUP=False``: the pipeline
without dedup); the output then says so, and its ratio is not the issue's. Printed per pair
and as medians: pages/s of each (pages = requests the server answered), the ratio ours/raw
(median of the pair ratios), articles/s (articles stored over ours' window), each process'
peak RSS (from ``wait4``) and the peak of the sum over it and its children (the parse
workers, a fork server if any), the CPU seconds (user + system) of all those processes,
start-up included, with ours per stored article and the crawl process' own share (read from
``/proc`` 10 times a second: a process' last 0.1 s may be missed), and the seconds from the
last answered request to the exit (the work still queued behind the fetching). A script that
prints figures; it judges nothing."""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple

from replicas.server import ReplicaServer, RequestRecord

#: Scrapy settings both sides run with: politeness off.
POLITENESS_OFF = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"}


class TimedRequests(list[RequestRecord]):
    """The server's request log, with the monotonic time of each answer."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, record: RequestRecord) -> None:
        self.times.append(time.monotonic())
        super().append(record)

    def clear(self) -> None:
        self.times.clear()
        super().clear()


@dataclass
class Run:
    """One measured process."""

    pages: int
    window: float  # seconds from the first answered request to the process' exit
    wall: float  # whole process
    rss_mib: float  # peak resident set of the process (wait4: its largest reaped process)
    tree_mib: float  # peak of the sum over the process and its children (sampled, 10 per s)
    cpu: float = 0.0  # CPU seconds (user + system) of the process and its children, sampled
    cpu_own: float = 0.0  # … of the process alone (the rest: its parse workers)
    tail: float = 0.0  # seconds from the last answered request to the process' exit
    articles: int = 0

    @property
    def pages_per_s(self) -> float:
        """Pages answered per second of the window."""
        return self.pages / self.window if self.window > 0 else 0.0


class Proc(NamedTuple):
    """One process as ``/proc/<pid>/stat`` shows it."""

    rss: int  # resident bytes
    cpu: float  # CPU seconds so far (user + system)
    nice: int


def process_tree(root: int) -> dict[int, Proc]:
    """A process and all its descendants, from ``/proc`` (those gone by then are left out)."""
    children: dict[int, list[int]] = {}
    procs: dict[int, Proc] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
        except (OSError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        cpu = (int(fields[11]) + int(fields[12])) / _TICK
        procs[pid] = Proc(int(fields[21]) * _PAGE, cpu, int(fields[16]))
    mine, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in procs:
            mine[pid] = procs[pid]
        todo += children.get(pid, [])
    return mine


def _tree(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of a process and all its descendants, and each one's CPU seconds so
    far (user + system), from ``/proc``."""
    procs = process_tree(root)
    return sum(p.rss for p in procs.values()), {pid: p.cpu for pid, p in procs.items()}


_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


def _watch_tree(pid: int, peak: list[int], cpu: dict[int, float], done: threading.Event) -> None:
    while not done.wait(0.1):
        rss, now = _tree(pid)
        peak[0] = max(peak[0], rss)
        for each, seconds in now.items():  # the root reads 0 s once reaped (see _run)
            cpu[each] = max(cpu.get(each, 0.0), seconds)


def _run(cmd: list[str], srv: ReplicaServer, env: dict[str, str]) -> Run:
    """Run ``cmd`` to the end; the server's log of its requests gives pages and window."""
    log = srv.requests
    assert isinstance(log, TimedRequests)
    srv.reset_requests()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    peak, cpu, done = [0], dict[int, float](), threading.Event()
    watcher = threading.Thread(target=_watch_tree, args=(proc.pid, peak, cpu, done), daemon=True)
    watcher.start()
    err = proc.stderr.read()
    done.set()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise SystemExit(f"bench: {' '.join(cmd[:4])}… exited {proc.returncode}: {tail}")
    times = list(log.times)
    if len(times) < 2:
        raise SystemExit(f"bench: {' '.join(cmd[:4])}… fetched nothing: {err.decode()[-400:]}")
    window = start + wall - times[0]  # first request answered to the process' exit
    return Run(
        pages=len(times),
        window=window,
        wall=wall,
        rss_mib=usage.ru_maxrss / 1024,
        tree_mib=peak[0] / 2**20,
        cpu=sum(cpu.values()),
        cpu_own=cpu.get(proc.pid, 0.0),
        tail=start + wall - times[-1],
    )


def ours_cmd(db: Path, units: Path, extra: tuple[str, ...] = ()) -> list[str]:
    """Our crawl's command line: a fresh store, politeness off, ``extra`` settings (``--set``)."""
    return [
        sys.executable,
        "-m",
        "vnfeeds",
        "--db",
        str(db),
        "--sites",
        str(units),
        "crawl",
        "--full",
        "--no-lock",
        "-q",
        *(f"--set={k}={v}" for k, v in POLITENESS_OFF.items()),
        *(f"--set={kv}" for kv in extra),
    ]


def _ours(
    srv: ReplicaServer,
    units: Path,
    work: Path,
    env: dict[str, str],
    n: int,
    extra: tuple[str, ...] = (),
) -> Run:
    db = work / f"ours-{n}" / "vnfeeds.sqlite3"
    db.parent.mkdir()
    run = _run(ours_cmd(db, units, extra), srv, env)
    with sqlite3.connect(db) as con:
        run.articles = con.execute("select count(*) from articles").fetchone()[0]
    return run


def _urls(records: list[RequestRecord]) -> list[str]:
    """The pages a crawl fetched (answered 200, robots.txt aside: Scrapy fetches it itself)."""
    return [
        f"http://{r.host}{r.path_qs}"
        for r in records
        if r.status == 200 and r.method == "GET" and not r.path_qs.startswith("/robots.txt")
    ]


def machine() -> str:
    """This machine in one line: host, CPUs and their model, Python, load averages."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, load {load}"


def _fmt(run: Run) -> str:
    return (
        f"{run.pages:4d} pages in {run.window:6.2f} s = {run.pages_per_s:7.1f} pages/s"
        f" (wall {run.wall:5.2f} s, peak RSS {run.rss_mib:6.1f} MiB, with children"
        f" {run.tree_mib:6.1f} MiB; CPU {run.cpu:5.2f} s, of it the process {run.cpu_own:5.2f} s;"
        f" {run.tail:4.2f} s from the last page to the exit)"
    )


@contextmanager
def served_replicas(seed: int, prefix: str) -> Iterator[tuple[ReplicaServer, Path, Path]]:
    """The replica sites served on loopback with a timed request log, a work directory
    (removed at the end) and the units file of the sites."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, ReplicaServer(0, seed=seed) as srv:
        work = Path(tmp)
        srv.requests = TimedRequests()
        yield srv, work, srv.write_units(work / "units.toml")


def add_set_option(ap: argparse.ArgumentParser, help_text: str) -> None:
    """The repeatable ``--set NAME=VALUE`` option (into ``args.extra``)."""
    ap.add_argument(
        "--set", dest="extra", action="append", default=[], metavar="NAME=VALUE", help=help_text
    )


def checked_sets(ap: argparse.ArgumentParser, values: list[str]) -> tuple[str, ...]:
    """The ``--set`` values, each checked to be ``NAME=VALUE`` (else a usage error)."""
    for kv in values:
        if "=" not in kv:
            ap.error(f"--set {kv!r}: expected NAME=VALUE")
    return tuple(values)


def crawl_env() -> dict[str, str]:
    """This process' environment for a measured crawl: Scrapy's log quiet, and no store
    or units file of the caller's (the command line gives them)."""
    env = dict(os.environ, VNFEEDS_SCRAPY_LOG_LEVEL="ERROR")
    env.pop("VNFEEDS_DB", None)
    env.pop("VNFEEDS_SITES", None)
    return env


def main(argv: list[str] | None = None) -> int:
    """Run the pairs and print the figures."""
    ap = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    ap.add_argument("--pairs", type=int, default=5, help="measured pairs (default 5)")
    ap.add_argument("--seed", type=int, default=1, help="replica corpus seed")
    add_set_option(
        ap,
        "a Scrapy setting for our crawl only (repeatable), e.g. VNFEEDS_DEDUP=False "
        "to see what a part of the pipeline costs; the figures are then not the issue's ratio",
    )
    args = ap.parse_args(argv)
    extra = checked_sets(ap, args.extra)
    env = crawl_env()
    print(f"machine: {machine()}")
    if extra:
        print(f"our crawl with: {' '.join(extra)} (not the issue's pipeline: a what-if figure)")
    with served_replicas(args.seed, "vnfeeds-bench-") as (srv, work, units):
        warm = _ours(srv, units, work, env, 0, extra)
        urls_file = work / "urls.txt"
        urls_file.write_text("\n".join(_urls(srv.requests)) + "\n", encoding="utf-8")
        raw_cmd = [sys.executable, "-m", "bench.raw_scrapy", str(urls_file), str(units)]
        raw_cmd += [f"{k}={v}" for k, v in POLITENESS_OFF.items()]
        _run(raw_cmd, srv, env)
        print(f"warm-up: ours {_fmt(warm)}; {warm.articles} articles")
        ours: list[Run] = []
        raw: list[Run] = []
        for i in range(1, args.pairs + 1):
            if i % 2:
                ours.append(_ours(srv, units, work, env, i, extra))
                raw.append(_run(raw_cmd, srv, env))
            else:
                raw.append(_run(raw_cmd, srv, env))
                ours.append(_ours(srv, units, work, env, i, extra))
            o, r = ours[-1], raw[-1]
            print(f"pair {i}: ours {_fmt(o)}; {o.articles} articles")
            print(f"        raw  {_fmt(r)}; ratio {o.pages_per_s / r.pages_per_s:.3f}")
    ratios = [o.pages_per_s / r.pages_per_s for o, r in zip(ours, raw, strict=True)]
    med: dict[str, Any] = {
        "ours": median(o.pages_per_s for o in ours),
        "raw": median(r.pages_per_s for r in raw),
        "articles": median(o.articles / o.window for o in ours),
        "ours_rss": median(o.rss_mib for o in ours),
        "raw_rss": median(r.rss_mib for r in raw),
        "ours_tree": median(o.tree_mib for o in ours),
        "raw_tree": median(r.tree_mib for r in raw),
        "ours_wall": median(o.wall for o in ours),
        "ours_cpu": median(o.cpu for o in ours),
        "raw_cpu": median(r.cpu for r in raw),
        "cpu_article": median(1000 * o.cpu / max(o.articles, 1) for o in ours),
        "raw_wall": median(r.wall for r in raw),
        "ours_own": median(o.cpu_own for o in ours),
        "ours_tail": median(o.tail for o in ours),
        "raw_tail": median(r.tail for r in raw),
    }
    print(f"medians over {args.pairs} pairs (load now {os.getloadavg()[0]:.2f}):")
    print(f"  pipeline   {med['ours']:7.1f} pages/s   {med['articles']:6.1f} articles/s")
    print(f"  raw scrapy {med['raw']:7.1f} pages/s")
    print(f"  ratio      {median(ratios):.3f}  (pairs: {min(ratios):.3f} … {max(ratios):.3f})")
    print(f"  peak RSS   pipeline {med['ours_rss']:.0f} MiB, raw scrapy {med['raw_rss']:.0f} MiB")
    print(
        f"  with children (sum)  pipeline {med['ours_tree']:.0f} MiB,"
        f" raw scrapy {med['raw_tree']:.0f} MiB"
    )
    print(f"  wall       pipeline {med['ours_wall']:.2f} s, raw scrapy {med['raw_wall']:.2f} s")
    print(
        f"  CPU        pipeline {med['ours_cpu']:.2f} s ({med['cpu_article']:.1f} ms per article),"
        f" raw scrapy {med['raw_cpu']:.2f} s (all processes, start-up included);"
        f" the crawl process alone {med['ours_own']:.2f} s, its parse workers the rest"
    )
    print(
        f"  last page to exit  pipeline {med['ours_tail']:.2f} s, raw scrapy {med['raw_tail']:.2f} s"
        " (work still queued when the fetching was done)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
