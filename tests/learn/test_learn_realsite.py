"""A real site learned, crawled and fed (issue 10, "Done when" 2 and 3).

Real pages of the Krông Nô district site (tests/fixtures/realsites/, copied from
shared/realsites/) are served on loopback. `vnfeeds sites learn` writes the unit, the
unit is used WITHOUT hand edits, `vnfeeds crawl` stores it, and the unit's JSON feed is
checked against expectations written by reading the pages (titles from the list page,
dates from the articles' ``td.Time`` and the list's times, body openings from the
article text). Then the article template changes under the unit: the crawl turns it
broken and exits non-zero, and the stored titles stay right.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import NewDbUrl
from tests.crawl.conftest import run_vnfeeds
from tests.learn.folder_site import FolderSite

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "realsites" / "krongno.daknong.gov.vn"
UNIT = "krongno"

# The list page's ten titles, as printed on it (read by eye from tin-tuc-su-kien/).
LIST_TITLES = {
    "Thông báo 1",
    "Lịch công tác tuần thứ 25 của Chủ tịch, các Phó Chủ tịch UBND huyện",
    "Krông Nô: Quan tâm đầu tư hạ tầng giao thông để phát triển du lịch",
    "Hướng dẫn tính mức lương, phụ cấp của cán bộ, công chức từ 1/7/2019",
    "Krông Nô phát động hưởng ứng Ngày Môi trường thế giới năm 2019",
    "Thông báo lựa chọn tổ chức bán đấu giá tài sản là quyền sử dụng đất Khu vực Cánh "
    "đồng La Trao, thị trấn Đắk Mâm (GĐ3-Đợt 1-2019)",
    "Đồng chí Hà Trung Ký giữ chức Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy nhiệm kỳ 2015 2020",
    "V/v gửi đề cương tuyên truyền kỷ niệm 40 năm Ngày chiến thắng chiến tranh bảo vệ "
    "biên giới Tây Nam của Tổ quốc",
    "Thông báo nghỉ lễ, tết năm 2019 đối với cán bộ, công chức, viên chức và người lao "
    "động của các cơ quan hành chính, sự nghiệp, tổ chức chính trị, tổ chức chính trị xã hội",
    "Thông báo lựa chọn tổ chức bán đấu giá tài sản là quyền sử dụng đất Khu vực Sân vận "
    "động cũ xã Quảng Phú (Đợt 1-2019)",
}
# Three articles: the day their page prints (td.Time), the time their list entry adds,
# and how their text begins.
KNOWN = {
    "Krông Nô: Quan tâm đầu tư hạ tầng giao thông để phát triển du lịch": (
        "2019-06-17T15:35:00+07:00",
        "Huyện Krông Nô (Đắk Nông) có nhiều lợi thế so sánh trong phát triển du lịch",
    ),
    "Hướng dẫn tính mức lương, phụ cấp của cán bộ, công chức từ 1/7/2019": (
        "2019-06-12T10:30:00+07:00",
        "Bộ Nội vụ vừa ban hành Thông tư 04/2019/TT-BNV hướng dẫn thực hiện mức lương cơ sở",
    ),
    "Đồng chí Hà Trung Ký giữ chức Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy nhiệm kỳ 2015 2020": (
        "2019-05-30T09:41:00+07:00",
        "Ngày 28/5, Ban Thường vụ Tỉnh ủy đã tổ chức Lễ công bố và trao Quyết định",
    ),
}


@dataclass
class Learned:
    site: FolderSite
    units: Path
    db: str
    learn_out: str


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory, new_db_url: NewDbUrl) -> Iterator[Learned]:
    tmp = tmp_path_factory.mktemp("realsite")
    with FolderSite(SITE) as site:
        db, units = new_db_url("learn"), tmp / "units.toml"
        res = run_vnfeeds(
            db,
            units,  # not read by `sites learn`; it only prints
            "sites",
            "learn",
            f"{site.base}/tin-tuc-su-kien",
            "--allow-private",
            "--province",
            "dak-nong",
            "--id",
            UNIT,
        )
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
        units.write_text(res.stdout, encoding="utf-8")  # exactly as printed: no hand edits
        yield Learned(site, units, db, res.stdout)


def _feed(learned: Learned, tmp: Path) -> dict[str, dict[str, object]]:
    out = tmp / "out"
    res = run_vnfeeds(learned.db, learned.units, "export", "--out", str(out), "--no-ping")
    assert res.returncode == 0, res.stderr[-3000:]
    doc = json.loads((out / "units" / f"{UNIT}.json").read_text(encoding="utf-8"))
    return {item["title"]: item for item in doc["items"]}


def test_learned_unit_is_valid_and_reads_the_real_markup(learned: Learned) -> None:
    data = tomllib.loads(learned.learn_out)
    unit = data["unit"][0]
    assert unit["id"] == UNIT and unit["province"] == "dak-nong"
    assert unit["platform"] == "selectors"
    assert unit["start"][0]["url"].endswith("/tin-tuc-su-kien")
    for key in ("list_links", "title", "body"):
        assert unit["selectors"].get(key), key
    # the per-field table: every sample's title and date agree with the list
    assert learned.learn_out.count("# --- sample") == 5
    assert "MISMATCH" not in learned.learn_out and "WARNING" not in learned.learn_out
    check = run_vnfeeds(learned.db, learned.units, "sites", "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_crawl_of_the_learned_unit_gives_the_right_feed(learned: Learned, tmp_path: Path) -> None:
    res = run_vnfeeds(learned.db, learned.units, "crawl", "-q", timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"state of {UNIT}: new -> ok" in res.stderr
    items = _feed(learned, tmp_path)
    assert set(items) == LIST_TITLES
    for title, (published, opening) in KNOWN.items():
        item = items[title]
        assert item["date_published"] == published, title
        assert item["_vnfeeds"]["date_source"] == "article"  # type: ignore[index]
        text = " ".join(lxml.html.fromstring(str(item["content_html"])).text_content().split())
        assert text.startswith(opening), (title, text[:200])
        assert title not in text[:300], "the title is not repeated in the body"


def _changed_template(title_selector: str) -> object:
    """A new article template: a portlet heading now sits where the title was."""

    def rewrite(path: str, html: str) -> str:
        if path.strip("/") == "tin-tuc-su-kien":
            return html  # the list page is unchanged
        doc = lxml.html.document_fromstring(html)
        hits = doc.cssselect(title_selector)
        if not hits:
            return html
        heading = lxml.html.fragment_fromstring(f"<{hits[0].tag}>Tin nổi bật</{hits[0].tag}>")
        for name, value in hits[0].attrib.items():
            heading.set(name, value)
        hits[0].addprevious(heading)
        hits[0].tag = "h1"
        hits[0].attrib.clear()
        return lxml.html.tostring(doc, encoding="unicode")

    return rewrite


def test_changed_template_turns_the_unit_broken(learned: Learned, tmp_path: Path) -> None:
    title_selector = tomllib.loads(learned.learn_out)["unit"][0]["selectors"]["title"]
    learned.site.rewrite = _changed_template(title_selector)  # type: ignore[assignment]
    try:
        res = run_vnfeeds(learned.db, learned.units, "crawl", "-q", "--full", timeout=300)
    finally:
        learned.site.rewrite = None
    assert res.returncode != 0, res.stdout + res.stderr[-3000:]
    assert f"state of {UNIT}: ok -> broken" in res.stderr
    assert "disagree with their list page" in res.stderr
    assert "ended broken or down" in res.stderr
    row = next(line for line in res.stdout.splitlines() if line.startswith(f"│{UNIT} "))
    assert "broken" in row  # the table says what the state line says
    # the stored titles are still the site's own
    assert set(_feed(learned, tmp_path)) == LIST_TITLES
