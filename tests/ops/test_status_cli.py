"""`vnfeeds status|runs|pause|resume` on a store with runs in it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from ops.overview import unit_statuses
from storage.db import Store
from storage.models import CrawlRun, Unit, utcnow
from vnfeeds.cli import cli


def _invoke(store: Store, units: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["--db", store.url, "--sites", str(units), *args])
    return res.exit_code, res.output


def _seed(store: Store) -> None:
    now = utcnow()
    with store.session() as s:
        s.add(
            CrawlRun(
                unit_id="unit-a",
                started_at=now - timedelta(seconds=9),
                finished_at=now,
                status="ok",
                new=4,
                pages=5,
                requests=6,
                stats={},
            )
        )
        s.add(
            CrawlRun(
                unit_id="unit-b",
                started_at=now,
                finished_at=now,
                status="failed",
                errors=2,
                error_text="unit unit-b: http://x/: connection refused",
                stats={},
            )
        )
        b = s.get(Unit, "unit-b")
        assert b is not None
        b.state, b.failures, b.last_error = "down", 2, "connection refused"
        b.backoff_until = now + timedelta(hours=1)


def test_status_table_and_json(store: Store, units_file: Path) -> None:
    code, out = _invoke(store, units_file, "status")  # syncs the units in
    assert code == 0, out
    _seed(store)
    code, out = _invoke(store, units_file, "status")
    assert code == 0, out
    assert "unit-a" in out and "down" in out and "(backoff)" in out and "connection refused" in out
    code, out = _invoke(store, units_file, "status", "--json", "--state", "down")
    rows = json.loads(out)
    assert [r["unit"] for r in rows] == ["unit-b"]
    assert rows[0]["failures"] == 2 and rows[0]["last_run_status"] == "failed"


def test_runs_history(store: Store, units_file: Path) -> None:
    _invoke(store, units_file, "status")
    _seed(store)
    code, out = _invoke(store, units_file, "runs", "unit-a", "--json")
    assert code == 0, out
    runs = json.loads(out)
    assert runs[0]["new"] == 4 and runs[0]["seconds"] == 9.0
    code, out = _invoke(store, units_file, "runs", "unit-a")
    assert code == 0 and "ok" in out
    code, out = _invoke(store, units_file, "runs", "nope")
    assert code != 0 and "unknown unit" in out


def test_pause_and_resume(store: Store, units_file: Path) -> None:
    code, out = _invoke(store, units_file, "pause", "unit-a")
    assert code == 0 and "paused" in out
    assert unit_statuses(store, ["unit-a"])[0].next_run_label == "paused"
    code, out = _invoke(store, units_file, "resume", "unit-a")
    assert code == 0 and not unit_statuses(store, ["unit-a"])[0].paused
    code, out = _invoke(store, units_file, "pause", "ghost")
    assert code != 0 and "unknown unit 'ghost'" in out
