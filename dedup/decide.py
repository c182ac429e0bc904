"""Scoring a pair of articles and putting it in one of three bands.

The score combines two views of the matching form: shingle similarity (the larger of
the Jaccard similarity and a size-weighted containment, so a republished copy that was
cut short is still the same news) and the share of the shorter text's sentences found
verbatim in the other; it is their geometric mean (shingles alone for texts of fewer
than three sentences).  Templated notices — the same boilerplate with another month,
number or place — share many shingles but few whole sentences, and guards keep them
apart: titles that differ in a number, a swap inside the titles that the bodies also
make, or numbers swapped in several places with few shared sentences make the pair
distinct; numbers swapped once or dates far apart cap it at review.  A pair is linked
automatically only when no guard fired.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

import numpy as np

from dedup.config import DedupConfig
from dedup.fingerprint import article_text, match_form, shingle_keys, shingles, tokens

__all__ = ["DocView", "Verdict", "blend", "compare", "decide", "score_keys", "score_text"]

VerdictName = Literal["duplicate", "review", "distinct"]
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")
_DIGITS = re.compile(r"\d+")
_SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n+")
#: below this many sentences in the shorter text, the score is the shingle score alone
MIN_SENTENCES = 3
#: numbers swapped in several places and fewer shared sentences than this: a template
TEMPLATE_OVERLAP = 0.65
#: replaced runs of at most this many words count as a template slot
SLOT_WORDS = 4
#: diffs are computed over at most this many words of each text
DIFF_WORDS = 4000


def _norm_number(s: str) -> str:
    return "/".join(str(int(d)) for d in _DIGITS.findall(s))


@dataclass
class DocView:
    """What the decision needs of one article (display text in, matching form derived)."""

    title: str
    lead: str = ""
    body: str = ""
    published: datetime | None = None
    source: str = ""
    canonical_url: str = ""
    k: int = 3

    @classmethod
    def from_json(cls, d: dict[str, Any], k: int = 3) -> DocView:
        """From a ``vnfeeds extract`` JSON object."""
        pub = d.get("published")
        return cls(
            title=d.get("title") or "",
            lead=d.get("lead") or "",
            body=d.get("body_text") or "",
            published=datetime.fromisoformat(pub) if isinstance(pub, str) and pub else None,
            source=d.get("source") or "",
            canonical_url=d.get("canonical_url") or d.get("url") or "",
            k=k,
        )

    @classmethod
    def from_row(cls, a: Any, k: int = 3) -> DocView:
        """From a ``storage.models.Article`` (or anything with the same attributes)."""
        return cls(
            title=a.title or "",
            lead=a.lead or "",
            body=a.body_text or "",
            published=a.published,
            source=a.source or "",
            canonical_url=a.canonical_url or "",
            k=k,
        )

    @cached_property
    def text(self) -> str:
        """Match form of the fingerprinted text."""
        return article_text(self.title, self.lead, self.body)

    @property
    def words(self) -> list[str]:
        """Word tokens of :attr:`text` (not kept: a view stays small in the engine's cache)."""
        return tokens(self.text)

    @property
    def shingles(self) -> set[str]:
        """Shingle set of :attr:`words` (not kept; see :attr:`shingle_keys`)."""
        return shingles(self.words, self.k)

    @cached_property
    def shingle_keys(self) -> np.ndarray:
        """The shingles as sorted, distinct 64-bit keys: what pair scores are computed on
        (an eighth of the memory of the strings; a collision is a 1-in-2^64 event)."""
        return shingle_keys(self.shingles)

    @cached_property
    def sentences(self) -> set[str]:
        """Sentences of :attr:`text` (at least 4 words), as word strings."""
        out = set()
        for sent in _SENTENCE.split(self.text):
            w = tokens(sent)
            if len(w) >= 4:
                out.add(" ".join(w))
        return out

    @cached_property
    def title_words(self) -> list[str]:
        """Word tokens of the title's match form."""
        return tokens(match_form(self.title))


@dataclass
class Verdict:
    """The outcome for one pair: score in [0, 1], the band, and why."""

    score: float
    verdict: VerdictName
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"score", "verdict", "reasons"}`` as ``vnfeeds dedup compare`` prints it."""
        return {"score": round(self.score, 4), "verdict": self.verdict, "reasons": self.reasons}


def blend(j: float, c: float, ratio: float) -> float:
    """The text score from Jaccard ``j``, containment ``c`` and length ratio ``ratio``."""
    return max(j, c * (0.7 + 0.3 * ratio))


def score_text(a: set[str], b: set[str]) -> tuple[float, float, float, float]:
    """(score, jaccard, containment, size ratio) of two shingle sets."""
    return _score_counts(len(a & b), len(a), len(b))


def score_keys(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    """:func:`score_text` of two :attr:`DocView.shingle_keys` arrays."""
    return _score_counts(shared_keys(a, b), len(a), len(b))


def shared_keys(a: np.ndarray, b: np.ndarray) -> int:
    """How many keys two arrays of distinct keys share (``len(np.intersect1d(a, b,
    assume_unique=True))``): a key in both is the only value met twice in their union.

    A stable sort of two sorted arrays (as :attr:`DocView.shingle_keys` are) is one
    merge, several times faster than ``intersect1d``'s sort.
    """
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return int(np.count_nonzero(both[1:] == both[:-1]))


def _score_counts(inter: int, na: int, nb: int) -> tuple[float, float, float, float]:
    if not na or not nb:
        return 0.0, 0.0, 0.0, 0.0
    small, large = sorted((na, nb))
    j = inter / (na + nb - inter)
    c = inter / small
    ratio = small / large
    return blend(j, c, ratio), j, c, ratio


def _subs(a: list[str], b: list[str]) -> list[tuple[list[str], list[str]]]:
    """Replaced runs (a side, b side) of a word-level diff."""
    sm = difflib.SequenceMatcher(None, a[:DIFF_WORDS], b[:DIFF_WORDS], autojunk=False)
    return [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in sm.get_opcodes() if op == "replace"]


def _is_slot(sub: tuple[list[str], list[str]]) -> bool:
    return 0 < len(sub[0]) <= SLOT_WORDS and 0 < len(sub[1]) <= SLOT_WORDS


def _has_digit(words: list[str]) -> bool:
    return any(ch.isdigit() for w in words for ch in w)


def _number_conflict(a: str, b: str) -> tuple[set[str], set[str]]:
    """Numbers only in ``a`` and only in ``b`` (both non-empty means numbers were swapped)."""
    na = Counter(_norm_number(x) for x in _NUMBER.findall(a))
    nb = Counter(_norm_number(x) for x in _NUMBER.findall(b))
    return set(na - nb), set(nb - na)


def _fmt(words: list[str]) -> str:
    return " ".join(words)


def sentence_overlap(a: DocView, b: DocView) -> tuple[float, int, int]:
    """(shared sentences / sentences of the shorter text, shared count, shorter count)."""
    sa, sb = a.sentences, b.sentences
    small = min(len(sa), len(sb))
    if small == 0:
        return 0.0, 0, 0
    common = len(sa & sb)
    return common / small, common, small


def _title_swaps(ta: list[str], tb: list[str]) -> list[tuple[list[str], list[str]]]:
    """Replaced runs inside the titles (not at the start, where republishers put prefixes)."""
    if ta == tb:
        return []
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    return [
        (ta[i1:i2], tb[j1:j2])
        for op, i1, i2, j1, j2 in sm.get_opcodes()
        if op == "replace" and i1 > 0 and j1 > 0
    ]


def surely_distinct(a: DocView, b: DocView, config: DedupConfig | None = None) -> bool:
    """True when :func:`decide` would call the pair distinct with score 0, known from the
    sentences alone: each text has at least :data:`MIN_SENTENCES`, they share none (the
    score is then the square root of text × 0) and the pair is not one canonical URL. The
    engine skips such pairs without the text score: it keeps no distinct pair it had not
    stored before."""
    cfg = config or DedupConfig()
    if cfg.low <= 0 or (a.canonical_url and a.canonical_url == b.canonical_url):
        return False
    _, common, small = sentence_overlap(a, b)  # the same figures decide reads
    return small >= MIN_SENTENCES and common == 0


def decide(a: DocView, b: DocView, config: DedupConfig | None = None) -> Verdict:
    """Score a pair and choose its band, with reasons a person can check."""
    cfg = config or DedupConfig()
    if a.canonical_url and a.canonical_url == b.canonical_url:
        return Verdict(1.0, "duplicate", ["same canonical URL"])
    text, j, c, ratio = score_keys(a.shingle_keys, b.shingle_keys)
    reasons = [f"text: jaccard {j:.2f}, containment {c:.2f}, length ratio {ratio:.2f}"]
    score = text
    overlap, common, small = sentence_overlap(a, b)
    if small >= MIN_SENTENCES:
        score = math.sqrt(text * overlap)
        reasons.append(f"sentences: {common} of {small} shared")
    if score < cfg.low:
        return Verdict(score, "distinct", reasons)

    # -- templated notices: titles swap a number, or swap words the bodies swap too
    ta, tb = a.title_words, b.title_words
    t_only_a, t_only_b = _number_conflict(" ".join(ta), " ".join(tb))
    if t_only_a and t_only_b:
        shown = f"{', '.join(sorted(t_only_a))} / {', '.join(sorted(t_only_b))}"
        reasons.append(f"templated notice: titles differ in numbers ({shown})")
        return Verdict(score, "distinct", reasons)
    all_subs = _subs(a.words, b.words) if text < 1.0 else []
    body_subs = [x for x in all_subs if _is_slot(x)]
    swapped_a = {w for x in all_subs if len(x[0]) <= 3 * SLOT_WORDS for w in x[0]}
    swapped_b = {w for x in all_subs if len(x[1]) <= 3 * SLOT_WORDS for w in x[1]}
    for sa, sb in _title_swaps(ta, tb):
        only_a, only_b = set(sa) - set(sb), set(sb) - set(sa)
        if only_a & swapped_a and only_b & swapped_b:
            reasons.append(
                f"templated notice: title and body both swap '{_fmt(sa)}' / '{_fmt(sb)}'"
            )
            return Verdict(score, "distinct", reasons)

    caps: list[str] = []
    number_subs = [x for x in body_subs if _has_digit(x[0]) and _has_digit(x[1])]
    if number_subs:
        shown = "; ".join(f"'{_fmt(x)}' / '{_fmt(y)}'" for x, y in number_subs[:3])
        caps.append(f"bodies differ in numbers: {shown}")
    if a.published and b.published:
        days = abs((a.published - b.published).total_seconds()) / 86400
        if days > cfg.max_days_apart:
            caps.append(f"published {days:.0f} days apart")
    if len(number_subs) >= 2 and small >= MIN_SENTENCES and overlap < TEMPLATE_OVERLAP:
        reasons.append(
            f"templated notice: numbers differ in {len(number_subs)} places"
            f" and only {common} of {small} sentences are shared"
        )
        return Verdict(score, "distinct", reasons)
    if len(caps) == 2:
        reasons.append("templated notice: " + "; ".join(caps))
        return Verdict(score, "distinct", reasons)
    if caps:
        reasons.extend(caps)
        return Verdict(score, "review", reasons)
    if score >= cfg.high:
        return Verdict(score, "duplicate", reasons)
    return Verdict(score, "review", reasons)


def compare(
    a: dict[str, Any], b: dict[str, Any], config: DedupConfig | None = None
) -> dict[str, Any]:
    """Two ``vnfeeds extract`` JSON objects -> ``{"score", "verdict", "reasons"}``."""
    cfg = config or DedupConfig()
    return decide(
        DocView.from_json(a, cfg.shingle), DocView.from_json(b, cfg.shingle), cfg
    ).to_json()
