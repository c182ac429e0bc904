"""The crawl summary at 80 columns (issue 14): full ids, the health state, the exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from domain.registry import load_registry
from storage import models as m
from tests.crawl.conftest import Crawled


def test_summary_at_80_columns_with_a_moved_and_a_broken_unit(crawled: Crawled) -> None:
    reg = load_registry(crawled.units)
    moved, broken = "hoabinh-stc", "hanoi-sgddt"
    ok = next(u for u in sorted(reg.units) if u not in (moved, broken) and len(u) >= 10)
    crawled.server.set_mode(broken, "broken")
    try:
        res = subprocess.run(
            [
                sys.executable,
                "-m",
                "vnfeeds",
                "--db",
                str(crawled.db),
                "--sites",
                str(crawled.units),
                "crawl",
                "-q",
                "--full",
                moved,
                broken,
                ok,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "80", "TERM": "xterm"},
        )
    finally:
        crawled.server.set_mode(broken, "ok")
    assert res.returncode != 0, res.stdout + res.stderr[-2000:]
    # no warning lines: libraries' deprecations (Scrapy's settings, install_root_handler)
    # and Python warnings stay out of user output unless -v is given
    warned = [
        line
        for line in (res.stdout + res.stderr).splitlines()
        if re.search(r"warning|\.py:\d+", line, re.IGNORECASE)
    ]
    assert not warned, warned
    assert f"ended broken or down: {broken}" in res.stderr
    lines = res.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, res.stdout
    with crawled.store().session() as s:
        stored = {u: s.get(m.Unit, u).state for u in (moved, broken, ok)}  # type: ignore[union-attr]
    assert stored == {moved: "moved", broken: "broken", ok: "ok"}, stored
    for uid, state in stored.items():
        rows = [line for line in lines if re.match(rf"^│\s*{re.escape(uid)}\s+│", line)]
        assert len(rows) == 1, (uid, res.stdout)  # the full id, never cut
        cells = [c.strip() for c in rows[0].strip("│").split("│")]
        assert cells[2] == state, (uid, cells)  # the table says what the state is
