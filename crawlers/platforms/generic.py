"""Generic main-content extraction (trafilatura) for pages no platform selector reads.

The body is trafilatura's main content, without the page frame it keeps on pages laid
out in tables (:mod:`crawlers.platforms.framing`) and without a "see the details here"
line whose link leads nowhere (a rebuilt site's dead file link); photos it moved after
the text go back where the page shows them (:mod:`crawlers.platforms.placing`), spacer
pixels and far-off trailing photos go (:mod:`crawlers.platforms.furniture`), and so do the
site's widgets it ran on into after a short article (:mod:`crawlers.platforms.widgets`); a
``<marquee>``'s scrolling slogans are cleared from the page first. When the body
is still the page frame (it reprints what the page shows above the title: trafilatura
found no article), what follows the title is the body instead. The title is never a
portlet, section or site heading nor a CMS placeholder such as ``DetailController``: the
text the address spells, else the heading ``og:title`` or ``<title>`` names, then such an
element a class or id names a title (``p.Title``), else the nearest of either before the
body (:mod:`crawlers.platforms.headline`); the crawler prefers the list entry's title over
all of these. The date is a stamp ending the title's heading, else the short date line
between that title and the body, then date meta tags, then a short date line under the
article (:mod:`crawlers.platforms.dateline`); trafilatura's own date guess is not used (it
happily takes a related list's date). The category is a selector's, else the label of a
"category | date" bar above the title, else a link to the category's page right before it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from parsel import Selector
from trafilatura.core import determine_returnstring
from trafilatura.settings import Document, Extractor

from crawlers.cleaning.html import drop_element, parse_fragment
from crawlers.platforms import (
    common,
    dateline,
    framing,
    furniture,
    headline,
    linkgroups,
    listing,
    placing,
    widgets,
)
from crawlers.platforms.base import ListEntry, ListPage
from domain.article import Attachment, Image, RawArticle

NAME = "generic"

_DATE_META = (
    'meta[property="article:published_time"]::attr(content), '
    'meta[name="pubdate"]::attr(content), meta[name="publishdate"]::attr(content), '
    'meta[itemprop="datePublished"]::attr(content), meta[name="date"]::attr(content)'
)
_LEAD = "article p.lead, p.lead, div.lead, .sapo, .article-sapo, .summary-detail"
_CATEGORY = (
    "article .category a, header .category a, p.category a"
    " || .breadcrumb li:last-child a, .breadcrumbs li:last-child a"
    " || css:meta[property='article:section']::attr(content)"
)
_AUTHOR = "article .byline, .byline, .author, [itemprop='author'], a[rel='author']"
_SOURCE = "xpath://p[starts-with(normalize-space(.), 'Nguồn:')][last()]"


#: A short "see the details here" line whose links lead nowhere: what a rebuilt or
#: half-migrated site leaves of a link to the full text. Not the article (trafilatura
#: keeps its words, without the dead address).
_DEAD_CALL = etree.XPath(
    "//p[a][not(.//img)][string-length(normalize-space(.)) <= 40]"
    f"[a[normalize-space(.) != '']][not(a[@name or @id])][not(a[{common.LEADS_SOMEWHERE}])]"
)


def detect(sel: Selector, url: str) -> bool:
    """Every page can be read generically; detection never picks it first."""
    return False


def _extraction(html: str, url: str) -> tuple[str, str | None]:
    """trafilatura's main content as an HTML document ("" when it keeps none) and its
    author (None when it kept no document), from one run: what ``trafilatura.extract``
    gives with these options, and the metadata it finds on the way."""
    options = Extractor(
        output_format="html",
        images=True,
        links=True,
        tables=True,
        formatting=True,
        comments=False,
        url=url,
        with_metadata=True,
        date_params=_UNUSED_DATE_SEARCH,
    )
    doc = trafilatura.bare_extraction(html, options=options)
    if not isinstance(doc, Document):
        return "", None
    return determine_returnstring(doc, options) or "", doc.author or ""


def _body(out: str, captions: dict[str, str]) -> str:
    """The main content (``out``: trafilatura's HTML document) as the inner HTML of its
    ``<body>``, images put back into figures with the captions trafilatura dropped."""
    if not out:
        return ""
    body = lxml_html.fromstring(out).find(".//body")
    if body is None:
        return ""
    text = " ".join(body.text_content().split())
    for img in list(body.iter("img")):
        caption = " ".join(captions.get(img.get("src", ""), "").split())
        if caption and caption not in text:
            _figure(img, caption)
    return common.inner_html(Selector(root=body))


def _live(a: lxml_html.HtmlElement, url: str) -> bool:
    """True when the link leads somewhere (as ``common.LEADS_SOMEWHERE``, with trafilatura's
    absolute addresses: the site's root as ``http://host/`` is no destination either)."""
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript")):
        return False
    return urlsplit(urljoin(url, href)).path not in ("", "/")


def _without_dead_calls(sel: Selector, body: str, url: str) -> str:
    """``body`` without the paragraphs that print a :data:`_DEAD_CALL` line of the page,
    unless nothing else is left (then that line is all the page says)."""
    dead = {headline.squash(p.xpath("string()")) for p in _DEAD_CALL(sel.root)}
    root = parse_fragment(body) if dead and body else None
    if root is None:
        return body
    gone = [
        p
        for p in root.iter("p")
        if headline.squash(p.xpath("string()")) in dead
        and not any(_live(a, url) for a in p.iter("a"))
    ]
    said = len(root.xpath("string()").split()) - sum(len(p.xpath("string()").split()) for p in gone)
    if not gone or (not said and root.find(".//img") is None):
        return body
    for p in gone:
        drop_element(p)
    return common.inner_html(Selector(root=root))


#: A body reprinting at least this many words, and :data:`FRAME_SHARE` of the words the
#: page shows above the title (menus, banners, a breadcrumb), is the page frame.
FRAME_WORDS = 30
FRAME_SHARE = 0.5
_ABOVE = etree.XPath(
    "preceding::text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::head)]"
)


def _framed(body: str, title_el: etree._Element) -> bool:
    """True when ``body`` reprints what the page shows above its title: trafilatura found
    no article (a document page: a title and a file link) and kept the page."""
    above = {line for t in _ABOVE(title_el) if len((line := headline.squash(str(t))).split()) >= 2}
    if not above or not body:
        return False
    said = headline.squash(lxml_html.fromstring(f"<div>{body}</div>").xpath("string()"))
    total = sum(len(line.split()) for line in above)
    found = sum(len(line.split()) for line in above if line in said)
    return found >= FRAME_WORDS and found >= FRAME_SHARE * total


#: What follows the title says at least this many words (more than a date cell beside it).
AFTER_WORDS = 3


def _after_title(title_el: etree._Element) -> str:
    """What follows the title on the page: the next siblings, saying :data:`AFTER_WORDS`+
    words, of the title or of its nearest ancestor that has such siblings."""
    for el in (title_el, *title_el.iterancestors()):
        after = [s for s in el.itersiblings() if isinstance(s.tag, str)]
        if sum(len(s.xpath("string()").split()) for s in after) >= AFTER_WORDS:
            return "".join(
                etree.tostring(s, encoding="unicode", method="html", with_tail=True) for s in after
            )
    return ""


def _in_page_order(body: str, sel: Selector, url: str) -> str:
    """``body`` with the photos trafilatura moved after the text put back
    (:func:`crawlers.platforms.placing.put_images_back`), and without the page's
    furniture (:func:`crawlers.platforms.furniture.drop_furniture`)."""
    root = parse_fragment(body) if "<img" in body else None
    if root is None:
        return body
    placing.put_images_back(root, sel.root, url)
    furniture.drop_furniture(root, sel.root, url)
    return common.inner_html(Selector(root=root))


def _figure(img: lxml_html.HtmlElement, caption: str) -> None:
    """Wrap ``img`` (or the paragraph holding only it) in a figure with its caption."""
    holder = img.getparent()
    alone = holder is not None and holder.tag == "p" and len(holder) == 1
    target = holder if alone and not (holder.text or "").strip() else img
    figure = lxml_html.Element("figure")
    target.addprevious(figure)
    figure.tail, target.tail = target.tail, None
    if target is not img:
        target.getparent().remove(target)
    figure.append(img)
    figcaption = lxml_html.Element("figcaption")
    figcaption.text = caption
    figure.append(figcaption)


def _plain(fragment: str) -> str:
    """The text of an HTML fragment, one line per block."""
    if not fragment.strip():
        return ""
    root = lxml_html.fromstring(f"<div>{fragment}</div>")
    return "\n".join(" ".join(el.xpath("string()").split()) for el in root.iter("p", "div", "li"))


#: htmldate's parameters for the date trafilatura's metadata run always looks for, and
#: we never use: no extensive search, so it never loads dateparser's every locale (about
#: 0.5 s of CPU at a process' first generic page, and milliseconds per page after it).
_UNUSED_DATE_SEARCH: dict[str, Any] = {"extensive_search": False, "original_date": True}


def _meta_author(html: str, url: str) -> str:
    """trafilatura's author of the page ("" when it keeps no document), from a run of its
    own: only when the main content's run kept no document (the two runs' size checks
    differ: this one counts comments)."""
    meta = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        only_with_metadata=False,
        date_extraction_params=_UNUSED_DATE_SEARCH,
    )
    return getattr(meta, "author", "") or ""


def parse_article(
    sel: Selector, url: str, overrides: dict[str, str], *, titled: bool = True
) -> RawArticle:
    """Title, date, body, images and attachments of any article page. ``titled=False``
    (the fallback of a platform whose selectors found no title): the title only from the
    address, a heading or ``og:title``, never from an element a class names a title — on
    a known platform's page with no title of its own, that is a search box's or a
    register's label, not an article's headline."""
    for banner in sel.root.iter("marquee"):  # a scrolling slogan, never the article
        banner.clear(keep_tail=True)
    html = sel.get()
    caption_els = {c.root for c in common.select(sel, "figcaption, .img-title, .caption")}
    captions = {
        urljoin(url, common.img_src(img)): common.caption_for(img, caption_els)
        for img in sel.css("img")
    }
    extracted, trafilatura_author = _extraction(html, url)
    body = _without_dead_calls(sel, _body(extracted, captions), url)
    anchor = headline.body_anchor(sel, _plain(body))
    title, title_el = headline.find_title(sel, anchor, url, titled=titled)
    body = framing.drop_frame(body, title)
    if title_el is not None and _framed(body, title_el) and (after := _after_title(title_el)):
        body = _without_dead_calls(sel, after, url)  # the page frame, around a short article
    body = widgets.drop_widgets(body)
    body = headline.without_headings(body, {title})
    body = _in_page_order(body, sel, url)
    body_sel = Selector(text=f"<div>{body}</div>") if body else None
    images = []
    attachments: list[Attachment] = []
    if body_sel is not None:
        for src in body_sel.css("img::attr(src)").getall():
            images.append(
                Image(url=src, caption=" ".join(captions.get(urljoin(url, src), "").split()))
            )
        attachments = common.attachments_of(body_sel, "a[href]")
    raw = RawArticle(
        url=url,
        title=title,
        published_text=dateline.date_line(title_el, anchor)
        or sel.css(_DATE_META).get("").strip()  # not trafilatura's: it takes related dates
        or dateline.date_after_body(sel, _plain(body)),
        category=common.first_text(sel, _CATEGORY)
        or dateline.date_bar_category(title_el)
        or dateline.category_link(title_el),
        lead=common.first_text(sel, _LEAD),
        body_html=body,
        images=images,
        attachments=attachments,
        author=common.unlabel(
            common.first_text(sel, _AUTHOR)
            or (trafilatura_author if trafilatura_author is not None else _meta_author(html, url))
        ),
        source=common.unlabel(common.first_text(sel, _SOURCE)),
        canonical_url=sel.css('link[rel="canonical"]::attr(href)').get("").strip(),
    )
    raw.missing = [k for k in ("title", "published_text", "body_html") if not getattr(raw, k)]
    return raw


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """The biggest group of headline links one selector names (``linkgroups``), with their
    dates; else every link whose text reads like a headline (five words), in page order."""
    spec = overrides.get("list_links") or linkgroups.headline_links(sel, url)
    if spec:
        found = {"list_links": spec}
        date = linkgroups.entry_date_spec(sel, spec)
        if date:
            found["list_date"] = date
        page = listing.parse_list_with(found, sel, url, overrides)
        if page.entries:
            return page
    seen: set[str] = set()
    entries = []
    for a in sel.css("a[href]"):
        title = common.text_of(a)
        href = common.clean_href(a.attrib["href"])
        if len(title.split()) < 5 or href.startswith(("#", "javascript:", "mailto:")):
            continue
        link = urljoin(url, href)
        if link not in seen:
            seen.add(link)
            entries.append(ListEntry(url=link, title=title))
    return ListPage(entries=entries, next_url=listing.find_next(sel, url) if entries else None)
