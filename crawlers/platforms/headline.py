"""Where an article starts on a page no platform knows: its title element and date line.

Real pages put portlet, section and site headings ("Quy hoạch - Kế hoạch", "Tin nổi
bật", the site's name in an ``h1``) before the article, so "the first ``h1``" lies.
:func:`find_title` takes, among the headings before the body (nearest first, none in
the page frame, no section labels), the one ``og:title`` names, else one whose words
appear in the page's ``<title>``; then the same among elements whose class or id names
them a title (``p.Title``, ``span#lblTieuDe``: many themes print the headline in no
heading); else the nearest of either. :func:`date_line` reads the date from the short
text lines between that title and the body (never a related list's date after the body,
never a date cited in prose).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree
from parsel import Selector

from crawlers.cleaning.html import drop_element, parse_fragment
from crawlers.platforms.common import date_line_of
from domain.syllables import slug

_HEADING_TAGS = ("h1", "h2", "h3", "h4")
_FRAME = re.compile(
    r"menu|nav|sidebar|side-bar|portlet-title|breadcrumb|footer|banner|widget|module-title",
    re.IGNORECASE,
)
#: a class or id naming its element a title ("Title", "news-title", "lblTieuDe") …
_TITLED = re.compile(r"title|tieu-?_?de|headline", re.IGNORECASE)
#: … but not a subtitle, the site's or a web part's title bar, the header, a category, a
#: related list or a box of links ("Liên kết Website")
_NOT_TITLED = re.compile(
    r"sub-?_?title|site-?_?title|page-?_?title|wptitle|s4-title|logo|header|folder|categor"
    r"|cat-?_?title|other|related|lien-?_?quan|khac|link|lien-?_?ket",
    re.IGNORECASE,
)
#: what libxml2 narrows the search for titled elements to, before the regexes decide
_LOWER = (
    "translate(concat(@class, ' ', @id), "
    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
)
_TITLED_XPATH = (
    "//body//*[not(self::a or self::script or self::style or self::option or self::table"
    " or self::tbody or self::thead or self::tr or self::ul or self::ol or self::form)]"
    f"[contains({_LOWER}, 'title') or contains({_LOWER}, 'tieu') or contains({_LOWER}, 'headline')]"
)
_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style)]"
_DATE_TOKEN = re.compile(r"^[(\[]?\d{1,4}([/.:-]\d{1,4})+[)\],]?$")
_BOGUS = re.compile(r"^(\w*Controller|Trang chủ|Home|Untitled|Default)$", re.IGNORECASE)
_TITLE_META = 'meta[property="og:title"]::attr(content), meta[name="title"]::attr(content)'
MAX_SCAN = 80  # text nodes between a title and the body
NEAR_SCAN = 15  # … next to the title, when the body found is not after it
ABOVE_SCAN = 5  # text nodes above a title where its date line may stand
PROSE = 150  # characters: a text node this long is the article's text, not a date line


def squash(text: str) -> str:
    """Whitespace collapsed."""
    return " ".join(text.split())


def key(text: str) -> str:
    """Whitespace collapsed and case folded: how titles and texts are compared."""
    return squash(text).casefold()


def _texts(root: etree._Element) -> list[etree._Element]:
    """The page's visible text nodes, in document order."""
    return root.xpath("//body//text()[normalize-space()][not(ancestor::script or ancestor::style)]")


def body_anchor(sel: Selector, body_text: str) -> etree._Element | None:
    """The element holding the first words of ``body_text`` on the page (None if absent)."""
    first = next((squash(line) for line in body_text.splitlines() if len(line.strip()) >= 20), "")
    if not first:
        return None
    probe = key(first)[:30]
    for text in _texts(sel.root):
        if probe in key(text) or (len(key(text)) >= 20 and key(text)[:30] in probe):
            return text.getparent()
    return None


def _in_frame(el: etree._Element) -> bool:
    """Inside navigation, a sidebar, a portlet's title bar, the header or the footer."""
    for node in (el, *el.iterancestors()):
        if node.tag in ("nav", "aside", "footer"):
            return True
        if node.tag == "header" and not node.xpath("ancestor::article | ancestor::main"):
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _FRAME.search(attrs):
            return True
    return False


def _section_heading(el: etree._Element, text: str) -> bool:
    """A heading that names a section, not an article: a link elsewhere, or a short
    all-capitals label."""
    if el.xpath(".//a[@href] | ancestor::a[@href]"):
        return True
    words = text.split()
    return len(words) <= 6 and text == text.upper() and any(c.isalpha() for c in text)


