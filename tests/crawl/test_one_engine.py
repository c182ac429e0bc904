"""A crawl process opens one database engine, shared by every Scrapy component."""

from __future__ import annotations

import subprocess
import sys

from domain.registry import load_registry
from tests.conftest import NewDbUrl
from tests.crawl.conftest import Crawled

# Runs `vnfeeds crawl` in a fresh interpreter with SQLAlchemy's create_engine counted.
_COUNTING = """
import sys
import sqlalchemy
import storage.db as db

calls = []
real = sqlalchemy.create_engine

def counting(*args, **kwargs):
    calls.append(str(args[0]))
    return real(*args, **kwargs)

db.create_engine = counting
from vnfeeds.cli import main
sys.argv = ["vnfeeds", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("ENGINES", len(calls), file=sys.stderr)
sys.exit(code)
"""


def test_a_crawl_opens_one_engine(crawled: Crawled, new_db_url: NewDbUrl) -> None:
    db = new_db_url("one")
    unit = sorted(load_registry(crawled.units).units)[0]
    args = ["--db", db, "--sites", str(crawled.units), "crawl", "-q", unit]
    done = subprocess.run(
        [sys.executable, "-c", _COUNTING, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts = [line for line in done.stderr.splitlines() if line.startswith("ENGINES ")]
    assert counts == ["ENGINES 1"], done.stderr[-3000:]
