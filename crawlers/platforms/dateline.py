"""What stands around an article's title on a page no platform knows: its date line and
its category (the title is :func:`crawlers.platforms.headline.find_title`'s).

:func:`date_line` reads the date from a stamp ending the title's heading, then from the
short text lines between the title and the body (never a related list's date after the
body, never a date cited in prose), else right above the title; :func:`date_after_body`
from a short line right after the body's last words (Liferay's asset metadata, a theme's "Ngày đăng …" under
the article), when nothing before it dates the article. :func:`date_bar_category` reads a
"category | date" bar over the title, :func:`category_link` a link to the category's page
right before it (a breadcrumb's last section).
"""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

from crawlers.cleaning.titles import split_title_stamp
from crawlers.platforms.datetext import WEEKDAY, date_line_of
from crawlers.platforms.headline import holder, in_frame, key, squash

MAX_SCAN = 80  # text nodes between a title and the body
NEAR_SCAN = 15  # … next to the title, when the body found is not after it
ABOVE_SCAN = 5  # text nodes above a title where its date line may stand
HEADLINE_WORDS = 3  # a link saying this many words names another article
PROSE = 150  # characters: a text node this long is the article's text, not a date line
_BLOCKS = ("p", "div", "li", "td", "span")  # what holds a body's last line on a page
AFTER_SCAN = 12  # text nodes after the body's last words where its date line may stand


def _date_in(text: etree._ElementUnicodeResult) -> str:
    """The text node's words when it is a date line (a date and at most a few labels)."""
    if holder(text).tag in ("script", "style"):
        return ""
    return date_line_of(text)


def date_line(title: etree._Element | None, anchor: etree._Element | None) -> str:
    """The first short date line after ``title`` and before the body's ``anchor``; else
    one right above the title (a "category (17.05.2019 10:20)" row over the headline).

    First, a bracketed date ending the title's own heading (``split_title_stamp``), never a
    date its words cite. A body found before the title (the page frame read as the body)
    bounds nothing: then the date line nearest the title within a few lines, after or above
    it, never a related list's dates further on; with no body located, the scan after the
    title is as short (a date deep in the body's tables is not the article's). The scan
    after the title ends where the article's text begins (a text of more than
    :data:`PROSE` characters).
    """
    if title is None:
        return ""
    stamp = split_title_stamp(squash(title.xpath("string()")))[1]
    if stamp:  # the heading ends with its date: "Tin quy định chung <span>( … )</span>"
        return stamp
    limit = MAX_SCAN if anchor is not None else NEAR_SCAN  # no body located: near the title
    near = anchor is not None and anchor in title.xpath("preceding::*")
    if near:
        limit, anchor = NEAR_SCAN, None
    after, distance = "", limit + 1
    for i, text in enumerate(title.xpath("following::text()")):
        parent = holder(text)
        if i > limit or (
            anchor is not None and (parent is anchor or anchor in parent.iterancestors())
        ):
            break
        if len(text.strip()) > PROSE and parent.tag not in ("script", "style"):
            break  # the article's text has begun: a date further on is not its date line
        after = _date_in(text)
        if after and _in_list_entry(text):
            after = ""  # a related list's "(04/04/2019)"
        if after:
            distance = i
            break
    if after and not near:
        return after
    before = title.xpath(f"preceding::text()[normalize-space()][position() <= {ABOVE_SCAN}]")
    for j, text in enumerate(reversed(before)):
        line = _date_in(text)
        if line and _dates_the_article(text):
            return line if j < distance or not after else after
    return after


#: The label of a "category | date" bar says at most this many words.
BAR_LABEL_WORDS = 10
#: A field's label, not a category: "Tác giả: …", "Ngày đăng", "Cập nhật", "Lượt xem".
_FIELD_LABEL = re.compile(
    r":|^(?:ngày|cập nhật|đăng|thời gian|tác giả|người (?:đăng|viết)|nguồn|lượt xem)\b",
    re.IGNORECASE,
)


def date_bar_category(title: etree._Element | None) -> str:
    """The label of a "category | date" bar right above the title: a table row of two
    cells holding words, the label (a few words, no digit, not a field's label such as
    "Ngày đăng" or "Tác giả: …") and the article's date line ("Tin hoạt động |
    30/07/2019"); else ""."""
    if title is None:
        return ""
    before = title.xpath(f"preceding::text()[normalize-space()][position() <= {ABOVE_SCAN}]")
    for text in reversed(before):
        if not _date_in(text) or not _dates_the_article(text):
            continue
        el = text.getparent()
        cell = next((a for a in (el, *el.iterancestors()) if a.tag in ("td", "th")), None)
        row = cell.getparent() if cell is not None else None
        if cell is None or row is None or row.tag != "tr":
            return ""
        cells = [c for c in row if c.tag in ("td", "th") and squash(c.text_content())]
        if len(cells) != 2:
            return ""
        label = squash(cells[0].text_content())
        few = len(label.split()) <= BAR_LABEL_WORDS and not any(ch.isdigit() for ch in label)
        return label if few and not _FIELD_LABEL.search(label) else ""
    return ""


