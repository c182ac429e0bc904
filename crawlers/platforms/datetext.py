"""What a date printed on a page looks like to the platform modules: a date line (a date
and a few labels, never a sentence citing one) and the patterns it is found by."""

from __future__ import annotations

import re

from crawlers.cleaning.dates import ISO_DATE

__all__ = ["DATE_LINE_EXTRA", "DATE_RE", "VN_DATE_RE", "WEEKDAY", "WEEKDAY_DATE_RE", "date_line_of"]

#: A date dd/mm/yyyy (or with "." or "-"), with a time before or after it.
DATE_RE = re.compile(
    r"(?:\d{1,2}:\d{2}(?:\s*[AP]M)?,?\s*)?\b\d{1,2}([/.-])\d{1,2}\1\d{4}\b"
    r"(?:\s*\|?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?)?",
    re.IGNORECASE,
)
#: A date in words: "ngày 5 tháng 6 năm 2019".
VN_DATE_RE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", re.IGNORECASE)
#: A Vietnamese weekday: "thứ ba", "thứ 3", "chủ nhật".
WEEKDAY = r"(?:thứ\s+(?:[2-7]|hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)"
#: A date bar with spaces for separators, named by its weekday ("thứ ba, 25 06 2019 16:14"):
#: without the weekday, three numbers in a row are no date.
WEEKDAY_DATE_RE = re.compile(
    WEEKDAY + r"\s*,?\s*\d{1,2}\s+\d{1,2}\s+\d{4}\b(?:\s+\d{1,2}:\d{2}\b)?", re.IGNORECASE
)
#: A date line holds at most this many characters besides the date (labels, weekday).
DATE_LINE_EXTRA = 40


def date_line_of(text: str) -> str:
    """``text``'s words when it is a date line (a date, ISO too, and at most
    :data:`DATE_LINE_EXTRA` other characters), not a sentence citing a date."""
    m = (
        DATE_RE.search(text)
        or VN_DATE_RE.search(text)
        or ISO_DATE.search(text)
        or WEEKDAY_DATE_RE.search(text)
    )
    if m is None:
        return ""
    clean = " ".join(text.split())
    return clean if len(clean) - len(" ".join(m.group(0).split())) <= DATE_LINE_EXTRA else ""
