"""SharePoint sub-sites (``/<dept>/Pages/<slug>.aspx``, ``chitiettin.aspx?idTin=…``).

Pages start with "Skip Ribbon Commands"; dates look like ``Thứ Tư 07/02/2024 08:28``.
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "sharepoint"

SELECTORS: dict[str, str] = {
    "list_links": "ul.ListNews > li.item, .news-list .news-item, .list-news li, .dfwp-item",
    "list_link": "a.title, h3 a, h2 a, a",
    "list_date": "span.date, .date, .time, .news-date",
    "list_summary": "p.summary, .summary, .sapo",
    "next_page": "a[rel~='next'], a.next, td.ms-paging a[title*='Next']",
    "title": ".chitiettin h1.tieude, .news-detail h1, .article-header h1",
    "date": ".chitiettin .ngaydang, .news-detail .date, .article-header .date",
    "category": "a.chuyenmuc || .news-detail .category a, .news-detail .category",
    "lead": ".chitiettin .tomtat, .news-detail .sapo, .news-detail .summary",
    "body": ".chitiettin .noidung || .news-detail .content || .article-content",
    "images": ".chitiettin .noidung img, .news-detail .content img, .article-content img",
    "caption": "p.caption, figcaption, .image-caption",
    "attachments": ".chitiettin .dinhkem a, .chitiettin .noidung a, .news-detail a[href]",
    "author": ".chitiettin p.tacgia, .news-detail .author",
    "source": ".chitiettin p.nguon, .news-detail .source",
    "remove": "p.tacgia, p.nguon, .ms-hide, .news-tools, .other-news",
}


def detect(sel: Selector, url: str) -> bool:
    """SharePoint's ribbon, ``_layouts`` paths or its generator meta."""
    return "sharepoint" in common.meta_generator(sel) or common.has(
        sel,
        "#s4-ribbonrow, #s4-workspace, a[href='#mainContent'], .ms-rtestate-field",
        "xpath://a[contains(., 'Skip Ribbon Commands')]"
        " | //script[contains(@src, '/_layouts/')] | //link[contains(@href, '/_layouts/')]",
    )


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of a news list."""
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page."""
    return common.parse_article_with(SELECTORS, sel, url, overrides)
