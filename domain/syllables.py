"""Vietnamese orthography: the syllable model, tone placement and the matching form.

The syllable model (:func:`split_syllable`, :func:`is_vn_syllable`) is shared with
:mod:`crawlers.cleaning.legacy` for legacy-encoding detection. :func:`canonical_tone`
puts a syllable's tone on one convention's vowel, and :func:`match_form`, built on
:func:`domain.text.clean_text`, is the one canonical form used for dedup, search and topics.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from domain.mojibake import ftfy_leaves_alone
from domain.text import _fixpoint, _may_hold_damage, _words, clean_text

__all__ = [
    "canonical_tone",
    "is_vn_syllable",
    "match_form",
    "split_syllable",
]

_TONE_MARKS = {
    "\u0300": "grave",
    "\u0301": "acute",
    "\u0303": "tilde",
    "\u0309": "hook",
    "\u0323": "dot",
}
_INITIALS = sorted(
    _words("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"),
    key=len,
    reverse=True,
)
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_STOP_FINALS = frozenset({"c", "ch", "p", "t"})
# Vowel clusters (nucleus with its glides) that never take a final consonant.
_OPEN_ONLY = _words(
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu oai oao oay oeo uây uôi uya uyu "
    "ươi ươu iêu yêu"
)
# ... and those that always need one (or a glide).
_CLOSED_ONLY = _words("iê yê uô uyê oă uâ")
_CLUSTERS = _words("a ă â e ê i o ô ơ u ư y oa oe uê uy uơ ươ oo") | _OPEN_ONLY | _CLOSED_ONLY


def _split_tone(word: str) -> tuple[str, str | None] | None:
    """Return (toneless NFC word, tone mark) or None when it carries more than one tone."""
    letters: list[str] = []
    tone: str | None = None
    for ch in word:
        parts = unicodedata.normalize("NFD", ch)
        marks = [c for c in parts if c in _TONE_MARKS]
        if marks:
            if tone is not None or len(marks) > 1:
                return None
            tone = marks[0]
            parts = "".join(c for c in parts if c not in _TONE_MARKS)
        letters.append(unicodedata.normalize("NFC", parts))
    return "".join(letters), tone


def split_syllable(word: str) -> tuple[str, str, str, str | None] | None:
    """Split a lowercase NFC syllable into (initial, vowel cluster, final, tone mark).

    Returns None when ``word`` is not a well-formed Vietnamese syllable.
    """
    split = _split_tone(word)
    if split is None:
        return None
    bare, tone = split
    for initial in [*_INITIALS, ""]:
        if not bare.startswith(initial):
            continue
        rest = bare[len(initial) :]
        for final in _FINALS:
            if final and not rest.endswith(final):
                continue
            cluster = rest[: len(rest) - len(final)] if final else rest
            if cluster not in _CLUSTERS:
                continue
            if final and cluster in _OPEN_ONLY:
                continue
            if not final and cluster in _CLOSED_ONLY:
                continue
            return initial, cluster, final, tone
    return None


@lru_cache(maxsize=65536)
def is_vn_syllable(word: str) -> bool:
    """True when ``word`` (any case) is a well-formed Vietnamese syllable.

    Checks initial, vowel cluster and final, and that stop finals (c, ch, p, t)
    carry only the acute or dot-below tone.
    """
    parts = split_syllable(unicodedata.normalize("NFC", word).lower())
    if parts is None:
        return False
    _, _, final, tone = parts
    return not (final in _STOP_FINALS and tone not in ("\u0301", "\u0323"))


def _tone_index(cluster: str, final: str) -> int:
    """Index in ``cluster`` of the vowel carrying the tone, canonical convention."""
    for i in range(len(cluster) - 1, -1, -1):
        if cluster[i] in "ăâêôơư":
            return i
    if final:
        return len(cluster) - 1
    if len(cluster) == 3:
        return 1
    return 0


@lru_cache(maxsize=65536)
def canonical_tone(word: str) -> str:
    """Move the tone of a lowercase syllable to the canonical vowel.

    Convention (the one the brief calls modern, e.g. "hòa", "thủy", "khỏe"):
    a vowel with a diacritic (ă â ê ô ơ ư; ơ for "ươ") takes the tone; else the
    last vowel when a final consonant follows ("hoàn", "hoạch"); else the middle
    of three vowels ("ngoài"); else the first of two ("hòa", "thủy", "khỏe",
    "của"). "gi"/"qu" count as initials ("giá", "quý"). Words that are not
    Vietnamese syllables are returned unchanged.
    """
    parts = split_syllable(word)
    if parts is None:
        return word
    initial, cluster, final, tone = parts
    if tone is None:
        return word
    i = _tone_index(cluster, final)
    toned = unicodedata.normalize("NFC", cluster[i] + tone)
    return initial + cluster[:i] + toned + cluster[i + 1 :] + final


_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)
def _tone_token(token: str) -> str:
    """One space-free token with each of its words' tones in the canonical place."""
    return _WORD.sub(lambda m: canonical_tone(m.group(0)), token)


