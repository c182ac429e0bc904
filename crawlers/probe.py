"""`sites probe`: look at a list page, guess its platform, print a ready unit entry."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from parsel import Selector

from crawlers.cleaning.encodings import decode_page
from crawlers.detect import candidates
from crawlers.extract import extract_list, extract_page
from crawlers.fetch import fetch
from crawlers.platforms.base import ListPage
from domain.article import Article
from domain.registry import load_registry
from domain.syllables import slug
from domain.text import clean_text


@dataclass
class ProbeResult:
    """What a list page told us, and the unit entry built from it."""

    url: str
    platform: str
    candidates: list[str]
    listing: ListPage
    samples: list[Article] = field(default_factory=list)
    selectors: dict[str, str] = field(default_factory=dict)
    category: str = ""
    site_name: str = ""


def guess_list_links(sel: Selector) -> str | None:
    """A CSS selector for the most repeated container of long-titled links."""
    counts: Counter[str] = Counter()
    for a in sel.css("a[href]"):
        text = clean_text(" ".join(a.css("::text").getall()))
        parent = a.xpath("ancestor::*[@class][1]")
        if len(text) < 25 or not parent:
            continue
        cls = (parent.attrib.get("class") or "").split()[0]
        counts[f"{parent[0].root.tag}.{cls} a"] += 1
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] >= 3 else None


def guess_province(host: str) -> str:
    """The province whose id (without dashes) appears in the host name, else ''."""
    flat = host.replace("-", "").lower()
    provinces = load_registry().provinces
    hits = [pid for pid in provinces if pid.replace("-", "") in flat]
    return max(hits, key=len) if hits else ""


def probe(url: str, *, allow_private: bool = False, samples: int = 3) -> ProbeResult:
    """Fetch the list page, detect the platform, parse a few articles."""
    page = fetch(url, allow_private=allow_private)
    html = decode_page(page.body, page.encoding)
    sel = Selector(text=html)
    found = candidates(sel, page.url)
    platform = found[0] if found else "selectors"
    result = ProbeResult(page.url, platform, found, ListPage())
    result.site_name = clean_text(sel.css("title::text").get() or "")
    result.category = clean_text(" ".join(sel.css("h1 ::text, h2 ::text").getall()[:1]))
    if platform == "selectors":
        guess = guess_list_links(sel)
        if guess:
            result.selectors = {
                "list_links": guess,
                "title": "h1",
                "body": "article, div.content, div.detail",
            }
        result.listing = (
            extract_list(html, page.url, platform="selectors", overrides=result.selectors)
            if guess
            else ListPage()
        )
    else:
        result.listing = extract_list(html, page.url, platform=platform)
    for entry in result.listing.entries[:samples]:
        try:
            art_page = fetch(entry.url, allow_private=allow_private)
        except Exception:
            continue
        art_platform = None if platform == "feed" else platform
        result.samples.append(
            extract_page(
                art_page.body,
                art_page.url,
                platform=art_platform,
                overrides=result.selectors,
                encoding=art_page.encoding,
            )
        )
    return result


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unit_toml(result: ProbeResult, *, allow_private: bool = False) -> str:
    """A `[[unit]]` entry ready for a units file (check the commented fields)."""
    parts = urlsplit(result.url)
    host = parts.hostname or "site"
    uid = slug(host.removeprefix("www.").rsplit(".gov.vn", 1)[0])[:60] or "new-unit"
    category = result.category or "Tin tức"
    province = guess_province(host)
    lines = [
        "[[unit]]",
        f"id = {_q(uid)}",
        f"name = {_q(result.site_name or uid)}  # check: the unit's Vietnamese name",
        f"province = {_q(province or 'FIXME')}"
        + ("" if province else "  # set: an id from provinces.toml"),
        f"platform = {_q(result.platform)}",
        f"homepage = {_q(f'{parts.scheme}://{parts.netloc}/')}",
    ]
    if result.platform == "feed":
        lines.append(f"feed_url = {_q(result.url)}")
    if allow_private:
        lines.append("allow_private = true")
    lines += ["", "[[unit.start]]", f"url = {_q(result.url)}", f"category = {_q(category)}"]
    if result.selectors:
        lines += ["", "[unit.selectors]"] + [f"{k} = {_q(v)}" for k, v in result.selectors.items()]
    return "\n".join(lines) + "\n"
