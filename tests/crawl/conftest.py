"""A replica server and one full crawl of it, shared by the crawl tests.

Scrapy's reactor runs once per process, so every crawl runs `vnfeeds crawl` in a
subprocess, exactly as the scheduler does.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from replicas.server import ReplicaServer
from storage.db import Store, resolve_db_url
from tests.conftest import NewDbUrl


@dataclass
class Crawled:
    """A replica server, its units file, and a store after the first crawl."""

    server: ReplicaServer
    units: Path
    db: str
    first: subprocess.CompletedProcess[str]

    def crawl(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run `vnfeeds crawl ARGS` against the replicas, in a subprocess."""
        return run_vnfeeds(self.db, self.units, "crawl", "-q", *args, timeout=timeout)

    def store(self) -> Store:
        return Store(resolve_db_url(self.db))


def run_vnfeeds(
    db: str | Path, units: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m vnfeeds --db DB --sites UNITS ARGS…`, captured."""
    return subprocess.run(
        [sys.executable, "-m", "vnfeeds", "--db", str(db), "--sites", str(units), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory, new_db_url: NewDbUrl) -> Iterator[Crawled]:
    """Replicas served on loopback and crawled once into a fresh store (SQLite, or
    PostgreSQL under ``VNFEEDS_TEST_DB``)."""
    tmp = tmp_path_factory.mktemp("crawl")
    server = ReplicaServer(port=0).start()
    units = server.write_units(tmp / "units.toml")
    db = new_db_url("crawl")
    first = run_vnfeeds(db, units, "crawl", "-q")
    try:
        yield Crawled(server, units, db, first)
    finally:
        server.stop()
