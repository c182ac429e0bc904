"""Generic extraction reads the category a page names by a link right before the title.

Read as pages of an unknown platform, 41 of the platform modules' golden article fixtures
had no category; on 22 of them the nearest text before the title is a link to the
category's page (a breadcrumb's last section, ASP.NET's ``div.chuyenmuc a``, CmsView's
``h3.title-list-news a``, NukeViet's ``ul.breadcrumbs``). The expected categories are the
fixtures' hand-checked golden JSON; built pages show what is never a category.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsel import Selector

from crawlers.extract import extract_page
from crawlers.platforms.dateline import category_link
from crawlers.platforms.headline import find_title

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    "name",
    [
        "aspnet/dich_ta_lon",
        "liferay_cmsview/khuyen_cong_2022",
        "liferay_comsoft/chuyen_giao_giong_che",
        "nukeviet/hoi_nghi_28_tinh",
        "selectors/lua_mua_2023",
        "liferay62/replica_thanhhoa-sct_10891",
    ],
)
def test_the_golden_category_as_an_unknown_platform(name: str) -> None:
    page = FIXTURES / f"{name}.html"
    meta = json.loads(page.with_name(f"{page.stem}.meta.json").read_text(encoding="utf-8"))
    golden = json.loads(page.with_name(f"{page.stem}.json").read_text(encoding="utf-8"))
    a = extract_page(page.read_bytes(), meta["url"], platform="generic")
    assert golden["category"]
    assert a.category == golden["category"]


TITLE = "<h1>Hội nghị tổng kết công tác năm 2023 của Sở Y tế</h1>"


def _category(before_title: str) -> str:
    sel = Selector(text=f"<html><body><div class='main'>{before_title}{TITLE}</div></body></html>")
    return category_link(find_title(sel, None)[1])


@pytest.mark.parametrize(
    ("before", "category"),
    [
        # a breadcrumb in a <nav>: a path to the page, not the page frame
        (
            "<nav aria-label='breadcrumb'><a href='/'>Trang chủ</a> » "
            "<a href='/tin-tuc/hoat-dong'>Tin hoạt động</a></nav>",
            "Tin hoạt động",
        ),
        # past the date bar's date
        ("<div><a href='/thong-bao'>Thông báo</a> | 09/05/2024</div>", "Thông báo"),
        # the home page alone, a back link, a link holding a number
        ("<div class='path'><a href='/'>Trang chủ</a></div>", ""),
        ("<a class='icon-back' href='/tin-tuc'>Quay lại</a>", ""),
        ("<div><a href='/van-ban/12'>Công văn số 12</a></div>", ""),
        # the last item of the site's menu
        ("<ul class='menu'><li><a href='/lien-he'>Liên hệ</a></li></ul>", ""),
        # a link that goes nowhere, or a label that is no link
        ("<div><a href='javascript:void(0)'>Tin tức</a></div>", ""),
        ("<div class='cat'>Tin tức</div>", ""),
    ],
)
def test_what_is_a_category_link(before: str, category: str) -> None:
    assert _category(before) == category
