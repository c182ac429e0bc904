"""Generic extraction finds a title that no heading holds, by the class or id naming it.

Many themes print the headline in a styled ``<p>``, ``<div>``, ``<td>`` or an ASP.NET
label, never in ``h1``–``h4``. Where the page's address does not spell the title either (an
id, a short or misspelt slug), generic extraction used to find no title at all (the page
was dropped as "no title found") or took a sidebar heading above it. Two real Krông Nô
pages (``tests/fixtures/realsites/krongno.daknong.gov.vn/README.md``) and built pages for
each rule.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from parsel import Selector

from crawlers.extract import extract_page
from crawlers.platforms.headline import body_anchor, find_title

REALSITES = Path(__file__).resolve().parents[1] / "fixtures" / "realsites"
KRONGNO = REALSITES / "krongno.daknong.gov.vn"


@pytest.mark.parametrize(
    ("slug", "title"),
    [
        ("thong-bao-1", "Thông báo 1"),
        (
            "vv-xac-minh-giai-quyet-don-ua-ba-pham-thi-nhai-cu-tru-tai-thon-phu-trung-xa-quang-phu",
            "v/v xác minh, giải quyết đơn của bà Phạm thị Nhài, cư trú tại thôn Phú trung xã"
            " Quảng phú",
        ),
    ],
)
def test_a_real_title_in_a_styled_paragraph(slug: str, title: str) -> None:
    page = gzip.decompress((KRONGNO / slug / "index.html.gz").read_bytes())
    a = extract_page(page, f"http://krongno.daknong.gov.vn/{slug}/", platform="generic")
    assert a.title == title
    # the category cell ("FolderTitle") above it is not the title, and its date is read
    assert a.published is not None


BODY = (
    "<p>Sáng nay, Sở tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm"
    " 2024 với sự tham dự của lãnh đạo các phòng, đơn vị trực thuộc cùng đông đảo cán bộ,"
    " công chức, viên chức và người lao động của Sở.</p>"
)


def _title(html: str, page_title: str = "Sở Y tế tỉnh Đắk Nông") -> str:
    page = f"<html><head><title>{page_title}</title></head><body>{html}</body></html>"
    sel = Selector(text=page)
    anchor = body_anchor(sel, "Sáng nay, Sở tổ chức hội nghị tổng kết công tác năm 2023")
    assert anchor is not None
    return find_title(sel, anchor, "https://syt.gov.vn/Pages/chi-tiet.aspx?ItemID=42")[0]


def test_the_titled_element_nearer_the_body_beats_a_sidebar_heading() -> None:
    html = (
        "<div class='col'><h2>Văn bản chỉ đạo điều hành</h2><ul><li>Quyết định số 12</li></ul>"
        "</div><div class='news-title'>Hội nghị tổng kết công tác năm 2023</div>" + BODY
    )
    assert _title(html) == "Hội nghị tổng kết công tác năm 2023"


def test_an_aspnet_label_named_by_the_page_title() -> None:
    # the heading nearer the body is the share bar's: <title> names the label instead
    html = (
        "<span id='ctl00_main_lblTieuDe'>Hội nghị tổng kết công tác năm 2023</span>"
        "<div class='date'>Thứ năm, 09/05/2024</div>"
        "<div class='share'><h4>Chia sẻ bài viết này với bạn bè</h4></div>" + BODY
    )
    assert _title(html, "Hội nghị tổng kết công tác năm 2023 - Sở Y tế") == (
        "Hội nghị tổng kết công tác năm 2023"
    )


@pytest.mark.parametrize(
    "decoy",
    [
        # a register's header row: its cells run together
        "<table><tr class='row_title'><td>Số hiệu</td><td>Cơ quan ban hành</td>"
        "<td>Trích yếu nội dung</td></tr></table>",
        # never shown
        "<div style='display: none'><div class='title'>Chia sẻ bài viết này lên mạng</div></div>",
        # a category cell, a subtitle, a related list's header
        "<td class='FolderTitle'>Tin hoạt động của Sở</td>",
        "<div class='sub-title'>Bản tin của Văn phòng Sở phát hành</div>",
        "<p class='OtherTitle'>Các tin đã đưa khác</p>",
        # a box of links (Krông Nô's sidebar), the header's name
        "<div class='linkweb-title'>Liên kết Website</div><select><option>Chọn</option></select>",
        "<div class='header-title'>Cổng thông tin điện tử Sở Y tế</div>",
        # a date line styled as the title's neighbour
        "<div class='title-date'>Thứ năm, 09/05/2024 08:30</div>",
    ],
)
def test_elements_that_are_not_the_title(decoy: str) -> None:
    html = "<h1>Hội nghị tổng kết công tác năm 2023</h1>" + decoy + BODY
    assert _title(html) == "Hội nghị tổng kết công tác năm 2023"


def test_a_known_platform_s_page_with_no_title_gets_no_label_for_one() -> None:
    # hdnd's category page of meeting documents: LacViet's selectors find no title, and
    # the generic fallback takes no titled element (the register's caption); read as an
    # unknown platform's page, the search box's heading and the count are no title either
    page = gzip.decompress(
        (REALSITES / "hdnd.daknong.gov.vn/tai-lieu-cac-ky-hop/index.html.gz").read_bytes()
    )
    url = "http://hdnd.daknong.gov.vn/tai-lieu-cac-ky-hop/"
    assert extract_page(page, url).title == ""
    assert extract_page(page, url, platform="generic").title != "Tra cứu thủ tục các kỳ họp"


@pytest.mark.parametrize(
    "box",
    [
        "<table class='dvBlockSearch-tb'><tr><td class='dvVBPL-title'>Tra cứu văn bản pháp"
        " luật</td></tr></table>",
        "<div class='title_VBPL'>Tổng số: 87</div>",
    ],
)
def test_a_search_box_s_heading_or_a_count_is_no_title(box: str) -> None:
    html = "<h1>Hội nghị tổng kết công tác năm 2023</h1>" + box + BODY
    assert _title(html) == "Hội nghị tổng kết công tác năm 2023"
