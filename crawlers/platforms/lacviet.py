"""LacViet e-Government portal on SharePoint 2010 (``egov2k10``, ``/_layouts/LacVietBio/``).

Read from real pages of four Đắk Nông sites (``shared/realsites``, provenance in
``tests/fixtures/lacviet/PROVENANCE``). The portal ships three article web parts:

- the news detail part (``div#part1``): category ``td.FolderTitle`` and date ``td.Time``
  (``dd/MM/yyyy`` or ``dd.MM.yyyy HH:mm``) in ``tr.ms-news-header``, title ``p.Title``,
  lead ``b.lv_description_mode1``, body ``div.ExternalClass…``; bodies often hold markup
  pasted from Liferay sites (``p.sapo`` as the lead, ``div.journal-content-article``);
- the "noiDung" part: category in ``p > strong > li`` just before ``div.noiDung``, title
  ``div.title``, lead ``div.moTaNgan``, body ``div.contents`` (no date on the page);
- the search-result part (``td.dv-title``): section ``td.dvVBPL-title``, title ``h2``,
  lead ``h3``, body the rest of the cell (no date on the page);
- the document register's detail part (``table.table_ct``): title ``div.title_ct``,
  label/value rows ("Ngày ban hành" the date, "Trích yếu" the lead), the table the body;
- the "gthieu" part (real pages of Sở Tài chính Đắk Nông, ewh-support/stc.daknong @
  0b1e89f3, read for this): category ``div.title-gt`` before ``div.gthieu``; in
  ``div.gtTitle`` the title is a bold ``<p>`` (no heading), the lead a bold justified
  ``<div>`` (often empty), then the body (``div.img``, a "Xem chi tiết tại đây" link to
  the file); no date on the page;
- the "giới thiệu chung" part (real pages of thị xã Gia Nghĩa, levinhtuyen1234/
  gianghia.daknong @ 645b318d, read for this): title ``div.div-gioi-thieu-chung-title``,
  body ``div.div-noi-dung-gioi-thieu-chung``, an empty news header above (no date).

Then "TIN ĐÃ ĐƯA" (``div#part2``, ``td.Other li a`` + ``span.ShowDate``) lists other
articles: never the article's date. Web parts are often left unclosed, so the parser
nests the rest of the page (other web parts, right column, footer) inside the body:
``cut`` ends the body at the first such element. Images sit in ``<table align=center>``
with the caption in the next row. List pages: ``td.TitleFront a`` with the date in a
``span.ShowDate`` inside the link; SharePoint list views (``td.ms-vb-title``) with the
date as ``M/D/YYYY h:mm AM`` in ``td.ms-vb2``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawlers.platforms import common, headline, listing
from crawlers.platforms.base import ListPage
from domain.article import RawArticle

NAME = "lacviet"

_FRAME = (
    "div.ms-WPBody, div[webpartid], td[id^='MSOZoneCell'], table.s4-wpTopTable, "
    "#part2, table.tbtinkhac, td.Other, td.OtherTitle, .snRight, .zoneRight, #LeftMenuWebName, "
    ".ms-navheader, .Footer-menu, .Footer-text, .ms-PartSpacingVertical, .css_Xemtiep"
)

# a row of the document register's detail table: label cell, value cell
_DOC_FIELD = (
    "xpath://table[contains(concat(' ', @class, ' '), ' table_ct ')]"
    "//tr[td[1][normalize-space()='{}']]/td[2]"
)

SELECTORS: dict[str, str] = {
    "list_links": "td.TitleFront a[href] || td.ms-vb-title a[href]",
    "list_date": "span.ShowDate",
    "next_page": "",
    "title": (
        "#part1 p.Title || div.noiDung > div.title || td.dv-title h2"
        " || table.table_ct tr.row_title div.title_ct"
        " || xpath:(//div[contains(concat(' ', @class, ' '), ' gtTitle ')]//p"
        "[contains(@style, 'bold')][normalize-space()])[1]"
        " || div.div-gioi-thieu-chung-title"
    ),
    "date": "tr.ms-news-header td.Time || " + _DOC_FIELD.format("Ngày ban hành"),
    "category": (
        "tr.ms-news-header td.FolderTitle"
        " || xpath://div[contains(concat(' ', @class, ' '), ' noiDung ')]"
        "/preceding-sibling::*[1][self::p]"
        " || xpath://td[contains(concat(' ', @class, ' '), ' dv-title ')]"
        "/ancestor::table[1]//td[contains(concat(' ', @class, ' '), ' dvVBPL-title ')]"
        " || xpath://div[contains(concat(' ', @class, ' '), ' gthieu ')]"
        "/preceding-sibling::div[contains(concat(' ', @class, ' '), ' title-gt ')][1]"
    ),
    "lead": (
        "#part1 b.lv_description_mode1, #part1 p.sapo || div.noiDung > div.moTaNgan"
        " || td.dv-title h3 || " + _DOC_FIELD.format("Trích yếu") + " || "
        "xpath://div[contains(concat(' ', @class, ' '), ' gtTitle ')]//div[contains(@style,"
        " 'justify')][contains(@style, 'bold')]"
    ),
    "body": (
        "#part1 div[class^='ExternalClass'] || div.noiDung > div.contents || td.dv-title"
        " || div.gthieu div.gtTitle || div.div-noi-dung-gioi-thieu-chung"
    ),
    "images": (
        "#part1 div[class^='ExternalClass'] img || div.noiDung > div.contents img"
        " || td.dv-title img || div.gthieu div.gtTitle img || div.div-noi-dung-gioi-thieu-chung img"
    ),
    "caption": (
        "xpath://tr[preceding-sibling::tr[1]//img][not(.//img)]/td"
        " | //figcaption | //p[em and not(normalize-space(text()))]"
    ),
    "attachments": (
        # a file is also linked after the article's table: "xem chi tiết <a>tại đây</a>"
        "#part1 div[class^='ExternalClass'] a[href], #part1 > p a[href]"
        " || div.noiDung > div.contents a[href]"
        " || td.dv-title a[href] || table.table_ct a[href] || div.gthieu div.gtTitle a[href]"
        " || div.div-noi-dung-gioi-thieu-chung a[href]"
    ),
    "remove": (
        # the "gthieu" part's title and lead block (the body is the rest of div.gtTitle)
        "xpath:self::div[contains(concat(' ', @class, ' '), ' gtTitle ')]"
        "/*[1][.//p[contains(@style, 'bold')]]"
        # the rebuild's "Xem chi tiết tại đây" linking to nothing (or to the site root)
        " | .//p[starts-with(normalize-space(.), 'Xem chi tiết')]"
        f"[a][not(a[{common.LEADS_SOMEWHERE}])]"
    ),
    "cut": _FRAME,
}

_NO_CATEGORY = {"root", ""}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}:\d{2})\s*([AP]M))?$", re.I)
_DEAD_LINK = re.compile(r"^\s*(?:#|javascript:.*)?\s*$", re.I)


def detect(sel: Selector, url: str) -> bool:
    """LacViet's ``_layouts/LacVietBio`` assets or its web parts on a SharePoint page."""
    return common.has(
        sel,
        "xpath://@*[contains(., 'LacVietBio') or contains(., 'LacVietSPList')"
        " or contains(., 'LacViet.CMS') or contains(., 'egov2k10')]",
        "#part1 p.Title, div.noiDung > div.contents, td.TitleFront",
    )


