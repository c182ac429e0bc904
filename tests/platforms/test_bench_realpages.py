"""bench.realpages on a tiny saved site built from real fixture pages: truth and scoring."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import realpages
from bench.realtruth import load_site
from tests.platforms.golden import FIXTURES

LACVIET = FIXTURES / "lacviet"


def _site(root: Path) -> Path:
    site = root / "svhttdl.daknong.gov.vn"
    pages = {
        "tin-tuc-su-kien/index.html": "svhttdl_tin_tuc_su_kien_page_3.list.html",
        "tin-tuc-su-kien/page/3/index.html": "svhttdl_tin_tuc_su_kien_page_3.list.html",
        "mua-le-hoi-cua-nguoi-m-nong/index.html": "svhttdl_mua_le_hoi_cua_nguoi_m_nong.html",
    }
    for rel, name in pages.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LACVIET / name, site / rel)
    return site


def test_truth_comes_from_the_list_not_the_extractor(tmp_path: Path) -> None:
    site = load_site(_site(tmp_path))
    url = "http://svhttdl.daknong.gov.vn/mua-le-hoi-cua-nguoi-m-nong/"
    assert site.list_urls == [
        "http://svhttdl.daknong.gov.vn/tin-tuc-su-kien/",
        "http://svhttdl.daknong.gov.vn/tin-tuc-su-kien/page/3/",
    ]
    truth = site.truth[url]
    assert truth.title == "Mùa lễ hội của người M'Nông"
    assert (truth.day, truth.clock) == ((2019, 6, 24), (12, 0))
    assert "Email: svhttdl@daknong.gov.vn" in site.chrome  # the footer, on every page
    assert truth.title not in site.chrome


def test_bench_scores_the_shipped_platform(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _site(tmp_path)
    assert realpages.main(["--dir", str(tmp_path), "--no-learn", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    a = report["sites"]["svhttdl.daknong.gov.vn"]["columns"]["A shipped"]
    assert a["title"] == [1, 1]
    assert a["date"] == [1, 1]  # the noiDung part prints no date, and none is read …
    assert a["date+list"] == [1, 1]  # … the list check supplies the list's
    assert a["time+list"] == [1, 1]
    assert a["chrome"] == [1, 1]
    assert a["body start"] == [1, 1] and a["body end"] == [1, 1]  # the golden page


def test_bench_refuses_a_missing_folder(tmp_path: Path) -> None:
    assert realpages.main(["--dir", str(tmp_path / "nope")]) == 2


def test_bench_adds_a_column_per_units_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _site(tmp_path / "sites")
    units = tmp_path / "units.toml"
    units.write_text(
        """
[[unit]]
id = "svhttdl-daknong"
name = "Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Nông"
province = "dak-nong"
platform = "selectors"
homepage = "http://svhttdl.daknong.gov.vn/"

[unit.selectors]
list_links = "td.TitleFront a"
title = "div.noiDung > div.title"
body = "div.noiDung > div.contents"

[[unit.start]]
url = "http://svhttdl.daknong.gov.vn/tin-tuc-su-kien/"
category = "Tin tức sự kiện"
""",
        encoding="utf-8",
    )
    args = ["--dir", str(tmp_path / "sites"), "--no-learn", "--unit", str(units), "--json"]
    assert realpages.main(args) == 0
    columns = json.loads(capsys.readouterr().out)["sites"]["svhttdl.daknong.gov.vn"]["columns"]
    assert set(columns) == {"A shipped", "unit units.toml"}
    assert columns["unit units.toml"]["title"] == [1, 1]
    units.write_text("[[unit]]\nid = 1\n", encoding="utf-8")  # a broken units file
    assert realpages.main(args) == 2


def _copied_site(tmp_path: Path, host: str, pages: dict[str, str]) -> Path:
    """A captured site folder under ``tmp_path``: path in the site -> LacViet fixture name."""
    site = tmp_path / host
    for rel, name in pages.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LACVIET / name, site / rel)
    return site


def test_the_page_date_read_by_hand_stands_against_the_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # snv's list shows 22.04.2019 14:24 for 39 entries (the rebuild's time); the page's
    # td.Time says 18/03/2019, and its hand-written golden JSON says the same
    site = _copied_site(tmp_path, "snv.daknong.gov.vn", {
        "tin-tuc-su-kien/index.html": "snv_tin_tuc_su_kien_page_2.list.html",
        "tin-tuc-su-kien/page/2/index.html": "snv_tin_tuc_su_kien_page_2.list.html",
        "test-tin-trong-nganh/index.html": "snv_test_tin_trong_nganh.html",
    })  # fmt: skip
    truth = load_site(site).truth["http://snv.daknong.gov.vn/test-tin-trong-nganh/"]
    assert (truth.list_day, truth.list_clock) == ((2019, 4, 22), (14, 24))
    assert realpages.main(["--dir", str(tmp_path), "--no-learn", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    a = report["sites"]["snv.daknong.gov.vn"]["columns"]["A shipped"]
    assert a["date"] == [1, 1] and a["date+list"] == [1, 1]  # 18/03/2019, the page's
    assert a["time+list"] == [0, 0]  # the list's time is of another day: not the page's


def test_a_page_printing_no_article_is_scored_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Krông Nô's /van-ban-phap-luat/van-ban-qppl: the hand-written golden JSON says the
    # page prints no article (no title, no body, no file); it counts in "article?" only
    _copied_site(tmp_path, "krongno.daknong.gov.vn", {
        "tin-tuc-su-kien/index.html": "krongno_tin_tuc_su_kien_page_2.list.html",
        "tin-tuc-su-kien/page/2/index.html": "krongno_tin_tuc_su_kien_page_2.list.html",
        "van-ban-phap-luat/van-ban-qppl/index.html": "krongno_van_ban_phap_luat_van_ban_qppl.html",
    })  # fmt: skip
    assert realpages.main(["--dir", str(tmp_path), "--no-learn", "--json"]) == 0
    a = json.loads(capsys.readouterr().out)["sites"]["krongno.daknong.gov.vn"]["columns"]
    assert a["A shipped"]["article?"] == [1, 1]
    assert a["A shipped"]["title"] == [0, 0] and a["A shipped"]["chrome"] == [0, 0]


def test_bench_adds_the_generic_column_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--generic``: every page also read as if no platform module knew the site."""
    _site(tmp_path / "sites")
    args = ["--dir", str(tmp_path / "sites"), "--no-learn", "--generic", "--json"]
    assert realpages.main(args) == 0
    columns = json.loads(capsys.readouterr().out)["sites"]["svhttdl.daknong.gov.vn"]["columns"]
    assert set(columns) == {"A shipped", "G generic"}
    assert columns["G generic"]["article?"][1] == columns["A shipped"]["article?"][1] > 0
