"""How right extraction is on real pages: per site and per field, the share right.

    python -m bench.realpages [--dir DIR] [--unit FILE …] [--no-learn] [--generic] [--json]

Reads saved real sites (default ``/work/shared/realsites``, or ``$VNFEEDS_REALSITES``),
serves nothing, and extracts every page. Ground truth comes from
:mod:`bench.realtruth` (list entries, site chrome, hand-written golden JSON), never from
the extractor. Columns:

- **A**: the shipped platform modules (``extract_page`` with platform detection);
- **B**: the unit ``sites learn`` induces for the site (``crawlers.learn.learn_pages`` on
  the site's list page with the most linked articles and those articles), no hand edits;
- **G** (``--generic``): generic extraction of every page, as if no platform module knew
  the site (trafilatura's body without the page frame, headline rules for title and date);
- one column per ``--unit FILE``: extraction with the selectors of the unit in FILE whose
  start URL is on the site's host (its platform and every selector it sets).

Fields: ``article?`` (every page: the extractor says "not an article" exactly where the
hand-written truth does — a category page a menu links to prints no article, and the
crawler does not store it; the other fields count articles only), ``title`` (same words as
the truth), ``date`` (same day, as read from the page),
``date+list`` (same day after the crawler's list check, which fills a missing date, or a
missing time on the same day, from the list; on golden pages the date read by hand off the
page is the truth, the list's only where the page prints none), ``time+list`` (same hour and minute after
it, where the list shows one), ``category``,
``body start`` /
``body end`` (golden pages), ``chrome`` (share of bodies with no site chrome line),
``images`` (golden pages: the same image URLs), ``captions`` (golden images: same caption).
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host_platform
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.realtruth import Site, Truth, add_goldens, load_site
from crawlers.extract import extract_page, is_article
from crawlers.listcheck import check_against_list, titles_agree
from domain.article import Article

DEFAULT_DIR = Path(os.environ.get("VNFEEDS_REALSITES", "/work/shared/realsites"))
FIELDS = (
    "article?",
    "title",
    "date",
    "date+list",
    "time+list",
    "category",
    "body start",
    "body end",
    "chrome",
    "images",
    "captions",
)
Extractor = Callable[[bytes, str], Article]
Tally = dict[str, list[int]]  # field -> [right, counted]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _day(a: Article) -> tuple[int, int, int] | None:
    return (a.published.year, a.published.month, a.published.day) if a.published else None


def score(site: Site, extract: Extractor) -> Tally:
    """Extract every article page with truth and count, per field, how many are right."""
    tally: Tally = {f: [0, 0] for f in FIELDS}

    def count(name: str, ok: bool) -> None:
        tally[name][0] += int(ok)
        tally[name][1] += 1

    for url, truth in sorted(site.truth.items()):
        article = extract(site.pages.get(url) or site.placeholders[url], url)
        _score_article(site, truth, article, count)
    return tally


def _score_article(
    site: Site, truth: Truth, a: Article, count: Callable[[str, bool], None]
) -> None:
    body = _squash(a.body_text)
    # every page: article or not, as the truth says; a page printing no article (the
    # extractor says so in ``problems``, the crawler does not store it) has no fields
    count("article?", is_article(a) == truth.article)
    if not truth.article:
        return
    if truth.title:
        count("title", titles_agree(a.title, truth.title))
    gold = truth.golden
    if truth.day is not None or gold is not None:
        count("date", _day(a) == truth.day)
    if truth.list_day is not None or gold is not None:
        listed = Article(**{**a.__dict__, "problems": list(a.problems)})
        want, clock = truth.day, truth.clock
        if truth.list_day is not None:  # as the crawler does
            y, m, d = truth.list_day
            hhmm = " {:02d}:{:02d}".format(*truth.list_clock) if truth.list_clock else ""
            check_against_list(listed, "", f"{d:02d}/{m:02d}/{y}{hhmm}")
            # the page is the ground truth: a date read off it by hand stands against the
            # list's (which on these rebuilt sites is often the rebuild's time); the list
            # supplies what the page does not print: the day, or the time on the same day
            if gold is None or want is None:
                want, clock = truth.list_day, truth.list_clock
            elif clock is None and want == truth.list_day:
                clock = truth.list_clock
        count("date+list", _day(listed) == want)
        if clock is not None:
            published = listed.published
            got = None if published is None or listed.time_unknown else published.timetuple()[3:5]
            count("time+list", got == clock)
    count("chrome", not any(line in body for line in site.chrome))
    if gold is None:
        return
    count("category", a.category == gold["category"])
    count("body start", body.startswith(_squash(gold["body_text_starts"])))
    count("body end", body.endswith(_squash(gold["body_text_ends"])))
    count("images", [i.url for i in a.images] == [i["url"] for i in gold["images"]])
    captions = {i.url: i.caption for i in a.images}
    for image in gold["images"]:
        count("captions", captions.get(image["url"]) == image["caption"])


def shipped(page: bytes, url: str) -> Article:
    """Column A: the shipped platform modules, platform detected."""
    return extract_page(page, url)


def generic(page: bytes, url: str) -> Article:
    """Column G: generic extraction, as for a site whose platform is unknown."""
    return extract_page(page, url, platform="generic")


def with_selectors(platform: str | None, selectors: dict[str, str]) -> Extractor:
    """An extractor reading pages with a unit's platform and selectors."""

    def run(page: bytes, url: str) -> Article:
        return extract_page(page, url, platform=platform, overrides=selectors)

    return run


