"""The caches and shortcuts of domain.text (ftfy per line, tones per token, the entity
repair's pre-check) give what the plain computation did."""

from __future__ import annotations

import re
import unicodedata

import ftfy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.syllables import _WORD, _tone_token, canonical_tone, match_form
from domain.text import (
    _DAMAGED_LONG,
    _DAMAGED_NUMERIC,
    _DAMAGED_SHORT,
    _FTFY,
    _INVISIBLE,
    _LINE_SEPARATOR_CHARS,
    _LINE_SEPARATORS,
    _SPACES,
    _clean_multiline_once,
    _clean_text_once,
    _numeric,
    _repair,
    _repair_entities,
    _unescape,
    clean_text,
    fix_encoding,
    xml_safe,
)

# Pieces of damaged and clean text, newlines and line-separator quirks among them.
PIECES = [
    "Thá»© 5",
    "nÄƒm 2024",
    "â€œ",
    "Ã",
    "Â£5",
    "\x83",
    "\x1b[31m",
    "\r\n",
    "\n",
    "\n\n",
    "\r",
    "\u2028",
    "  ",
    "&amp;",
    "ldquo;",
    "#8221;",
    "hoà",
    "HÒA BÌNH",
    "THUỶ",
    "khoẻ",
    "œ",
    "Œ",
    "¥",
    "ĐẮK NÔNG",
    "a\u0300",
    "Sở Công Thương",
    ".",
    "e",
    " ",
]

texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_fix_encoding_is_ftfy_on_the_whole_text(s: str) -> None:
    assert fix_encoding(s) == ftfy.fix_text(s, config=_FTFY)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_tones_by_cached_tokens_are_tones_by_words(s: str) -> None:
    cleaned = clean_text(s).casefold()
    by_words = _WORD.sub(lambda m: canonical_tone(m.group(0)), cleaned)
    assert " ".join(_tone_token(t) for t in cleaned.split(" ")) == by_words


def test_match_form_keeps_its_examples() -> None:
    assert match_form("Hoà Bình") == match_form("HÒA BÌNH") == match_form("hòa bình")
    assert match_form("Ã\r\nThá»© 5") == "à thứ 5"  # a repair across the line break


def _repair_entities_by_the_patterns(s: str) -> str:
    """The entity repair with the three damaged-entity patterns always applied."""
    s = _unescape(s)
    s = _DAMAGED_LONG.sub(r"&\1;", s)
    s = _DAMAGED_SHORT.sub(r"&\1;", s)
    s = _DAMAGED_NUMERIC.sub(_numeric, s)
    return _unescape(s)


ENTITY_PIECES = [
    "nghị", "rdquo;", "ldquo;", "laquo;", "hellip;", "ndash;", "nbsp;", "quot;", "apos;",
    "middot;", "amp;", "lt;", "gt;", "AT", "(", "#8220;", "#x201C;", "#x1F;", "#12;", "#1234567;",
    "x", "#", ";", " ", "&", "&amp;", "1", "a", "&#39;", "&rdquo;",
]  # fmt: skip


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(ENTITY_PIECES), max_size=12).map("".join))
def test_entity_repair_skips_only_texts_the_patterns_leave(s: str) -> None:
    assert _repair_entities(s) == _repair_entities_by_the_patterns(s)


# ------------------------------------------- whitespace and line-separator shortcuts

WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
spaced = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(WHITESPACE), st.text(max_size=3)),
    max_size=20,
).map("".join)


def test_str_whitespace_is_the_regex_whitespace() -> None:
    r"""``" ".join(s.split())`` stands for ``_SPACES.sub`` + strip: both must call the same
    characters whitespace (every code point checked)."""
    space = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if bool(space.match(c)) != c.isspace()] == []


@settings(max_examples=400, deadline=None)
@given(spaced)
def test_split_join_is_the_spaces_regex(s: str) -> None:
    assert " ".join(s.split()) == _SPACES.sub(" ", s.replace("\n", " ")).strip()
    for line in s.split("\n"):
        assert " ".join(line.split()) == _SPACES.sub(" ", line).strip()


@settings(max_examples=400, deadline=None)
@given(spaced)
def test_line_separators_only_where_their_characters_are(s: str) -> None:
    if _LINE_SEPARATOR_CHARS.search(s) is None:
        assert _LINE_SEPARATORS.sub("\n", s) == s


def _repair_before(s: str) -> str:
    """domain.text._repair as first written (an unconditional line-separator pass)."""
    s = xml_safe(s)
    if not s.isascii():
        s = fix_encoding(s)
    s = _repair_entities(s)
    s = _LINE_SEPARATORS.sub("\n", s)
    s = _INVISIBLE.sub("", s)
    return xml_safe(unicodedata.normalize("NFC", s))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(spaced)
def test_cleaning_is_as_first_written(s: str) -> None:
    assert _repair(s) == _repair_before(s)
    text_once = _SPACES.sub(" ", _repair_before(s).replace("\n", " ")).strip()
    assert _clean_text_once(s) == text_once
    lines = (_SPACES.sub(" ", x).strip() for x in _repair_before(s).split("\n"))
    assert _clean_multiline_once(s) == "\n".join(x for x in lines if x)
