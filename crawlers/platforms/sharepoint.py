"""SharePoint sub-sites (``/<dept>/Pages/<slug>.aspx``, ``chitiettin.aspx?idTin=…``).

Pages start with "Skip Ribbon Commands"; dates look like ``Thứ Tư 07/02/2024 08:28``.
"""

from __future__ import annotations

from parsel import Selector

from crawlers.items import RawArticle
from crawlers.platforms import common
from crawlers.platforms.base import ListPage

NAME = "sharepoint"

SELECTORS: dict[str, str] = {
    "list_links": ".news-list .news-item, .list-news li, .dfwp-item, .item-news",
    "list_link": "a.title, h3 a, h2 a, a",
    "list_date": ".date, .time, .news-date",
    "list_summary": ".summary, .sapo, p",
    "next_page": "a.next, .paging a.next, td.ms-paging a[title*='Next']",
    "title": ".news-detail h1, .article-header h1, h1.title, .ms-rtestate-field h1",
    "date": ".news-detail .date, .article-header .date, .news-date, .date",
    "category": ".news-detail .category, .breadcrumb a:last-child, .ms-sitemapdirectional:last-child",
    "lead": ".news-detail .sapo, .news-detail .summary, .article-summary, .sapo",
    "body": ".news-detail .content, .article-content, div.ms-rtestate-field",
    "images": ".news-detail .content img, .article-content img, div.ms-rtestate-field img",
    "caption": "figcaption, .image-caption, p.caption, em",
    "attachments": ".news-detail a[href], .article-content a[href], .attachments a[href]",
    "author": ".news-detail .author, .author",
    "source": ".news-detail .source, .source",
    "remove": "#s4-ribbonrow, .ms-hide, .s4-notdlg, .news-tools, .other-news",
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
    return common.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page."""
    return common.parse_article_with(SELECTORS, sel, url, overrides)
