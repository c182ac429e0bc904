"""Extraction speed per platform, ours next to trafilatura, and how far their texts agree.

    python -m bench.extraction [--repeat N] [PLATFORM …]

Over the golden fixture pages (``tests/fixtures/<platform>/*.html``, article pages
only): pages/s of ``crawlers.extract.extract_page`` (our parser + cleaning) and of
``trafilatura.extract`` on the same bytes, and the token F1 of trafilatura's text
against our ``body_text`` (1.0 = the same words). A script that prints figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from statistics import mean
from typing import Any

import trafilatura

from crawlers.cleaning.encodings import decode_page
from crawlers.extract import extract_page
from domain.article import Article

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
Page = tuple[bytes, dict[str, Any]]


def token_f1(ours: str, theirs: str) -> float:
    """Bag-of-words F1 between two texts (case-folded whitespace tokens)."""
    a, b = Counter(ours.casefold().split()), Counter(theirs.casefold().split())
    common = sum((a & b).values())
    if not a and not b:
        return 1.0
    if not common:
        return 0.0
    precision, recall = common / sum(b.values()), common / sum(a.values())
    return 2 * precision * recall / (precision + recall)


def pages(platforms: list[str] | None) -> dict[str, list[Page]]:
    """Article fixture pages (bytes, meta) by platform folder."""
    out: dict[str, list[Page]] = {}
    for meta_path in sorted(FIXTURES.glob("*/*.meta.json")):
        stem = meta_path.name.removesuffix(".meta.json")
        page = meta_path.with_name(f"{stem}.html")
        folder = meta_path.parent.name
        if stem.endswith(".list") or not page.exists() or (platforms and folder not in platforms):
            continue
        out.setdefault(folder, []).append((page.read_bytes(), json.loads(meta_path.read_text())))
    return out


def rate(fn: Callable[[Page], object], items: list[Page], repeat: int) -> float:
    """Calls per second of ``fn`` over ``items``, ``repeat`` rounds."""
    start = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            fn(item)
    return repeat * len(items) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("platforms", nargs="*")
    parser.add_argument("--repeat", type=int, default=5, help="rounds over the pages (default 5)")
    args = parser.parse_args(argv)

    def ours(item: Page) -> Article:
        body, meta = item
        return extract_page(
            body,
            meta["url"],
            platform=meta.get("platform"),
            overrides=meta.get("overrides"),
            encoding=meta.get("encoding"),
        )

    def theirs(item: Page) -> str:
        body, meta = item
        return trafilatura.extract(decode_page(body, meta.get("encoding")), url=meta["url"]) or ""

    header = (
        f"{'platform':<16} {'pages':>5} {'ours p/s':>9} {'trafilatura p/s':>16} {'F1 vs ours':>11}"
    )
    print(header)
    print("-" * len(header))
    all_f1: list[float] = []
    for platform, items in pages(args.platforms or None).items():
        f1 = [token_f1(ours(i).body_text, theirs(i)) for i in items]
        all_f1 += f1
        ours_rate = rate(ours, items, args.repeat)
        their_rate = rate(theirs, items, args.repeat)
        print(
            f"{platform:<16} {len(items):>5} {ours_rate:>9.1f} {their_rate:>16.1f} {mean(f1):>11.3f}"
        )
    if all_f1:
        print(f"{'all':<16} {len(all_f1):>5} {'':>9} {'':>16} {mean(all_f1):>11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
