"""A stand-in for `vnfeeds crawl UNIT --no-lock`: writes one CrawlRun row like the real one.

Usage: fake_crawl.py DB_URL UNIT PLAN_JSON [INTERVALS_FILE]
   or: fake_crawl.py --batch DB_URL PLAN_JSON INTERVALS_FILE UNIT… (a batch crawl: the
       units one after the other in this one process; a crash stops the rest)

PLAN_JSON maps unit ids to {"mode": ok|down|broken|moved|crash|hang, "sleep": s,
"new": n}; a missing unit means ok. INTERVALS_FILE gets "unit start end pid" lines so
tests can check that no two crawls of one unit overlapped.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from storage.models import CrawlRun, Unit, utcnow


def main() -> int:
    if sys.argv[1] == "--batch":
        db, plan_path, intervals_path, *units = sys.argv[2:]
        for unit_id in units:
            code = crawl_one(db, unit_id, plan_path, Path(intervals_path))
            if code:
                return code
        return 0
    intervals = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    return crawl_one(sys.argv[1], sys.argv[2], sys.argv[3], intervals)


def crawl_one(db: str, unit_id: str, plan_path: str, intervals: Path | None) -> int:
    """What one unit's crawl does: a run row, closed as the plan says."""
    plan = json.loads(Path(plan_path).read_text()) if Path(plan_path).exists() else {}
    spec = plan.get(unit_id, {})
    mode = spec.get("mode", "ok")
    t0 = time.time()
    if mode == "crash":
        print("Traceback: boom", file=sys.stderr)
        return 3
    # plain SQLAlchemy (not storage.db, which pulls in Alembic): a quicker start
    args = {"timeout": 30} if db.startswith("sqlite") else {}
    engine = create_engine(db, connect_args=args)
    with Session(engine) as s, s.begin():
        run = CrawlRun(unit_id=unit_id, status="running", started_at=utcnow())
        s.add(run)
        s.flush()
        run_id = run.id
    time.sleep(float(spec.get("sleep", 0.05)))
    if mode == "hang":
        time.sleep(3600)
    new = int(spec.get("new", 1)) if mode == "ok" else 0
    stats: dict[str, object] = {
        "list_pages": 1,
        "list_not_modified": 0,
        "entries_seen": 10,
        "articles_fetched": new,
        "missing_fields": 0,
        "http_errors": 0,
        "network_errors": 0,
        "moved_to": None,
    }
    status, errors, error_text, pages = "ok", 0, None, 1 + new
    if mode == "down":
        stats.update(list_pages=0, entries_seen=0, network_errors=2)
        status, errors, pages = "failed", 2, 0
        error_text = f"unit {unit_id}: http://127.0.0.1:9/list: connection refused"
    elif mode == "broken":
        stats.update(entries_seen=0)
        status = "partial"
    elif mode == "moved":
        stats.update(moved_to="http://new.example.test/")
    with Session(engine) as s, s.begin():
        row = s.get(CrawlRun, run_id)
        assert row is not None
        row.status, row.finished_at, row.stats = status, utcnow(), stats
        row.requests, row.pages, row.new, row.errors, row.error_text = (
            pages,
            pages,
            new,
            errors,
            error_text,
        )
        unit = s.get(Unit, unit_id)
        if unit is not None and new:
            unit.last_new_at = utcnow()
    engine.dispose()
    if intervals is not None:
        with intervals.open("a") as fh:
            fh.write(f"{unit_id} {t0:.6f} {time.time():.6f} {os.getpid()}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
