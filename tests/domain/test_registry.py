"""Units, provinces and topics load from TOML; errors name file, unit and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.registry import load_registry

GOOD = """
[[unit]]
id = "demo-soyt"
name = "Sở Y tế tỉnh Thanh Hóa"
province = "thanh-hoa"
platform = "nukeviet"
homepage = "https://soyt.thanhhoa.gov.vn/"
topics = { "Tin y tế" = ["y-te"] }
[[unit.start]]
url = "https://soyt.thanhhoa.gov.vn/news/tin-y-te/"
category = "Tin y tế"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_data_loads_without_problems() -> None:
    reg = load_registry()
    assert reg.problems == []
    assert len(reg.provinces) == 63
    assert sum(1 for p in reg.provinces.values() if p.successor is None) == 34
    assert reg.units


def test_lineage_puts_hoa_binh_and_vinh_phuc_under_phu_tho(tmp_path: Path) -> None:
    reg = load_registry(_write(tmp_path, "u.toml", GOOD))
    assert reg.root_province("hoa-binh") == "phu-tho"
    assert reg.root_province("vinh-phuc") == "phu-tho"
    assert reg.root_province("thanh-hoa") == "thanh-hoa"


def test_good_unit_loads(tmp_path: Path) -> None:
    reg = load_registry(_write(tmp_path, "u.toml", GOOD))
    assert reg.problems == []
    unit = reg.unit("demo-soyt")
    assert unit.start[0].category == "Tin y tế"
    assert unit.schedule.interval_minutes == 60


@pytest.mark.parametrize(
    ("text", "unit", "key", "words"),
    [
        (
            GOOD.replace('platform = "nukeviet"', 'platform = "joomla"'),
            "demo-soyt",
            "platform",
            "nukeviet",
        ),
        (
            GOOD.replace('province = "thanh-hoa"', 'province = "atlantis"'),
            "demo-soyt",
            "province",
            "unknown province",
        ),
        (
            GOOD.replace('url = "https://soyt', 'url = "ftp://soyt'),
            "demo-soyt",
            "start.0.url",
            "http",
        ),
        (
            GOOD.replace('["y-te"]', '["no-such-topic"]'),
            "demo-soyt",
            "topics.Tin y tế",
            "unknown topic",
        ),
        (
            GOOD.replace("homepage =", 'colour = "red"\nhomepage ='),
            "demo-soyt",
            "colour",
            "Extra inputs",
        ),
        (GOOD + '\n[unit.schedule]\ncron = "61 * * * *"\n', "demo-soyt", "schedule", "cron"),
        (
            GOOD.replace('platform = "nukeviet"', 'platform = "selectors"'),
            "demo-soyt",
            "",
            "selectors.list_links",
        ),
        (GOOD.replace('id = "demo-soyt"', 'id = "Bad Id"'), "Bad Id", "id", "pattern"),
    ],
)
def test_broken_unit_names_file_unit_and_key(
    tmp_path: Path, text: str, unit: str, key: str, words: str
) -> None:
    path = _write(tmp_path, "broken.toml", text)
    reg = load_registry(path)
    assert reg.problems, "a broken unit must be reported"
    p = reg.problems[0]
    assert p.file == str(path)
    assert p.unit == unit
    assert p.key == key
    assert words in p.message or words in str(p)


def test_invalid_toml_is_reported_and_other_files_still_load(tmp_path: Path) -> None:
    _write(tmp_path, "a_good.toml", GOOD)
    _write(tmp_path, "b_broken.toml", "[[unit]\nid = ")
    reg = load_registry(tmp_path)
    assert "demo-soyt" in reg.units
    assert len(reg.problems) == 1
    assert reg.problems[0].file.endswith("b_broken.toml")
    assert "not valid TOML" in reg.problems[0].message


def test_duplicate_unit_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", GOOD)
    _write(tmp_path, "b.toml", GOOD)
    reg = load_registry(tmp_path)
    assert len(reg.units) == 1
    assert any("duplicate unit id" in p.message and p.file.endswith("b.toml") for p in reg.problems)


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    reg = load_registry(tmp_path / "nope")
    assert any("no such file" in p.message for p in reg.problems)


def test_province_units_include_predecessors(tmp_path: Path) -> None:
    text = GOOD + GOOD.replace("demo-soyt", "hb-soyt").replace('"thanh-hoa"', '"hoa-binh"')
    text += GOOD.replace("demo-soyt", "pt-soyt").replace('"thanh-hoa"', '"phu-tho"')
    reg = load_registry(_write(tmp_path, "u.toml", text))
    assert [u.id for u in reg.province_units("phu-tho")] == ["hb-soyt", "pt-soyt"]
    assert [u.id for u in reg.province_units("hoa-binh")] == ["hb-soyt"]
