"""Decoding a page's bytes to NFC text: BOMs, declared charsets, stray bytes, guessing.

Text found to be in a legacy Vietnamese encoding is repaired with
:mod:`crawlers.cleaning.legacy`.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from crawlers.cleaning.legacy import detect_legacy, fix_legacy, to_nfc
from domain.text import fix_encoding

__all__ = ["decode_page"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that browsers treat as windows-1252 (WHATWG Encoding Standard).
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "ascii"})


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").strip().lower()
    if label in ("x-user-defined", "unicode"):
        return None
    try:
        return codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None


def _finish(text: str) -> str:
    text = to_nfc(text)
    if not text.isascii():
        text = fix_encoding(text)  # double-encoded UTF-8
        text = fix_legacy(text)
    return to_nfc(text)


def _decode_western(body: bytes) -> str:
    """windows-1252, with its five undefined bytes kept as C1 controls (as browsers do)."""
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(
            b.decode("cp1252", errors="strict") if b not in _CP1252_HOLES else b.decode("latin-1")
            for b in (body[i : i + 1] for i in range(len(body)))
        )


_CP1252_HOLES = frozenset({b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"})


def _stray_bytes_as_cp1252(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    bad = err.object[err.start : err.end]
    return bad.decode("windows-1252", errors="replace").replace("\ufffd", ""), err.end


codecs.register_error("vnfeeds-stray-cp1252", _stray_bytes_as_cp1252)


def _mostly_utf8(body: bytes) -> str | None:
    """The page as UTF-8 when it is UTF-8 but for a few stray bytes (read as windows-1252).

    A page pasted together from a UTF-8 CMS and an old editor is UTF-8 with the odd
    ``\x93`` quote; decoding it all as a legacy charset would garble every letter.
    """
    if body.isascii():
        return None
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad == 0:
        return None
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if good < 8 or bad * 10 > good:
        return None
    return body.decode("utf-8", errors="vnfeeds-stray-cp1252")


def decode_page(body: bytes, declared: str | None = None) -> str:
    """Decode HTML bytes to NFC text.

    Order: BOM; the declared charset if it decodes cleanly (bytes that are valid
    non-ASCII UTF-8 are taken as UTF-8 whatever the label); UTF-8; TCVN3/VNI seen as
    Latin-1; charset-normalizer; windows-1252. Then double-encoded UTF-8 and
    legacy TCVN3/VNI text are repaired.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _finish(body[len(bom) :].decode(name, errors="replace"))
    codec = _codec(declared)
    mostly = _mostly_utf8(body)
    if codec is not None:
        if codec != "utf_8" and not body.isascii():
            # Valid UTF-8 is practically never an accident: the label is wrong
            # (WHATWG also reads a BOM-less "utf-16" label as UTF-8).
            try:
                return _finish(body.decode("utf-8"))
            except UnicodeDecodeError:
                pass
        if mostly is not None:
            return _finish(mostly)
        if codec in _WESTERN:
            return _finish(_decode_western(body))
        try:
            return _finish(body.decode(codec))
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return _finish(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if mostly is not None:
        return _finish(mostly)
    latin = body.decode("latin-1")
    if detect_legacy(latin):
        return _finish(latin)
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return _finish(str(best))
    return _finish(_decode_western(body))
