"""Liferay 6.2 Asset Publisher (many older department sites).

Lists: ``div.asset-abstract`` with ``h3.asset-title a``, a date block such as
``29/09/2012 | 12:00 AM`` and ``div.asset-summary``; paging by ``_101_cur`` inside
``div.lfr-pagination``. Articles: ``/<page>/-/view_content/<id>-<slug>`` (or
``…/extAssetPublisher/content/<id>/<slug>.html;jsessionid=…``).

Article markup as the portal's own JSP renders it (Liferay 6.2
``portal-web/docroot/html/portlet/asset_publisher/display/full_content.jsp``, read in the
public repository dinolupo/Liferay6.2-fixed @ d87abb8): the title is a
``liferay-ui:header`` (``div.taglib-header > h3.header-title``) *before*
``div.asset-full-content``; inside it ``div.asset-content`` holds the journal article
(``div.journal-content-article``), then ``div.asset-metadata`` with
``span.metadata-entry.metadata-publish-date``. Department themes often print their own
date line instead, just outside the full content ("Ngày đăng 11/07/2022 | 7:48 PM"), or
their own heading inside it: the real Liên đoàn Lao động Đắk Nông theme
(ewh-support/ldld-1.daknong) prints ``div.nd_detail_chitiet > h2`` with the date in a
``<span>( … )</span>`` of the heading (split off by ``crawlers.cleaning.titles``).
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "liferay62"

_FULL = ".asset-full-content"
# a theme's own labelled line next to the full content (before or after it, at most two
# levels up): "Ngày đăng 11/07/2022 | 7:48 PM"
_NEAR_FULL = (
    "(//div[contains(@class, 'asset-full-content')]/ancestor-or-self::*[position() <= 3]"
    "/*[not(contains(@class, 'asset-full-content'))]"
    "[starts-with(normalize-space(.), '{0}')])[1]"
)
SELECTORS: dict[str, str] = {
    "list_links": (
        "xpath://div[contains(@class, 'asset-abstract')][ancestor::*[contains(@class, 'portlet-boundary')]"
        "[.//div[contains(@class, 'lfr-pagination')]]] || div.asset-abstract"
    ),
    "list_link": "h3.asset-title a, .asset-title a",
    "list_date": ".asset-date, .metadata-publish-date, .date, .metadata-entry",
    "list_summary": "div.asset-summary",
    "next_page": (
        "div.lfr-pagination li.next:not(.disabled) a, div.lfr-pagination a.next, "
        "ul.pager li.next:not(.disabled) a"
    ),
    "title": (
        "xpath://div[contains(@class, 'asset-full-content')]/preceding-sibling::*"
        "[.//*[contains(@class, 'header-title')]][1]//*[contains(@class, 'header-title')]"
        f" || {_FULL} h1.asset-title, {_FULL} h3.header-title, h1.header-title, "
        "h3.header-title span, h1.asset-title"
        # a theme's own heading in the full content, above the article's text
        " || xpath:(//div[contains(@class, 'asset-full-content')]//*[self::h1 or self::h2"
        " or self::h3 or self::h4][not(ancestor::*[contains(@class, 'journal-content-article')"
        "])][normalize-space()])[1]"
    ),
    "date": (
        f"{_FULL} .asset-date, {_FULL} .metadata-publish-date, {_FULL} .date"
        " || xpath:" + _NEAR_FULL.format("Ngày đăng")
    ),
    # the article's own portlet's title, never a sidebar portlet's ("quy hoạch - kế hoạch")
    "category": (
        "ul.breadcrumb li.active a || .asset-category || xpath://div[contains(@class, "
        "'asset-full-content')]/ancestor::*[contains(concat(' ', normalize-space(@class), ' '),"
        " ' portlet ')][1]//*[contains(@class, 'portlet-title-text')]"
    ),
    "lead": f"{_FULL} .asset-summary, {_FULL} .summary",
    "body": f"{_FULL} .journal-content-article, {_FULL} .asset-content, .journal-content-article",
    "images": f"{_FULL} .asset-content img, {_FULL} .journal-content-article img",
    "caption": "p.image-caption, figcaption, .image-caption, p.caption",
    "attachments": f"{_FULL} a[href], .asset-attachments a[href]",
    "author": f"{_FULL} .asset-author, {_FULL} .author",
    "source": f"{_FULL} .asset-source, {_FULL} .source",
    "remove": (
        ".taglib-social-bookmarks, .asset-links, .asset-ratings, .taglib-ratings, "
        ".print-action, .taglib-icon-list, .asset-related-assets, .asset-metadata, "
        "p.author, p.source"
    ),
}


def detect(sel: Selector, url: str) -> bool:
    """Asset Publisher markup (``_101_`` ids, ``asset-abstract``) or its article URLs."""
    return (
        "/-/view_content/" in url
        or "/extAssetPublisher/" in url
        or "_101_" in url
        or common.has(
            sel,
            "div.asset-abstract, div.asset-full-content",
            "xpath://*[starts-with(@id, 'p_p_id_101_')] | //a[contains(@href, '_101_')]",
        )
    )


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of an asset list; paging by ``_101_cur``."""
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page."""
    return common.parse_article_with(SELECTORS, sel, url, overrides)