def _match_form_once(s: str) -> str:
    s = unicodedata.normalize("NFC", clean_text(s).casefold())
    # clean_text leaves single spaces between tokens; tokens repeat, so map them cached.
    s = " ".join(map(_tone_token, s.split(" ")))
    return unicodedata.normalize("NFC", s)


def _vn_lowercase() -> str:
    vowels = "aăâeêioôơuưy"
    toned = (unicodedata.normalize("NFC", v + m) for v in vowels for m in ("", *_TONE_MARKS))
    return "".join(toned) + "đ"


#: Characters each of :func:`_match_form_once`'s steps keeps as they are, in a text that is
#: already one of its outputs: printable ASCII but "&" (which starts every entity), the
#: lowercase Vietnamese letters and common punctuation; none is changed by casefolding,
#: none is a combining mark. See :func:`_settled`.
SETTLED_CHARS = frozenset(
    ch
    for ch in "".join(map(chr, range(0x20, 0x7F))) + _vn_lowercase() + "“”‘’–—…•«»°·©"
    if ch != "&" and ch.casefold() == ch and not unicodedata.combining(ch)
)
_UNSETTLED = re.compile("[^" + "".join(re.escape(ch) for ch in sorted(SETTLED_CHARS)) + "]")


def _settled(r: str) -> bool:
    """True when ``r``, an output of :func:`_match_form_once`, is surely a fixed point of it,
    so the pass that would confirm it can be skipped.

    Such an output is NFC, one line with single spaces, casefolded and each word's tone in
    its canonical place (:func:`canonical_tone` is idempotent: the tone it moves is found
    on the same vowel cluster again). Made only of :data:`SETTLED_CHARS`, casefolding and
    NFC keep it, and :func:`~domain.text.clean_text` can change it only through an entity
    damaged of its "&" (a ";" after "quot", "#8220" …) or ftfy: not at all when it is ASCII,
    else exactly when :func:`~domain.mojibake.ftfy_leaves_alone` says no.
    """
    return (
        not _UNSETTLED.search(r)
        and not _may_hold_damage(r)
        and (r.isascii() or ftfy_leaves_alone(r))
    )


@lru_cache(maxsize=2048)
def match_form(s: str) -> str:
    """Canonical form for dedup/search/topics: clean, casefolded, one tone convention.

    ``match_form("Hoà Bình") == match_form("HÒA BÌNH") == match_form("hòa bình")``.
    See :func:`canonical_tone` for the tone rule. The passes are repeated until the text
    is stable, as :func:`~domain.text._fixpoint` does, but the confirming pass is left out
    when the first pass's output is :func:`_settled`.
    """
    r = _match_form_once(s)
    if r == s or _settled(r):
        return r
    return _fixpoint(_match_form_once, r, limit=5)  # six passes at most, as before


def slug(s: str) -> str:
    """ASCII slug of a Vietnamese text ("Đắk Nông" -> "dak-nong")."""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")
