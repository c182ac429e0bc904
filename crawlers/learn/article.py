"""Induce an article template's title and date selectors from a few samples and their
list entries, and the sample model and candidate choice all of learning shares.

- title: the element whose text is the list entry's title (same words, matching form);
- date: the date-like text whose day is the list entry's day (nearest after the title).

The body and the chrome inside it are learned in :mod:`crawlers.learn.body`. Every
selector proposed is tested on every sample with the crawler's own engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector

from crawlers.cleaning.dates import ParsedDate, parse_vn_date
from crawlers.listcheck import titles_agree
from crawlers.platforms.candidates import (
    contains,
    is_element,
    named,
    root_of,
    selectors_for,
    text_nodes,
    unique,
)
from crawlers.platforms.common import first_text, select
from crawlers.platforms.datetext import DATE_RE
from domain.timezone import VN_TZ


@dataclass
class Sample:
    """One article page with what its list entry said about it."""

    url: str
    sel: Selector
    list_title: str
    list_date: ParsedDate | None
    own: dict[etree._Element, int] = field(default_factory=dict)  # text unique to the page
    common: dict[etree._Element, int] = field(default_factory=dict)  # text seen on others
    links: dict[etree._Element, int] = field(default_factory=dict)  # link text
    other: dict[etree._Element, int] = field(default_factory=dict)  # short text of its own


def _day(p: ParsedDate) -> object:
    return p.value.astimezone(VN_TZ).date()


def best_candidate(
    candidates: list[str], score: Callable[[str], float], samples: list[Sample]
) -> tuple[str | None, float]:
    """The candidate with the highest score; ties go to fewer matches, then shorter text."""
    best: tuple[float, bool, float, int] | None = None
    winner = None
    for c in candidates:
        s = score(c)
        if s <= 0:
            continue
        spread = sum(len(select(x.sel, c)) for x in samples) / len(samples)
        key = (s, named(c), -spread, -len(c))
        if best is None or key > best:
            best, winner = key, c
    return winner, best[0] if best else 0.0


# -- title -------------------------------------------------------------------------


def title_elements(sample: Sample) -> list[etree._Element]:
    """The smallest elements whose text is the list entry's title."""
    body = root_of(sample.sel).find("body")
    if body is None or not sample.list_title:
        return []
    first = sample.list_title.split()[0].casefold() if sample.list_title.split() else ""
    hits: list[etree._Element] = []
    for _text, el, _link in text_nodes(body):
        if first and first not in _text.casefold():
            continue
        for node in [el, *list(el.iterancestors())[:3]]:
            text = " ".join(" ".join(node.itertext()).split())
            if len(text) > 3 * len(sample.list_title) + 40:
                break
            if titles_agree(text, sample.list_title):
                hits.append(node)
                break
    smallest = [
        h for h in unique_elements(hits) if not any(contains(h, o) for o in hits if o is not h)
    ]
    # a link to the article itself (a related list, a share widget) is not its title
    plain = [h for h in smallest if not h.xpath("ancestor-or-self::a")]
    return plain or smallest


def unique_elements(els: list[etree._Element]) -> list[etree._Element]:
    """Elements once each, in order."""
    return list(dict.fromkeys(els))


def learn_title(samples: list[Sample]) -> str | None:
    """The selector whose first text agrees with the list title on most samples."""
    cands = unique(c for s in samples for el in title_elements(s) for c in selectors_for(el))

    def score(c: str) -> float:
        return sum(titles_agree(first_text(s.sel, c), s.list_title) for s in samples)

    winner, got = best_candidate(cands, score, samples)
    return winner if winner and got >= max(1, len(samples) / 2) else None


# -- date --------------------------------------------------------------------------


def _date_elements(sample: Sample, title: str | None) -> list[etree._Element]:
    """Elements with a date-like text on the list entry's day, those after the title first."""
    if sample.list_date is None:
        return []
    body = root_of(sample.sel).find("body")
    if body is None:
        return []
    day = _day(sample.list_date)
    found = []
    for text, el, in_link in text_nodes(body):
        if in_link or (not DATE_RE.search(text) and "tháng" not in text.lower()):
            continue
        if _in_link_list(el):
            continue  # a related-news list shows dates too
        parsed = parse_vn_date(text)
        if parsed is not None and _day(parsed) == day:
            found.append(el)
    titles = select(sample.sel, title) if title else []
    if titles and is_element(titles[0].root):
        anchor = titles[0].root
        after = set(anchor.xpath("following::*"))
        found.sort(key=lambda e: e not in after)
    return unique_elements(found)


def _in_link_list(el: etree._Element) -> bool:
    """``el`` is an entry of a list of links (a related-news list): in an ``li``, or
    printed right after a link ("<a>Tin khác</a> <span>(23/8/2025)</span>")."""
    before = el.getprevious()
    return bool(el.xpath("ancestor::li")) or (before is not None and before.tag == "a")


def _first_date_after(sample: Sample, title: str) -> etree._Element | None:
    """The first element after the title with a date-like text, outside link lists."""
    titles = select(sample.sel, title)
    if not titles or not is_element(titles[0].root):
        return None
    for node in titles[0].root.xpath("following::text()")[:200]:
        el = node.getparent()
        if el is None or el.tag in ("script", "style") or el.xpath("ancestor-or-self::a"):
            continue
        text = " ".join(str(node).split())
        if (DATE_RE.search(text) or "tháng" in text.lower()) and parse_vn_date(text):
            return None if _in_link_list(el) else el
    return None


def _undated_list_date(samples: list[Sample], title: str | None) -> str | None:
    """Without list dates: the first date after the title, if one selector finds it on all."""
    if not title:
        return None
    found = [el for s in samples if (el := _first_date_after(s, title)) is not None]
    cands = unique(c for el in found for c in selectors_for(el))

    def score(c: str) -> float:
        return sum(parse_vn_date(first_text(s.sel, c)) is not None for s in samples)

    winner, got = best_candidate(cands, score, samples)
    return winner if winner and got == len(samples) else None


def learn_date(samples: list[Sample], title: str | None) -> str | None:
    """The selector whose first text parses to the list entry's day on most dated samples
    (without list dates: the first date after the title, found on every sample)."""
    dated = [s for s in samples if s.list_date is not None]
    if not dated:
        return _undated_list_date(samples, title)
    cands = unique(
        c for s in dated for el in _date_elements(s, title)[:3] for c in selectors_for(el)
    )

    def score(c: str) -> float:
        n = 0
        for s in dated:
            parsed = parse_vn_date(first_text(s.sel, c))
            n += (
                parsed is not None and s.list_date is not None and _day(parsed) == _day(s.list_date)
            )
        return n

    winner, got = best_candidate(cands, score, dated)
    return winner if winner and got >= max(1, 0.6 * len(dated)) else None
