"""Page decoding: BOMs, declared charsets, windows-1258, TCVN3, VNI, mojibake."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from crawlers.cleaning.encodings import decode_page
from crawlers.cleaning.legacy import (
    TCVN3_DECODE,
    VNI_ENCODE,
    detect_legacy,
    encode_tcvn3,
    encode_vni,
    fix_legacy,
    tcvn3_to_unicode,
    to_nfc,
    vni_to_unicode,
)

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_868e4ddf995b679e.txt"
SENTENCES = [
    "Hội nghị ngành Công thương 28 tỉnh, thành phố khu vực phía Bắc lần thứ VIII - năm 2022",
    "Các đồng chí Lãnh đạo chụp ảnh lưu niệm tại hội nghị",
    "Tại tỉnh Hòa Bình, 9 tháng đầu năm 2022, chỉ số sản xuất công nghiệp ước tăng 18%; "
    "tổng mức bán lẻ hàng hóa và doanh thu dịch vụ ước đạt 38.490 tỷ đồng.",
    "Đồng thời, đồng chí Thứ trưởng Bộ Công Thương Đặng Hoàng An cũng đã ghi nhận những ý kiến "
    "đề xuất, kiến nghị của các đại biểu.",
]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _seed_paragraphs() -> list[str]:
    if not SEED.exists():
        return []
    return [p for p in SEED.read_text(encoding="utf-8").splitlines() if len(p) > 200][:3]


def _cp1258(s: str) -> bytes:
    """Encode the way Vietnamese Windows did: precomposed base letter + combining tone."""
    out = bytearray()
    for ch in s:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        tone = "".join(c for c in nfd if c in TONES)
        out += (base + tone).encode("cp1258")
    return bytes(out)


def test_windows_1258_decodes_to_nfc() -> None:
    for s in SENTENCES:
        body = _cp1258(s)
        assert body != s.encode("utf-8")
        raw = body.decode("cp1258")
        assert raw != s  # decomposed letters as they come from the codec
        decoded = decode_page(body, "windows-1258")
        assert decoded == s
        assert unicodedata.is_normalized("NFC", decoded)


def test_windows_1258_html_page_with_meta_label() -> None:
    html = '<html><head><meta charset="windows-1258"></head><body><p>{}</p></body></html>'
    body = html.encode("ascii").replace(b"{}", _cp1258(SENTENCES[1]))
    assert SENTENCES[1] in decode_page(body, "windows-1258")


@pytest.mark.parametrize("sentence", SENTENCES + _seed_paragraphs())
def test_tcvn3_round_trip(sentence: str) -> None:
    body = encode_tcvn3(sentence)
    assert body.isascii() is False
    assert decode_page(body) == sentence
    assert decode_page(body, "iso-8859-1") == sentence
    assert decode_page(body, "windows-1252") == sentence


@pytest.mark.parametrize("sentence", SENTENCES + _seed_paragraphs())
def test_vni_round_trip(sentence: str) -> None:
    body = encode_vni(sentence)
    assert decode_page(body) == sentence
    assert decode_page(body, "windows-1252") == sentence


def test_known_legacy_spellings() -> None:
    # the forms quoted in docs/portals.md
    assert encode_vni("Hội nghị") == "Hoäi nghò".encode("latin-1")
    assert encode_tcvn3("Hội nghị") == "Héi nghÞ".encode("latin-1")
    assert encode_vni("được Việt Nam") == "ñöôïc Vieät Nam".encode("latin-1")
    assert vni_to_unicode("HOÄI NGHÒ ÑAÛNG") == "HỘI NGHỊ ĐẢNG"
    assert tcvn3_to_unicode("§¶ng bé") == "Đảng bộ"


def test_tables_are_complete() -> None:
    lower = "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ"
    assert set(lower) - set("aeiouy") <= set(TCVN3_DECODE.values())
    assert set(lower) - set("aeiouy") <= set(VNI_ENCODE)
    assert set(lower.upper()) - set("AEIOUY") <= set(VNI_ENCODE)
    assert len(set(TCVN3_DECODE)) == len(set(TCVN3_DECODE.values()))  # one code, one letter
    assert all(0xA1 <= code <= 0xFE for code in TCVN3_DECODE)


def test_tcvn3_has_no_uppercase_toned_letters() -> None:
    # .VnTimeH fonts reuse the lowercase codes: decoding yields lowercase.
    assert decode_page(encode_tcvn3("HỘI NGHỊ CÔNG THƯƠNG Ở TỈNH " + SENTENCES[1])).startswith(
        "HộI NGHị CÔNG THƯƠNG ở TỉNH"
    )


def test_vni_uppercase_round_trip() -> None:
    s = "HỘI NGHỊ NGÀNH CÔNG THƯƠNG ĐẠI BIỂU TỈNH HÒA BÌNH"
    assert decode_page(encode_vni(s)) == s


def test_unicode_vietnamese_is_not_taken_for_legacy() -> None:
    for s in [*SENTENCES, "Tôi là người Hà Nội, có nhà ở phố Hàng Bè", "Café © Hòa Bình"]:
        assert detect_legacy(s) is None
        assert fix_legacy(s) == s
        assert decode_page(s.encode("utf-8")) == s
        assert decode_page(s.encode("utf-8"), "utf-8") == s


def test_legacy_needs_enough_evidence() -> None:
    assert detect_legacy("Héi") is None  # a single word proves nothing
    assert detect_legacy("déjà vu, naïve café") is None


def test_mixed_page_converts_only_legacy_words() -> None:
    legacy = encode_vni(SENTENCES[1]).decode("latin-1")
    page = f"<p>Tin từ các đơn vị</p><p>{legacy}</p><p>Hòa Bình là tỉnh</p>"
    out = fix_legacy(page)
    assert SENTENCES[1] in out
    assert "Tin từ các đơn vị" in out
    assert "Hòa Bình là tỉnh" in out


def test_legacy_text_inside_utf8_page() -> None:
    # TCVN3 text pasted into a UTF-8 page as Latin-1 characters
    legacy = encode_tcvn3(SENTENCES[0]).decode("latin-1")
    html = f'<html><head><meta charset="utf-8"></head><body><h1>{legacy}</h1></body></html>'
    assert SENTENCES[0] in decode_page(html.encode("utf-8"), "utf-8")


def test_double_encoded_utf8_page_repaired() -> None:
    s = "<p>Thứ năm - 07/10/2022 08:15 Hội nghị ngành Công thương</p>"
    body = s.encode("utf-8").decode("cp1252").encode("utf-8")
    assert decode_page(body, "utf-8") == s


def test_boms() -> None:
    s = "Sở Công Thương tỉnh Hòa Bình"
    assert decode_page(b"\xef\xbb\xbf" + s.encode("utf-8"), "windows-1252") == s
    assert decode_page(s.encode("utf-16"), None) == s
    assert decode_page(b"\xff\xfe\x00\x00" + s.encode("utf-32-le")) == s


def test_declared_charset_wins_when_clean() -> None:
    s = "Sở Công Thương"
    assert decode_page(s.encode("utf-8"), ' "UTF-8" ') == s
    assert decode_page("Tiếng Việt".encode("utf-16-le"), "utf-16-le") == "Tiếng Việt"


def test_bad_declared_label_or_misdeclared_utf8() -> None:
    s = "Thành phố Hòa Bình"
    assert decode_page(s.encode("utf-8"), "no-such-charset") == s
    assert decode_page(s.encode("utf-8"), "iso-8859-1") == s  # misdeclared Latin-1
    assert decode_page(s.encode("utf-8"), "windows-1258") == s


def test_undeclared_windows_1258_page_is_detected() -> None:
    body = _cp1258(" ".join(SENTENCES))
    assert decode_page(body) == " ".join(SENTENCES)


def test_cp1252_holes_do_not_crash() -> None:
    assert decode_page(b"a\x81b\x9dc", "windows-1252") == "a\x81b\x9dc"


def test_to_nfc() -> None:
    assert to_nfc(unicodedata.normalize("NFD", "Hội nghị")) == "Hội nghị"


def test_encoders_replace_what_they_cannot_encode() -> None:
    assert encode_tcvn3("Hà 中") == "Hµ ?".encode("latin-1")
    assert encode_vni("Hà 中") == "Haø ?".encode("latin-1")
