"""In-house ASP.NET portals (``TinTucChiTiet.aspx?key=<slug>-<id>``, ``….gplist….asmx``).

Dates come in many forms: ``Ngày cập nhập: 6/10/2017``, ``09:16 AM 11/04/2019 | Lượt
xem: 3673``, ``Ngày đăng : 16:10, 10/03/2025``, ``Ngày 8 tháng 8 năm 2022``.

No published template exists: each of these portals is built in-house, so the article
selectors are a common shape, not a product's markup; a unit should learn or override
them (``vnfeeds sites learn``). Generic extraction reads what they miss.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawlers.platforms import common, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "aspnet"

SELECTORS: dict[str, str] = {
    "list_links": "div.listnews > div.item, .list-news .item, .news-list .item, .tintuc-item",
    "list_link": "a.tieude, a.title, h3 a, h2 a, a",
    "list_date": "span.ngay, .ngaydang, .date, .time",
    "list_summary": "div.tomtat, .tomtat, .summary, .sapo",
    "next_page": "a[rel~='next'], .paging a.next, a[id*='lnkNext'], a[id*='Next']",
    "title": ".chitiet h1.tieude, .tintuc-chitiet h1, .news-detail h1, span[id*='lblTieuDe']",
    "date": ".chitiet .ngaydang, .tintuc-chitiet .ngaydang, .news-detail .date, span[id*='lblNgay']",
    "category": "a.chuyenmuc, .chuyenmuc a",
    "lead": ".chitiet .tomtat, .tintuc-chitiet .tomtat, .news-detail .sapo",
    "body": ".chitiet .noidung || .tintuc-chitiet .noidung || div[id*='NoiDung'] || .news-detail .content",
    "images": ".chitiet .noidung img, .tintuc-chitiet .noidung img, .news-detail .content img",
    "caption": "td.image_desc, figcaption, .image-caption, p.caption",
    "attachments": (
        ".filedinhkem a, .chitiet .noidung a, .tintuc-chitiet .noidung a, .news-detail a[href]"
    ),
    "author": ".chitiet p.tacgia, .tintuc-chitiet .tacgia, .news-detail .author",
    "source": ".chitiet p.nguon, .tintuc-chitiet .nguon, .news-detail .source",
    "remove": "p.tacgia, p.nguon, .tools, .news-tools, .other-news, .tinkhac",
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
    return listing.parse_list_with(SELECTORS, sel, url, overrides)


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page; the view counter cut off the date."""
    raw = common.parse_article_with(SELECTORS, sel, url, overrides)
    raw.published_text = _VIEWS.sub("", raw.published_text)
    return raw
