"""A crawl process killed without closing its parse pool takes the workers with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A stand-in crawl process: a parse pool with one worker that has extracted a page; it
# prints the worker's and the fork server's pids, then waits to be killed.
CRAWL = """
import asyncio, os, sys
from crawlers.parsing import ParsePool

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


def test_a_killed_crawl_leaves_no_worker_or_fork_server_behind() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CRAWL], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert proc.stdout is not None
    worker = int(proc.stdout.readline().split()[0])
    server = _parent(worker)  # the fork server
    assert server != proc.pid and _alive(worker) and _alive(server)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while (_alive(worker) or _alive(server)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in (worker, server) if _alive(p)]
    for p in left:  # do not leak them from the test either
        os.kill(p, signal.SIGKILL)
    assert not left, f"still running after their crawl was killed: {left}"
