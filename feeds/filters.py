"""Feed filters: ``?q=`` keeps items containing any term, ``?exclude=`` drops items with any.

Terms are compared as whole words on the canonical matching form
(:func:`domain.syllables.match_form`), so case and tone placement do not matter. Each term list
is one compiled pattern, tried first on the casefolded text with any tone on any letter
(cheap, and never misses), and only then on the exact matching form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.syllables import canonical_tone, match_form

__all__ = ["FilterError", "Filters", "raw_terms", "search_form"]

_WORD = re.compile(r"[^\W\d_]+")


class FilterError(ValueError):
    """Filter terms beyond the limits (too many, too long)."""


def raw_terms(values: Iterable[str]) -> list[str]:
    """The comma-separated terms of raw parameter values, stripped, empties dropped."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def _terms(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for part in raw_terms(values):
        form = " ".join(match_form(part).split())
        if form and form not in out:
            out.append(form)
    return tuple(out)


def search_form(text: str) -> str:
    """The matching form of stored (already cleaned) text, spaces collapsed.

    :func:`match_form` without its repair pass, which stored text has had: casefold,
    NFC and one tone convention, about ten times faster on a whole article.
    """
    s = unicodedata.normalize("NFC", text.casefold())
    s = _WORD.sub(lambda mm: canonical_tone(mm.group(0)), s)
    return " ".join(unicodedata.normalize("NFC", s).split())


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _untoned(ch: str) -> str:
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONES)
    )


def _any_tone(ch: str) -> str:
    """A regex for ``ch`` carrying any tone mark (or none): tone placement may differ."""
    base = _untoned(ch)
    if base == ch and not base.isalpha():
        return re.escape(ch)
    variants = {base} | {unicodedata.normalize("NFC", base + t) for t in _TONES}
    variants = {v for v in variants if len(v) == 1}
    return "[" + "".join(sorted(variants)) + "]" if len(variants) > 1 else re.escape(ch)


def _loose(term: str) -> str:
    """The term as a regex over casefolded stored text: any tone on any letter, any spaces.

    Canonical tone placement only moves tone marks between letters, so an item whose
    matching form contains the term always matches this: a cheap first test that needs
    only ``casefold()`` of the item (no per-word work).
    """
    return r"\s+".join("".join(_any_tone(c) for c in word) for word in term.split())


def _pattern(terms: tuple[str, ...], loose: bool = False) -> re.Pattern[str] | None:
    if not terms:
        return None
    ordered = sorted(terms, key=len, reverse=True)
    alts = "|".join(_loose(t) if loose else re.escape(t) for t in ordered)
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)")


@dataclass(frozen=True)
class Filters:
    """``?q=`` (keep items containing any term) and ``?exclude=`` (drop items with any term).

    Terms are comma-separated (or repeated parameters) and compared on the canonical
    matching form, whole words only, against title, lead and body text.
    """

    q: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _q_rx: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _x_rx: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _q_sk: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _x_sk: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_q_rx", _pattern(self.q))
        object.__setattr__(self, "_x_rx", _pattern(self.exclude))
        object.__setattr__(self, "_q_sk", _pattern(self.q, loose=True))
        object.__setattr__(self, "_x_sk", _pattern(self.exclude, loose=True))

    @classmethod
    def from_params(
        cls,
        q: Iterable[str] = (),
        exclude: Iterable[str] = (),
        *,
        max_terms: int | None = None,
        max_length: int | None = None,
    ) -> Filters:
        """Filters from raw query-parameter values; :class:`FilterError` beyond the limits."""
        q, exclude = list(q), list(exclude)
        if max_terms is not None or max_length is not None:
            raw = raw_terms(q) + raw_terms(exclude)
            if max_terms is not None and len(raw) > max_terms:
                raise FilterError(f"too many filter terms: {len(raw)} (at most {max_terms})")
            longest = max((len(t) for t in raw), default=0)
            if max_length is not None and longest > max_length:
                raise FilterError(
                    f"filter term too long: {longest} characters (at most {max_length})"
                )
        return cls(_terms(q), _terms(exclude))

    @property
    def active(self) -> bool:
        """True when any term is set."""
        return bool(self.q or self.exclude)

    @property
    def key(self) -> str:
        """A canonical cache key."""
        return "q=" + "|".join(sorted(self.q)) + "&x=" + "|".join(sorted(self.exclude))

    def matches(self, text: str) -> bool:
        """Whether an article whose (stored, cleaned) text is ``text`` passes.

        One pass per term list (all terms are one compiled alternation), on the casefolded
        text with any tone placement first; the exact form is computed only when that
        could match.
        """
        skeleton = text.casefold()
        if self._q_sk is not None and self._q_sk.search(skeleton) is None:
            return False
        may_exclude = self._x_sk is not None and self._x_sk.search(skeleton) is not None
        if self._q_rx is None and not may_exclude:
            return True
        form = search_form(text)
        if self._q_rx is not None and self._q_rx.search(form) is None:
            return False
        return not may_exclude or self._x_rx is None or self._x_rx.search(form) is None
