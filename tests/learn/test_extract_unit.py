"""`vnfeeds extract --unit` reads a page with a unit's own selectors (issue 10, item 3)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from vnfeeds.cli import cli

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "realsites" / "krongno.daknong.gov.vn"
PAGE = "dong-chi-ha-trung-ky-giu-chuc-chu-nhiem-uy-ban-kiem-tra-tinh-uy-nhiem-ky-2015-2020"
UNITS = """
[[unit]]
id = "krongno"
name = "Huyện Krông Nô"
province = "dak-nong"
platform = "selectors"
homepage = "http://krongno.daknong.gov.vn/"

[[unit.start]]
url = "http://krongno.daknong.gov.vn/tin-tuc-su-kien"
category = "Tin tức - Sự kiện"

[unit.selectors]
list_links = "td.TitleFront a"
title = "p.Title"
date = "td.Time"
body = "div.asset-content"
remove = "div.asset-content a[href='/']"
"""


def _extract(tmp_path: Path, *args: str) -> tuple[int, str]:
    page = tmp_path / "page.html"
    page.write_bytes(gzip.decompress((SITE / PAGE / "index.html.gz").read_bytes()))
    result = CliRunner().invoke(cli, ["extract", str(page), *args])
    return result.exit_code, result.output


def test_extract_with_a_units_selectors(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNITS, encoding="utf-8")
    code, out = _extract(tmp_path, "--sites", str(units), "--unit", "krongno")
    assert code == 0, out
    data = json.loads(out)
    assert data["platform"] == "selectors"
    assert data["title"] == (
        "Đồng chí Hà Trung Ký giữ chức Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy nhiệm kỳ 2015 2020"
    )
    assert data["published"] == "2019-05-30T00:00:00+07:00"  # td.Time prints the day only
    assert data["body_text"].startswith("Ngày 28/5, Ban Thường vụ Tỉnh ủy đã tổ chức Lễ công bố")
    # the unit's remove selector applied: the rebuild's dead "Tại đây" link is gone
    assert data["body_text"].rstrip().endswith("Xem chi tiết"), data["body_text"][-80:]


def test_extract_unit_from_the_global_sites_option(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNITS, encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_bytes(gzip.decompress((SITE / PAGE / "index.html.gz").read_bytes()))
    result = CliRunner().invoke(
        cli, ["--sites", str(units), "extract", str(page), "--unit", "krongno"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"].startswith("Đồng chí Hà Trung Ký")


def test_extract_unknown_unit_is_one_line_error(tmp_path: Path) -> None:
    units = tmp_path / "units.toml"
    units.write_text(UNITS, encoding="utf-8")
    code, out = _extract(tmp_path, "--sites", str(units), "--unit", "nope")
    assert code != 0 and "unknown unit 'nope'" in out and len(out.strip().splitlines()) == 1
