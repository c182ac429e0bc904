"""The legacy Vietnamese 8-bit encodings TCVN3 and VNI: tables, conversion, detection.

Legacy tables (both built programmatically below from the published charts):

* **TCVN3 / ABC** — TCVN 5712:1993, table "VN3", the encoding of the ``.VnTime``
  ABC fonts. One byte per letter; only the seven uppercase letters Ă Â Ê Ô Ơ Ư Đ
  have codes. Uppercase toned letters were typed with the lowercase codes in the
  capitals-only ``.VnTimeH`` fonts, so they decode to lowercase (lossy by design).
* **VNI** — the VNI-Windows font layout (VNI Software). A base ASCII letter is
  followed by a mark byte (e.g. ``o`` + ``ä`` = ộ); đ ơ ư and the toned i / ỵ are
  single bytes. Uppercase mark bytes are the lowercase ones minus 0x20, the same
  offset as Latin-1 capitals.

Both sets live in 0xA1–0xFF, where windows-1252 and ISO-8859-1 agree, so the
text is examined as Latin-1 characters whatever the page declared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from domain.syllables import is_vn_syllable

__all__ = [
    "detect_legacy",
    "encode_tcvn3",
    "encode_vni",
    "fix_legacy",
    "tcvn3_to_unicode",
    "to_nfc",
    "vni_to_unicode",
]

# Tone marks in chart column order: grave, hook, tilde, acute, dot below.
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def to_nfc(s: str) -> str:
    """Unicode NFC (windows-1258 and some editors produce decomposed letters)."""
    return unicodedata.normalize("NFC", s)


def _with_tone(base: str, tone: str) -> str:
    return to_nfc(base + tone)


# ------------------------------------------------------------------ TCVN3 (VN3)

# (letter, code of the toneless letter or None for ASCII, codes for the tones in
# _TONES order) — the rows of the TCVN 5712 VN3 chart.
_TCVN3_ROWS: tuple[tuple[str, int | None, tuple[int, int, int, int, int]], ...] = (
    ("a", None, (0xB5, 0xB6, 0xB7, 0xB8, 0xB9)),
    ("ă", 0xA8, (0xBB, 0xBC, 0xBD, 0xBE, 0xC6)),
    ("â", 0xA9, (0xC7, 0xC8, 0xC9, 0xCA, 0xCB)),
    ("e", None, (0xCC, 0xCE, 0xCF, 0xD0, 0xD1)),
    ("ê", 0xAA, (0xD2, 0xD3, 0xD4, 0xD5, 0xD6)),
    ("i", None, (0xD7, 0xD8, 0xDC, 0xDD, 0xDE)),
    ("o", None, (0xDF, 0xE1, 0xE2, 0xE3, 0xE4)),
    ("ô", 0xAB, (0xE5, 0xE6, 0xE7, 0xE8, 0xE9)),
    ("ơ", 0xAC, (0xEA, 0xEB, 0xEC, 0xED, 0xEE)),
    ("u", None, (0xEF, 0xF1, 0xF2, 0xF3, 0xF4)),
    ("ư", 0xAD, (0xF5, 0xF6, 0xF7, 0xF8, 0xF9)),
    ("y", None, (0xFA, 0xFB, 0xFC, 0xFD, 0xFE)),
)
_TCVN3_SINGLES = {
    "đ": 0xAE,
    "Ă": 0xA1,
    "Â": 0xA2,
    "Ê": 0xA3,
    "Ô": 0xA4,
    "Ơ": 0xA5,
    "Ư": 0xA6,
    "Đ": 0xA7,
}


def _build_tcvn3() -> dict[int, str]:
    table: dict[int, str] = {}
    for letter, code, tone_codes in _TCVN3_ROWS:
        if code is not None:
            table[code] = letter
        for tone, tone_code in zip(_TONES, tone_codes, strict=True):
            table[tone_code] = _with_tone(letter, tone)
    for letter, code in _TCVN3_SINGLES.items():
        table[code] = letter
    return table


TCVN3_DECODE: dict[int, str] = _build_tcvn3()
TCVN3_ENCODE: dict[str, int] = {v: k for k, v in TCVN3_DECODE.items()}
_TCVN3_TRANSLATE = {code: letter for code, letter in TCVN3_DECODE.items()}


def tcvn3_to_unicode(s: str) -> str:
    """Map TCVN3 code points (seen as Latin-1 characters) to Unicode letters."""
    return s.translate(_TCVN3_TRANSLATE)


def encode_tcvn3(s: str) -> bytes:
    """Encode Unicode text as TCVN3 bytes (uppercase toned letters → lowercase codes, others '?')."""
    out = bytearray()
    for ch in to_nfc(s):
        if ch in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[ch])
        elif ch.isascii():
            out += ch.encode("ascii")
        elif ch.lower() in TCVN3_ENCODE:
            out.append(TCVN3_ENCODE[ch.lower()])
        else:
            out += b"?"
    return bytes(out)


# ------------------------------------------------------------------------- VNI

_VNI_PLAIN = (0xF8, 0xFB, 0xF5, 0xF9, 0xEF)  # ø û õ ù ï after a e o u y ơ ư
_VNI_CIRCUMFLEX = 0xE2, (0xE0, 0xE5, 0xE3, 0xE1, 0xE4)  # â, à å ã á ä after a e o
_VNI_BREVE = 0xEA, (0xE8, 0xFA, 0xFC, 0xE9, 0xEB)  # ê, è ú ü é ë after a
_VNI_I = (0xEC, 0xE6, 0xF3, 0xED, 0xF2)  # ì æ ó í ò: the toned i are single bytes
_VNI_HORN = {"ơ": 0xF4, "ư": 0xF6}  # ô ö
_VNI_D = 0xF1  # ñ
_VNI_Y_DOT = 0xEE  # î: ỵ is a single byte


def _build_vni() -> dict[str, str]:
    """Unicode lowercase letter → VNI string (Latin-1 characters)."""
    table: dict[str, str] = {"đ": chr(_VNI_D)}
    for base in "aeouy":
        for tone, code in zip(_TONES, _VNI_PLAIN, strict=True):
            table[_with_tone(base, tone)] = base + chr(code)
    table["ỵ"] = chr(_VNI_Y_DOT)
    for tone, code in zip(_TONES, _VNI_I, strict=True):
        table[_with_tone("i", tone)] = chr(code)
    for base, (mark, tone_codes), modifier in (
        ("a", _VNI_CIRCUMFLEX, "\u0302"),
        ("e", _VNI_CIRCUMFLEX, "\u0302"),
        ("o", _VNI_CIRCUMFLEX, "\u0302"),
        ("a", _VNI_BREVE, "\u0306"),
    ):
        letter = to_nfc(base + modifier)
        table[letter] = base + chr(mark)
        for tone, code in zip(_TONES, tone_codes, strict=True):
            table[_with_tone(letter, tone)] = base + chr(code)
    for letter, code in _VNI_HORN.items():
        table[letter] = chr(code)
        for tone, tone_code in zip(_TONES, _VNI_PLAIN, strict=True):
            table[_with_tone(letter, tone)] = chr(code) + chr(tone_code)
    upper = {}
    for letter, seq in table.items():
        # Uppercase: ASCII base letters upper-cased, mark bytes minus 0x20.
        upper[letter.upper()] = "".join(
            c.upper() if c.isascii() else chr(ord(c) - 0x20) for c in seq
        )
    table.update(upper)
    return table


VNI_ENCODE: dict[str, str] = _build_vni()
VNI_DECODE: dict[str, str] = {v: k for k, v in VNI_ENCODE.items()}
_VNI_PATTERN = re.compile(
    "|".join(re.escape(seq) for seq in sorted(VNI_DECODE, key=len, reverse=True))
)


def vni_to_unicode(s: str) -> str:
    """Map VNI sequences (seen as Latin-1 characters) to Unicode letters."""
    return _VNI_PATTERN.sub(lambda m: VNI_DECODE[m.group(0)], s)


def encode_vni(s: str) -> bytes:
    """Encode Unicode text as VNI-Windows bytes (characters without a code become '?')."""
    out: list[str] = []
    for ch in to_nfc(s):
        if ch in VNI_ENCODE:
            out.append(VNI_ENCODE[ch])
        elif ch.isascii():
            out.append(ch)
        else:
            out.append("?")
    return "".join(out).encode("latin-1")


# -------------------------------------------------------------- legacy detection

# Words as runs of letters or Latin-1 high characters (TCVN3 uses « ¸ × ÷ … as letters).
_TOKEN = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00ff])+")
_HIGH_LATIN1 = re.compile("[\u00a1-\u00ff]")
_LEGACY: dict[str, Callable[[str], str]] = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
MIN_LEGACY_WORDS = 3


# Words that could be legacy-encoded, in one match: the tokens (:data:`_TOKEN`) past ASCII
# with nothing past U+00FF; a token's only characters up to U+00FF are A-Z, a-z and ¡-ÿ.
_TOKEN_CHAR = r"(?:[^\W\d_]|[\u00a1-\u00ff])"
_CANDIDATE = re.compile(
    rf"(?<!{_TOKEN_CHAR})[A-Za-z\u00a1-\u00ff]*[\u00a1-\u00ff][A-Za-z\u00a1-\u00ff]*(?!{_TOKEN_CHAR})"
)


def detect_legacy(text: str) -> str | None:
    """Return "tcvn3" or "vni" when ``text`` confidently holds that legacy encoding.

    Confident means: at least :data:`MIN_LEGACY_WORDS` candidate words, at least 60%
    of them convert to valid Vietnamese syllables, and more than twice as many
    convert validly as are already valid as they stand.

    Counted line by line (words never span one), stopping once no converter can reach
    ``valid > 2 * as_is``: a word to come adds at most 1 to ``valid - 2 * as_is``, and at
    most ``high - n`` are to come (each holds a high character). On a Unicode page, most
    candidates valid as they stand, that is about halfway.
    """
    high = len(_HIGH_LATIN1.findall(text))  # at least one per candidate
    if high < MIN_LEGACY_WORDS:
        return None
    n = as_is = 0
    valid = dict.fromkeys(_LEGACY, 0)
    for line in text.split("\n"):
        if line.isascii():
            continue
        words = _CANDIDATE.findall(line)
        if not words:
            continue
        n += len(words)
        as_is += sum(map(is_vn_syllable, words))
        for name, convert in _LEGACY.items():
            valid[name] += sum(map(is_vn_syllable, map(convert, words)))
        if max(valid.values()) - 2 * as_is + (high - n) <= 0:
            return None  # no converter can end up with valid > 2 * as_is
    if n < MIN_LEGACY_WORDS:
        return None
    best: tuple[int, str] | None = None
    for name, v in valid.items():
        confident = v >= MIN_LEGACY_WORDS and v >= 0.6 * n and v > 2 * as_is
        if confident and (best is None or v > best[0]):
            best = (v, name)
    return best[1] if best else None


_SEGMENT = re.compile(r"(<[^>]*>|\n)")


def _segment_votes(segment: str, convert: Callable[[str], str]) -> tuple[int, int]:
    """(words valid as they stand, candidate words valid once converted) in one segment."""
    as_is = converted = 0
    for word in _TOKEN.findall(segment):
        if max(word) > "\u00ff":
            as_is += is_vn_syllable(word)
        elif _HIGH_LATIN1.search(word):
            as_is += is_vn_syllable(word)
            converted += is_vn_syllable(convert(word))
    return as_is, converted


def fix_legacy(text: str) -> str:
    """Convert TCVN3/VNI text (decoded as Latin-1/cp1252) to Unicode when detection is confident.

    The decision is made for the whole text, then per segment (text between tags
    and line breaks): a segment is converted only when at least as many of its
    words are valid Vietnamese converted as they are as they stand, so the
    Unicode parts of a mixed page survive.
    """
    name = detect_legacy(text)
    if name is None:
        return text
    convert = _LEGACY[name]

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if not _HIGH_LATIN1.search(word) or max(word) > "\u00ff":
            return word
        return convert(word)

    out: list[str] = []
    for segment in _SEGMENT.split(text):
        if segment and not segment.startswith("<") and not segment.isascii():
            as_is, converted = _segment_votes(segment, convert)
            if converted and converted >= as_is:
                segment = _TOKEN.sub(one, segment)
        out.append(segment)
    return to_nfc("".join(out))
