"""Date forms seen on Vietnamese department sites (docs/portals.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawlers.cleaning.dates import ParsedDate, parse_list_date, parse_vn_date
from domain.timezone import VN_TZ

CASES = [
    # the seed article's span.date_time: "00:00" means only the date was stored
    ("07/10/2022 00:00", "2022-10-07T00:00:00+07:00", True),
    ("07/10/2022 08:15", "2022-10-07T08:15:00+07:00", False),
    ("(07/10/2022 08:15)", "2022-10-07T08:15:00+07:00", False),
    ("(11/2/2005)", "2005-02-11T00:00:00+07:00", True),
    ("(28/11/2024)", "2024-11-28T00:00:00+07:00", True),
    ("29/09/2012 | 12:00 AM", "2012-09-29T00:00:00+07:00", True),
    ("29/09/2012 | 03:15 PM", "2012-09-29T15:15:00+07:00", False),
    ("29/09/2012 | 12:30 PM", "2012-09-29T12:30:00+07:00", False),
    ("29/09/2012 | 12:30 AM", "2012-09-29T00:30:00+07:00", False),
    ("29/09/2012 | 11:59 p.m.", "2012-09-29T23:59:00+07:00", False),
    ("07/10/2022 08:15 SA", "2022-10-07T08:15:00+07:00", False),
    ("07/10/2022 08:15 CH", "2022-10-07T20:15:00+07:00", False),
    ("Thứ năm - 07/10/2022 08:15", "2022-10-07T08:15:00+07:00", False),
    ("Thứ Tư 07/02/2024 08:28", "2024-02-07T08:28:00+07:00", False),
    ("Ngày cập nhập: 6/10/2017", "2017-10-06T00:00:00+07:00", True),
    ("09:16 AM 11/04/2019 | Lượt xem: 3673", "2019-04-11T09:16:00+07:00", False),
    ("09:16 PM 11/04/2019 | Lượt xem: 3673", "2019-04-11T21:16:00+07:00", False),
    ("Ngày đăng : 16:10, 10/03/2025", "2025-03-10T16:10:00+07:00", False),
    ("Ngày 8 tháng 8 năm 2022", "2022-08-08T00:00:00+07:00", True),
    ("ngày 18 tháng 12 năm 2023 lúc 14:05", "2023-12-18T14:05:00+07:00", False),
    ("08:15 07/10/2022", "2022-10-07T08:15:00+07:00", False),
    ("Cập nhật lúc 08h15 ngày 07/10/2022", "2022-10-07T08:15:00+07:00", False),
    ("2022-10-07T08:15:00+07:00", "2022-10-07T08:15:00+07:00", False),
    ("2022-10-07T01:15:00Z", "2022-10-07T08:15:00+07:00", False),
    ("2022-10-07T10:15:00+09:00", "2022-10-07T08:15:00+07:00", False),
    ("2022-10-06T17:00:00+00:00", "2022-10-07T00:00:00+07:00", True),
    ("2022-10-07T08:15:00", "2022-10-07T08:15:00+07:00", False),
    ("2022-10-07", "2022-10-07T00:00:00+07:00", True),
    ("07.10.2022", "2022-10-07T00:00:00+07:00", True),
    ("07-10-2022 17:45:30", "2022-10-07T17:45:30+07:00", False),
    # double-encoded UTF-8 around the date is repaired first
    ("Thá»© nÄƒm - 07/10/2022 08:15", "2022-10-07T08:15:00+07:00", False),
    # forms the patterns do not know go to dateparser
    ("October 7, 2022", "2022-10-07T00:00:00+07:00", True),
]


@pytest.mark.parametrize(("text", "iso", "time_unknown"), CASES)
def test_parse_vn_date_forms(text: str, iso: str, time_unknown: bool) -> None:
    parsed = parse_vn_date(text)
    assert parsed is not None
    assert parsed.value.isoformat() == iso
    assert parsed.time_unknown is time_unknown
    assert parsed.value.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2022",
        "30/02/2024 08:15",
        "00/10/2022",
        "07/13/2022",
        "2022-02-30",
        "Không có ngày tháng ở đây",
        "Lượt xem: 3673",
        "Số 01/NQ-CP",
        "",
        "   ",
    ],
)
def test_no_or_impossible_date_is_none(text: str) -> None:
    assert parse_vn_date(text) is None


def test_day_first() -> None:
    parsed = parse_vn_date("03/04/2021")
    assert parsed is not None
    assert (parsed.value.day, parsed.value.month) == (3, 4)


def test_first_date_of_snippet_wins_and_bad_time_is_ignored() -> None:
    parsed = parse_vn_date("07/10/2022 25:99 (sửa 08/10/2022 09:00)")
    assert parsed is not None
    assert parsed.value.date().isoformat() == "2022-10-07"
    assert parsed.time_unknown is True


def test_parsed_date_is_frozen() -> None:
    parsed = parse_vn_date("07/10/2022 08:15")
    assert isinstance(parsed, ParsedDate)
    with pytest.raises(AttributeError):
        parsed.time_unknown = True  # type: ignore[misc]


def test_value_is_in_vn_zone() -> None:
    parsed = parse_vn_date("07/10/2022 08:15")
    assert parsed is not None
    assert parsed.value.tzinfo == VN_TZ


@pytest.mark.parametrize(
    ("text", "fmt", "iso", "time_unknown"),
    [
        ("Đăng 10/07/2022 08:15 PM", "%m/%d/%Y %I:%M %p", "2022-10-07T20:15:00+07:00", False),
        ("Đăng 10/07/2022 08:15 CH", "%m/%d/%Y %I:%M %p", "2022-10-07T20:15:00+07:00", False),
        ("2022.10.07", "%Y.%m.%d", "2022-10-07T00:00:00+07:00", True),
        ("07-10-2022 08:15", "%d-%m-%Y %H:%M", "2022-10-07T08:15:00+07:00", False),
    ],
)
def test_explicit_format(text: str, fmt: str, iso: str, time_unknown: bool) -> None:
    parsed = parse_vn_date(text, fmt)
    assert parsed is not None
    assert parsed.value.isoformat() == iso
    assert parsed.time_unknown is time_unknown


def test_explicit_format_that_does_not_match_falls_back() -> None:
    parsed = parse_vn_date("07/10/2022 08:15", "%Y-%m-%d")
    assert parsed is not None
    assert parsed.value.isoformat() == "2022-10-07T08:15:00+07:00"


@pytest.mark.parametrize(
    ("text", "iso", "time_unknown"),
    [
        ("(28/11/2024)", "2024-11-28T00:00:00+07:00", True),
        ("(07/10/2022 08:15)", "2022-10-07T08:15:00+07:00", False),
        ("07/10/22", "2022-10-07T00:00:00+07:00", True),
        ("29/09/12 | 12:00 AM", "2012-09-29T00:00:00+07:00", True),
    ],
)
def test_parse_list_date(text: str, iso: str, time_unknown: bool) -> None:
    parsed = parse_list_date(text)
    assert parsed is not None
    assert parsed.value.isoformat() == iso
    assert parsed.time_unknown is time_unknown


def test_two_digit_years_only_on_list_pages() -> None:
    assert parse_vn_date("07/10/22") is None
    assert parse_list_date("Tin 07/10") is None


@pytest.mark.parametrize(
    ("text", "local", "unknown"),
    [
        ("Tue, 08 Mar 2022 00:00:00 +0700", (2022, 3, 8, 0, 0), True),
        ("Tue, 21 Jun 2022 12:30:00 +0700", (2022, 6, 21, 12, 30), False),
        ("Mon, 03 Oct 2022 23:59:59 -0500", (2022, 10, 4, 11, 59), False),
        ("15 Oct 2022 14:05 GMT", (2022, 10, 15, 21, 5), False),
    ],
)
def test_a_feeds_rfc2822_date_is_read_in_vietnam_time(
    text: str, local: tuple[int, ...], unknown: bool
) -> None:
    """A feed's pubDate (RFC 2822) in Vietnam time; midnight means the time is unknown."""
    got = parse_list_date(text)
    assert got is not None
    assert got.value.tzinfo == VN_TZ
    assert (
        got.value.year,
        got.value.month,
        got.value.day,
        got.value.hour,
        got.value.minute,
    ) == local
    assert got.time_unknown is unknown
