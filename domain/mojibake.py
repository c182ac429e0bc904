"""An exact, fast answer to "would ftfy leave this line alone?".

ftfy decides whether a segment needs an encoding repair with one large regular
expression (``ftfy.badness.BADNESS_RE``), tried at every position of the text; on
Vietnamese text that scan is most of ftfy's cost. Every match of that expression
contains at least one character of a small set (:data:`REQUIRED`, read from the
expression itself when this module loads), and no match is wider than
:data:`WIDTH` characters. So the expression needs to be tried only in short windows
around those characters: the answer is the same, the work a fraction of it.

The set and the width come from parsing ``BADNESS_RE`` (``re._parser``); when that
parse meets anything it cannot bound (a new ftfy, a new Python), :data:`REQUIRED` is
None and :func:`may_be_bad` answers with the full scan, as ftfy would.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ftfy import TextFixerConfig
from ftfy.badness import BADNESS_RE

__all__ = ["REQUIRED", "WIDTH", "ftfy_leaves_alone", "may_be_bad"]

try:  # Python 3.11+: the parser and its opcodes moved from sre_parse/sre_constants
    import re._constants as _c
    import re._parser as _p
except ImportError:  # pragma: no cover - older layouts are not supported, fall back
    _c = _p = None

# Characters frequent in clean Vietnamese news text: a window around each of them
# costs time, so the set is chosen to avoid them where the expression allows.
_FREQUENT = frozenset("“”‘’–—…•«»©°")


def _charset(op: Any, av: Any) -> set[str] | None:
    """The characters one single-character item matches, None when not enumerable."""
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN:
        out: set[str] = set()
        for o, a in av:
            if o is _c.LITERAL:
                out.add(chr(a))
            elif o is _c.RANGE:
                out.update(chr(i) for i in range(a[0], a[1] + 1))
            else:  # a category, a negation: too wide to enumerate
                return None
        return out
    return None


def _cost(chars: set[str]) -> tuple[int, int]:
    """How often a set's characters occur in clean text (lower is rarer), then its size."""

    def one(ch: str) -> int:
        if ch.isascii():
            return 100 if ch.isalnum() or ch.isspace() else 30
        if ch in _FREQUENT:
            return 20
        base = unicodedata.normalize("NFD", ch)[0]
        if base.isascii() and base.isalpha():
            return 10 if ch.islower() else 3
        return 0

    return sum(map(one, chars)), len(chars)


def _mandatory(items: list[Any]) -> list[set[str]]:
    """Character sets of a sequence such that every match holds a character of each."""
    found: list[set[str]] = []
    for op, av in items:
        chars = _charset(op, av)
        if chars is not None:
            found.append(chars)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            found += _mandatory(list(av[2]))
        elif op is _c.SUBPATTERN:
            found += _mandatory(list(av[3]))
        elif op is _c.BRANCH:
            picks = [_rarest(list(alt)) for alt in av[1]]
            if all(p is not None for p in picks):
                found.append(set().union(*(p for p in picks if p is not None)))
    return found


def _rarest(items: list[Any]) -> set[str] | None:
    sets = _mandatory(items)
    return min(sets, key=_cost) if sets else None


def _analyse(pattern: re.Pattern[str]) -> tuple[re.Pattern[str] | None, int]:
    if _p is None or pattern.flags & re.IGNORECASE:
        return None, 0
    try:
        tree = _p.parse(pattern.pattern, pattern.flags)
        chars = _rarest(list(tree))
        width = tree.getwidth()[1]
    except Exception:  # pragma: no cover - an unexpected parser shape: no shortcut
        return None, 0
    if not chars or width > 64:
        return None, 0
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]"), width


#: A character class every match of ``BADNESS_RE`` contains a character of (None: unknown).
REQUIRED, WIDTH = _analyse(BADNESS_RE)
# ftfy repairs a line longer than this (its default ``max_decode_length``) in pieces.
_FTFY_MAX_SEGMENT = TextFixerConfig().max_decode_length
# What else ftfy (our configuration) would touch: C1 controls, terminal escapes, surrogates.
_OTHER_REPAIRS = re.compile("[\x1b\x80-\x9f\ud800-\udfff]")


def may_be_bad(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``, trying the expression only near the characters it needs."""
    if REQUIRED is None:
        return bool(BADNESS_RE.search(text))
    # A match holding the required character at p lies within [p - WIDTH + 1, p + WIDTH);
    # overlapping windows are merged and each merged window is searched once.
    lo = hi = -1
    for m in REQUIRED.finditer(text):
        p = m.start()
        if p - WIDTH + 1 <= hi:
            hi = p + WIDTH + 1
            continue
        if hi >= 0 and BADNESS_RE.search(text, lo, hi):
            return True
        lo, hi = max(0, p - WIDTH + 1), p + WIDTH + 1
    return hi >= 0 and bool(BADNESS_RE.search(text, lo, hi))


def ftfy_leaves_alone(text: str) -> bool:
    """True when ``ftfy.fix_text`` (encoding repairs, C1, escapes, surrogates, NFC) keeps it.

    ftfy repairs each line (with its ``\n``) as a segment of its own, where ``^`` in its
    expression is the segment's start, so each line is checked on its own here too.
    """
    if _OTHER_REPAIRS.search(text) or not unicodedata.is_normalized("NFC", text):
        return False
    if len(text) > _FTFY_MAX_SEGMENT:
        return False  # ftfy cuts such a line into pieces of its own: leave it to ftfy
    if "\n" not in text[:-1]:
        return not may_be_bad(text)
    lines = text.split("\n")
    last = lines.pop()
    # the "\n" ends its segment and can take part in a match ("œ" before a non-letter)
    return not any(may_be_bad(line + "\n") for line in lines) and not may_be_bad(last)
