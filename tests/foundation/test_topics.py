"""Topics from the unit's category mapping and from keywords, on the canonical form."""

from __future__ import annotations

from pathlib import Path

from crawlers.topics import assign_topics
from domain.article import Article
from domain.registry import load_registry

UNIT = """
[[unit]]
id = "t-soct"
name = "Sở Công Thương"
province = "phu-tho"
platform = "nukeviet"
homepage = "https://example.vn/"
topics = { "Tin hoạt động" = ["cong-thuong"] }
[[unit.start]]
url = "https://example.vn/news/"
category = "Tin hoạt động"
"""


def _article(title: str, category: str = "", lead: str = "") -> Article:
    return Article(
        url="https://example.vn/a",
        title=title,
        published=None,
        time_unknown=True,
        category=category,
        lead=lead,
        body_html="",
        body_text="",
    )


def test_category_mapping_and_keywords(tmp_path: Path) -> None:
    path = tmp_path / "u.toml"
    path.write_text(UNIT, encoding="utf-8")
    reg = load_registry(path)
    unit = reg.units["t-soct"]
    got = assign_topics(_article("Họp bàn", category="TIN HOẠT ĐỘNG"), unit, reg)
    assert got == {"cong-thuong": "category"}
    # old tone placement and capitals still match the keyword "sức khỏe" / "y tế"
    got = assign_topics(_article("Chăm sóc SỨC KHOẺ người cao tuổi"), unit, reg)
    assert got.get("y-te") == "keyword"
    # whole words only: "quy tế" is not "y tế"
    assert "y-te" not in assign_topics(_article("Hợp tác quốc tế quy tế"), unit, reg)
    # the list page's category counts when the page shows none
    assert assign_topics(_article("Tin"), unit, reg, "Tin hoạt động") == {"cong-thuong": "category"}


def test_a_precomputed_title_lead_form_gives_the_same_topics(tmp_path: Path) -> None:
    """The parse worker's ``Prepared.title_lead_form`` stands in for the form of title and lead."""
    from dedup.fingerprint import Fingerprinter
    from dedup.prepared import prepare

    path = tmp_path / "u.toml"
    path.write_text(UNIT, encoding="utf-8")
    reg = load_registry(path)
    unit = reg.units["t-soct"]
    cases = [
        _article("Chăm sóc SỨC KHOẺ người cao tuổi"),
        _article("Hợp tác quốc tế quy tế", lead="Chăm sóc sức khỏe"),
        _article("Họp bàn", category="TIN HOẠT ĐỘNG", lead="Y TẾ cơ sở"),
        _article("Tin", lead="sức\u00a0khoẻ &amp; y tế"),
    ]
    for art in cases:
        prep = prepare(art.title, art.lead, art.body_text, Fingerprinter())
        given = assign_topics(art, unit, reg, title_lead_form=prep.title_lead_form)
        assert given == assign_topics(art, unit, reg)
