"""Liferay 7 "com.soft" article portlets (newer province portals).

Lists live at friendly category URLs (``/tin-tu-cac-don-vi?p_p_id=com_soft_article_
listnew_ListNewByCategoryPortlet_INSTANCE_<x>&…_cur=6``) and show dates in brackets
without zero padding: ``(28/11/2024)``. Article pages come from the same portlet family.

No published template to check against: the com.soft portlets are a vendor's closed
module (no public source found for ``com_soft_article``), so these selectors rest on the
list shapes in portals.md; the article selectors are unverified against real markup and a
unit should learn or override them (``vnfeeds sites learn``).
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "liferay_comsoft"

_PORTLET = "//*[contains(@id, 'com_soft_article')]"
_TITLE = "(//h1[contains(@class, 'title')] | //h1)[1]"
SELECTORS: dict[str, str] = {
    "list_links": (
        f"xpath:{_PORTLET}//*[contains(@class, 'news-item') or contains(@class, 'item-news')"
        " or self::li or self::article][.//a[@href]]"
    ),
    "list_link": "h3 a, h2 a, a.title, a",
    "list_date": ".date, .time, span.news-date",
    "list_summary": ".news-summary, .summary, .sapo",
    "title": "h1.title-detail, h1.article-title, .article-detail h1, .news-detail h1, h1.title",
    "date": (
        ".article-detail .date, .news-detail .date, .article-date, .date-detail"
        f" || xpath:({_TITLE}/following::*[contains(@class, 'date')])[1]"
    ),
    "category": ".breadcrumb li:last-child a, .article-category, .category-name",
    "lead": ".article-detail .sapo, .news-detail .sapo, .article-sapo, .summary, .sapo",
    "body": ".article-detail .article-content, .news-detail .content, .article-content, .content-detail",
    "images": ".article-image img, .article-detail figure img, .article-content img, .content-detail img",
    "caption": "figcaption, .image-caption, .img-caption",
    "attachments": ".article-content a[href], .content-detail a[href], .attachments a[href]",
    "author": ".article-author, .author",
    "source": ".article-source, .source",
    "remove": ".article-tools, .box-share, .other-news",
}


def detect(sel: Selector, url: str) -> bool:
    """com.soft article portlet ids in the URL or the page."""
    return "com_soft_article" in url or common.has(
        sel, f"xpath:{_PORTLET} | //a[contains(@href, 'com_soft_article')]"
    )


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of a category page; paging by ``…_cur``."""
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page."""
    return common.parse_article_with(SELECTORS, sel, url, overrides)
