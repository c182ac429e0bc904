"""Windows-1258 encoding as legacy Vietnamese sites produce it.

cp1258 has the base letters with circumflex, breve and horn (â, ă, ê, ô, ơ, ư, đ) and
a few precomposed toned letters, but most tones exist only as combining marks; a
letter like "ệ" must be written "ê" + U+0323. Decoding such a page gives partly
decomposed text that needs NFC.
"""

from __future__ import annotations

import unicodedata

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _char_1258(ch: str) -> str:
    try:
        ch.encode("cp1258")
        return ch
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    tones = "".join(c for c in decomposed if c in TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tones


def to_cp1258_text(text: str) -> str:
    """The text in the (partly decomposed) form cp1258 can hold."""
    return "".join(_char_1258(ch) for ch in unicodedata.normalize("NFC", text))


def encode_cp1258(text: str) -> bytes:
    """Bytes in windows-1258; characters it cannot hold become numeric references."""
    return to_cp1258_text(text).encode("cp1258", errors="xmlcharrefreplace")
