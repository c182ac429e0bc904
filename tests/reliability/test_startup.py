"""Failure 7: processes starting together on a brand-new database; errors in one line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from storage.db import Store, needs_upgrade, resolve_db_url
from tests.reliability.conftest import vnfeeds_argv


def test_processes_on_a_new_database_do_not_race_the_first_migration(
    db_url: str, tmp_path: Path
) -> None:
    units = tmp_path / "units.toml"
    units.write_text("", encoding="utf-8")
    procs = [
        subprocess.Popen(
            vnfeeds_argv(db_url, units, "status"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        for _ in range(5)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert "already exists" not in err and "UniqueViolation" not in err, err[-2000:]
    store = Store(resolve_db_url(db_url), auto_upgrade=False)
    try:
        assert not needs_upgrade(store.engine)
    finally:
        store.dispose()


def test_a_database_error_is_one_line(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text("", encoding="utf-8")
    db = tmp_path / "broken.sqlite3"
    db.write_bytes(b"this is not a database file at all" * 100)
    res = subprocess.run(
        vnfeeds_argv(str(db), units, "status"), capture_output=True, text=True, timeout=60
    )
    assert res.returncode != 0
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert (
        lines[0].startswith("error: ") and "SQL" not in lines[0] and "sqlalche.me" not in lines[0]
    )
