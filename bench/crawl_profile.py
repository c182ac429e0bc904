"""Where one replica crawl's database statements and CPU go (figures for docs/benchmarks.md).

    python -m bench.crawl_profile [--top 25]            # statements, counted by kind
    python -m bench.crawl_profile --pyspy [--rate 250]  # and a py-spy split of the crawl process

The crawl is the one ``bench.pipeline`` times (every replica unit, ``--full``, politeness
off), on a fresh SQLite store. Statements are counted in the crawl process with a
SQLAlchemy ``before_cursor_execute`` listener (the process runs the CLI in-process and
prints the counts when it exits). ``--pyspy`` then records a second crawl with py-spy
(``pip install py-spy``; not a project dependency) and splits the crawl process's busy
samples, start-up imports and idle waits left out, by the package of the innermost frame.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bench.pipeline import POLITENESS_OFF
from replicas.server import ReplicaServer

#: innermost frames that are waits, not work
IDLE = (
    "Condition.wait",
    "_PollLikeSelector.select",
    "exit_with.<locals>.watch",
    "Connection._recv",
    "SemLock.__enter__",
    "untilConcludes",
    "_ConnectionBase.recv",
    "select (",
)


def statement_kind(sql: str) -> str:
    """A statement's text, whitespace folded and cut to 90 characters (its kind)."""
    return re.sub(r"\s+", " ", sql.strip())[:90]


def split_busy(lines: Iterable[str]) -> tuple[int, collections.Counter[str]]:
    """py-spy ``--format raw`` lines -> (busy samples of the crawl process, samples by the
    top-level package of the innermost frame). Parse workers, imports and idle waits are
    left out."""
    by: collections.Counter[str] = collections.Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        frames = stack.split(";")[1:]  # the first is the process
        if not frames or any(frames[-1].startswith(i) for i in IDLE):
            continue
        if any(f.startswith(("_process_worker", "_find_and_load ")) for f in frames):
            continue
        if frames[0].startswith("process "):  # a child process's own samples
            continue
        m = re.search(r"\(([^:]+):\d+\)$", frames[-1])
        path = m[1] if m else "?"
        by[path.split("/")[0]] += int(count)
        total += int(count)
    return total, by


def _crawl_args(db: Path, units: Path) -> list[str]:
    return [
        "--db", str(db), "--sites", str(units), "crawl", "--full", "--no-lock", "-q",
        *(f"--set={k}={v}" for k, v in POLITENESS_OFF.items()),
    ]  # fmt: skip


def _count_in_process(argv: list[str], top: int) -> None:
    """Run the CLI here with a statement counter; print the counts when the process exits."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from vnfeeds.cli import run

    counts: collections.Counter[str] = collections.Counter()
    pid = os.getpid()

    @event.listens_for(Engine, "before_cursor_execute")
    def _count(_c: object, _cur: object, sql: str, *_: object) -> None:
        counts[statement_kind(sql)] += 1

    def _report() -> None:
        if os.getpid() == pid:  # not in a forked parse worker
            print(f"statements: {sum(counts.values())}")
            for kind, n in counts.most_common(top):
                print(f"{n:6d}  {kind}")

    atexit.register(_report)
    sys.argv = ["vnfeeds", *argv]
    run()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=25, help="statement kinds shown")
    ap.add_argument("--pyspy", action="store_true", help="also split the CPU with py-spy")
    ap.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    ap.add_argument("--count", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.count:  # the child: the crawl itself, counted
        _count_in_process(args.count, args.top)
        return 0
    with tempfile.TemporaryDirectory(prefix="vnfeeds-profile-") as tmp, ReplicaServer(0) as srv:
        work = Path(tmp)
        units = srv.write_units(work / "units.toml")
        cmd = [sys.executable, "-m", "bench.crawl_profile", "--top", str(args.top), "--count"]
        out = subprocess.run(
            cmd + _crawl_args(work / "a.sqlite3", units), capture_output=True, text=True
        )
        print(out.stdout[out.stdout.find("statements:") :], end="")
        if out.returncode != 0:
            raise SystemExit(f"crawl exited {out.returncode}: {out.stderr[-800:]}")
        if not args.pyspy:
            return 0
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(spy).exists():
            raise SystemExit("--pyspy: py-spy not found (pip install py-spy)")
        raw = work / "profile.txt"
        crawl = [sys.executable, "-m", "vnfeeds", *_crawl_args(work / "b.sqlite3", units)]
        rec = [spy, "record", "--subprocesses", "-r", str(args.rate), "--format", "raw"]
        subprocess.run([*rec, "-o", str(raw), "--", *crawl], check=True, capture_output=True)
        total, by = split_busy(raw.read_text(encoding="utf-8").splitlines())
        print(f"crawl process, busy samples outside start-up: {total}")
        for pkg, n in by.most_common(12):
            print(f"{n:6d}  {100 * n / max(total, 1):5.1f} %  {pkg}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
