"""bench.extraction: caches emptied per round, real article pages found, ratios printed."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench import extraction
from domain.text import clean_text

REALSITES = Path(__file__).resolve().parent.parent / "fixtures" / "realsites"


def test_clear_caches_empties_the_text_caches() -> None:
    clean_text("Sở Công Thương tỉnh Hòa Bình")
    assert clean_text.cache_info().currsize > 0
    assert extraction.clear_caches() > 5
    assert clean_text.cache_info().currsize == 0


def test_real_pages_are_the_articles_the_lists_link_to(tmp_path: Path) -> None:
    # snv's list page 2 links to "test-tin-trong-nganh" (copied) among pages not copied
    host = "snv.daknong.gov.vn"
    site = tmp_path / host
    for rel in ("tin-tuc-su-kien", "tin-tuc-su-kien/page/2", "test-tin-trong-nganh"):
        (site / rel).mkdir(parents=True)
    lst = gzip.decompress((REALSITES / host / "tin-tuc-su-kien/page/2/index.html.gz").read_bytes())
    (site / "tin-tuc-su-kien/index.html").write_bytes(lst)
    (site / "tin-tuc-su-kien/page/2/index.html").write_bytes(lst)
    article = gzip.decompress(
        (REALSITES / host / "test-tin-trong-nganh/index.html.gz").read_bytes()
    )
    (site / "test-tin-trong-nganh/index.html").write_bytes(article)
    pages = extraction.real_pages(tmp_path)[host]
    assert [p.url for p in pages] == [f"http://{host}/test-tin-trong-nganh/"]
    assert pages[0].body == article


def test_main_prints_both_rates_and_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    assert extraction.main(["--repeat", "1", "nukeviet"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("nukeviet"))
    pages, ours, theirs, ratio = row.split()[1:5]
    assert int(pages) >= 1 and float(ours) > 0 and float(theirs) > 0
    assert float(ratio) == pytest.approx(float(ours) / float(theirs), rel=0.02)
    assert "all selector pages" in out
