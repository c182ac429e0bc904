"""Parsing the dates Vietnamese department sites print.

Dates are day-first and, unless the text carries an offset, local time
(+07:00). A printed time of midnight ("00:00", "12:00 AM") means the CMS stored
only the date, so it is reported as ``time_unknown``.

The hand-written part is *locating* the date and its time inside noisy snippets
("Ngày cập nhập: 6/10/2017", "09:16 AM 11/04/2019 | Lượt xem: 3673"), where
dateparser fails; forms the patterns do not know (month names, …) fall back to
dateparser.

Never pass a page header's "today" date (e.g. "Thứ 5, Ngày 06/10/2022" printed
on every page) to these functions: callers must select the article's own date
element. The parsers take the first valid date in the snippet they are given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from functools import lru_cache

import dateparser

from domain.text import clean_text
from domain.timezone import VN_TZ, VN_TZ_NAME

__all__ = ["ParsedDate", "parse_list_date", "parse_vn_date"]


MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_FALLBACK_LEN = 200


@dataclass(frozen=True)
class ParsedDate:
    """An article date: ``value`` is aware (+07:00); midnight when ``time_unknown``."""

    value: datetime
    time_unknown: bool


# ------------------------------------------------------------------- patterns

#: An ISO 8601 date, with a time and offset or not (also "(2019-05-17T02:49:00.000Z)" printed as is).
ISO_DATE = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?![\d])"
)
_YMD = re.compile(r"(?<!\d)(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?![\d/.]\d)")
_DMY = re.compile(r"(?<![\d/.\-])(\d{1,2})\s?([/.\-])\s?(\d{1,2})\s?\2\s?(\d{4})(?!\d)")
_DMY_SHORT = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{2})(?![\d/.\-])")
_WORDS = re.compile(
    r"(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*(?:năm|,|/|-)?\s*(\d{4})(?!\d)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?<![\d:])(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*phút)?"
    r"(?:\s*(?:([AaPp])\.?\s?[Mm]\.?(?![^\W\d_])|(SA|CH)(?![^\W\d_])))?(?![\d:])"
)
# What may stand between a date and its time: spaces, separators, "lúc".
_AFTER_GAP = re.compile(r"[\s|,;\-–—]*(?:(?:vào\s+)?lúc)?[\s|,;\-–—:]*", re.IGNORECASE)
_BEFORE_GAP = re.compile(r"[\s|,;\-–—]*(?:ngày)?[\s|,;\-–—:]*", re.IGNORECASE)
_MAX_GAP = 12


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    day: date
    clock: time | None = None
    aware: datetime | None = None  # ISO with an explicit offset


def _make_date(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _make_time(hour: str, minute: str, second: str | None, ampm: str | None) -> time | None:
    h, mi, s = int(hour), int(minute), int(second or 0)
    if ampm:
        marker = ampm.upper()
        pm = marker.startswith("P") or marker == "CH"
        if h == 12:
            h = 12 if pm else 0
        elif pm and h < 12:
            h += 12
    if h > 23 or mi > 59 or s > 59:
        return None
    return time(h, mi, s)


def _time_match(m: re.Match[str]) -> time | None:
    return _make_time(m.group(1), m.group(2), m.group(3), m.group(4) or m.group(5))


def _dates(text: str, short_years: bool) -> list[_Found]:
    found: list[_Found] = []
    for m in ISO_DATE.finditer(text):
        day = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day is None:
            continue
        clock = _make_time(m.group(4), m.group(5), m.group(6), None) if m.group(4) else None
        aware = None
        if clock is not None and m.group(7):
            offset = m.group(7)
            if offset != "Z" and ":" not in offset:
                offset = offset[:3] + ":" + offset[3:]
            try:
                aware = datetime.fromisoformat(f"{day.isoformat()}T{clock.isoformat()}{offset}")
            except ValueError:
                continue
        found.append(_Found(m.start(), m.end(), day, clock, aware))
    for m in _YMD.finditer(text):
        day = _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if day is not None:
            found.append(_Found(m.start(), m.end(), day))
    for m in _DMY.finditer(text):
        day = _make_date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if day is not None:
            found.append(_Found(m.start(), m.end(), day))
    for m in _WORDS.finditer(text):
        day = _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if day is not None:
            found.append(_Found(m.start(), m.end(), day))
    if short_years and not found:
        for m in _DMY_SHORT.finditer(text):
            yy = int(m.group(4))
            year = 2000 + yy if yy <= (datetime.now(VN_TZ).year % 100) + 1 else 1900 + yy
            day = _make_date(year, int(m.group(3)), int(m.group(1)))
            if day is not None:
                found.append(_Found(m.start(), m.end(), day))
    found.sort(key=lambda f: f.start)
    return found


def _near_time(text: str, found: _Found) -> time | None:
    """The time printed right after the date, else right before it."""
    after = _AFTER_GAP.match(text, found.end)
    if after and after.end() - found.end <= _MAX_GAP:
        m = _TIME.match(text, after.end())
        if m:
            return _time_match(m)
    for m in _TIME.finditer(text, max(0, found.start - 40), found.start):
        gap = text[m.end() : found.start]
        if len(gap) <= _MAX_GAP and _BEFORE_GAP.fullmatch(gap):
            return _time_match(m)
    return None


def _result(value: datetime) -> ParsedDate:
    value = value.astimezone(VN_TZ) if value.tzinfo else value.replace(tzinfo=VN_TZ)
    midnight = value.hour == 0 and value.minute == 0 and value.second == 0
    if midnight:
        value = value.replace(microsecond=0)
    return ParsedDate(value, midnight)


def _from_found(text: str, found: _Found) -> ParsedDate:
    if found.aware is not None:
        return _result(found.aware)
    clock = found.clock if found.clock is not None else _near_time(text, found)
    return _result(datetime.combine(found.day, clock or time(0)))


# ------------------------------------------------------------- explicit format

_DIRECTIVES = {
    "d": r"(?P<d>\d{1,2})",
    "m": r"(?P<m>\d{1,2})",
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})",
    "p": r"(?P<p>[AaPp]\.?[Mm]\.?|SA|CH)",
    "z": r"(?P<z>Z|[+-]\d{2}:?\d{2})",
    "%": "%",
}


def _format_regex(fmt: str) -> re.Pattern[str] | None:
    parts: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            directive = _DIRECTIVES.get(fmt[i + 1])
            if directive is None or directive in parts:
                return None
            parts.append(directive)
            i += 2
            continue
        parts.append(r"\s*" if ch.isspace() else re.escape(ch))
        i += 1
    try:
        return re.compile("".join(parts), re.IGNORECASE)
    except re.error:
        return None


def _parse_with_format(text: str, fmt: str) -> ParsedDate | None:
    pattern = _format_regex(fmt)
    if pattern is None:
        try:
            return _result(datetime.strptime(text.strip(), fmt))
        except ValueError:
            return None
    for m in pattern.finditer(text):
        g = m.groupdict()
        year = int(g["Y"]) if g.get("Y") else (2000 + int(g["y"]) if g.get("y") else None)
        if year is None or not g.get("m") or not g.get("d"):
            return None
        day = _make_date(year, int(g["m"]), int(g["d"]))
        if day is None:
            continue
        hour = g.get("H") or g.get("I")
        clock = _make_time(hour, g.get("M") or "00", g.get("S"), g.get("p")) if hour else time(0)
        if clock is None:
            continue
        value = datetime.combine(day, clock)
        if g.get("z"):
            offset = g["z"]
            try:
                value = datetime.fromisoformat(value.isoformat() + offset)
            except ValueError:
                continue
        return _result(value)
    return None


# --------------------------------------------------------------------- public


_RFC2822 = re.compile(
    r"(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC?)$"
)


@lru_cache(maxsize=4096)
def _dateparser_fallback(text: str) -> ParsedDate | None:
    # strict day, month and year parts: the result never depends on today, so it is cached
    # (a list date is parsed with its list and again when its article is checked)
    if len(text) > MAX_FALLBACK_LEN or not re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text):
        return None
    if _RFC2822.match(text):  # a feed's pubDate: the standard library reads it exactly
        try:
            return _result(parsedate_to_datetime(text))
        except (TypeError, ValueError):
            pass
    try:
        value = dateparser.parse(
            text,
            languages=["vi", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "TIMEZONE": VN_TZ_NAME,
                "RETURN_AS_TIMEZONE_AWARE": True,
                "REQUIRE_PARTS": ["day", "month", "year"],
                "STRICT_PARSING": True,
            },
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return _result(value)


def _parse(text: str, fmt: str | None, short_years: bool) -> ParsedDate | None:
    text = clean_text(text)
    if not text:
        return None
    if fmt:
        parsed = _parse_with_format(text, fmt)
        if parsed is not None:
            return parsed
    found = _dates(text, short_years)
    if found:
        return _from_found(text, found[0])
    if any(p.search(text) for p in (ISO_DATE, _YMD, _DMY, _WORDS)):
        return None  # a date was printed but is impossible (31/02): do not guess
    return _dateparser_fallback(text)


def parse_vn_date(text: str, fmt: str | None = None) -> ParsedDate | None:
    """Find and parse the article date in ``text``; None when there is no valid date.

    ``fmt`` is an optional strptime-style format from a unit's config, tried
    first (it may match inside a longer snippet; %p also accepts SA/CH).
    """
    return _parse(text, fmt, short_years=False)


def parse_list_date(text: str) -> ParsedDate | None:
    """Like :func:`parse_vn_date` for list-item snippets; also accepts 2-digit years (dd/mm/yy)."""
    return _parse(text, None, short_years=True)
