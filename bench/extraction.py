"""Extraction speed, ours next to trafilatura on the same pages, and how far their texts agree.

    python -m bench.extraction [--repeat N] [--realsites DIR] [PLATFORM …]

Two page sets, article pages only:

* the golden fixture pages (``tests/fixtures/<platform>/*.html``), per platform;
* the real sites (``--realsites``, default ``$VNFEEDS_REALSITES`` or
  ``/work/shared/realsites``; skipped when absent): the pages the sites' own list pages link
  to (``bench.realtruth``), the platform detected as in a crawl of an unknown site.

Per set: pages/s of ``crawlers.extract.extract_page`` (our parser + cleaning) and of
``trafilatura.extract`` on the same bytes (both decode the page with
:func:`~crawlers.cleaning.encodings.decode_page`), and the token F1 of trafilatura's text
against our ``body_text`` (1.0 = the same words). Every round starts with our text caches
empty (:func:`clear_caches`), as a fresh crawl process does, so a page is never timed
against its own cached lines; within a round, lines repeated across pages (a site's frame)
hit the caches as they do in a crawl. The ratio is ours/theirs over all the pages read by a
selector parser; pages read by the ``generic`` platform (trafilatura with our title and
date rules) are heuristic extraction on both sides and are shown apart. A script that prints
figures; it judges nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

import trafilatura

from crawlers.cleaning.encodings import decode_page
from crawlers.extract import extract_page
from domain.article import Article

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
REALSITES = Path(os.environ.get("VNFEEDS_REALSITES", "/work/shared/realsites"))
#: Packages whose ``functools`` caches :func:`clear_caches` empties.
CACHED_PACKAGES = ("crawlers", "domain", "dedup", "storage")
HEURISTIC = "generic"


@dataclass
class Page:
    """One page to extract: its bytes, URL and what the extractor is told of it."""

    body: bytes
    url: str
    platform: str | None = None
    overrides: dict[str, str] | None = None
    encoding: str | None = None


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


def clear_caches() -> int:
    """Empty the caches (``functools`` ones and the like) of our loaded packages; return how many."""
    n = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in CACHED_PACKAGES:
            continue
        for obj in list(vars(module).values()):
            if isinstance(obj, type):  # a cache's class, not a cache
                continue
            if callable(getattr(obj, "cache_clear", None)) and hasattr(obj, "cache_info"):
                obj.cache_clear()
                n += 1
    return n


def fixture_pages(platforms: list[str] | None) -> dict[str, list[Page]]:
    """Article fixture pages by platform folder."""
    out: dict[str, list[Page]] = {}
    for meta_path in sorted(FIXTURES.glob("*/*.meta.json")):
        stem = meta_path.name.removesuffix(".meta.json")
        page = meta_path.with_name(f"{stem}.html")
        folder = meta_path.parent.name
        if stem.endswith(".list") or not page.exists() or (platforms and folder not in platforms):
            continue
        meta = json.loads(meta_path.read_text())
        out.setdefault(folder, []).append(
            Page(
                page.read_bytes(),
                meta["url"],
                meta.get("platform"),
                meta.get("overrides"),
                meta.get("encoding"),
            )
        )
    return out


def real_pages(root: Path) -> dict[str, list[Page]]:
    """Article pages of the saved real sites (those their list pages link to), by site."""
    from bench.realtruth import load_site

    out: dict[str, list[Page]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        site = load_site(folder)
        pages = [
            Page(site.pages[url], url)
            for url, truth in site.truth.items()
            if truth.article and url in site.pages
        ]
        if pages:
            out[site.host] = pages
    return out


def ours(page: Page) -> Article:
    """Our extraction of one page."""
    return extract_page(
        page.body,
        page.url,
        platform=page.platform,
        overrides=page.overrides,
        encoding=page.encoding,
    )


def theirs(page: Page) -> str:
    """trafilatura's text of one page."""
    return trafilatura.extract(decode_page(page.body, page.encoding), url=page.url) or ""


def seconds(fn: Callable[[Page], object], pages: list[Page], repeat: int) -> float:
    """Seconds ``fn`` takes over ``pages``, summed over ``repeat`` rounds, caches emptied first."""
    total = 0.0
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        for page in pages:
            fn(page)
        total += time.perf_counter() - start
    return total


@dataclass
class Row:
    """One group's figures."""

    name: str
    pages: int
    ours_s: float
    theirs_s: float
    f1: list[float]
    heuristic: bool


def measure(name: str, pages: list[Page], repeat: int) -> Row:
    """Time both extractors over one group of pages and compare their texts."""
    clear_caches()
    results = [ours(p) for p in pages]
    f1 = [token_f1(a.body_text, theirs(p)) for a, p in zip(results, pages, strict=True)]
    heuristic = all(a.platform == HEURISTIC or a.fallback for a in results)
    return Row(
        name,
        len(pages),
        seconds(ours, pages, repeat),
        seconds(theirs, pages, repeat),
        f1,
        heuristic,
    )


def _print(title: str, rows: list[Row], repeat: int) -> None:
    header = (
        f"{title:<24} {'pages':>5} {'ours p/s':>9} {'trafilatura p/s':>16} {'ratio':>6} {'F1':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        n = r.pages * repeat
        mark = "  (heuristic on both sides)" if r.heuristic else ""
        print(
            f"{r.name:<24} {r.pages:>5} {n / r.ours_s:>9.1f} {n / r.theirs_s:>16.1f}"
            f" {r.theirs_s / r.ours_s:>6.2f} {mean(r.f1):>6.3f}{mark}"
        )
    for label, group in (
        ("all selector pages", [r for r in rows if not r.heuristic]),
        ("all pages", rows),
    ):
        if not group:
            continue
        pages = sum(r.pages for r in group)
        ours_s, theirs_s = sum(r.ours_s for r in group), sum(r.theirs_s for r in group)
        f1 = mean(x for r in group for x in r.f1)
        print(
            f"{label:<24} {pages:>5} {pages * repeat / ours_s:>9.1f}"
            f" {pages * repeat / theirs_s:>16.1f} {theirs_s / ours_s:>6.2f} {f1:>6.3f}"
        )
    print()


def main(argv: list[str] | None = None) -> int:
    """Print the tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("platforms", nargs="*", help="fixture platform folders (default all)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the pages (default 3)")
    parser.add_argument("--realsites", type=Path, default=REALSITES, help="saved real sites")
    args = parser.parse_args(argv)
    print(f"{args.repeat} round(s), each with our caches emptied first; ratio = ours/trafilatura")
    fixtures = fixture_pages(args.platforms or None)
    _print("fixture pages", [measure(k, v, args.repeat) for k, v in fixtures.items()], args.repeat)
    if args.platforms:
        return 0
    if args.realsites.is_dir():
        real = real_pages(args.realsites)
        _print(
            "real article pages", [measure(k, v, args.repeat) for k, v in real.items()], args.repeat
        )
    else:
        print(f"real sites: {args.realsites} is absent (--realsites DIR), skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
