"""Induce the article template's category element from a few samples.

The category an article page prints ("Tin văn hóa", "An ninh quốc phòng") is, in the
templates seen, the nearest short text before the title that is not a date and not a
link: a folder header next to the date, a result table's heading, an item above the
article. It belongs to the article template, so the list page (the same site chrome,
no article) has no element the selector matches; a sidebar or portlet heading, which
the list page prints too, is never taken. A selector is kept when it reads, on most
samples, the text found that way.
"""

from __future__ import annotations

from lxml import etree
from parsel import Selector

from crawlers.cleaning.dates import parse_vn_date
from crawlers.learn.article import Sample, best_candidate
from crawlers.listcheck import titles_agree
from crawlers.platforms.candidates import is_element, selectors_for, unique
from crawlers.platforms.common import first_text, select
from crawlers.platforms.datetext import DATE_RE

#: A category is a label: at most this many characters.
MAX_CATEGORY = 80
#: Texts looked at before the title, nearest first (the date usually sits between).
LOOK_BACK = 6
_SKIP = ("script", "style", "option", "select", "noscript")


def _is_date(text: str) -> bool:
    return bool(DATE_RE.search(text)) and parse_vn_date(text) is not None


def _nearest_label(sample: Sample, title: str) -> etree._Element | None:
    """The element of the nearest short, non-date, non-link text before the title."""
    titles = select(sample.sel, title)
    if not titles or not is_element(titles[0].root):
        return None
    seen = 0
    for node in reversed(titles[0].root.xpath("preceding::text()")[-400:]):
        el = node.getparent()
        if el is None or el.tag in _SKIP or el.xpath(f"ancestor::*[{_skip_test()}]"):
            continue
        text = " ".join(str(node).split())
        if not text:
            continue
        seen += 1
        if seen > LOOK_BACK or len(text) > MAX_CATEGORY:
            return None
        if el.xpath("ancestor-or-self::a") or _is_date(text) or len(text) < 2:
            continue
        if titles_agree(text, sample.list_title):
            continue  # the title printed twice (a breadcrumb's last item)
        if node.is_tail:  # loose text after an element: no element of its own
            return None
        return el
    return None


def _skip_test() -> str:
    return " or ".join(f"self::{t}" for t in _SKIP)


def learn_category(samples: list[Sample], title: str | None, list_page: Selector) -> str | None:
    """The selector of the category label before the title, absent from the list page."""
    if not title:
        return None
    labels = {s.url: el for s in samples if (el := _nearest_label(s, title)) is not None}
    if len(labels) < max(2, (len(samples) + 1) // 2):
        return None
    cands = unique(c for el in labels.values() for c in selectors_for(el))
    cands = [c for c in cands if not select(list_page, c)]  # site chrome: on the list too

    def text_of(el: etree._Element) -> str:
        return " ".join(" ".join(el.itertext()).split())

    def score(c: str) -> float:
        return sum(
            s.url in labels and " ".join(first_text(s.sel, c).split()) == text_of(labels[s.url])
            for s in samples
        )

    winner, got = best_candidate(cands, score, samples)
    return winner if winner and got >= max(2, 0.6 * len(samples)) else None
