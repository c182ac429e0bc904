"""Display text repair and the matching form."""

from __future__ import annotations

import unicodedata

import pytest

from domain.syllables import canonical_tone, is_vn_syllable, match_form
from domain.text import clean_multiline, clean_text, xml_safe

SENTENCE = "Thứ năm, Hội nghị ngành Công thương 28 tỉnh tại Thanh Hóa “thành công”"


def _mojibake(s: str, errors: str = "replace") -> str:
    return s.encode("utf-8").decode("cp1252", errors=errors)


@pytest.mark.parametrize("errors", ["replace", "ignore", "strict"])
def test_double_encoded_utf8_cp1252_is_repaired(errors: str) -> None:
    s = "Thứ năm, Hội nghị ngành Công thương 28 tỉnh tại Thanh Hóa ‘thành công’ – Hoà Bình"
    broken = _mojibake(s, errors)
    assert "Thá»© nÄƒm" in broken
    assert clean_text(broken) == s


def test_double_encoded_closing_quote_survives_when_bytes_kept() -> None:
    # U+201D ends in byte 0x9D, undefined in cp1252: decoders that keep it as a
    # C1 control (browsers, Latin-1) allow a full repair; errors="replace" cannot.
    broken = "“thành công”".encode().decode("latin-1")
    assert clean_text(broken) == "“thành công”"


def test_double_encoded_utf8_latin1_is_repaired() -> None:
    # Decoded as Latin-1 the C1 bytes survive as invisible controls: "Thá»© nÄ\x83m".
    broken = "Thứ năm".encode().decode("latin-1")
    assert broken.startswith("Thá»© nÄ")
    assert clean_text(broken) == "Thứ năm"


def test_correct_vietnamese_is_untouched() -> None:
    for s in (SENTENCE, "Hoà Bình – thuỷ lợi, khoẻ mạnh", "Ủy ban nhân dân “tỉnh” ‘x’ …"):
        assert clean_text(s) == s


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("ldquo;Hội nghịrdquo;", "“Hội nghị”"),
        ("Công thương amp; Du lịch", "Công thương & Du lịch"),
        ("quot;Xanhquot; và nbsp;sạch", '"Xanh" và sạch'),
        ("#8220;Bình dân học vụ số#8221;", "“Bình dân học vụ số”"),
        ("Bộ lsquo;Aeo;rsquo; hellip;", "Bộ ‘Aeo;’ …"),
        ("&ldquo;Thật&rdquo; &amp; &#273;úng", "“Thật” & đúng"),
        ("&amp;amp;ldquo;double&amp;rdquo;", "“double”"),
        ("Camp; không sửa", "Camp; không sửa"),
        ("Mục #12; giữ nguyên", "Mục #12; giữ nguyên"),
    ],
)
def test_entity_damage(damaged: str, expected: str) -> None:
    assert clean_text(damaged) == expected


def test_xml_forbidden_characters_dropped() -> None:
    s = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\uffffi\ud800j\tk"
    assert clean_text(s) == "abcdefghij k"
    assert xml_safe(s) == "abcd\x0be\x0cfghij\tk".replace("\x0b", "").replace("\x0c", "")
    assert xml_safe("giữ\tnguyên\n\r") == "giữ\tnguyên\n\r"


def test_whitespace_and_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Hội  nghị\u00a0\u2003ngành\n\tCông thương ")
    out = clean_text(nfd)
    assert out == "Hội nghị ngành Công thương"
    assert unicodedata.is_normalized("NFC", out)


def test_invisible_junk_removed() -> None:
    assert clean_text("Hòa\u200b Bình\ufeff") == "Hòa Bình"


def test_clean_multiline_keeps_paragraphs() -> None:
    s = "  Đoạn một.  \r\n\r\n\n  Đoạn\u00a0hai. \n \n\u2028Đoạn ba.\n"
    assert clean_multiline(s) == "Đoạn một.\nĐoạn hai.\nĐoạn ba."


def test_clean_keeps_tone_placement() -> None:
    assert clean_text("Hoà Bình") == "Hoà Bình"
    assert clean_text("thuỷ") == "thuỷ"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "hòa bình"),
        ("HOÀ BÌNH", "hòa bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("THUỶ", "thủy"),
        ("khoẻ", "khỏe"),
        ("KHOẺ", "khỏe"),
        ("hoá học", "hóa học"),
        ("Thuý", "thúy"),
        ("loà xoà", "lòa xòa"),
    ],
)
def test_match_form_tone_placement(old: str, new: str) -> None:
    assert match_form(old) == new
    assert match_form(new) == new
    assert match_form(new.upper()) == new


def test_match_form_examples_from_brief() -> None:
    assert match_form("Hoà Bình") == match_form("HÒA BÌNH") == match_form("hòa bình")


@pytest.mark.parametrize(
    "word",
    [
        "hoàn",
        "hoạch",
        "ngoài",
        "thoại",
        "khuỷu",
        "người",
        "của",
        "giá",
        "quý",
        "quốc",
        "tuyết",
        "thuở",
        "gì",
        "già",
        "mía",
        "Đặng",
        "được",
    ],
)
def test_canonical_tone_keeps_settled_spellings(word: str) -> None:
    lower = word.lower()
    assert canonical_tone(lower) == lower


def test_canonical_tone_leaves_non_syllables() -> None:
    assert canonical_tone("càfé") == "càfé"
    assert match_form("iPhone Café") == "iphone café"


def test_match_form_repairs_mojibake_too() -> None:
    assert match_form(_mojibake("Hoà Bình")) == "hòa bình"


@pytest.mark.parametrize(
    ("word", "valid"),
    [
        ("nghị", True),
        ("Đặng", True),
        ("thương", True),
        ("khuyến", True),
        ("quyết", True),
        ("tàc", False),  # stop final needs acute or dot
        ("ngayf", False),
        ("héi", False),
        ("hoäi", False),
        ("xyz", False),
        ("cña", False),
    ],
)
def test_is_vn_syllable(word: str, valid: bool) -> None:
    assert is_vn_syllable(word) is valid
