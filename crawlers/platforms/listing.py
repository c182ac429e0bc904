"""Reading list pages with a platform's selectors: article links, dates, next page.

Keys (overridable per unit like the article keys): ``list_links`` (the article
anchors, or items holding one); relative to an item ``list_link``, ``list_date``,
``list_summary``; ``next_page``. Paging links never count as articles; without a
``next_page`` match the next page is ``rel=next``, the link to page n+1 (``cur``,
``page``, ``trang``, ``/page-N/``) or a "Sau"/"»" link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from crawlers.cleaning.dates import ISO_DATE
from crawlers.cleaning.urls import unwrap_archive
from crawlers.platforms.base import ListEntry, ListPage
from crawlers.platforms.common import clean_href, first_text, merged, select, text_of
from crawlers.platforms.datetext import DATE_LINE_EXTRA, DATE_RE


def _dates(text: str) -> list[re.Match[str]]:
    """Date-looking matches in ``text``, in order (Vietnamese day-first, then ISO 8601)."""
    found = [*DATE_RE.finditer(text), *ISO_DATE.finditer(text)]
    return sorted(found, key=lambda m: m.start())


def _in_prose(date: str, node: Selector) -> bool:
    """True when ``date`` is cited inside a sentence of ``node`` (a summary's "Ngày
    20/3/2019, LĐLĐ tỉnh tổ chức …"), not printed as the item's date (a short line, or
    the end of a line: "Tin A (24.06.2019)")."""
    for raw in node.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall():
        text = " ".join(raw.split())
        if date not in text or len(text) - len(date) <= DATE_LINE_EXTRA:
            continue
        if not text.rstrip(" )].").endswith(date) and not text.lstrip(" ([").startswith(date):
            return True
    return False


def _entry_date(item: Selector, href: str, spec: str | None, title: str = "") -> str:
    """The date an item shows: its date element, else the first date-like text near it
    (in the item or the ancestors that hold no link to another article), never a date
    the title itself mentions ("Quyết định ngày 01/04/2019 của …") nor one a summary
    cites in a sentence."""
    if spec:
        text = first_text(item, spec)
        if text:
            return text
    inside = title.rstrip(" )]")
    for node in (item, *item.xpath("ancestor::*[position() <= 3]")[::-1]):
        links = {clean_href(h) for h in node.xpath(".//a/@href").getall()}
        if links - {href}:
            break
        for m in _dates(text_of(node)):
            if m.group(0) in inside and not inside.endswith(m.group(0)):
                continue
            if _in_prose(m.group(0), node):
                continue
            return m.group(0)
    return ""


def without_date(title: str, date: str) -> str:
    """A list title without the date printed at the end of its link ("Tin A (24.06.2019)").

    Only a trailing date (bare or in brackets) goes, and empty brackets left by a list
    that prints none; a date inside the title ("Quyết định ngày 01/04/2019 của …") stays.
    """
    rest = title.rstrip()
    if date and rest.endswith(date.strip()):
        rest = rest[: len(rest) - len(date.strip())]
    elif date:
        rest = _without_bracketed(rest, date.strip(" ()[]"))
    rest = re.sub(r"\s*[(\[]\s*[)\]]\s*$", "", rest)
    rest = " ".join(rest.split()).rstrip(" -–|:,")
    return rest or title


def _without_bracketed(text: str, core: str) -> str:
    """``text`` without ``(core)`` or ``[core]`` (spaces inside allowed) at its end: what
    ``[(\\[]\\s*core\\s*[)\\]]\\s*$`` matches, read from the end (no pattern compiled per
    date: every list entry has its own)."""
    if core != core.strip():  # spaces of its own, which the pattern's could take: rare
        m = re.search(r"[(\[]\s*" + re.escape(core) + r"\s*[)\]]\s*$", text)
        return text[: m.start()] if m else text
    inner = text.rstrip()
    if not inner.endswith((")", "]")):
        return text
    inner = inner[:-1].rstrip()
    if not inner.endswith(core):
        return text
    before = inner[: len(inner) - len(core)].rstrip()
    return before[:-1] if before.endswith(("(", "[")) else text


def _anchor(item: Selector, spec: str | None) -> Selector | None:
    """The article link of a list item: the item itself, ``spec`` in it, or its first titled link."""
    if item.root.tag == "a":
        return item
    anchors = select(item, spec) if spec else item.css("a[href]")
    for a in anchors:
        if a.root.tag != "a":
            a = a.xpath("ancestor-or-self::a[1] | .//a[@href]")[:1]
            if not a:
                continue
            a = a[0]
        if text_of(a) or a.attrib.get("title"):
            return a
    return anchors[0] if anchors and anchors[0].root.tag == "a" else None


_NEXT_WORDS = {"sau", "tiếp", "trang sau", "tiếp theo", "next", "»", "›", ">", ">>"}
_PAGE_PARAM = re.compile(r"(?:^|_)(cur|page|p|trang|pageindex|pagenum)$", re.IGNORECASE)
_PAGE_PATH = re.compile(r"/(?:page|trang)-(\d+)/?$")


def _page_no(url: str) -> tuple[str, int]:
    """(the URL without its page number, the page number: 1 when absent)."""
    parts = urlsplit(url)
    m = _PAGE_PATH.search(parts.path)
    base_path = parts.path[: m.start()] + "/" if m else parts.path
    number = int(m.group(1)) if m else 1
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if _PAGE_PARAM.search(key) and value.isdigit():
            number = int(value)
        elif not key.lower().endswith("delta"):
            query.append((key, value))
    return f"{parts.netloc}{base_path.rstrip('/')}?{sorted(query)}", number


def _is_pager_link(anchor: Selector, title: str) -> bool:
    """Paging links ("2", "Sau", "»") and links inside a pagination block."""
    if title.isdigit() or title.lower() in _NEXT_WORDS:
        return True
    pager = "ancestor::*[contains(@class, 'pagin') or contains(@class, 'paging') or contains(@class, 'pager')]"
    return bool(anchor.xpath(pager))


def find_next(sel: Selector, url: str) -> str | None:
    """The next list page: ``rel=next``, a "Sau"/"»" link, or the link to page n+1."""
    rel = sel.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').get()
    if rel:
        return urljoin(url, clean_href(rel))
    base, number = _page_no(url)
    by_word = None
    for a in sel.css("a[href]"):
        href = clean_href(a.attrib["href"])
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        link = urljoin(url, href)
        other_base, other_no = _page_no(link)
        if other_base == base and other_no == number + 1:
            return link
        label = (text_of(a) or a.attrib.get("title", "")).lower()
        if by_word is None and label in _NEXT_WORDS:
            by_word = link
    return by_word


def parse_list_with(
    defaults: Mapping[str, str], sel: Selector, url: str, overrides: Mapping[str, str] | None
) -> ListPage:
    """Read a list page: article links (absolute, unique, in order) and the next page."""
    s = merged(defaults, overrides)
    seen: set[str] = set()
    entries: list[ListEntry] = []
    for item in select(sel, s.get("list_links")):
        anchor = _anchor(item, s.get("list_link"))
        if anchor is None:
            continue
        href = clean_href(anchor.attrib.get("href") or "")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        link = unwrap_archive(urljoin(url, href), url)
        title = text_of(anchor) or (anchor.attrib.get("title") or "").strip()
        if link in seen or _is_pager_link(anchor, title):
            continue
        seen.add(link)
        date = _entry_date(item, href, s.get("list_date"), title)
        title = without_date(title, date)
        summary = first_text(item, s.get("list_summary")) if item is not anchor else ""
        entries.append(ListEntry(url=link, title=title, date_text=date, summary=summary))
    next_url = None
    for node in select(sel, s.get("next_page")):
        href = node.root if isinstance(node.root, str) else node.attrib.get("href")
        href = clean_href(href or "")
        if href and not href.startswith(("#", "javascript:")):
            next_url = urljoin(url, href)
            break
    if next_url is None and entries:
        next_url = find_next(sel, url)
    return ListPage(entries=entries, next_url=next_url)
