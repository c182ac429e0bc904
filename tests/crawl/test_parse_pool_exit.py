"""A crawl process killed without closing its parse pool takes the workers with it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from storage.db import Store
from storage.models import UnitLease
from tests.conftest import NewDbUrl
from tests.crawl.conftest import Crawled, run_vnfeeds

ROOT = Path(__file__).resolve().parents[2]

# A stand-in crawl process: a parse pool with one worker that has extracted a page; it
# prints the worker's pid, then waits to be killed. With THREAD, another thread runs when
# the pool starts, so the workers come from a fork server rather than a fork of the crawl.
CRAWL = """
import asyncio, os, sys, threading
from crawlers.parsing import ParsePool

if "THREAD" in sys.argv:
    threading.Thread(target=threading.Event().wait, daemon=True).start()

async def main():
    pool = ParsePool(1)
    html = b"<html><head><title>T</title></head><body><h1>T</h1><p>x</p></body></html>"
    await pool.extract(html, "http://127.0.0.1/a.html", platform=None, overrides={}, encoding=None)
    worker = next(iter(pool._executor._processes))
    print(worker, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as fh:  # a zombie has ended too
            return fh.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().split(") ")[1].split()[1])


def _start(*args: str) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CRAWL, *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline().split()[0])


def test_a_killed_crawl_leaves_no_worker_or_fork_server_behind() -> None:
    proc, worker = _start("THREAD")
    server = _parent(worker)  # the fork server
    assert server != proc.pid and _alive(worker) and _alive(server)
    _kill_and_wait(proc, [worker, server])


def test_a_killed_crawl_leaves_no_forked_worker_behind() -> None:
    proc, worker = _start()
    assert _parent(worker) == proc.pid  # forked from the crawl: one thread when the pool began
    _kill_and_wait(proc, [worker])


def _kill_and_wait(proc: subprocess.Popen[str], pids: list[int]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for p in left:  # do not leak them from the test either
        os.kill(p, signal.SIGKILL)
    assert not left, f"still running after their crawl was killed: {left}"


def test_the_crawl_forks_its_workers_with_its_progress_display_on(
    crawled: Crawled, new_db_url: NewDbUrl
) -> None:
    # the scheduler's command line (--no-lock, the display on): nothing else runs a thread
    # when the crawl is made, so the workers are forked rather than started from a fork server.
    # A store of its own: the session's crawled store is what other tests read.
    db = new_db_url("fork")
    res = run_vnfeeds(db, crawled.units, "-v", "crawl", "--no-lock", "--full", "hanoi-sct")
    assert res.returncode == 0, res.stderr[-2000:]
    assert re.search(r"parse workers: \d+, forked from the crawl process", res.stderr), res.stderr[
        -2000:
    ]


def test_the_crawl_command_with_its_locks_forks_its_workers(
    crawled: Crawled, new_db_url: NewDbUrl
) -> None:
    # `vnfeeds crawl` as ops and the demo run it: it takes each unit's lease first and starts
    # the heartbeats once the crawl is made, so the workers are still forked.
    db = new_db_url("fork-locked")
    res = run_vnfeeds(db, crawled.units, "-v", "crawl", "--full", "hanoi-sct")
    assert res.returncode == 0, res.stderr[-2000:]
    assert re.search(r"parse workers: \d+, forked from the crawl process", res.stderr), res.stderr[
        -2000:
    ]
    # and at the end, how far the workers fell behind the fetching
    assert re.search(r"parse workers: at most \d+ pages waited for them", res.stderr)
    store = Store(db)
    try:
        with store.session() as s:
            assert s.scalars(select(UnitLease)).all() == []  # released at the end
    finally:
        store.dispose()
