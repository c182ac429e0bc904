"""The selector engine every platform module shares.

A platform is a dict of selectors (CSS by default, or ``css:…`` / ``xpath:…``;
``a || b`` falls back to ``b`` when ``a`` matches nothing) keyed like a unit's ``selectors`` table, plus a few platform-only keys:

- article: ``title``, ``date``, ``date_format``, ``updated``, ``lead``, ``body``,
  ``images`` (elements holding the lead image and body images, in order),
  ``caption`` (caption elements next to an image), ``category``, ``author``,
  ``source``, ``attachments`` (links), ``remove`` (chrome inside the body),
  ``cut`` (elements where the body ends: what a parser nested into an unclosed body);
- list (read by :mod:`crawlers.platforms.listing`): ``list_links`` (the article
  anchors, or items holding one); relative to an item ``list_link``, ``list_date``,
  ``list_summary``; ``next_page``.

A unit's overrides replace a platform's keys one by one (:func:`merged`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree
from parsel import Selector, SelectorList

from crawlers.cleaning.html import drop_element
from crawlers.cleaning.lead_title import drop_leading_title
from crawlers.platforms.captions import caption_for
from crawlers.platforms.datetext import date_line_of
from domain.article import Attachment, Image, RawArticle
from domain.links import repair_amp

ATTACHMENT_EXTS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "rar", "7z", "odt")
_EXT_RE = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTS) + r")$", re.IGNORECASE)
# Chrome that no article body needs, on any platform.
COMMON_REMOVE = (
    "script, style, noscript, form, iframe, button, "
    ".share, .social, .social-share, .addthis_toolbox, .fb-like, .zalo-share-button, "
    ".font-size, .fontsize, .text-size, .print, .btn-print, .back, .go-back, "
    ".tool-bar, .toolbar, .other-news, .related, .related-news, .tin-lien-quan"
)
#: XPath predicate of an ``<a>`` that leads somewhere: an address that is not empty, "#…",
#: "javascript:…" or the site's root (what a rebuilt site leaves of a dead file link).
LEADS_SOMEWHERE = (
    "normalize-space(@href) != '' and normalize-space(@href) != '/'"
    " and not(starts-with(normalize-space(@href), '#'))"
    " and not(starts-with(normalize-space(@href), 'javascript'))"
)
_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src")
_SESSION_RE = re.compile(r";(?:jsessionid|phpsessid)=[^/?#;]*", re.IGNORECASE)


def clean_href(href: str) -> str:
    """A link as a fetchable address: ``&amp;`` damage repaired, session ids dropped."""
    href = re.sub(r"[\r\n\t]", "", href).strip()
    return _SESSION_RE.sub("", repair_amp(href))


def merged(defaults: Mapping[str, str], overrides: Mapping[str, str] | None) -> dict[str, str]:
    """The platform's selectors with the unit's overrides replacing keys one by one."""
    out = dict(defaults)
    out.update({k: v for k, v in (overrides or {}).items() if v})
    return out


def select(sel: Selector | SelectorList, spec: str | None) -> SelectorList:
    """Elements matching ``spec`` (CSS, ``css:…`` or ``xpath:…``); empty when no spec.

    ``a || b`` tries ``a`` first and ``b`` only when ``a`` matches nothing.
    """
    if not spec:
        return SelectorList([])
    if "||" in spec:
        for alternative in spec.split("||"):
            hits = select(sel, alternative.strip())
            if hits:
                return hits
        return SelectorList([])
    if spec.startswith("xpath:"):
        return sel.xpath(spec[6:].strip())
    if spec.startswith("css:"):
        spec = spec[4:]
    return sel.css(spec.strip())


_TEXT_QUERY = ".//text()[not(ancestor::script or ancestor::style)]"
#: :data:`_TEXT_QUERY` compiled, giving plain strings: what ``Selector.xpath(...).getall()``
#: gives on an element, without a Selector made per text node.
_TEXT_NODES = etree.XPath(_TEXT_QUERY, smart_strings=False)


def text_of(node: Selector) -> str:
    """The text of one element (or a text/attribute node), whitespace collapsed."""
    root = node.root
    if isinstance(root, str):
        raw = root
    elif isinstance(root, etree._Element) and isinstance(root.tag, str):  # an element
        raw = " ".join(_TEXT_NODES(root))
    else:  # anything else: whatever parsel makes of it
        raw = " ".join(node.xpath(_TEXT_QUERY).getall())
    return " ".join(raw.split())


def first_text(sel: Selector, spec: str | None) -> str:
    """Text of the first element matching ``spec`` that has any text ('' when none)."""
    for node in select(sel, spec):
        text = text_of(node)
        if text:
            return text
    return ""


def _unlazy(root: etree._Element) -> None:
    """Give lazy-loaded images their real ``src``."""
    for img in root.iter("img"):
        lazy = next((img.get(a) for a in _LAZY_ATTRS if img.get(a)), None)
        src = img.get("src") or ""
        if lazy and (not src or src.startswith("data:") or "blank" in src or "loading" in src):
            img.set("src", lazy)


def inner_html(node: Selector, remove: Iterable[str] = (), title: str = "") -> str:
    """Inner HTML of ``node`` with the ``remove`` selectors' elements dropped (and,
    given the article's ``title``, that title repeated as the first block)."""
    root = copy.deepcopy(node.root)
    scoped = Selector(root=root)
    for spec in remove:
        for hit in select(scoped, spec):
            if hit.root is not root:
                drop_element(hit.root)
    if title:
        drop_leading_title(root, title)
    _unlazy(root)
    parts = [root.text or ""]
    parts += [etree.tostring(child, encoding="unicode", method="html") for child in root]
    return "".join(parts).strip()


