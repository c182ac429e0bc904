"""Generic extraction on held-out real pages whose layout no rule was written for.

The pages are the LacViet fixtures of sites added after the parsers were built
(``tests/fixtures/lacviet/PROVENANCE``), read here with ``platform="generic"``, as a
page of an unknown platform would be. Before, generic extraction took the sidebar's
"Số lượt truy cập" heading as every thanhtra title and found no title at all on stc's
(a bold ``<p>``, no heading): the title is the text the page's address spells.
"""

from __future__ import annotations

from pathlib import Path

from parsel import Selector

from crawlers.extract import extract_list, extract_page
from crawlers.platforms.dateline import date_line
from crawlers.platforms.headline import slug_title
from domain.article import Article

LACVIET = Path(__file__).resolve().parents[1] / "fixtures" / "lacviet"


def _generic(name: str, url: str) -> Article:
    return extract_page((LACVIET / f"{name}.html").read_bytes(), url, platform="generic")


def test_the_title_is_what_the_address_spells_and_the_date_the_line_above_it() -> None:
    a = _generic(
        "thanhtra_bao_cao_tiep_cong_dan_thang_5_nam_2019",
        "http://thanhtra.daknong.gov.vn/bao-cao-tiep-cong-dan-thang-5-nam-2019/",
    )
    assert a.title == "Báo cáo Tiếp công dân tháng 5 năm 2019"
    # td.Time "(17.06.2019 08:50)" above the title; not "TIN ĐÃ ĐƯA"'s "(04/04/2019)" below
    assert a.published is not None
    assert a.published.isoformat() == "2019-06-17T08:50:00+07:00"


def test_a_title_printed_as_a_bold_paragraph_is_found() -> None:
    a = _generic(
        "stc_bao_cao_gia_ca_thi_truong_thang_6_2019",
        "http://stc.daknong.gov.vn/bao-cao-gia-ca-thi-truong-thang-6-2019/",
    )
    assert a.title == "Báo cáo giá cả thị trường tháng 6-2019"


PAGE = """<html><body>
<div class="breadcrumb">Trang chủ » Tin tức » Hội nghị tổng kết công tác năm 2023 của Sở</div>
<div class="top">Thứ năm, 09/05/2024</div>
<div class="sidebar-box"><ul><li><a href="/hoi-nghi-tong-ket-cong-tac-nam-2023-cua-so">Hội nghị
tổng kết công tác năm 2023 của Sở</a> (01/02/2024)</li></ul></div>
<div class="main"><div class="t">Hội nghị tổng kết công tác năm 2023 của Sở</div>
<p>Sáng nay, Sở tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024
với sự tham dự của lãnh đạo các phòng, đơn vị trực thuộc cùng đông đảo cán bộ, công chức.</p>
</div></body></html>"""


def test_the_address_is_never_matched_by_a_link_or_the_page_frame() -> None:
    sel = Selector(text=PAGE)
    title, el = slug_title(
        sel, "https://so.gov.vn/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2023-cua-so"
    )
    assert title == "Hội nghị tổng kết công tác năm 2023 của Sở"
    assert el is not None and el.get("class") == "t"  # not the breadcrumb, not the sidebar link
    # no date line: the header clock (a weekday) and a list entry's date are not the article's
    assert date_line(el, None) == ""
    # an address that spells no headline (an id) names no title
    assert slug_title(sel, "https://so.gov.vn/tin-tuc/12345") == ("", None)
    assert slug_title(sel, "https://so.gov.vn/Pages/default.aspx?ItemID=42") == ("", None)


def test_a_list_page_no_selector_reads_is_read_by_its_headline_links_and_says_so() -> None:
    """The real Liferay theme's list (ldld-1, 0 links by the platform's selectors): its
    own headline links are read, and the page says it needed them (``list_fallbacks``)."""
    liferay = LACVIET.parent / "liferay62"
    page = extract_list(
        (liferay / "ldld_tin_tuc_su_kien.list.html").read_bytes(),
        "http://ldld-1.daknong.gov.vn/tin-tuc-su-kien/",
    )
    assert len(page.entries) == 10 and page.fallback
    known = extract_list(
        (LACVIET / "hdnd_tin_tuc_su_kien_page_2.list.html").read_bytes(),
        "http://hdnd.daknong.gov.vn/tin-tuc-su-kien/page/2/",
    )
    assert known.entries and not known.fallback
