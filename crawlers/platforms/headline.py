"""Where an article starts on a page no platform knows: its title element.

Real pages put portlet, section and site headings ("Quy hoạch - Kế hoạch", "Tin nổi
bật", the site's name in an ``h1``) before the article, so "the first ``h1``" lies.
:func:`find_title` takes, among the headings before the body (nearest first, none in
the page frame, no section labels), the one ``og:title`` names, else one whose words
appear in the page's ``<title>``; then the same among elements whose class or id names
them a title (``p.Title``, ``span#lblTieuDe``: many themes print the headline in no
heading); else the nearest of either. The date line and category bar around that title
are :mod:`crawlers.platforms.dateline`'s.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree
from parsel import Selector

from crawlers.cleaning.html import drop_element, fragment_html, parse_fragment
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
_FIELD_VALUE = re.compile(r":\s*[\d.,]+$")
_SEARCH = re.compile(r"search|tim-?_?kiem|tra-?_?cuu", re.IGNORECASE)
_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style)]"
_DATE_TOKEN = re.compile(r"^[(\[]?\d{1,4}([/.:-]\d{1,4})+[)\],]?$")
_BOGUS = re.compile(r"^(\w*Controller|Trang chủ|Home|Untitled|Default)$", re.IGNORECASE)
_TITLE_META = 'meta[property="og:title"]::attr(content), meta[name="title"]::attr(content)'


def squash(text: str) -> str:
    """Whitespace collapsed."""
    return " ".join(text.split())


def key(text: str) -> str:
    """Whitespace collapsed and case folded: how titles and texts are compared."""
    return squash(text).casefold()


def texts(root: etree._Element) -> list[etree._Element]:
    """The page's visible text nodes, in document order."""
    return root.xpath("//body//text()[normalize-space()][not(ancestor::script or ancestor::style)]")


def holder(text: etree._ElementUnicodeResult) -> etree._Element:
    """The element a text node belongs to (the text after an element, its "tail", belongs
    to that element's parent)."""
    el = text.getparent()
    return el.getparent() if text.is_tail else el


def body_anchor(sel: Selector, body_text: str) -> etree._Element | None:
    """The element holding the first words of ``body_text`` on the page (None if absent)."""
    first = next((squash(line) for line in body_text.splitlines() if len(line.strip()) >= 20), "")
    if not first:
        return None
    probe = key(first)[:30]
    for text in texts(sel.root):
        if probe in key(text) or (len(key(text)) >= 20 and key(text)[:30] in probe):
            return text.getparent()
    return None


def in_frame(el: etree._Element) -> bool:
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
        if 1 <= len(text.split()) <= 60 and not _BOGUS.match(text) and not in_frame(el):
            out.append((el, text))
    return out


def _titled(sel: Selector) -> list[tuple[etree._Element, str]]:
    """Elements that are not headings but whose class or id names them a title
    (``p.Title``, ``div.news-title``, ASP.NET's ``span#lblTieuDe``), in document order,
    shown, outside the page frame and search boxes, with 3 to 60 words that are not only a
    date line nor a count ("Tổng số: 87"); never a table, its row or a list (a header row's
    cells run together)."""
    out = []
    for el in sel.root.xpath(_TITLED_XPATH):
        if el.tag in _HEADING_TAGS:
            continue  # a heading is a candidate already
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _TITLED.search(names) or _NOT_TITLED.search(names):
            continue
        if _hidden(el) or _in_search(el):
            continue
        text = squash(" ".join(el.xpath(_VISIBLE_TEXT)))
        words = [w for w in text.split() if not _DATE_TOKEN.match(w)]
        counter = _FIELD_VALUE.search(text)  # "Tổng số: 87"
        if len(words) >= 3 and len(text.split()) <= 60 and not counter and not in_frame(el):
            out.append((el, text))
    return out


def _in_search(el: etree._Element) -> bool:
    """Inside a search or lookup box ("Tra cứu văn bản pháp luật" heads a form, not an
    article): an ancestor's class or id names a search."""
    return any(
        _SEARCH.search(f"{node.get('class') or ''} {node.get('id') or ''}")
        for node in el.iterancestors()
    )


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
    for text in texts(sel.root):
        el = holder(text)
        clean = squash(text)
        if not 3 <= len(clean.split()) <= 60 or el.tag in ("a", "title", "option", "script"):
            continue
        spelled = slug(clean).replace("-", "")
        if spelled != words and not (len(words) >= 20 and spelled.startswith(words)):
            continue
        if el.xpath("ancestor::a[@href]") or in_frame(el):
            continue
        return clean, el
    return "", None


def find_title(
    sel: Selector, anchor: etree._Element | None, url: str = "", *, titled: bool = True
) -> tuple[str, etree._Element | None]:
    """The article's title and its element (None when only ``og:title`` names it).

    The text the page's address spells (:func:`slug_title`); else, among the headings
    before the body (nearest first, none in the page frame): the one ``og:title`` names,
    else one whose words are in ``<title>``; else the same among the elements a class or
    id names a title (:func:`_titled`: ``p.Title``); else the nearest heading or titled
    element of 3 words or more that is not a section label; ``og:title`` alone only when
    none qualifies (it can name the section: "Bản tin nội bộ"). ``titled=False``: headings
    only.
    """
    spelled, spelled_el = slug_title(sel, url) if url else ("", None)
    if spelled:
        return spelled, spelled_el
    order = {el: i for i, el in enumerate(sel.root.iter())}
    page_title = key(sel.css("title::text").get(""))
    meta = squash(sel.css(_TITLE_META).get(""))
    meta = "" if _BOGUS.match(meta) else meta
    all_headings, all_titled = _candidates(sel), _titled(sel) if titled else []
    if anchor is not None and not any(
        _before(order, el, anchor) for el, _ in (*all_headings, *all_titled)
    ):
        anchor = None  # the body was found at the page's top: the whole page, frame and all
    headings = _nearest_first(all_headings, order, anchor)
    found = _named(headings, meta, page_title)
    if found:
        return found
    styled = _nearest_first(all_titled, order, anchor)
    found = _named(styled, meta, page_title)
    if found:
        return found
    merged = [*headings, *styled]
    if anchor is not None:  # the nearest before the body, a titled element or a heading
        merged.sort(key=lambda c: -order.get(c[0], 0))
    for el, text in merged:
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
    return fragment_html(root)