def _cut_from(el: etree._Element, root: etree._Element) -> None:
    """Remove ``el`` and everything after it (in document order) inside ``root``."""
    node = el
    while node is not root:
        parent = node.getparent()
        if parent is None:
            return
        for later in list(node.itersiblings()):
            parent.remove(later)
        if node is not el:
            node.tail = None
        node = parent
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def cut_body(sel: Selector, body_spec: str | None, cut_spec: str | None) -> Selector:
    """A copy of the page whose body ends before the first ``cut_spec`` element in it.

    Unclosed web parts make an HTML parser nest the rest of the page (sidebars, other
    parts, the footer) inside the body; everything from the first such element on goes.
    """
    if not cut_spec:
        return sel
    page = Selector(root=copy.deepcopy(sel.root))
    bodies = select(page, body_spec)
    if not bodies or isinstance(bodies[0].root, str):
        return page
    body = bodies[0].root
    hits = [h.root for h in select(bodies[0], cut_spec) if h.root is not body]
    if hits:
        order = {el: i for i, el in enumerate(body.iter())}
        first = min(hits, key=lambda el: order.get(el, len(order)))
        _cut_from(first, body)
    return page


def body_html(sel: Selector, spec: str | None, remove: Iterable[str] = (), title: str = "") -> str:
    """Inner HTML of the first element matching ``spec`` ('' when none).

    With alternatives (``a || b``), one whose block is empty once its chrome and
    repeated title are gone (a title-only notice) gives way to the next.
    """
    html = ""
    for alternative in (spec or "").split("||"):
        nodes = select(sel, alternative.strip())
        if not nodes:
            continue
        html = inner_html(nodes[0], remove, title)
        if "<img" in html or Selector(text=f"<div>{html}</div>").xpath("normalize-space()").get():
            return html
    return html


def img_src(img: Selector) -> str:
    """The real address of an image, preferring lazy-load attributes over placeholders."""
    src = clean_href(img.attrib.get("src") or "")
    for attr in _LAZY_ATTRS:
        lazy = clean_href(img.attrib.get(attr) or "")
        if lazy and (not src or src.startswith("data:") or "blank" in src or "loading" in src):
            return lazy
    return src


def images_of(sel: Selector, spec: str | None, caption_spec: str | None) -> list[Image]:
    """Images (address as written, caption) of the elements ``spec`` selects, in order."""
    captions = {c.root for c in select(sel, caption_spec) if not isinstance(c.root, str)}
    out: list[Image] = []
    for node in select(sel, spec):
        imgs = [node] if node.root.tag == "img" else node.css("img")
        for img in imgs:
            src = img_src(img)
            if src and not src.startswith("data:"):
                caption = " ".join(caption_for(img, captions).split())
                out.append(Image(url=src, caption=caption))
    return out


def file_type(url: str, name: str = "") -> str:
    """Attachment type from the file name, the URL path or a query hint (``ext=pdf``)."""
    parts = urlsplit(url)
    for segment in [name, *reversed(unquote(parts.path).split("/"))]:
        m = _EXT_RE.search(segment.strip())
        if m:
            return m.group(1).lower()
    for key, values in parse_qs(parts.query).items():
        for value in values:
            v = value.lower().lstrip(".")
            if key.lower() in ("ext", "extension", "type") and v in ATTACHMENT_EXTS:
                return v
            m = _EXT_RE.search(v)
            if m:
                return m.group(1).lower()
    return "file"


def is_attachment(href: str) -> bool:
    """True for links to office files, archives, PDFs or Liferay's document library."""
    if "/document_library/get_file" in href or "/documents/" in href:
        return True
    return file_type(href) != "file"


# Link texts that name no file ("Xem chi tiết tại đây"): the file's own name is used instead.
_NAMELESS = {
    "tại đây",
    "xem tại đây",
    "ở đây",
    "đây",
    "tải về",
    "tải xuống",
    "xem",
    "xem chi tiết",
    "chi tiết",
    "tải",
    "download",
    "here",
    "click here",
    "file đính kèm",
    "đính kèm",
}