def _candidates(sel: Selector) -> list[tuple[etree._Element, str]]:
    out = []
    for el in sel.root.iter(*_HEADING_TAGS):
        text = squash(el.xpath("string()"))
        if 1 <= len(text.split()) <= 60 and not _BOGUS.match(text) and not _in_frame(el):
            out.append((el, text))
    return out


def _titled(sel: Selector) -> list[tuple[etree._Element, str]]:
    """Elements that are not headings but whose class or id names them a title
    (``p.Title``, ``div.news-title``, ASP.NET's ``span#lblTieuDe``), in document order,
    shown, outside the page frame, with 3 to 60 words that are not only a date line; never
    a table, its row or a list (a header row's cells run together, not a title)."""
    out = []
    for el in sel.root.xpath(_TITLED_XPATH):
        if el.tag in _HEADING_TAGS:
            continue  # a heading is a candidate already
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _TITLED.search(names) or _NOT_TITLED.search(names):
            continue
        if _hidden(el):
            continue
        text = squash(" ".join(el.xpath(_VISIBLE_TEXT)))
        words = [w for w in text.split() if not _DATE_TOKEN.match(w)]
        if len(words) >= 3 and len(text.split()) <= 60 and not _in_frame(el):
            out.append((el, text))
    return out


def _hidden(el: etree._Element) -> bool:
    """Styled ``display: none`` (itself or an ancestor): never shown, never the title."""
    return any(
        "display:none" in (node.get("style") or "").replace(" ", "").lower()
        for node in (el, *el.iterancestors())
    )


def _before(order: dict[etree._Element, int], el: etree._Element, anchor: etree._Element) -> bool:
    return order.get(el, 0) <= order.get(anchor, len(order))


def _url_words(url: str) -> str:
    """The words of the page's address as a title's slug would spell them, squeezed
    ("…/chinh-sach-moi-co-hieu-luc-tu-thang-62019/" -> "chinhsachmoicohieuluctuthang62019");
    "" when the address holds no headline (an id, a short name)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return ""
    last = re.sub(r"\.(?:html?|aspx?|php|jsp)$", "", unquote(segments[-1]), flags=re.I)
    last = re.sub(r"^\d+-|-\d+$", "", last)  # Liferay's "12345-slug", NukeViet's "slug-12345"
    if len(slug(last).split("-")) < 4:
        return ""
    return slug(last).replace("-", "")


def slug_title(sel: Selector, url: str) -> tuple[str, etree._Element | None]:
    """The text the page's address spells (sites make an article's address from its title:
    ``/thue-bao-di-dong-co-the-…/`` for "Thuê bao di động có thể …"), outside links and the
    page frame; ("", None) when none does. A sidebar heading never spells the address."""
    words = _url_words(url)
    if not words:
        return "", None
    for text in _texts(sel.root):
        el = text.getparent()
        if text.is_tail:
            el = el.getparent()
        clean = squash(text)
        if not 3 <= len(clean.split()) <= 60 or el.tag in ("a", "title", "option", "script"):
            continue
        spelled = slug(clean).replace("-", "")
        if spelled != words and not (len(words) >= 20 and spelled.startswith(words)):
            continue
        if el.xpath("ancestor::a[@href]") or _in_frame(el):
            continue
        return clean, el
    return "", None


def find_title(
    sel: Selector, anchor: etree._Element | None, url: str = ""
) -> tuple[str, etree._Element | None]:
    """The article's title and its element (None when only ``og:title`` names it).

    The text the page's address spells (:func:`slug_title`); else, among the headings
    before the body (nearest first, none in the page frame): the one ``og:title`` names,
    else one whose words are in ``<title>``; else the same among the elements a class or
    id names a title (:func:`_titled`: ``p.Title``); else the nearest heading or titled
    element of 3 words or more that is not a section label; ``og:title`` alone only when
    none qualifies (it can name the section: "Bản tin nội bộ").
    """
    spelled, spelled_el = slug_title(sel, url) if url else ("", None)
    if spelled:
        return spelled, spelled_el
    order = {el: i for i, el in enumerate(sel.root.iter())}
    page_title = key(sel.css("title::text").get(""))
    meta = squash(sel.css(_TITLE_META).get(""))
    meta = "" if _BOGUS.match(meta) else meta
    all_headings, all_titled = _candidates(sel), _titled(sel)
    if anchor is not None and not any(
        _before(order, el, anchor) for el, _ in (*all_headings, *all_titled)
    ):
        anchor = None  # the body was found at the page's top: the whole page, frame and all
    headings = _nearest_first(all_headings, order, anchor)
    found = _named(headings, meta, page_title)
    if found:
        return found
    titled = _nearest_first(all_titled, order, anchor)
    found = _named(titled, meta, page_title)
    if found:
        return found
    if anchor is not None:  # the nearest before the body, a titled element or a heading
        headings = sorted([*headings, *titled], key=lambda c: -order.get(c[0], 0))
    else:
        headings = [*headings, *titled]
    for el, text in headings:
        if len(text.split()) >= 3:
            return text, el
    if meta:
        return meta, None
    return "", None


def _nearest_first(
    found: list[tuple[etree._Element, str]],
    order: dict[etree._Element, int],
    anchor: etree._Element | None,
) -> list[tuple[etree._Element, str]]:
    """Candidates before the body, nearest first (all, in page order, when no body was
    located), section labels left out."""
    if anchor is not None:
        found = [(el, t) for el, t in found if _before(order, el, anchor)][::-1]
    return [(el, t) for el, t in found if not _section_heading(el, t)]


def _named(
    found: list[tuple[etree._Element, str]], meta: str, page_title: str
) -> tuple[str, etree._Element] | None:
    """The candidate ``og:title`` names, else the first whose text ``<title>`` holds."""
    if meta:
        named = next(((el, t) for el, t in found if key(t) == key(meta)), None)
        if named:
            return named[1], named[0]
    for el, text in found:
        if page_title and key(text) in page_title:
            return text, el
    return None


def _date_in(text: etree._ElementUnicodeResult) -> str:
    """The text node's words when it is a date line (a date and at most a few labels)."""
    parent = text.getparent()
    if text.is_tail:  # the text after an element belongs to that element's parent
        parent = parent.getparent()
    if parent.tag in ("script", "style"):
        return ""
    return date_line_of(text)


