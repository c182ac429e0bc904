"""The extraction step every platform shares: page -> platform parser -> cleaned Article.

:func:`extract_page` decodes the page, detects the platform when it is not given,
reads the raw fields with the platform's selectors, falls back to generic extraction
(trafilatura) when they find no title or body (``Article.fallback``), and
:func:`finish` cleans the result. :func:`extract_list` reads list pages and feeds.
"""

from __future__ import annotations

import html as html_lib
import unicodedata
from urllib.parse import urljoin

from parsel import Selector
from w3lib.encoding import html_body_declared_encoding

from crawlers.cleaning.dates import parse_vn_date
from crawlers.cleaning.encodings import decode_page
from crawlers.cleaning.html import absolutize, sanitize_html
from crawlers.cleaning.language import detect_language
from crawlers.cleaning.markup import cap_depth, close_void_elements
from crawlers.cleaning.plaintext import html_to_text
from crawlers.cleaning.titles import split_title_stamp
from crawlers.detect import detect_platform
from crawlers.notfound import is_soft_404
from crawlers.platforms import feed, generic, get_platform
from crawlers.platforms.base import ListPage
from domain.article import Article, Attachment, Image, RawArticle
from domain.text import clean_text, xml_safe

#: The problem of a page that prints no article (a category or section page a link led
#: to): no title, no body text, no attachment and no image (a photo story with no title
#: found is still an article). The crawler does not store it.
NOT_AN_ARTICLE = "not an article: the page prints no title, no body and no attachment"
#: The problem of a site's error page served as 200 OK (:mod:`crawlers.notfound`): the
#: crawler does not store it, and skips the link for a while (``storage.progress.bury``).
SOFT_404 = "not an article: the page says it does not exist (a soft 404)"


#: Category texts that name the site's root folder or home page: no category at all
#: (LacViet prints "Root" for items in no folder).
NO_CATEGORY = frozenset({"root", "home", "trang chủ"})


def is_article(article: Article) -> bool:
    """False for a page that prints no article (:data:`NOT_AN_ARTICLE`, :data:`SOFT_404`)."""
    return NOT_AN_ARTICLE not in article.problems and SOFT_404 not in article.problems


def _nfc(s: str) -> str:
    return xml_safe(unicodedata.normalize("NFC", s))


def _plain(fragment: str) -> str:
    """The words of an HTML fragment, whitespace collapsed (a cheap check, not cleaning)."""
    if not fragment.strip():
        return ""
    return " ".join(
        Selector(text=f"<div>{fragment}</div>").xpath("string(//body/div)").get("").split()
    )


def _images(raw: RawArticle, base_url: str) -> list[Image]:
    """Absolute, unique images in page order; a later duplicate may supply the caption."""
    out: dict[str, Image] = {}
    for img in raw.images:
        url = absolutize(img.url, base_url)
        if not url:
            continue
        caption = clean_text(img.caption)
        if url not in out:
            out[url] = Image(url=url, caption=caption)
        elif not out[url].caption:
            out[url].caption = caption
    return list(out.values())


def _attachments(raw: RawArticle, base_url: str) -> list[Attachment]:
    """Absolute, unique attachments with clean names."""
    out: dict[str, Attachment] = {}
    for att in raw.attachments:
        url = absolutize(att.url, base_url)
        if url and url not in out:
            out[url] = Attachment(url=url, name=clean_text(att.name), type=att.type)
    return list(out.values())


def _category(text: str) -> str:
    category = clean_text(text)
    return "" if category.casefold() in NO_CATEGORY else category


def _compose_body(raw_body: str, lead: str, lead_image: Image | None, base_url: str) -> str:
    """The body as read: the lead (when the body lacks it), the lead image, the body."""
    body = sanitize_html(raw_body, base_url) if raw_body.strip() else ""
    text = _plain(body)
    head = []
    if lead and " ".join(lead.split()) not in text:
        head.append(f"<p>{html_lib.escape(lead, quote=False)}</p>")
    if lead_image is not None and lead_image.url not in html_lib.unescape(body):
        caption = html_lib.escape(lead_image.caption, quote=False)
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        src = html_lib.escape(lead_image.url)
        head.append(
            f'<figure><img src="{src}" alt="{html_lib.escape(caption)}">{figcaption}</figure>'
        )
    if head:
        body = sanitize_html("".join(head), base_url) + body
    return _nfc(body)