def attachments_of(sel: Selector, spec: str | None) -> list[Attachment]:
    """Attachment links among the elements ``spec`` selects (anchors or their containers)."""
    out: list[Attachment] = []
    for node in select(sel, spec):
        anchors = [node] if node.root.tag == "a" else node.css("a[href]")
        for a in anchors:
            href = clean_href(a.attrib.get("href") or "")
            name = text_of(a) or (a.attrib.get("title") or "").strip()
            if not href or not (is_attachment(href) or _EXT_RE.search(name)):
                continue
            file_name = unquote(urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1])
            if not name or (name.lower().strip(" .:…") in _NAMELESS and _EXT_RE.search(file_name)):
                name = file_name or name
            out.append(Attachment(url=href, name=name, type=file_type(href, name)))
    return out


def date_after_title(sel: Selector, title_spec: str | None, body_spec: str | None) -> str:
    """The first date-looking text between the article's title and its body. Never the
    header's today-date (before the title) nor a related list's date (after the body), nor
    a date cited in a sentence (a lead's "Ngày 9/2, UBND tỉnh…"). Without a body selector,
    or with a body that holds the title, the scan stops at the first long text, where the
    body's text begins (and at the latest where the body ends)."""
    titles = select(sel, title_spec)
    if not titles or isinstance(titles[0].root, str):
        return ""
    bodies = select(sel, body_spec)
    body = bodies[0].root if bodies and not isinstance(bodies[0].root, str) else None
    title = titles[0].root
    # a title inside the body: what lies between them is the body's own text, and past
    # the body's end come related lists ("TIN ĐÃ ĐƯA" and their dates)
    around = body is not None and body in title.iterancestors()
    # the first text past the body's end (an empty body has no text to stop the scan at):
    # beyond it come the right column and its lists' dates ("Ngày: 18/12/2017")
    past = body.xpath("(following::text())[1]") if body is not None and not around else []
    end = (past[0].getparent(), past[0].is_tail) if past else None
    for i, text in enumerate(title.xpath("following::text()")):
        if end is not None and text.getparent() is end[0] and text.is_tail == end[1]:
            break
        parent = text.getparent()
        if text.is_tail:  # the text after an element belongs to that element's parent
            parent = parent.getparent()
        inside = body is not None and (parent is body or body in parent.iterancestors())
        if i > 60 or (inside and not around) or (around and not inside):
            break
        if parent.tag in ("script", "style"):
            continue
        if inside and any(a.tag in ("td", "th") for a in _up_to(parent, body)):
            continue  # a data table of the body ("Thời gian đấu giá | 15/07/2019")
        if len(text.strip()) > 150:  # prose (a lead, the body): its dates are not the article's
            if body is None or around:  # where the body's text begins
                break
            continue
        line = date_line_of(text)
        if line:
            return line
    return ""


def _up_to(el: etree._Element, top: etree._Element | None) -> list[etree._Element]:
    """``el`` and its ancestors below ``top`` (all of them when ``top`` is None)."""
    out = []
    for node in (el, *el.iterancestors()):
        if node is top:
            break
        out.append(node)
    return out


_LABEL = re.compile(r"^\s*(?:tác giả|nguồn tin|nguồn|tin, ảnh|ảnh)\s*:\s*", re.IGNORECASE)


def unlabel(text: str) -> str:
    """A byline without its label: "Nguồn: Sở Y tế" -> "Sở Y tế"."""
    return _LABEL.sub("", text).strip()


def parse_article_with(
    defaults: Mapping[str, str], sel: Selector, url: str, overrides: Mapping[str, str] | None
) -> RawArticle:
    """Read an article page with a platform's selectors (overridden per unit)."""
    s = merged(defaults, overrides)
    sel = cut_body(sel, s.get("body"), s.get("cut"))
    remove = [COMMON_REMOVE] + ([s["remove"]] if s.get("remove") else [])
    title = first_text(sel, s.get("title"))
    raw = RawArticle(
        url=url,
        title=title,
        published_text=first_text(sel, s.get("date")),
        updated_text=first_text(sel, s.get("updated")),
        category=first_text(sel, s.get("category")),
        lead=first_text(sel, s.get("lead")),
        body_html=body_html(sel, s.get("body"), remove, title),
        images=images_of(sel, s.get("images"), s.get("caption")),
        attachments=attachments_of(sel, s.get("attachments")),
        author=unlabel(first_text(sel, s.get("author"))),
        source=unlabel(first_text(sel, s.get("source"))),
        canonical_url=sel.css('link[rel="canonical"]::attr(href)').get("").strip(),
        date_format=s.get("date_format") or None,
    )
    raw.body_found = bool(select(sel, s.get("body")))
    if not raw.published_text:
        raw.published_text = date_after_title(sel, s.get("title"), s.get("body"))
    raw.missing = [k for k in ("title", "published_text", "body_html") if not getattr(raw, k)]
    return raw


def has(sel: Selector, *specs: str) -> bool:
    """True when any of the selectors matches."""
    return any(select(sel, spec) for spec in specs)


def meta_generator(sel: Selector) -> str:
    """The page's ``<meta name="generator">`` content, lower-cased."""
    return " ".join(sel.css('meta[name="generator" i]::attr(content)').getall()).lower()
