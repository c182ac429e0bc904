"""Sanitising article HTML (its plain text is :mod:`crawlers.cleaning.plaintext`).

:func:`sanitize_html` first reshapes the fragment with lxml (URLs, lazy images,
page chrome, block structure, text repair), then nh3 enforces the allowlist
(:mod:`crawlers.cleaning.allowlist`). nh3 is the security boundary: whatever the first
stage misses, it strips.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import lxml.html
from lxml import etree

from crawlers.cleaning.allowlist import CLEANER
from crawlers.cleaning.markup import HTML_PARSER, cap_depth, close_void_elements
from crawlers.cleaning.urls import absolutize
from domain.syllables import match_form
from domain.text import (
    _SPACES,
    _fixpoint,
    _phrases,
    _repair,
    _words,
    xml_safe,
)

__all__ = [
    "BLOCK_TAGS",
    "DROP_TAGS",
    "absolutize",
    "drop_element",
    "parse_fragment",
    "sanitize_html",
]

# ------------------------------------------------------------------- structure

_BLOCK_CONTAINERS = _words(
    "div section article header footer main center address dl dt dd fieldset details summary "
    "hgroup form pre"
)
BLOCK_TAGS = _BLOCK_CONTAINERS | _words(
    "p h1 h2 h3 h4 h5 h6 ul ol li table thead tbody tfoot tr th td figure figcaption blockquote "
    "hr caption colgroup col"
)
DROP_TAGS = _words(
    "script style noscript iframe frame frameset object embed applet svg math template canvas "
    "audio video source track map head title meta link base input button select textarea option "
    "optgroup datalist nav aside param dialog xmp noembed noframes"
)
_EMPTY_REMOVABLE = _words(
    "p h1 h2 h3 h4 h5 h6 li ul ol blockquote figure figcaption strong b em i u sub sup span font "
    "a table thead tbody tfoot tr"
)

# ----------------------------------------------------------------------- chrome

_CHROME_ATTR = re.compile(
    r"share|social|addthis|zalo|facebook|twitter|font-?size|font_size|text-?size|textsize"
    r"|print|tin-?khac|tin_khac|tinkhac|tin-?lien-?quan|tinlienquan|related|other-?news"
    r"|othernews|toolbar|breadcrumb"
)
_CHROME_PHRASES = _phrases(
    "in bài viết|in bài|in trang|bản in|bản để in|quay lại|trở về|trở lại|gửi email|"
    "gửi bài viết|gửi cho bạn bè|chia sẻ|lên đầu trang|về đầu trang|đầu trang"
)
# Elements that may be chrome by their text alone (never table cells or headings:
# "Email" or "Quay lại" can be content there).
_CHROME_TEXT_TAGS = _words("a button span li p div small font label ul ol strong b i em section")
_RELATED_HEADINGS = _phrases(
    "các tin khác|tin khác|tin liên quan|các tin liên quan|tin cùng chuyên mục|"
    "các tin cùng chuyên mục|bài viết liên quan|các bài viết liên quan|bài viết khác|"
    "các bài viết khác|tin bài khác|các tin bài khác|tin bài liên quan|bài liên quan|"
    "tin đã đưa|các tin đã đưa|tin mới hơn|tin cũ hơn|các tin mới hơn|các tin cũ hơn|"
    "tin tức khác|các tin tức khác|xem thêm|đọc thêm"
)
_KEY_WORD = re.compile(r"\w+")
MAX_CHROME_TEXT = 120
MAX_CHROME_OWN_TEXT = 400


def _key(text: str) -> str:
    return " ".join(_KEY_WORD.findall(match_form(text)))


_CHROME_KEYS = sorted({_key(p) for p in _CHROME_PHRASES}, key=len, reverse=True)
_CHROME_RE = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in _CHROME_KEYS) + r")\b")
_RELATED_KEYS = frozenset(_key(p) for p in _RELATED_HEADINGS)


# ---------------------------------------------------------------- tree helpers


def parse_fragment(fragment: str) -> lxml.html.HtmlElement | None:
    text = xml_safe(unicodedata.normalize("NFC", fragment))
    text = re.sub(r"<\?xml[^>]*>", "", text)
    if not text.strip():
        return None
    try:
        doc = lxml.html.document_fromstring(
            "<html><body>" + cap_depth(close_void_elements(text)) + "</body></html>",
            parser=HTML_PARSER,
        )
    except (etree.ParserError, ValueError):
        return None
    body = doc.find("body")
    return body if body is not None else doc


def _elements(root: lxml.html.HtmlElement, tags: Iterable[str] | None = None) -> list:
    found = root.iter(*tags) if tags is not None else root.iter()
    return [el for el in found if isinstance(el.tag, str) and el is not root]


def fragment_html(root: etree._Element) -> str:
    """The HTML of what :func:`parse_fragment` returned: its children and leading text."""
    return (root.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)


def drop_element(el: etree._Element) -> None:
    """Remove ``el`` and its content, keeping its tail text (a word apart from the text
    before it: "a<p>x</p>b" loses the paragraph, not the space between "a" and "b")."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = _joined(prev.tail, el.tail)
        else:
            parent.text = _joined(parent.text, el.tail)
    parent.remove(el)


