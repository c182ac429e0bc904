"""Ground truth for ``bench.realpages``, built without the extractor under test.

From a folder of real saved sites (``<dir>/<host>/<slug>/index.html``, list pages at
``<list>/page/N/index.html`` as in ``shared/realsites``):

- **list entries**: on every list page (a folder with a ``page/`` subfolder, and its
  pages), each link to another page of the site with at least three words of text, that
  is not a navigation link (one found on at least a fifth of the site's pages), gives
  that page's title (the link text without a trailing "(date)") and, when the link or its
  cell shows one, its date — read here with lxml and a date regex, not with our parsers;
- **chrome**: text lines of 20+ characters found on at least half of a site's pages
  (menus, sidebars, footer): none may appear in an article body;
- **hand-written golden JSON** (``tests/fixtures/lacviet``, meta ``source``): title,
  date, category, body start/end, images and captions, written by a person; and whether
  the page is an article at all (a category page a menu links to prints none);
- **placeholders** a list entry leads to: the rebuild's small pages that begin with its
  generator's name (``EasyWeb``, under ``MIN_PAGE_BYTES``; its "Default 404 Not Found
  Page"): a page the site serves for a link of its own list, and no article.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

MIN_PAGE_BYTES = 2000
PLACEHOLDER = b"EasyWeb"
CHROME_MIN_CHARS = 20
CHROME_SHARE = 0.5
NAV_SHARE = 0.2
_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s+(\d{1,2}):(\d{2}))?")
_TRAILING = re.compile(r"\s*\(\s*[\d./:\s-]*\)\s*$")
GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lacviet"


@dataclass
class Truth:
    """What is known about one article page, and from where."""

    title: str = ""
    day: tuple[int, int, int] | None = None  # the page's date: golden JSON, else the list's
    clock: tuple[int, int] | None = None
    list_day: tuple[int, int, int] | None = None  # what the list shows
    list_clock: tuple[int, int] | None = None
    golden: dict[str, Any] | None = None
    sources: set[str] = field(default_factory=set)
    # False for a page that prints no article (a category page a menu links to), as its
    # hand-written golden JSON says ("not an article: …" among its expected problems)
    article: bool = True


@dataclass
class Site:
    """One saved site: its pages, list pages, chrome lines and per-article truth."""

    host: str
    pages: dict[str, bytes] = field(default_factory=dict)
    list_urls: list[str] = field(default_factory=list)
    chrome: list[str] = field(default_factory=list)
    truth: dict[str, Truth] = field(default_factory=dict)
    nav: set[str] = field(default_factory=set)
    placeholders: dict[str, bytes] = field(default_factory=dict)  # kept out of ``pages``


def page_url(host: str, rel: Path) -> str:
    """The address a saved page stood for: ``http://<host>/<slug>/``."""
    path = "/".join(rel.parts[:-1])
    return f"http://{host}/{path}/" if path else f"http://{host}/"