def finish(raw: RawArticle, *, platform: str, base_url: str) -> Article:
    """Clean a raw article: text, dates (+07:00), sanitised body, absolute URLs, problems."""
    title, stamp = split_title_stamp(clean_text(raw.title))
    if raw.published_text:
        published = parse_vn_date(raw.published_text, raw.date_format)
    else:  # the date the theme printed inside the title's heading, if any
        published = parse_vn_date(stamp) if stamp else None
    updated = parse_vn_date(raw.updated_text, raw.date_format) if raw.updated_text else None
    images = _images(raw, base_url)
    lead = clean_text(raw.lead)
    body_html = _compose_body(raw.body_html, lead, images[0] if images else None, base_url)
    body_text = _nfc(html_to_text(body_html)) if body_html else ""
    article = Article(
        url=raw.url,
        title=title,
        published=published.value if published else None,
        time_unknown=published.time_unknown if published else True,
        category=_category(raw.category),
        lead=lead,
        body_html=body_html,
        body_text=body_text,
        images=images,
        attachments=_attachments(raw, base_url),
        author=clean_text(raw.author),
        source=clean_text(raw.source),
        updated=updated.value if updated else None,
        canonical_url=absolutize(raw.canonical_url, base_url) if raw.canonical_url else "",
        # the text says which language it is; a platform may state it; else Vietnamese
        language=raw.language or detect_language(f"{raw.title}\n{body_text}") or "vi",
        platform=platform,
    )
    if not article.title:
        article.problems.append("missing title")
    if published is None:
        problem = f"unparsed date {raw.published_text!r}" if raw.published_text else "missing date"
        article.problems.append(problem)
    if not body_text.strip():
        article.problems.append("missing body")
        if not article.title and not article.attachments and not article.images:
            article.problems.append(NOT_AN_ARTICLE)
    if is_article(article) and is_soft_404(article.title, body_text, len(article.attachments)):
        article.problems.append(SOFT_404)
    return article


def _selector(page: str | bytes, encoding: str | None) -> Selector:
    """The page parsed; bytes decoded with the given or the page's declared charset."""
    if isinstance(page, bytes):
        declared = encoding or html_body_declared_encoding(page[:4096])
        page = decode_page(page, declared)
    return Selector(text=cap_depth(close_void_elements(_nfc(page))), huge_tree=True)


def _base(sel: Selector, url: str) -> str:
    """The page's address for resolving links (honours ``<base href>``)."""
    base = sel.css("base::attr(href)").get()
    return urljoin(url, base.strip()) if base and base.strip() else url


def _merge_generic(raw: RawArticle, sel: Selector, url: str) -> RawArticle:
    """Fill what the platform's selectors missed from generic extraction."""
    gen = generic.parse_article(sel, url, {}, titled=False)
    raw.title = raw.title or gen.title
    raw.published_text = raw.published_text or gen.published_text
    # no title anywhere: not an article page, and its main text would be the page frame
    if not _plain(raw.body_html) and raw.title:
        raw.body_html = gen.body_html
        raw.images = raw.images[:1] + gen.images
        raw.attachments = raw.attachments or gen.attachments
    raw.author = raw.author or gen.author
    raw.missing = [k for k in ("title", "published_text", "body_html") if not getattr(raw, k)]
    return raw


def _has_text(body_html: str, base: str) -> bool:
    """True when the sanitised body fragment has any text."""
    return bool(body_html and html_to_text(sanitize_html(body_html, base)).strip())


def extract_page(
    html: str | bytes,
    url: str,
    *,
    platform: str | None = None,
    overrides: dict[str, str] | None = None,
    encoding: str | None = None,
) -> Article:
    """Extract one article page; ``platform`` None (or ``feed``) means detect it."""
    sel = _selector(html, encoding)
    name = platform if platform and platform != "feed" else detect_platform(sel, url)
    base = _base(sel, url)
    raw = get_platform(name).parse_article(sel, base, overrides or {})
    raw.url = url
    fallback = False
    # an empty body element is an empty article, not a reason to read the page frame
    # (the body's text is read only when it decides: a title and no body element)
    if name != "generic" and (
        not raw.title or (not raw.body_found and not _has_text(raw.body_html, base))
    ):
        raw = _merge_generic(raw, sel, base)
        fallback = True
    article = finish(raw, platform=name, base_url=base)
    article.fallback = fallback
    if fallback:
        article.problems.append(
            "fallback: generic extraction (platform selectors found no title or body)"
        )
    return article


def extract_list(
    html: str | bytes,
    url: str,
    *,
    platform: str | None = None,
    overrides: dict[str, str] | None = None,
    encoding: str | None = None,
) -> ListPage:
    """Article links and next page of a list page, feed or sitemap (absolute URLs)."""
    sel = _selector(html, encoding)
    if platform == "feed" or feed.detect(sel, url):
        page = feed.parse_list(sel, url, overrides or {})
    else:
        name = platform or detect_platform(sel, url)
        page = get_platform(name).parse_list(sel, _base(sel, url), overrides or {})
        if not page.entries and name != "generic" and not (overrides or {}).get("list_links"):
            # a theme the platform's selectors do not know: the page's own headline links
            page = generic.parse_list(sel, _base(sel, url), overrides or {})
            page.fallback = bool(page.entries)
    for entry in page.entries:
        entry.title = clean_text(entry.title)
        entry.summary = clean_text(entry.summary)
        entry.date_text = clean_text(entry.date_text)
    return page
