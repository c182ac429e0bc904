"""Where one replica crawl's window goes: pages, stored articles and CPU, step by step.

    python -m bench.timeline [--step 0.25] [--seed N] [--no-warm-up] [--set NAME=VALUE …]

Serves the replica sites on loopback and runs our crawl once as ``bench.pipeline`` does
(the same command line, politeness off, a fresh SQLite store; after one unmeasured
warm-up crawl unless ``--no-warm-up``), reading every ``--step`` seconds: the requests the
server answered, the articles in the store (a read-only query), the CPU of the crawl
process, of each parse worker (the spare, at nice 19, apart) and of this process (the
replica server and the sampler), and the machine's idle and stolen time (``/proc/stat``;
over all its CPUs, so up to 100 % for each).
Prints one row a step from the first answered request to the crawl's exit (CPU in % of
one core over the step), then when the first article was stored, how many were stored
by the last answered request, and each part's CPU seconds while pages came and after.
A script that prints figures; it judges nothing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.pipeline import (
    TimedRequests,
    add_set_option,
    checked_sets,
    crawl_env,
    machine,
    ours_cmd,
    process_tree,
    served_replicas,
)
from replicas.server import ReplicaServer

_TICK = os.sysconf("SC_CLK_TCK")
#: the columns besides the crawl's own processes (idle and steal: the whole machine's)
SELF, IDLE, STEAL = "server+bench", "idle", "steal"


@dataclass
class Sample:
    """One reading: when, CPU seconds so far per part, articles stored so far."""

    at: float
    cpu: dict[str, float] = field(default_factory=dict)
    articles: int = 0


@dataclass
class Row:
    """One step of the timeline."""

    start: float  # seconds after the first answered request
    seconds: float  # the step's length
    pages: int  # requests answered during the step
    articles: int  # articles stored during the step
    busy: dict[str, float]  # % of one core over the step, per part


def names_of(root: int, nice: dict[int, int]) -> dict[int, str]:
    """``crawl`` for the root; ``worker N`` for the other processes at normal priority and
    ``spare N`` for those at nice 19, numbered in pid order."""
    names = {root: "crawl"}
    counts = {"worker": 0, "spare": 0}
    for pid in sorted(p for p in nice if p != root):
        role = "spare" if nice[pid] >= 19 else "worker"
        counts[role] += 1
        names[pid] = f"{role} {counts[role]}"
    return names


def _machine_idle() -> tuple[float, float]:
    """Idle (with I/O wait) and stolen CPU seconds of the whole machine so far."""
    f = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return (int(f[4]) + int(f[5])) / _TICK, int(f[8]) / _TICK


def _articles(db: Path) -> int:
    """Articles in the store now (-1: not readable at this moment)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05) as con:
            return int(con.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:  # not made yet, or busy: read again next step
        return -1


def rows(samples: list[Sample], answers: list[float], first: float) -> list[Row]:
    """The steps between consecutive samples that end after ``first`` (the first answered
    request). A part missing from either sample (not started yet, or ended) counts no CPU
    for that step; an unreadable article count (-1) is carried over from the last one."""
    out: list[Row] = []
    stored = 0
    for a, b in itertools.pairwise(samples):
        now = max(stored, b.articles)
        if b.at <= first:
            stored = now
            continue
        dt = b.at - a.at
        busy = {}
        for name in b.cpu.keys() | a.cpu.keys():
            before, after = a.cpu.get(name), b.cpu.get(name)
            spent = after - before if before is not None and after is not None else 0.0
            busy[name] = max(0.0, 100 * spent / dt) if dt > 0 else 0.0
        pages = sum(1 for t in answers if a.at < t <= b.at)
        start = max(a.at, first)
        out.append(Row(start - first, b.at - start, pages, now - stored, busy))
        stored = now
    return out


def columns(table: list[Row]) -> list[str]:
    """The CPU columns in print order: the crawl, its workers, then the rest."""
    names = {n for r in table for n in r.busy}
    procs = ["crawl", *sorted(n for n in names if n.startswith(("worker", "spare")))]
    return [n for n in procs if n in names] + [n for n in (SELF, IDLE, STEAL) if n in names]


def print_table(table: list[Row], last_page: float) -> None:
    """The timeline and its summary."""
    cols = columns(table)
    head = "  ".join(f"{c:>12}" for c in cols)
    print(f"     t  pages  stored  {head}   (CPU: % of one core)")
    for r in table:
        mark = " <- last page" if r.start <= last_page < r.start + r.seconds else ""
        cells = "  ".join(f"{r.busy.get(c, 0.0):12.0f}" for c in cols)
        print(f"{r.start:6.2f}  {r.pages:5d}  {r.articles:6d}  {cells}{mark}")
    total = sum(r.articles for r in table)
    came = [r for r in table if r.start < last_page]  # the step of the last page with them
    after = [r for r in table if r.start >= last_page]
    first = next((r.start for r in table if r.articles > 0), None)
    if first is not None:
        print(
            f"first article stored in the step at {first:.2f} s; {sum(r.articles for r in came)}"
            f" of {total} stored by the last page ({last_page:.2f} s), the rest in"
            f" {sum(r.seconds for r in after):.2f} s after it"
        )
    for label, part in (("while pages came", came), ("after", after)):
        spent = ", ".join(
            f"{c} {sum(r.busy.get(c, 0.0) * r.seconds / 100 for r in part):.2f}" for c in cols
        )
        print(f"CPU seconds {label}: {spent}")


def crawl_timeline(
    srv: ReplicaServer, units: Path, db: Path, step: float, extra: tuple[str, ...]
) -> tuple[list[Row], float]:
    """Run one crawl, sampling it every ``step`` seconds; its rows and when (after the
    first) its last page was answered."""
    log = srv.requests
    assert isinstance(log, TimedRequests)
    srv.reset_requests()
    cmd = ours_cmd(db, units, extra)
    proc = subprocess.Popen(cmd, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    readings: list[tuple[Sample, dict[int, float]]] = []
    nice: dict[int, int] = {}  # the last seen of each process (the spare lowers its own)
    done = threading.Event()

    def read() -> None:
        procs = process_tree(proc.pid)
        for pid, p in procs.items():
            nice[pid] = p.nice
        s = Sample(time.monotonic(), articles=_articles(db))
        own = os.times()
        s.cpu[SELF] = own.user + own.system
        s.cpu[IDLE], s.cpu[STEAL] = _machine_idle()
        readings.append((s, {pid: p.cpu for pid, p in procs.items()}))

    def watch() -> None:
        read()
        while not done.wait(step):
            read()
        read()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # ended, readable until reaped
    done.set()
    watcher.join()
    proc.wait()
    if proc.returncode != 0 or not log.times:
        tail = err.decode("utf-8", "replace")[-400:]
        raise SystemExit(f"bench.timeline: the crawl failed ({proc.returncode}): {tail}")
    names = names_of(proc.pid, nice)
    samples = []
    for s, by_pid in readings:
        s.cpu.update({names[pid]: c for pid, c in by_pid.items() if pid in names})
        samples.append(s)
    first = log.times[0]
    return rows(samples, list(log.times), first), log.times[-1] - first


def main(argv: list[str] | None = None) -> int:
    """Run the crawl and print its timeline."""
    ap = argparse.ArgumentParser(prog="python -m bench.timeline", description=__doc__)
    ap.add_argument("--step", type=float, default=0.25, help="seconds a row (default 0.25)")
    ap.add_argument("--seed", type=int, default=1, help="replica corpus seed")
    ap.add_argument(
        "--no-warm-up", dest="warm", action="store_false", help="no unmeasured crawl first"
    )
    add_set_option(ap, "a Scrapy setting for the crawl (repeatable)")
    args = ap.parse_args(argv)
    if args.step <= 0:
        ap.error("--step must be positive")
    extra = checked_sets(ap, args.extra)
    print(f"machine: {machine()}")
    with served_replicas(args.seed, "vnfeeds-timeline-") as (srv, work, units):
        if args.warm:
            crawl_timeline(srv, units, work / "warm.sqlite3", args.step, extra)
        table, last = crawl_timeline(srv, units, work / "ours.sqlite3", args.step, extra)
    print_table(table, last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
