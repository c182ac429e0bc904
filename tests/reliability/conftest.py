"""Fixtures of the reliability tests: the fault server and `vnfeeds` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _reset_pg
from tests.reliability.faults import FaultServer

#: Short network limits so that timeouts and drips end quickly in tests.
FAST_ENV = {"VNFEEDS_DOWNLOAD_TIMEOUT": "3", "VNFEEDS_RETRY_TIMES": "1"}


def vnfeeds_argv(db: str, units: Path, *args: str) -> list[str]:
    """`python -m vnfeeds --db DB --sites UNITS ARGS…`."""
    return [sys.executable, "-m", "vnfeeds", "--db", db, "--sites", str(units), *args]


def run_vnfeeds(
    db: str, units: Path, *args: str, timeout: float = 240, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `vnfeeds` to completion, output captured."""
    return subprocess.run(
        vnfeeds_argv(db, units, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **FAST_ENV, **(env or {})},
    )


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A fault server on 127.0.0.1, ephemeral port."""
    server = FaultServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: a SQLite file, then an emptied PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "crawl.sqlite3")
    url: str = request.getfixturevalue("pg_url")
    _reset_pg(url)
    return url
