"""Property tests: the cleaning functions are total, idempotent, NFC and XML-safe."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawlers.cleaning.dates import parse_list_date, parse_vn_date
from crawlers.cleaning.encodings import decode_page
from crawlers.cleaning.html import absolutize, sanitize_html
from crawlers.cleaning.plaintext import html_to_text
from domain.syllables import match_form
from domain.text import clean_multiline, clean_text, xml_safe
from domain.timezone import VN_TZ

BASE = "http://sct.hoabinh.gov.vn/web/guest/tin-tuc"
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Pieces of what the sites really send, to reach the interesting code paths.
FRAGMENTS = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<div class='share'>",
    "<span>",
    "</span>",
    "<br>",
    "<a href='/x?a=1&amp;b=2'>",
    "<a href='javascript:alert(1)'>",
    "</a>",
    "<b>",
    "</b>",
    "<img data-src='/ảnh 1.jpg' src='data:x'>",
    "<img src=x onerror=alert(1)>",
    "<h1>",
    "</h1>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<ul><li>",
    "</li></ul>",
    "<figure>",
    "<figcaption>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<svg onload=x>",
    "<iframe>",
    "&amp;",
    "&nbsp;",
    "&lt;",
    "&gt;",
    "&#8220;",
    "&quot;",
    "ldquo;",
    "rdquo;",
    "amp;",
    "#8221;",
    "Thá»©",
    "nÄƒm",
    "Ã",
    "â€",
    "\x83",
    "\x9d",
    "\x00",
    "\x0b",
    "\ufeff",
    "\u200b",
    "\ufffe",
    "hoà",
    "Hòa",
    "THUỶ",
    "khoẻ",
    "Ủy",
    "\u0300",
    "\u0301",
    "\u0323",
    "\n",
    "\r\n",
    " ",
    "\xa0",
    "\t",
    "Các tin khác",
    "In bài viết",
    "Quay lại",
    "07/10/2022 08:15",
    "12:00 AM",
    "Thứ năm - ",
    "Héi nghÞ",
    "Hoäi nghò",
    "<",
    ">",
    "&",
    ";",
    "#",
    "/",
    ":",
    "(",
    ")",
]
pieces = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=6),
    st.characters(categories=["Cs", "Cc", "Mn"]),
)
texts = st.one_of(st.text(), st.lists(pieces, max_size=40).map("".join))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_output(out: str) -> None:
    assert isinstance(out, str)
    assert unicodedata.is_normalized("NFC", out)
    assert not XML_FORBIDDEN.search(out)


@SETTINGS
@given(texts)
def test_clean_text(s: str) -> None:
    out = clean_text(s)
    _check_output(out)
    assert "\n" not in out and out == out.strip()
    assert clean_text(out) == out


@SETTINGS
@given(texts)
def test_clean_multiline(s: str) -> None:
    out = clean_multiline(s)
    _check_output(out)
    assert "\n\n" not in out and out == out.strip()
    assert clean_multiline(out) == out


@SETTINGS
@given(texts)
def test_match_form(s: str) -> None:
    out = match_form(s)
    _check_output(out)
    assert match_form(out) == out
    assert out == out.casefold() or unicodedata.normalize("NFC", out.casefold()) == out


@SETTINGS
@given(texts)
def test_sanitize_html(s: str) -> None:
    out = sanitize_html(s, BASE)
    _check_output(out)
    assert sanitize_html(out, BASE) == out
    assert not re.search(r"<script|<style|<iframe|<svg|javascript:|\son\w+=", out, re.I)


@SETTINGS
@given(texts)
def test_html_to_text(s: str) -> None:
    out = html_to_text(s)
    _check_output(out)
    assert html_to_text(out) == out


@SETTINGS
@given(texts)
def test_xml_safe(s: str) -> None:
    out = xml_safe(s)
    assert not XML_FORBIDDEN.search(out)
    assert xml_safe(out) == out


@SETTINGS
@given(texts, st.one_of(st.none(), st.sampled_from(["%d/%m/%Y %H:%M", "%Y-%m-%d", "%p %I", "%"])))
def test_parse_vn_date_never_raises(s: str, fmt: str | None) -> None:
    for parsed in (parse_vn_date(s, fmt), parse_list_date(s)):
        if parsed is not None:
            assert parsed.value.tzinfo == VN_TZ
            midnight = (parsed.value.hour, parsed.value.minute, parsed.value.second) == (0, 0, 0)
            assert parsed.time_unknown is midnight


@SETTINGS
@given(
    st.binary(max_size=300),
    st.one_of(
        st.none(), st.sampled_from(["utf-8", "windows-1258", "iso-8859-1", "bogus", "utf-16"])
    ),
)
def test_decode_page_never_raises(body: bytes, declared: str | None) -> None:
    out = decode_page(body, declared)
    assert unicodedata.is_normalized("NFC", out)


@SETTINGS
@given(texts)
@example(";\x1b")  # a trailing control character: stripped first, as browsers do
def test_absolutize_is_safe_and_stable(s: str) -> None:
    out = absolutize(s, BASE)
    assert out == "" or out.startswith(("http://", "https://", "mailto:", "ftp://", "tel:"))
    if out:
        assert absolutize(out, BASE) == out
