"""Liferay 7 "CmsView" portlet (Hòa Bình province portal and its departments).

List: ``div.cat_record`` items, title link in ``div.title_v``, date in ``span.time``.
Article: ``h1#titleDetail``, ``span.date_time`` (``dd/MM/yyyy HH:mm``) right after the
title (never the header's today-date, never the related lists' ``span.time``), lead
``div#leadDetail``, lead image ``img.img-responsive`` + ``div.img-title``, body
``div#contentDetail``.
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "liferay_cmsview"

_TITLE = "//h1[@id='titleDetail']"
SELECTORS: dict[str, str] = {
    "list_links": "div.cat_record",
    "list_link": "div.title_v a, h3 a, a",
    "list_date": "span.time",
    "list_summary": "div.lead_v, .lead, .summary",
    "title": "h1#titleDetail, h1.title",
    "date": f"xpath:({_TITLE}/following::span[contains(@class, 'date_time')])[1]",
    "date_format": "%d/%m/%Y %H:%M",
    "category": f"xpath:({_TITLE}/preceding::h3[contains(@class, 'title-list-news')])[last()]",
    "lead": "div#leadDetail",
    "body": "div#contentDetail",
    "images": (
        f"xpath:({_TITLE}/following::img[contains(@class, 'img-responsive')]"
        "[following::div[@id='contentDetail']])[1] | //div[@id='contentDetail']//img"
    ),
    "caption": "div.img-title, p.img-title, em.img-title",
    "attachments": "div#contentDetail a[href], div.attachments a[href], div.file-attach a[href]",
    "author": "div.author",
    "source": "div.source",
    "remove": ".tool-detail, .box-share, .print-detail",
}


def detect(sel: Selector, url: str) -> bool:
    """CmsView portlet ids in the URL or the page, or its article ids."""
    return "CmsViewPortlet" in url or common.has(
        sel,
        "xpath://*[contains(@id, 'CmsViewPortlet')] | //a[contains(@href, 'CmsViewPortlet')]",
        "h1#titleDetail",
    )


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of a category page; paging by ``cur``."""
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page."""
    return common.parse_article_with(SELECTORS, sel, url, overrides)
