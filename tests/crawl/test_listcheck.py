"""The list page checks the article (issue 10, item 2): titles, dates, borrowed fields."""

from __future__ import annotations

from datetime import datetime

from crawlers.listcheck import check_against_list, titles_agree
from domain.article import Article
from domain.timezone import VN_TZ


def _article(title: str = "", published: datetime | None = None) -> Article:
    problems = [] if title else ["missing title"]
    if published is None:
        problems.append("missing date")
    return Article(
        url="http://x/a",
        title=title,
        published=published,
        time_unknown=published is None,
        category="",
        lead="",
        body_html="<p>x</p>",
        body_text="x",
        problems=problems,
    )


def test_titles_agree_in_the_matching_form() -> None:
    assert titles_agree(
        "Hội nghị ngành Công thương năm 2022", "HỘI NGHỊ NGÀNH CÔNG THƯƠNG NĂM 2022"
    )
    assert titles_agree("Tỉnh Hoà Bình: họp báo", "Tỉnh Hòa Bình - họp báo")  # tone mark, dash
    assert titles_agree(
        "Hội nghị tổng kết công tác năm 2023 của Sở", "Hội nghị tổng kết công tác..."
    )
    assert titles_agree("Hội nghị tổng kết công tác năm 2023", "Hội nghị tổng kết công tá…")
    assert not titles_agree("quy hoạch - kế hoạch", "Hội nghị tổng kết công tác năm 2023")
    assert not titles_agree("Hội nghị tổng kết", "Hội nghị tổng kết công tác năm 2023")
    assert not titles_agree("Hội nghị", "Hội...")  # too short a prefix to vouch for anything
    # a list that cuts long titles without an ellipsis (eight words or more)
    long = "Hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024"
    assert titles_agree(long, "Hội nghị tổng kết công tác năm 2023 và triển kh")
    assert not titles_agree("Tin khác hẳn", "Hội nghị tổng kết công tác năm 2023 và triển kh")


def test_missing_title_and_date_come_from_the_list() -> None:
    art = _article()
    verdict = check_against_list(art, "Tin về công tác cải cách hành chính", "24.06.2019 12:00")
    assert verdict.checked and not verdict.mismatch
    assert art.title == "Tin về công tác cải cách hành chính"
    assert art.published == datetime(2019, 6, 24, 12, 0, tzinfo=VN_TZ)
    assert not art.time_unknown
    assert "title from list page" in art.problems and "date from list page" in art.problems
    assert "missing title" not in art.problems and "missing date" not in art.problems


def test_no_date_anywhere_stays_none() -> None:
    art = _article("Tin về công tác cải cách hành chính")
    verdict = check_against_list(art, "Tin về công tác cải cách hành chính", "")
    assert verdict.checked and not verdict.mismatch
    assert art.published is None and "missing date" in art.problems


def test_disagreements_are_reported() -> None:
    day = datetime(2022, 7, 11, 19, 48, tzinfo=VN_TZ)
    art = _article("quy hoạch - kế hoạch", day)
    verdict = check_against_list(art, "Hội nghị tổng kết công tác năm 2023", "12/07/2022")
    assert verdict.title_mismatch and verdict.date_mismatch
    assert any(p.startswith("title disagrees with list page") for p in art.problems)
    assert art.title == "Hội nghị tổng kết công tác năm 2023"  # the site's own title is kept
    assert art.published == day  # the page's date is kept, the disagreement recorded
    assert "date disagrees with list page: 2022-07-11 vs 2022-07-12" in art.problems
    same_day = _article("Hội nghị tổng kết công tác năm 2023", day)
    assert not check_against_list(
        same_day, "Hội nghị tổng kết công tác năm 2023", "11/07/2022"
    ).mismatch


def test_nothing_to_check_without_a_list_entry() -> None:
    assert not check_against_list(_article("Tin"), "", "").checked


def test_the_list_supplies_the_time_of_a_same_day_date() -> None:
    art = _article("Tin về công tác cải cách hành chính", datetime(2019, 7, 9, tzinfo=VN_TZ))
    art.time_unknown = True
    verdict = check_against_list(art, "Tin về công tác cải cách hành chính", "(09.07.2019 15:41)")
    assert not verdict.mismatch
    assert art.published == datetime(2019, 7, 9, 15, 41, tzinfo=VN_TZ) and not art.time_unknown
    assert "time from list page" in art.problems
