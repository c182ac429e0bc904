"""What `sites learn` prints: a valid unit, ids from hosts, and a province TODO `sites check` explains."""

from __future__ import annotations

import tomllib
from pathlib import Path

from crawlers.learn import Learned
from crawlers.learn.report import sample_table, unit_id, unit_toml
from domain.registry import load_registry


def _learned(url: str) -> Learned:
    selectors = {"list_links": "td.TitleFront a", "title": "p.Title", "body": "div.asset-content"}
    return Learned(url, "Trang thông tin điện tử Huyện Krông Nô", "Tin tức", selectors)


def test_unit_id_and_province_from_the_host() -> None:
    learned = _learned("https://svhttdl.daknong.gov.vn/tin-tuc-su-kien/tin-van-hoa")
    assert unit_id(learned) == "svhttdl-daknong"
    data = tomllib.loads(unit_toml(learned))["unit"][0]
    assert data["province"] == "dak-nong" and data["platform"] == "selectors"
    assert data["selectors"]["title"] == "p.Title"


def test_unknown_province_is_a_todo_that_sites_check_explains(tmp_path: Path) -> None:
    learned = _learned("http://127.0.0.1:8000/tin-tuc-su-kien")
    assert unit_id(learned) == "huyen-krong-no"  # from the site name on an IP address
    units = tmp_path / "units.toml"
    units.write_text(unit_toml(learned, allow_private=True), encoding="utf-8")
    reg = load_registry(units)
    assert "huyen-krong-no" in reg.units
    problems = [str(p) for p in reg.problems]
    assert len(problems) == 1 and "key 'province'" in problems[0], problems
    assert "sites learn" in problems[0] and "provinces.toml" in problems[0]


def test_table_warns_when_nothing_was_learned() -> None:
    learned = Learned("http://x.vn/list", "X", "Tin", {}, notes=["no group of article links"])
    lines = sample_table(learned)
    assert all(line.startswith("#") for line in lines)
    assert "# WARNING: no group of article links" in lines
