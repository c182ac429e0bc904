"""A date a theme prints inside the title's heading is split off; a title's own words stay."""

from __future__ import annotations

import pytest

from crawlers.cleaning.titles import split_title_stamp


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # the real ldld-1.daknong theme: an empty span, or an ISO timestamp in it
        ("Lớp bồi dưỡng nghiệp vụ năm 2017 ( )", ("Lớp bồi dưỡng nghiệp vụ năm 2017", "")),
        (
            "Tin quy định chung ( 2019-05-17T07:42:09.672Z )",
            ("Tin quy định chung", "2019-05-17T07:42:09.672Z"),
        ),
        ("Tin A (24.06.2019 12:00)", ("Tin A", "24.06.2019 12:00")),
        ("Tin B [15/05/2019]", ("Tin B", "15/05/2019")),
        ("Tin C (2019-05-17)", ("Tin C", "2019-05-17")),
        # words of the title: kept whole
        ("Lịch tiếp công dân (tháng 5/2019)", ("Lịch tiếp công dân (tháng 5/2019)", "")),
        ("V/v chuyển đơn kiến nghị của bà Hoàng Thị Hoa (13/04)", None),
        ("Hội nghị lần thứ 10 (lần 2)", None),
        ("Quyết định ngày 01/04/2019 của UBND tỉnh", None),
        ("(15/05/2019)", None),  # nothing but the bracket: not split into an empty title
        ("", None),
    ],
)
def test_split_title_stamp(title: str, expected: tuple[str, str] | None) -> None:
    assert split_title_stamp(title) == (expected or (title, ""))
