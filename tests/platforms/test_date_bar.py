"""The category of a page generic extraction reads: the label of a "category | date" bar
right above the title (``dateline.date_bar_category``), as LacViet portals print it
(``td.FolderTitle`` beside ``td.Time``; the real pages are in ``bench.realpages --generic``,
category 4/25 -> 11/25 with this rule). Only that shape counts: two cells, one a label
that names no other field."""

from __future__ import annotations

import lxml.html
import pytest

from crawlers.platforms.dateline import date_bar_category

TITLE = "Hội nghị tổng kết công tác tiếp công dân năm 2019 của huyện"


def _category(bar: str) -> str:
    page = lxml.html.fromstring(
        "<html><body><div class='menu'><a href='/'>Trang chủ</a></div>"
        f"<table><tr>{bar}</tr></table><table><tr><td><p class='Title'>{TITLE}</p></td></tr>"
        "<tr><td><p>Sáng ngày 30/7, huyện tổ chức hội nghị tổng kết công tác năm.</p></td></tr>"
        "</table></body></html>"
    )
    return date_bar_category(page.xpath("//p[@class='Title']")[0])


def test_the_label_beside_the_date_is_the_category() -> None:
    assert _category("<td class='x'>Tin hoạt động</td><td>30/07/2019</td>") == "Tin hoạt động"


@pytest.mark.parametrize(
    "bar",
    [
        "<td>30/07/2019</td><td>Tin hoạt động</td>",  # the date first: no bar
        "<td>Tin hoạt động</td><td>30/07/2019</td><td>Tác giả: Minh An</td>",  # three cells
        "<td>Lượt xem: 120</td><td>30/07/2019</td>",  # a counter, not a label
        "<td>" + " ".join(["Chuyên mục"] * 6) + "</td><td>30/07/2019</td>",  # a sentence
        "<td>Tin hoạt động</td><td>Đang cập nhật</td>",  # no date
        "<td>Ngày đăng</td><td>30/07/2019</td>",  # the date's own label
        "<td>Cập nhật lúc</td><td>30/07/2019</td>",
        "<td>Tác giả: Minh An</td><td>30/07/2019</td>",  # another field
        "<td>Người đăng</td><td>30/07/2019</td>",
    ],
)
def test_anything_else_is_no_category(bar: str) -> None:
    assert _category(bar) == ""


def test_no_title_no_category() -> None:
    assert date_bar_category(None) == ""