def _norm(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/index\.html?$", "/", parts.path)
    return f"http://{parts.netloc}{path.rstrip('/')}/"


def _words(el: Any) -> str:
    return " ".join(el.text_content().split())


def _date(text: str) -> tuple[tuple[int, int, int] | None, tuple[int, int] | None]:
    m = _DATE.search(text)
    if not m:
        return None, None
    d, mo, y, hh, mm = m.groups()
    clock = (int(hh), int(mm)) if hh else None
    return (int(y), int(mo), int(d)), clock


def load_site(folder: Path) -> Site:
    """Read a saved site: real pages only (no placeholders), list pages, chrome, truth."""
    site = Site(folder.name)
    for path in sorted(folder.rglob("index.html")):
        body = path.read_bytes()
        url = page_url(site.host, path.relative_to(folder))
        if len(body) >= MIN_PAGE_BYTES and PLACEHOLDER not in body[:200]:
            site.pages[url] = body
        elif body.startswith(b"<h1>" + PLACEHOLDER):
            site.placeholders[url] = body
    for pager in sorted(folder.rglob("page")):
        if pager.is_dir():
            base = pager.parent.relative_to(folder)
            for rel in [base, *(p.relative_to(folder) for p in sorted(pager.iterdir()))]:
                url = _norm(f"http://{site.host}/{rel.as_posix()}/")
                if url in site.pages and url not in site.list_urls:
                    site.list_urls.append(url)
    site.nav = _nav_links(site)
    _read_lists(site)
    site.chrome = _chrome(site)
    return site


def _read_lists(site: Site) -> None:
    for list_url in site.list_urls:
        doc = lxml_html.fromstring(site.pages[list_url])
        for a in doc.iter("a"):
            target = _norm(urljoin(list_url, a.get("href") or ""))
            if target == list_url or target in site.list_urls:
                continue
            if target not in site.pages and target not in site.placeholders:
                continue
            if target in site.nav or a.find(".//div") is not None or a.find(".//p") is not None:
                continue  # menus; blocks wrapped in a link (document registers) are not entries
            text = _words(a)
            title = _TRAILING.sub("", text)
            if len(title.split()) < 3:
                continue
            day, clock = _date(text[len(title) :])
            parent = a.getparent()
            if day is None and parent is not None and len(parent.findall(".//a")) == 1:
                day, clock = _date(_words(parent)[len(text) :])
            truth = site.truth.setdefault(target, Truth())
            if target in site.placeholders:
                truth.article = False
                truth.sources.add("placeholder")
            if not truth.title:
                truth.title = title
                truth.sources.add("list")
            if truth.list_day is None and day is not None:
                truth.list_day, truth.list_clock = day, clock
                if truth.golden is None:
                    truth.day, truth.clock = day, clock


def _nav_links(site: Site) -> set[str]:
    """Pages linked from a fifth or more of the site's pages: menus, not list entries."""
    seen: Counter[str] = Counter()
    for url, body in site.pages.items():
        doc = lxml_html.fromstring(body)
        links = {_norm(urljoin(url, a.get("href") or "")) for a in doc.iter("a")}
        seen.update(links - {url})  # a page listing itself (related lists) is no menu
    return {u for u, n in seen.items() if n >= max(3, NAV_SHARE * len(site.pages))}


def _chrome(site: Site) -> list[str]:
    seen: Counter[str] = Counter()
    for body in site.pages.values():
        doc = lxml_html.fromstring(body)
        lines = {
            " ".join(t.split())
            for t in doc.xpath("//body//text()[not(ancestor::script or ancestor::style)]")
        }
        seen.update(line for line in lines if len(line) >= CHROME_MIN_CHARS)
    need = max(3, CHROME_SHARE * len(site.pages))
    titles = {t.title for t in site.truth.values()}  # list pages repeat article titles
    return sorted(line for line, n in seen.items() if n >= need and line not in titles)


def add_goldens(sites: dict[str, Site], golden_dir: Path = GOLDEN) -> int:
    """Attach the hand-written golden JSON of article fixtures to their pages."""
    count = 0
    for meta_path in sorted(golden_dir.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = meta_path.with_name(meta_path.name.replace(".meta.json", ".json"))
        if ".list." in meta_path.name or not meta.get("hand") or not expected.exists():
            continue
        host = urlsplit(meta["url"]).netloc
        if host not in sites or _norm(meta["url"]) not in sites[host].pages:
            continue
        truth = sites[host].truth.setdefault(_norm(meta["url"]), Truth())
        gold = json.loads(expected.read_text(encoding="utf-8"))
        truth.golden = gold
        truth.title = gold["title"]
        truth.article = not any(p.startswith("not an article") for p in gold["problems"])
        truth.day = truth.clock = None
        if gold["published"]:
            day, clock = _date("{2}/{1}/{0} {3}".format(*re.split(r"[-T]", gold["published"][:16])))
            truth.day, truth.clock = day, None if gold["time_unknown"] else clock
        truth.sources.add("golden")
        count += 1
    return count
