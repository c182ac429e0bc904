"""Per-host politeness across processes: two crawls of one host share its slots and delay."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

GATE_CRAWL = Path(__file__).with_name("gate_crawl.py")
REDIS = os.environ.get("VNFEEDS_TEST_REDIS", "redis://127.0.0.1:6379/15")
LIMIT = 3  # the host's concurrency in both crawls (gate_crawl.py)


class Host(ThreadingHTTPServer):
    """A slow host that records how many requests it answers at once, and when they start."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.starts: list[float] = []


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        host: Host = self.server  # type: ignore[assignment]
        with host.lock:
            host.now += 1
            host.peak = max(host.peak, host.now)
            host.starts.append(time.monotonic())
        time.sleep(0.2)
        body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with host.lock:
            host.now -= 1


@pytest.fixture
def host() -> Iterator[Host]:
    srv = Host()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def redis_url() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except Exception as e:  # no server to test against
        if os.environ.get("CI"):
            pytest.fail(f"Redis not reachable at {REDIS}: {e}")
        pytest.skip(f"Redis not reachable at {REDIS}: {e}")
    return REDIS


def two_crawls(host: Host, gate: str, prefix: str, delay: float = 0.01) -> None:
    base = f"http://127.0.0.1:{host.server_address[1]}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, str(GATE_CRAWL), base, "12", gate, prefix, str(delay)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err


def min_gap(host: Host) -> float:
    return min(b - a for a, b in itertools.pairwise(sorted(host.starts)))


def test_two_processes_share_the_hosts_concurrency(host: Host, redis_url: str) -> None:
    two_crawls(host, redis_url, f"vnfeeds-test:{uuid.uuid4().hex[:8]}:")
    assert len(host.starts) == 24
    assert host.peak <= LIMIT  # the host's concurrency held across both processes


def test_two_processes_share_the_hosts_delay(host: Host, redis_url: str) -> None:
    two_crawls(host, redis_url, f"vnfeeds-test:{uuid.uuid4().hex[:8]}:", delay=0.3)
    assert len(host.starts) == 24
    # the gate spaces the requests 0.3 s apart (the wire adds some jitter on a busy machine)
    assert min_gap(host) >= 0.15


def test_without_the_gate_each_process_is_polite_alone(host: Host) -> None:
    two_crawls(host, "-", "unused:")
    assert len(host.starts) == 24
    assert host.peak > LIMIT  # the two processes together exceed the host's concurrency


def test_without_the_gate_delays_are_per_process(host: Host) -> None:
    two_crawls(host, "-", "unused:", delay=0.3)
    assert len(host.starts) == 24
    assert min_gap(host) < 0.15  # the two processes' requests interleave closer than 0.3 s