def _joined(before: str | None, after: str) -> str:
    if not before or before[-1].isspace() or after[0].isspace():
        return (before or "") + after
    return f"{before} {after}"


def _attached(el: etree._Element, root: etree._Element) -> bool:
    while el is not None:
        if el is root:
            return True
        el = el.getparent()
    return False


def _text_len(el: etree._Element, only_links: bool = False) -> int:
    nodes = el.iter("a") if only_links else (el,)
    return sum(len("".join(n.itertext()).strip()) for n in nodes)


def _has_img(el: etree._Element) -> bool:
    return el.tag == "img" or next(el.iter("img"), None) is not None


# ---------------------------------------------------------------- clean steps


def _drop_junk(root: lxml.html.HtmlElement) -> None:
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)):
        drop_element(node)
    for el in _elements(root):
        if el.tag in DROP_TAGS and _attached(el, root):
            drop_element(el)


def _drop_chrome(root: lxml.html.HtmlElement) -> None:
    for el in _elements(root):
        if not _attached(el, root):
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')}".lower().replace("sharepoint", "")
        own_text = (
            _text_len(el) - _text_len(el, only_links=True) if _CHROME_ATTR.search(marker) else -1
        )
        if 0 <= own_text <= MAX_CHROME_OWN_TEXT:
            drop_element(el)
            continue
        text = "".join(el.itertext())
        if el.tag not in _CHROME_TEXT_TAGS or len(text) > MAX_CHROME_TEXT or _has_img(el):
            continue
        if text.strip():
            key = _key(text)
            if key and not _CHROME_RE.sub(" ", key).strip():
                drop_element(el)


def _is_link_list(el: etree._Element) -> bool:
    """A list of other articles (or spacing) that follows a "Các tin khác" heading."""
    if el.tag == "br":
        return True
    total = _text_len(el)
    if total == 0:
        return not _has_img(el)
    links = _text_len(el, only_links=True)
    if el.tag in ("ul", "ol", "table", "dl"):
        return links > 0
    return links >= 0.4 * total


def _drop_related(root: lxml.html.HtmlElement) -> None:
    for el in _elements(root):
        if not _attached(el, root):
            continue
        text = "".join(el.itertext())
        if len(text) > MAX_CHROME_TEXT or _key(text) not in _RELATED_KEYS:
            continue
        head = el
        parent = head.getparent()
        while (
            parent is not None
            and parent is not root
            and _key("".join(parent.itertext())) == _key(text)
        ):
            head, parent = parent, parent.getparent()
        sib = head.getnext()
        while sib is not None and isinstance(sib.tag, str) and _is_link_list(sib):
            nxt = sib.getnext()
            sib.tail = None
            drop_element(sib)
            sib = nxt
        drop_element(head)


_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-echo", "data-url")
_DIGITS = re.compile(r"^\s*(\d{1,4})(?:px)?\s*$")


def _fix_media(root: lxml.html.HtmlElement, base_url: str) -> None:
    for img in _elements(root, ["img"]):
        for attr in _LAZY_ATTRS:
            value = (img.get(attr) or "").strip()
            if value and not value.lower().startswith("data:"):
                img.set("src", value)
                break
        src = absolutize(img.get("src") or "", base_url)
        if not src.startswith(("http://", "https://")):
            drop_element(img)
            continue
        img.set("src", src)
        for attr in ("width", "height"):
            m = _DIGITS.match(img.get(attr) or "")
            if m:
                img.set(attr, m.group(1))
            elif attr in img.attrib:
                del img.attrib[attr]
    for a in _elements(root, ["a"]):
        href = (a.get("href") or "").strip()
        url = absolutize(href, base_url) if href and not href.startswith("#") else ""
        if not url.startswith(("http://", "https://", "mailto:")):
            a.drop_tag()
        else:
            a.set("href", url)


