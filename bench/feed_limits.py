"""Benchmark of the per-request bounds on feed filters (prints figures; not a test).

Fills a temp SQLite store with one unit of ``--items`` articles (default 6,000, each
about 3.6 KB of Vietnamese text), then times, in process (Starlette's TestClient, no
network), cold renders of:

* the issue's request ``/all.rss?q=t0,…,t2999`` (now refused with 400);
* the most expensive allowed filter: ``max_terms`` terms that match nothing, so
  ``filter_scan`` items are examined;
* one term that matches nothing; an unfiltered feed, for scale.

It also times the matching alone per item: the previous algorithm (a regex per term over
the full matching form, reimplemented here for comparison) against ``Filters.matches``.

    .venv/bin/python -m bench.feed_limits [--items 6000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from starlette.testclient import TestClient

from domain.registry import load_registry
from domain.syllables import match_form
from feeds.config import FeedConfig
from feeds.filters import Filters
from storage.db import Store
from storage.models import Article
from storage.repository import sync_registry
from web.app import create_app

UNIT = """
[[unit]]
id = "bench-unit"
name = "Sở thử nghiệm"
province = "ha-noi"
platform = "nukeviet"
homepage = "https://bench.example.vn/"
[[unit.start]]
url = "https://bench.example.vn/news/"
category = "Tin tức"
"""
SENTENCE = (
    "Sở Y tế tỉnh Thanh Hóa tổ chức hội nghị tổng kết công tác năm {n} và triển khai nhiệm vụ. "
)


def _fill(store: Store, items: int) -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(1, items + 1):
        text = SENTENCE.format(n=n) * 40
        when = t0 + timedelta(minutes=n)
        rows.append(
            {
                "guid": f"tag:bench,2025:{n}",
                "unit_id": "bench-unit",
                "url": f"https://bench.example.vn/tin/{n}.html",
                "canonical_url": f"https://bench.example.vn/tin/{n}.html",
                "title": f"Tin số {n} về hoạt động của sở",
                "published": when,
                "lead": SENTENCE.format(n=n),
                "body_html": f"<p>{text}</p>",
                "body_text": text,
                "changed_at": when,
                "first_seen": when,
                "last_seen": when,
                "time_unknown": False,
                "category": "Tin tức",
                "images": [],
                "attachments": [],
                "author": "",
                "source": "category",
                "language": "vi",
                "platform": "nukeviet",
                "fallback": False,
                "content_hash": f"{n:064x}",
            }
        )
    with store.session() as s:
        s.execute(insert(Article), rows)


def _old_matches(terms: tuple[str, ...], text: str) -> bool:
    """The previous ``Filters.matches``: a regex per term over the full matching form."""
    form = " ".join(match_form(text).split())
    return any(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", form) for t in terms)


def _time(client: TestClient, url: str, repeat: int) -> tuple[int, float]:
    best = float("inf")
    status = 0
    for i in range(repeat):
        sep = "&" if "?" in url else "?"
        started = time.perf_counter()
        r = client.get(f"{url}{sep}limit={50 + i}")  # a new cache key: always a cold render
        best = min(best, time.perf_counter() - started)
        status = r.status_code
    return status, best


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=6000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        units = Path(tmp) / "units.toml"
        units.write_text(UNIT, encoding="utf-8")
        registry = load_registry(units)
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        with store.session() as s:
            sync_registry(s, registry)
        _fill(store, args.items)
        config = FeedConfig(version_ttl=60.0)
        client = TestClient(create_app(store, registry, config))
        print(
            f"{args.items} articles of ~3.6 KB; filter_scan={config.filter_scan}, "
            f"max_terms={config.max_terms}, max_term_length={config.max_term_length}, "
            f"max_query_length={config.max_query_length}"
        )
        issue = "/all.rss?q=" + ",".join(f"t{i}" for i in range(3000))
        widest = "/all.rss?q=" + ",".join(f"khong{i}" for i in range(config.max_terms))
        cases = [
            ("issue's 3000-term request", issue),
            (f"{config.max_terms} terms, no match (max allowed)", widest),
            ("1 term, no match", "/all.rss?q=khongco"),
            ("unfiltered", "/all.rss"),
        ]
        for label, url in cases:
            status, secs = _time(client, url, args.repeat)
            print(f"{label:45s} {status}  {secs * 1000:8.1f} ms")
        with store.session() as s:
            texts = [
                f"{a.title}\n{a.lead}\n{a.body_text}"
                for a in s.query(Article).order_by(Article.id).limit(1000)
            ]
        terms = [f"khong{i}" for i in range(config.max_terms)]
        flt = Filters.from_params(terms)
        match_form.cache_clear()
        started = time.perf_counter()
        for t in texts:
            _old_matches(flt.q, t)
        old = (time.perf_counter() - started) / len(texts)
        started = time.perf_counter()
        for t in texts:
            flt.matches(t)
        new = (time.perf_counter() - started) / len(texts)
        print(f"matching {config.max_terms} terms per item: before {old * 1000:.2f} ms, ", end="")
        print(f"now {new * 1000:.2f} ms ({old / new:.0f}x)")
        store.dispose()


if __name__ == "__main__":
    main()
