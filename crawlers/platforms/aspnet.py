"""In-house ASP.NET portals (``TinTucChiTiet.aspx?key=<slug>-<id>``, ``….gplist….asmx``).

Dates come in many forms: ``Ngày cập nhập: 6/10/2017``, ``09:16 AM 11/04/2019 | Lượt
xem: 3673``, ``Ngày đăng : 16:10, 10/03/2025``, ``Ngày 8 tháng 8 năm 2022``.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawlers.items import RawArticle
from crawlers.platforms import common
from crawlers.platforms.base import ListPage

NAME = "aspnet"

SELECTORS: dict[str, str] = {
    "list_links": ".list-news .item, .news-list .item, .tintuc-item, ul.list-news li, .news-item",
    "list_link": "a.title, h3 a, h2 a, a",
    "list_date": ".date, .time, .ngay, .ngaydang",
    "list_summary": ".tomtat, .summary, .sapo, p",
    "next_page": ".paging a.next, .pager a.next, a[id*='Next'], a[id*='next']",
    "title": (
        ".news-detail h1, .tintuc-chitiet h1, h1.title, .tieude, span[id*='lblTitle'], "
        "span[id*='lblTieuDe']"
    ),
    "date": (
        ".news-detail .date, .tintuc-chitiet .ngay, .ngaydang, .date, span[id*='lblNgay'], "
        "span[id*='lblDate']"
    ),
    "category": ".breadcrumb a:last-child, .category, .chuyenmuc",
    "lead": ".news-detail .sapo, .tintuc-chitiet .tomtat, .tomtat, .sapo, span[id*='lblTomTat']",
    "body": (
        ".news-detail .content, .tintuc-chitiet .noidung, .noidung, div[id*='NoiDung'], "
        ".content-detail"
    ),
    "images": ".news-detail .content img, .noidung img, div[id*='NoiDung'] img, .content-detail img",
    "caption": "figcaption, .image-caption, p.caption, em",
    "attachments": ".news-detail a[href], .noidung a[href], .attachments a[href], .file-dinhkem a[href]",
    "author": ".news-detail .author, .tacgia, .author",
    "source": ".news-detail .source, .nguon, .source",
    "remove": ".tools, .news-tools, .other-news, .tinkhac",
}
_VIEWS = re.compile(r"\s*\|\s*Lượt xem.*$", re.IGNORECASE)


def detect(sel: Selector, url: str) -> bool:
    """WebForms markers (``__VIEWSTATE``, ``.aspx`` forms, ``ctl00_`` ids)."""
    return common.has(
        sel,
        "input#__VIEWSTATE, input[name='__VIEWSTATE'], form[action*='.aspx']",
        "xpath://*[starts-with(@id, 'ctl00_')] | //script[contains(@src, 'WebResource.axd')]",
    )


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of a news list."""
    return common.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page; the view counter cut off the date."""
    raw = common.parse_article_with(SELECTORS, sel, url, overrides)
    raw.published_text = _VIEWS.sub("", raw.published_text)
    return raw