def _wrap_runs(el: etree._Element) -> None:
    """Put runs of inline content (text and inline children) of ``el`` into <p> elements."""
    children = list(el)
    items: list[str | etree._Element] = []
    if el.text:
        items.append(el.text)
    for child in children:
        items.append(child)
        if child.tail:
            items.append(child.tail)
        child.tail = None
    el.text = None
    for child in children:
        el.remove(child)
    para: etree._Element | None = None
    for item in items:
        if isinstance(item, str):
            if para is None:
                if not item.strip():
                    continue
                para = etree.SubElement(el, "p")
            last = para[-1] if len(para) else None
            if last is not None:
                last.tail = (last.tail or "") + item
            else:
                para.text = (para.text or "") + item
        elif isinstance(item.tag, str) and item.tag in BLOCK_TAGS:
            para = None
            el.append(item)
        else:
            if para is None:
                if item.tag == "br":
                    continue
                para = etree.SubElement(el, "p")
            para.append(item)


def _restructure(root: lxml.html.HtmlElement) -> None:
    for h1 in _elements(root, ["h1"]):
        h1.tag = "h2"
    for el in reversed(_elements(root, _BLOCK_CONTAINERS)):
        if any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in el.iterdescendants()):
            _wrap_runs(el)
            el.drop_tag()
        else:
            el.tag = "p"
            el.attrib.clear()
    _wrap_runs(root)


@lru_cache(maxsize=4096)  # the second pass of sanitize_html meets the same texts again
def _norm(s: str | None) -> str | None:
    if not s:
        return s
    return _SPACES.sub(" ", _repair(s).replace("\n", " ").replace("\xa0", " "))


def _fix_text(root: lxml.html.HtmlElement) -> None:
    for el in [root, *_elements(root)]:
        el.text, el.tail = _norm(el.text), _norm(el.tail)
        for attr in ("alt", "title"):
            if attr in el.attrib:
                el.set(attr, (_norm(el.get(attr)) or "").strip())
    for el in [root, *_elements(root, BLOCK_TAGS)]:
        if el.text:
            el.text = el.text.lstrip() or None
        if len(el):
            last = el[-1]
            if last.tail:
                last.tail = last.tail.rstrip() or None
        elif el.text:
            el.text = el.text.rstrip() or None
        if el is not root and el.tail is not None and not el.tail.strip():
            el.tail = None


def _drop_empty(root: lxml.html.HtmlElement) -> None:
    for el in reversed(_elements(root)):
        if el.tag not in _EMPTY_REMOVABLE:
            continue
        while len(el) and el[0].tag == "br" and not (el.text or "").strip():
            el.text = (el.text or "") + (el[0].tail or "") or None
            el.remove(el[0])
        while len(el) and el[-1].tag == "br" and not (el[-1].tail or "").strip():
            el.remove(el[-1])
        if not "".join(el.itertext()).strip() and not _has_img(el):
            drop_element(el)


_EMPTY_P = re.compile(r"<p>\s*</p>")


def _sanitize_once(fragment: str, base_url: str) -> str:
    root = parse_fragment(fragment)
    if root is None:
        return ""
    _drop_junk(root)
    _drop_chrome(root)
    _drop_related(root)
    _fix_media(root, base_url)
    _restructure(root)
    _fix_text(root)
    _drop_empty(root)
    html = "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
    out = _EMPTY_P.sub("", CLEANER.clean(html))  # html5 parsing can split a <p> around blocks
    return xml_safe(unicodedata.normalize("NFC", out)).strip()


@lru_cache(maxsize=32)  # a body may be sanitised twice (empty check, composition)
def sanitize_html(fragment: str, base_url: str) -> str:
    """Allowlist-sanitise an article body fragment; absolute URLs, no chrome, NFC, XML-safe.

    Idempotent: applying it to its own output changes nothing.
    """
    return _fixpoint(lambda s: _sanitize_once(s, base_url), fragment, limit=4)
