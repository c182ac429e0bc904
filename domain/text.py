"""Text repair and cleaning for display: XML-safe characters, mojibake, entity damage.

Display functions (:func:`clean_text`, :func:`clean_multiline`) repair what the
sites damage (double-encoded UTF-8, entities stripped of their ``&``, stray
controls) but keep the source's spelling and tone placement. The matching form
(:func:`domain.syllables.match_form`) is built on :func:`clean_text`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import ftfy

from domain.mojibake import ftfy_leaves_alone

__all__ = [
    "clean_multiline",
    "clean_text",
    "fix_encoding",
    "xml_safe",
]


def _words(s: str) -> frozenset[str]:
    """A set from a space-separated word list (keeps long tables compact)."""
    return frozenset(s.split())


def _phrases(s: str) -> tuple[str, ...]:
    """A tuple from a "|"-separated phrase list."""
    return tuple(p.strip() for p in s.split("|") if p.strip())


# --------------------------------------------------------------------------- XML

# XML 1.0 Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(s: str) -> str:
    """Drop the characters XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, U+FFFE/F)."""
    return _XML_FORBIDDEN.sub("", s)


# ---------------------------------------------------------------- text repairs

# ftfy restricted to its encoding repairs: no quote uncurling, no width or
# ligature folding, nothing that rewrites correct Vietnamese.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)

# Entity names that summaries show stripped of their "&". The long names never
# occur in real text, so they are repaired wherever they stand ("nghịrdquo;").
_DAMAGED_LONG = re.compile(
    r"(?<!&)(ldquo|rdquo|lsquo|rsquo|sbquo|bdquo|laquo|raquo|hellip|ndash|mdash|nbsp|quot"
    r"|apos|middot);",
)
# Short names are repaired only where they cannot end a word ("AT amp; T", "(lt;").
_DAMAGED_SHORT = re.compile(r"(?<![&A-Za-z0-9])(amp|lt|gt);")
# "#8220;" / "#x201C;": quote-like code points or anything past Latin-1 controls.
_DAMAGED_NUMERIC = re.compile(
    r"(?<![&#\w])#(x[0-9A-Fa-f]{2,5}|[0-9]{2,6});|(?<=\w)#(x[0-9A-Fa-f]{4}|[0-9]{4,6});"
)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?")
_NUMERIC_OK = frozenset({34, 38, 39, 60, 62})


def _numeric(m: re.Match[str]) -> str:
    ref = m.group(1) or m.group(2)
    value = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
    if value in _NUMERIC_OK or 160 <= value <= 0x10FFFF:
        return f"&#{ref};"
    return m.group(0)


# Invisible junk that CMS editors paste or hostile pages plant: C1 controls, DEL, zero-width spaces and joiners' kin, BOM, and bidi controls (embeddings,
# overrides, isolates, marks): invisible, and bidi overrides can disguise text in a reader.
_INVISIBLE = re.compile("[\x7f-\x9f\u200b\u2060\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_SEPARATORS = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
#: Every character :data:`_LINE_SEPARATORS` can match starts with one of these.
_LINE_SEPARATOR_CHARS = re.compile("[\r\u2028\u2029\x85\x0b\x0c]")
_SPACES = re.compile(r"[^\S\n]+")


def _unescape(s: str) -> str:
    for _ in range(8):  # "&amp;amp;ldquo;" and other repeated escaping
        if not _ENTITY.search(s):
            break
        unescaped = html.unescape(s)
        if unescaped == s:
            break
        s = unescaped
    return s


# What the text before a ";" ends with when a damaged entity could end there (a superset of
# the three patterns above: the long names end in these, numeric ones in "#", "x", digits).
_DAMAGED_ENDS = ("quo", "quot", "hellip", "dash", "nbsp", "apos", "middot", "amp", "lt", "gt")
_NUMERIC_TAIL = re.compile(r"#x?[0-9A-Fa-f]{2,6}$")


def _may_hold_damage(s: str) -> bool:
    """False when none of the damaged-entity patterns can match (checked at each ";")."""
    i = s.find(";")
    while i != -1:
        before = s[max(0, i - 8) : i]
        if before.endswith(_DAMAGED_ENDS) or _NUMERIC_TAIL.search(before):
            return True
        i = s.find(";", i + 1)
    return False


def _repair_entities(s: str) -> str:
    """Unescape real entities, then restore the ``&`` of damaged ones and unescape those."""
    s = _unescape(s)
    if not _may_hold_damage(s):
        return _unescape(s)  # the patterns below would change nothing
    s = _DAMAGED_LONG.sub(r"&\1;", s)
    s = _DAMAGED_SHORT.sub(r"&\1;", s)
    s = _DAMAGED_NUMERIC.sub(_numeric, s)
    return _unescape(s)


@lru_cache(maxsize=16384)
def _fix_segment(seg: str) -> str:
    """ftfy (our config) on one segment: a line with its ``\n``, as ftfy itself splits text."""
    if seg.isascii() and "\x1b" not in seg:
        return seg  # nothing for ftfy to do: no mojibake, controls or terminal escapes
    if ftfy_leaves_alone(seg):
        return seg  # the same answer as ftfy's own checks, found without its full scan
    return ftfy.fix_text(seg, config=_FTFY)


def fix_encoding(s: str) -> str:
    """``ftfy.fix_text(s, config=_FTFY)``, remembered per line.

    ftfy repairs each line (with its ``\n``) on its own, so caching by line gives the same
    text while the same paragraphs, met again at each cleaning stage, are repaired once.
    """
    if "\n" not in s:
        return _fix_segment(s)
    lines = s.split("\n")
    last = lines.pop()
    return "".join(
        [*(_fix_segment(line + "\n") for line in lines), _fix_segment(last) if last else ""]
    )


def _repair(s: str) -> str:
    """The shared repair pipeline, before whitespace handling."""
    s = xml_safe(s)  # also drops lone surrogates, which ftfy cannot encode
    if not s.isascii():
        s = fix_encoding(s)
    s = _repair_entities(s)
    if _LINE_SEPARATOR_CHARS.search(s):  # a class scan: much cheaper than the alternation
        s = _LINE_SEPARATORS.sub("\n", s)
    s = _INVISIBLE.sub("", s)
    return xml_safe(unicodedata.normalize("NFC", s))


class _FixedPoints:
    """Strings seen to be fixed points of one function, at most ``maxsize`` (emptied when
    full); ``cache_clear``/``cache_info`` as on ``functools`` caches."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._seen: dict[str, None] = {}

    def __contains__(self, s: object) -> bool:
        return s in self._seen

    def add(self, s: str) -> None:
        """Remember that ``s`` is a fixed point."""
        if len(self._seen) >= self.maxsize:
            self._seen.clear()
        self._seen[s] = None

    def cache_clear(self) -> None:
        """Forget them all."""
        self._seen.clear()

    def cache_info(self) -> tuple[int, int]:
        """(how many are remembered, maxsize)."""
        return len(self._seen), self.maxsize