def _us_date(text: str) -> str:
    """A list view's ``4/23/2018 2:05 PM`` (SharePoint's month-first form) as day-first."""
    m = _US_DATE.match(text.strip())
    if not m:
        return text
    month, day, year, clock, ampm = m.groups()
    out = f"{int(day):02d}/{int(month):02d}/{year}"
    return f"{out} {clock} {ampm.upper()}" if clock else out


def parse_list(sel: Selector, url: str, overrides: dict[str, str]) -> ListPage:
    """Article links of a news list (the link text without its ``(date)``)."""
    page = listing.parse_list_with(SELECTORS, sel, url, overrides)
    for entry in page.entries:
        date = entry.date_text.strip()
        if date and entry.title.endswith(date):
            entry.title = entry.title[: -len(date)].strip()
        entry.date_text = date.strip("() ")
    if not page.entries:
        return page
    listview = {
        urljoin(url, common.clean_href(a.attrib.get("href", ""))): a
        for a in sel.css("td.ms-vb-title a[href]")
    }
    for entry in page.entries:
        a = listview.get(entry.url)
        if a is not None and not entry.date_text:
            row = a.xpath("ancestor::tr[1]")
            entry.date_text = _us_date(common.first_text(row[0], "td.ms-vb2 nobr")) if row else ""
    page.next_url = _next_page(sel, url)
    return page


def _next_page(sel: Selector, url: str) -> str | None:
    """The "Trang sau" link unless it leads back to this page or the site root."""
    for a in sel.css("nav.pagination a[href], ul.pagination a[href]"):
        if common.text_of(a).lower() not in ("trang sau", "sau", "»", "next"):
            continue
        link = urljoin(url, common.clean_href(a.attrib["href"]))
        if link.rstrip("/") not in (url.rstrip("/"), urljoin(url, "/").rstrip("/")):
            return link
    return None


def parse_article(sel: Selector, url: str, overrides: dict[str, str]) -> RawArticle:
    """Raw fields of an article page of any of the three web parts."""
    raw = common.parse_article_with(SELECTORS, sel, url, overrides)
    if raw.category.strip().lower() in _NO_CATEGORY:
        raw.category = ""
    raw.attachments = [a for a in raw.attachments if not _DEAD_LINK.match(a.url)]
    raw.body_html = headline.without_headings(raw.body_html, {raw.title, raw.lead})
    return raw