def date_line(title: etree._Element | None, anchor: etree._Element | None) -> str:
    """The first short date line after ``title`` and before the body's ``anchor``; else
    one right above the title (a "category (17.05.2019 10:20)" row over the headline).

    A body found before the title (the page frame read as the body) bounds nothing: then
    the date line nearest the title within a few lines, after or above it, never a
    related list's dates further on. The scan after the title ends where the article's
    text begins (a text of more than :data:`PROSE` characters).
    """
    if title is None:
        return ""
    limit = MAX_SCAN
    near = anchor is not None and anchor in title.xpath("preceding::*")
    if near:
        limit, anchor = NEAR_SCAN, None
    after, distance = "", limit + 1
    for i, text in enumerate(title.xpath("following::text()")):
        parent = text.getparent()
        if text.is_tail:
            parent = parent.getparent()
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
        holder = text.getparent()
        cell = next((a for a in (holder, *holder.iterancestors()) if a.tag in ("td", "th")), None)
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


_WEEKDAY = re.compile(r"^\W*(?:thứ\s+(?:[2-7]|hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\b", re.I)


def _in_list_entry(text: etree._ElementUnicodeResult) -> bool:
    """The text is part of a list entry: in a list item, or in a block with a link."""
    el = text.getparent()
    block = next((a for a in (el, *el.iterancestors()) if a.tag not in _INLINE), el)
    return bool(block.xpath(".//a[@href] | ancestor-or-self::li | ancestor::a"))


def _dates_the_article(text: etree._ElementUnicodeResult) -> bool:
    """A date line above the title that is the article's: not in the page frame, not a
    list entry's (next to a link), not a header clock (those name the weekday)."""
    if _in_frame(text.getparent()) or _in_list_entry(text):
        return False
    return not _WEEKDAY.match(squash(text))


_INLINE = frozenset({"a", "span", "b", "strong", "em", "i", "font", "small", "nobr"})


def without_headings(body: str, repeated: set[str]) -> str:
    """``body`` without its top-level headings that repeat the title or the lead."""
    wanted = {key(t) for t in repeated if t.strip()}
    root = parse_fragment(body) if body.strip() and wanted else None
    if root is None:
        return body
    heads = root.xpath("./h1 | ./h2 | ./h3 | ./h4 | ./div/h1 | ./div/h2 | ./div/h3 | ./div/h4")
    dropped = [h for h in heads if key(h.xpath("string()")) in wanted]
    if not dropped:
        return body
    for heading in dropped:
        drop_element(heading)
    return (root.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)