def _fixpoint(
    f: Callable[[str], str], s: str, limit: int = 6, known: _FixedPoints | None = None
) -> str:
    """Apply ``f`` until the result is stable (repairs can uncover new repairs).

    ``known``: fixed points of ``f`` seen so far (each confirmed result is added); one is
    returned as it is, as the loop would after confirming ``f(s) == s``.
    """
    if known is not None and s in known:
        return s
    for _ in range(limit):
        t = f(s)
        if t == s:
            if known is not None:
                known.add(t)
            return t
        s = t
    return s


# ``" ".join(s.split())`` is ``_SPACES.sub(" ", s.replace("\n", " ")).strip()``: str.split,
# str.strip and the regex's \s share one definition of whitespace (Py_UNICODE_ISSPACE).


def _clean_text_once(s: str) -> str:
    return " ".join(_repair(s).split())


def _clean_multiline_once(s: str) -> str:
    lines = (" ".join(line.split()) for line in _repair(s).split("\n"))
    return "\n".join(line for line in lines if line)


_CLEAN_TEXT_FIXED = _FixedPoints(4096)
_CLEAN_MULTILINE_FIXED = _FixedPoints(1024)


@lru_cache(maxsize=2048)
def clean_text(s: str) -> str:
    """Display text: repair mojibake and entity damage, NFC, XML-safe, one line.

    Keeps the source's spelling and tone placement ("hoà" stays "hoà").
    """
    return _fixpoint(_clean_text_once, s, known=_CLEAN_TEXT_FIXED)


@lru_cache(maxsize=512)
def clean_multiline(s: str) -> str:
    """Like :func:`clean_text` but keeps paragraphs: one ``\\n`` between non-empty lines."""
    return _fixpoint(_clean_multiline_once, s, known=_CLEAN_MULTILINE_FIXED)