#: A category link names a section in a few words.
CATEGORY_WORDS = 8
#: Containers of the path to the page, which the page frame's rule would otherwise reject.
_PATH = re.compile(r"breadcrumb|duong-?_?dan|path", re.IGNORECASE)
#: Links before a title that name no section: the home page, "back", "more"
_NO_SECTION = re.compile(
    r"^(trang chủ|trang nhất|home|quay lại|trở lại|trở về|back|xem thêm|chi tiết)$", re.IGNORECASE
)


def category_link(title: etree._Element | None) -> str:
    """The category a page names by a link right before the title (a breadcrumb's last
    section, ASP.NET's ``div.chuyenmuc a``, CmsView's ``h3.title-list-news a``): the nearest
    text before it, past separators ("»") and a date line, when it is a link to another page
    of a few words with no digit, not the home page or a "back" link, not in the page frame's
    menus; else ""."""
    if title is None:
        return ""
    before = title.xpath("preceding::text()[normalize-space()][position() <= 4]")
    for text in reversed(before):
        if not any(ch.isalnum() for ch in text) or _date_in(text):
            continue  # "»", "|", the date bar's date
        link = next(iter(holder(text).xpath("ancestor-or-self::a[@href][1]")), None)
        if link is None or not _navigates(link):
            return ""
        label = squash(link.xpath("string()"))
        words = label.split()
        if not 1 <= len(words) <= CATEGORY_WORDS or any(ch.isdigit() for ch in label):
            return ""
        if _NO_SECTION.match(label) or key(label) == key(title.xpath("string()")):
            return ""
        return "" if _in_menu(link) else label
    return ""


def _navigates(a: etree._Element) -> bool:
    href = (a.get("href") or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript:", "mailto:", "tel:"))


def _in_menu(el: etree._Element) -> bool:
    """In the page frame (menus, sidebars, header, footer) and not in a path to the page."""
    for node in (el, *el.iterancestors()):
        names = f"{node.get('class') or ''} {node.get('id') or ''} {node.get('aria-label') or ''}"
        if _PATH.search(names):
            return False
    return in_frame(el)


_WEEKDAY = re.compile(rf"^\W*{WEEKDAY}\b", re.I)


def _in_list_entry(text: etree._ElementUnicodeResult) -> bool:
    """The text is part of a list entry: in a list item or a link, or in a block with a
    link to another page that reads like a headline. A tool bar's links beside the date
    ("A+", "In bài", icons, ``javascript:`` and ``#`` links) make no list entry."""
    el = text.getparent()
    block = next((a for a in (el, *el.iterancestors()) if a.tag not in _INLINE), el)
    if block.xpath("ancestor-or-self::li | ancestor::a"):
        return True
    return any(_headline_link(a) for a in block.xpath(".//a[@href]"))


def _under_headline_link(text: etree._ElementUnicodeResult) -> bool:
    """The text belongs to a list entry or block that links another article by its headline."""
    el = text.getparent()
    block = next((a for a in (el, *el.iterancestors()) if a.tag not in _INLINE), el)
    entry = next(iter(block.xpath("ancestor-or-self::li[1]")), block)
    return any(_headline_link(a) for a in entry.xpath(".//a[@href] | ancestor::a[@href]"))


def _headline_link(a: etree._Element) -> bool:
    """A link to another page whose text reads like a headline (three words or more)."""
    return _navigates(a) and len(a.xpath("string()").split()) >= HEADLINE_WORDS


def _dates_the_article(text: etree._ElementUnicodeResult) -> bool:
    """A date line above the title that is the article's: not in the page frame, not a
    list entry's (next to a link), not a header clock (those name the weekday)."""
    if in_frame(text.getparent()) or _in_list_entry(text):
        return False
    return not _WEEKDAY.match(squash(text))


_INLINE = frozenset({"a", "span", "b", "strong", "em", "i", "font", "small", "nobr"})


def date_after_body(sel: Selector, body_text: str) -> str:
    """A short date line right after the body's last words on the page (within
    :data:`AFTER_SCAN` text nodes): Liferay's asset metadata, a theme's "Ngày đăng
    11/07/2022 | 7:48 PM" under the article. Never a related list's date (a list entry's),
    the page frame's, or one past the next prose or headline link."""
    last = next(
        (squash(line) for line in reversed(body_text.splitlines()) if len(line.strip()) >= 20), ""
    )
    if not last:
        return ""
    probe = key(last)[-30:]
    # the innermost block whose words end the body (its last line may run over several
    # text nodes: "Chi tiết xem <a>Quyết định số 1520</a>.")
    blocks = reversed(list(sel.root.iter(*_BLOCKS)))  # the last and innermost first
    end = next((el for el in blocks if key(el.xpath("string()")).endswith(probe)), None)
    if end is None:
        return ""
    for text in end.xpath(f"following::text()[normalize-space()][position() <= {AFTER_SCAN}]"):
        parent = holder(text)
        if len(text.strip()) > PROSE or _under_headline_link(text):
            return ""  # the page's prose or a related list: no date line of the article here
        if _in_list_entry(text):
            continue  # a share button's "Facebook", a tag
        line = _date_in(text)
        if line and not in_frame(parent):
            return line
    return ""