def learned(site: Site) -> tuple[Extractor | None, str]:
    """Column B: the unit ``sites learn`` induces from the site's richest list page."""
    from crawlers.learn import PLATFORM, learn_pages

    if not site.list_urls:
        return None, "no list page"
    # list links name pages without the trailing slash of the saved folder
    pages = {**site.pages, **{u.rstrip("/"): b for u, b in site.pages.items()}}
    tried = []
    # as an operator would: the list page with the most articles first, then the next
    for list_url in sorted(site.list_urls, key=lambda u: -_links_to_articles(site, u)):
        result = learn_pages(list_url, site.pages[list_url], pages)
        if "title" in result.selectors and "body" in result.selectors:
            return with_selectors(PLATFORM, result.selectors), f"{list_url} ({result.selectors})"
        tried.append(f"{list_url}: {'; '.join(result.notes)}")
    return None, "learned no title and body from any list page: " + " | ".join(tried)


def _links_to_articles(site: Site, list_url: str) -> int:
    page = site.pages[list_url].decode("utf-8", "replace")
    return sum(1 for u in site.truth if u.rstrip("/").rsplit("/", 1)[-1] in page)


def unit_column(path: Path, host: str) -> Extractor | None:
    """The extractor of the unit in ``path`` whose start URL is on ``host``."""
    from urllib.parse import urlsplit

    from domain.registry import load_registry

    registry = load_registry(path)
    if registry.problems:
        raise ValueError(str(registry.problems[0]))
    for unit in registry.units.values():
        if any(urlsplit(s.url).netloc == host for s in unit.start):
            platform = None if unit.platform == "feed" else unit.platform
            return with_selectors(platform, unit.selectors.as_dict())
    return None


def _pct(right: int, counted: int) -> str:
    return f"{100 * right / counted:5.1f}% ({right}/{counted})" if counted else "   n/a"


def main(argv: list[str] | None = None) -> int:
    """Print per site and field the share right in each column."""
    parser = argparse.ArgumentParser(prog="python -m bench.realpages", description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="saved real sites")
    parser.add_argument("--unit", type=Path, action="append", default=[], help="units file")
    parser.add_argument("--no-learn", action="store_true", help="skip column B (sites learn)")
    parser.add_argument(
        "--generic", action="store_true", help="add column G (generic extraction of every page)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"bench.realpages: no folder {args.dir}", file=sys.stderr)
        return 2
    sites = {p.name: load_site(p) for p in sorted(args.dir.iterdir()) if p.is_dir()}
    goldens = add_goldens(sites)
    report: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{host_platform.node()} ({os.cpu_count()} cores, {host_platform.python_version()})",
        "golden_pages": goldens,
        "sites": {},
    }
    totals: dict[str, Tally] = {}
    for host, site in sites.items():
        columns: dict[str, Extractor] = {"A shipped": shipped}
        notes = []
        if not args.no_learn:
            extractor, note = learned(site)
            notes.append(f"B learned from {note}")
            if extractor is not None:
                columns["B learned"] = extractor
        if args.generic:
            columns["G generic"] = generic
        for path in args.unit:
            try:
                extractor = unit_column(path, host)
            except ValueError as e:
                print(f"bench.realpages: {e}", file=sys.stderr)
                return 2
            if extractor is not None:
                columns[f"unit {path.name}"] = extractor
        figures = {name: score(site, fn) for name, fn in columns.items()}
        report["sites"][host] = {"articles": len(site.truth), "notes": notes, "columns": figures}
        for name, tally in figures.items():
            total = totals.setdefault(name, {f: [0, 0] for f in FIELDS})
            for f, (r, c) in tally.items():
                total[f][0] += r
                total[f][1] += c
    report["all"] = totals
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    _print(report)
    return 0


def _print(report: dict[str, Any]) -> None:
    print(f"bench.realpages  {report['when']}  {report['machine']}")
    print(f"golden pages: {report['golden_pages']}")
    blocks = [(h, s["columns"], s["articles"], s["notes"]) for h, s in report["sites"].items()]
    blocks.append(("ALL SITES", report["all"], None, []))
    for host, columns, articles, notes in blocks:
        names = list(columns)
        head = f"\n{host}" + (f"  ({articles} articles with truth)" if articles else "")
        print(head)
        for note in notes:
            print(f"  {note}")
        print("  " + f"{'field':<11}" + "".join(f"{n:>24}" for n in names))
        for f in FIELDS:
            print("  " + f"{f:<11}" + "".join(f"{_pct(*columns[n][f]):>24}" for n in names))


if __name__ == "__main__":
    sys.exit(main())
