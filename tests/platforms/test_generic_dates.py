"""Generic extraction reads the date where themes print it: beside a tool bar, inside the
title's heading (an ISO stamp), or under the article.

Run as pages of an unknown platform (``platform="generic"``), the golden fixtures of the
platform modules had no date on 16 of 85 pages: a tool bar's "A+"/print links next to the
date made it read as a list entry's, Liferay's ISO stamp in the heading's ``<span>`` was not
a date line, and Liferay's asset metadata (``full_content.jsp``) and themes' "Ngày đăng …"
stand after the body, where no date was looked for. The expected dates are the fixtures'
hand-checked golden JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsel import Selector

from crawlers.extract import extract_page
from crawlers.platforms.dateline import date_after_body, date_line
from crawlers.platforms.headline import body_anchor, find_title

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    "name",
    [
        "liferay_cmsview/seed_hoabinh_soct",  # span.date_time beside the A+/A-/print links
        "liferay_cmsview/khuyen_cong_2022",
        "liferay_comsoft/replica_hanoi-sct_45097",
        "liferay62/ldld_tin_quy_dinh_chung",  # real: "( 2019-05-17T07:42:09.672Z )" in the h2
        "liferay62/derived_full_content",  # asset metadata after the body
        "liferay62/derived_ngay_dang",  # "Ngày đăng 11/07/2022 | 7:48 PM" after the body
    ],
)
def test_the_golden_date_as_an_unknown_platform(name: str) -> None:
    page = FIXTURES / f"{name}.html"
    meta = json.loads(page.with_name(f"{page.stem}.meta.json").read_text(encoding="utf-8"))
    golden = json.loads(page.with_name(f"{page.stem}.json").read_text(encoding="utf-8"))
    a = extract_page(page.read_bytes(), meta["url"], platform="generic")
    assert a.published is not None
    assert a.published.isoformat()[:16] == golden["published"][:16]


ARTICLE = (
    "<p>Sáng nay, Sở tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm"
    " 2024 với sự tham dự của lãnh đạo các phòng và đơn vị trực thuộc.</p>"
    "<p>Chi tiết xem <a href='/files/qd-12.pdf'>Quyết định số 12/QĐ-SYT</a>.</p>"
)
BODY_TEXT = (
    "Sáng nay, Sở tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm"
    " 2024 với sự tham dự của lãnh đạo các phòng và đơn vị trực thuộc.\n"
    "Chi tiết xem Quyết định số 12/QĐ-SYT."
)


def _page(after_title: str, after_body: str) -> Selector:
    return Selector(
        text="<html><body><div class='main'><h1>Hội nghị tổng kết công tác năm 2023</h1>"
        f"{after_title}<div class='content'>{ARTICLE}</div>{after_body}</div></body></html>"
    )


def _date_line(sel: Selector) -> str:
    anchor = body_anchor(sel, BODY_TEXT)
    return date_line(find_title(sel, anchor)[1], anchor)


def test_a_date_the_title_cites_is_not_its_date() -> None:
    sel = Selector(
        text="<html><body><h1>Kỷ niệm 90 năm Ngày Thành lập Công đoàn Việt Nam"
        " (28/7/1929 - 28/7/2019)</h1><div class='date'>26/07/2019</div>"
        f"<div class='content'>{ARTICLE}</div></body></html>"
    )
    assert _date_line(sel) == "26/07/2019"
    short = Selector(
        text=sel.get().replace("Kỷ niệm 90 năm Ngày Thành lập Công đoàn Việt Nam", "Kỷ niệm")
    )
    assert _date_line(short) == "26/07/2019"


def test_an_iso_date_line_after_the_title() -> None:
    assert _date_line(_page("<div class='time'>2024-05-09 08:30</div>", "")) == "2024-05-09 08:30"


def test_a_weekday_date_bar_with_spaces_for_separators_after_the_title() -> None:
    # LacViet's td.Time prints "thứ ba, 25 06 2019 16:14" (Đắk R'lấp): the weekday makes
    # the three numbers a date; the date itself is read by dateparser
    line = _date_line(_page("<div class='time'>thứ ba, 25 06 2019 16:14</div>", ""))
    assert line == "thứ ba, 25 06 2019 16:14"
    art = extract_page(
        _page("<div class='time'>Thứ Ba, 25 06 2019 16:14</div>", "").get().encode(),
        "http://so.example.gov.vn/tin/hoi-nghi",
        platform="generic",
    )
    assert art.published is not None and art.published.isoformat() == "2019-06-25T16:14:00+07:00"
    # without a weekday, three numbers in a row are no date line
    assert _date_line(_page("<div class='time'>25 06 2019</div>", "")) == ""


def test_a_weekday_date_above_the_title_is_a_header_clock() -> None:
    sel = Selector(
        text="<html><body><div class='top'><span>Thứ Tư, 02 12 2026 10:05</span></div>"
        "<h1>Hội nghị tổng kết công tác năm 2023</h1>"
        f"<div class='content'>{ARTICLE}</div></body></html>"
    )
    assert _date_line(sel) == ""


def test_a_tool_bar_beside_the_date_is_no_list_entry() -> None:
    bar = (
        "<div class='tools'><span>09/05/2024 08:30</span> <a href='javascript:void(0)'>A+</a>"
        " <a href='#'>In bài</a> <a href='https://facebook.com/sharer?u=x'>Chia sẻ</a></div>"
    )
    assert _date_line(_page(bar, "")) == "09/05/2024 08:30"


def test_a_related_headline_beside_a_date_is_a_list_entry() -> None:
    entry = (
        "<div class='tools'><span>(01/02/2024)</span> <a href='/tin/hoi-nghi-khac'>Hội nghị"
        " sơ kết công tác sáu tháng đầu năm</a></div>"
    )
    assert _date_line(_page(entry, "")) == ""


@pytest.mark.parametrize(
    ("after_body", "date"),
    [
        # share buttons first, then the date line
        (
            "<ul class='share'><li><a href='#'>Facebook</a></li></ul>"
            "<div class='news-date'>Ngày đăng 11/07/2022 | 7:48 PM</div>",
            "Ngày đăng 11/07/2022 | 7:48 PM",
        ),
        # a related list comes first: its dates are not the article's
        (
            "<ul class='related'><li><a href='/tin/khac'>Hội nghị sơ kết công tác sáu tháng đầu"
            " năm</a> (01/02/2024)</li></ul><div class='news-date'>11/07/2022</div>",
            "",
        ),
        # the footer's date
        ("<div class='footer'><span>11/07/2022</span></div>", ""),
    ],
)
def test_a_date_line_under_the_article(after_body: str, date: str) -> None:
    assert date_after_body(_page("", after_body), BODY_TEXT) == date


def test_a_page_that_prints_no_date_gets_none_from_its_body_s_table() -> None:
    # stc's share-sale notice: no date of its own; its body opens with a table of short
    # cells whose 21st text after the title is "Thời gian đấu giá | 15/07/2019", and the
    # body is not located on the page (so nothing bounds the scan but its length)
    name = "lacviet/stc_thong_bao_ban_co_phan_quan_ly_sua_chua_duong_bo"
    page = FIXTURES / f"{name}.html"
    meta = json.loads(page.with_name(f"{page.stem}.meta.json").read_text(encoding="utf-8"))
    golden = json.loads(page.with_name(f"{page.stem}.json").read_text(encoding="utf-8"))
    assert golden["published"] is None
    a = extract_page(page.read_bytes(), meta["url"], platform="generic")
    assert a.published is None


def test_with_no_body_located_a_date_line_is_read_near_the_title_only() -> None:
    cells = "".join(f"<tr><td>Mục {i}</td><td>Giá trị {i}</td></tr>" for i in range(10))
    table = f"<table>{cells}<tr><td>Thời gian đấu giá</td><td>15/07/2019</td></tr></table>"

    def page(date: str) -> Selector:
        return Selector(
            text=f"<html><body><h1>Thông báo bán đấu giá cổ phần của công ty</h1>{date}{table}"
            "</body></html>"
        )

    dated = page("<div class='date'>Ngày đăng 02/07/2019</div>")
    assert date_line(find_title(dated, None)[1], None) == "Ngày đăng 02/07/2019"
    undated = page("")
    assert date_line(find_title(undated, None)[1], None) == ""
