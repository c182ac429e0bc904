"""Failure 12: a full disk gives one clear error line, not a traceback per article."""

from __future__ import annotations

import os
import resource
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from storage import models as m
from storage.db import Store, resolve_db_url
from tests.reliability.conftest import FAST_ENV, run_vnfeeds, vnfeeds_argv
from tests.reliability.faults import FaultServer, Site, unit_toml


def test_a_full_disk_is_one_error_line_and_loses_nothing(
    faults: FaultServer, tmp_path: Path
) -> None:
    faults.sites["small"] = Site(pages=1, per_page=2)
    faults.sites["big"] = Site(pages=4, per_page=10)
    units = tmp_path / "units.toml"
    units.write_text(
        unit_toml("small", faults.list_url("small")) + unit_toml("big", faults.list_url("big")),
        encoding="utf-8",
    )
    db = str(tmp_path / "full.sqlite3")
    first = run_vnfeeds(db, units, "crawl", "-q", "small")
    assert first.returncode == 0, first.stderr[-2000:]
    size = sum(p.stat().st_size for p in tmp_path.glob("full.sqlite3*"))

    def small_disk() -> None:  # files of this process may not grow past the limit
        limit = size + 48 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    res = subprocess.run(
        vnfeeds_argv(db, units, "crawl", "-q", "big"),
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **FAST_ENV},
        preexec_fn=small_disk,
    )
    assert res.returncode != 0
    assert "Traceback" not in res.stderr, res.stderr[-3000:]
    full = [ln for ln in res.stderr.splitlines() if "cannot take writes" in ln]
    assert len(full) == 1, res.stderr[-3000:]
    assert len([ln for ln in res.stderr.splitlines() if " ERROR " in ln]) <= 3, res.stderr[-3000:]
    # with room again, a plain run stores every listed article of the big site
    again = run_vnfeeds(db, units, "crawl", "-q", "big")
    assert again.returncode == 0, again.stderr[-2000:]
    store = Store(resolve_db_url(db))
    try:
        with store.session() as s:
            counts = dict(
                s.execute(select(m.Article.unit_id, func.count()).group_by(m.Article.unit_id))
                .tuples()
                .all()
            )
    finally:
        store.dispose()
    assert counts == {"small": 2, "big": 40}
