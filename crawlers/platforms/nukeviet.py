"""NukeViet 4.x (open source; many provinces after the 2025 merger).

Articles at ``/news/<category>/<slug>-<id>.html``: ``h1.title``, time in
``span.h5`` (``Thứ năm - 07/10/2022 08:15``), lead ``div.hometext``, image
``figure.article`` + ``figcaption``, body ``div#news-bodyhtml``, attachments in
``div.news-download-file``, author after "Tác giả:". Lists: ``div.panel-body > h3 > a``
with the time after a clock icon; paging ``/page-N/``.

Checked against the NukeViet 4 default theme's own templates (public repository
nukeviet/nukeviet): ``themes/default/modules/news/detail.tpl`` @ 6ecfa29 (``h1.title``,
``span.h5`` publish time, ``figure.article`` with ``figcaption``, ``div.hometext``,
``div#news-bodyhtml.bodytext``, ``div.news-download-file`` links, "Tác giả"/"Nguồn tin"
in ``p.h5 strong``, related lists in ``div.other-news``) and ``viewcat_page.tpl`` @ 64f789e
(``div.news_column div.panel-body > h3 > a``, summary ``p.text-justify``).
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "nukeviet"


def _labelled(label: str) -> str:
    """XPath of the element holding ``label: value`` (the label may sit in a ``strong``)."""
    inline = "self::strong or self::b or self::span or self::em or self::label"
    return (
        f"//*[contains(text(), '{label}')][not({inline})]"
        f" | //*[{inline}][contains(text(), '{label}')]/.."
    )


_TITLE = "(//h1[contains(@class, 'title')])[1]"
SELECTORS: dict[str, str] = {
    "list_links": "div.news_column div.panel-body, ul.viewcat_list > li || div.panel-body",
    "list_link": "h3 a, h2 a, a.show, a",
    "list_date": "xpath:.//*[contains(@class, 'fa-clock')]/.. || .time, .date",
    "list_summary": (
        "p.text-justify, div.text-justify, .hometext || xpath:./text()[normalize-space()][last()]"
    ),
    "title": "h1.title, .news_column h1",
    "date": f"xpath:({_TITLE}/following::span[contains(@class, 'h5')])[1]",
    "category": ".breadcrumbs li:last-child a span, .breadcrumbs li:last-child a",
    "lead": "div.hometext",
    "body": "div#news-bodyhtml, div.bodytext",
    "images": "figure.article, div#news-bodyhtml img",
    "caption": "figcaption, p.image-caption",
    "attachments": "div.news-download-file a[href], div#news-bodyhtml a[href]",
    "author": "xpath:" + _labelled("Tác giả"),
    "source": "xpath:" + _labelled("Nguồn tin"),
    "remove": ".news-download-file, .socialicon, .fb-share-button, .other-news",
}


def detect(sel: Selector, url: str) -> bool:
    """NukeViet generator meta, its body ids or its ``nv_`` scripts."""
    return "nukeviet" in common.meta_generator(sel) or common.has(
        sel,
        "div#news-bodyhtml, div.news-download-file",
        "xpath://script[contains(@src, 'nukeviet') or contains(., 'nv_base_siteurl')]",
    )


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of a category page; paging ``/page-N/``."""
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page."""
    return common.parse_article_with(SELECTORS, sel, url, overrides)
