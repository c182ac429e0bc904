"""A date a theme prints inside the title's heading is not part of the title.

Themes put the article's date in a ``<span>`` of its heading, and print the brackets
even when the date is blank: a real Liferay 6 department theme (Liên đoàn Lao động
Đắk Nông, ``div.nd_detail_chitiet > h2``) prints "Tiêu đề <span>( )</span>", and
"Tin quy định chung <span>( 2019-05-17T07:42:09.672Z )</span>" where it has one. Only a
trailing bracket that holds nothing, or a date and nothing else, is split off: a title
ending "(tháng 5/2019)" or "(lần 2)" keeps it.
"""

from __future__ import annotations

import re

from crawlers.cleaning.dates import ISO_DATE

_TRAILING = re.compile(r"\s*[(\[]([^()\[\]]{0,40})[)\]]\s*$")
_BLANK = re.compile(r"^[\s\-–—:,.|/]*$")
# 15/05/2019, 15-05-2019, 15.05.2019, with a time before or after
_DMY_ONLY = re.compile(
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?[\s,|-]*)?\d{1,2}([/.-])\d{1,2}\1\d{4}"
    r"(?:[\s,|-]*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?)?",
    re.IGNORECASE,
)


def _date_only(text: str) -> bool:
    """True when ``text`` is a date and nothing else (day-first or ISO 8601)."""
    text = text.strip()
    return bool(_DMY_ONLY.fullmatch(text) or ISO_DATE.fullmatch(text))


def split_title_stamp(title: str) -> tuple[str, str]:
    """``title`` without a trailing bracketed date or empty bracket, and that date ("" if none).

    >>> split_title_stamp("Tin quy định chung ( 2019-05-17T07:42:09.672Z )")
    ('Tin quy định chung', '2019-05-17T07:42:09.672Z')
    >>> split_title_stamp("Lớp bồi dưỡng nghiệp vụ năm 2017 ( )")
    ('Lớp bồi dưỡng nghiệp vụ năm 2017', '')
    >>> split_title_stamp("Lịch tiếp công dân (tháng 5/2019)")
    ('Lịch tiếp công dân (tháng 5/2019)', '')
    """
    m = _TRAILING.search(title)
    if m is None or m.start() == 0:
        return title, ""
    inner = m.group(1)
    if _BLANK.match(inner):
        return title[: m.start()].rstrip(), ""
    if _date_only(inner):
        return title[: m.start()].rstrip(), " ".join(inner.split())
    return title, ""
